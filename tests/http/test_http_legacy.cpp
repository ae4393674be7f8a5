// The tutorial's routes (--legacy-routes) for its WeChat Mini Program, and
// the server's life: settings from file, environment and flags, and a clean
// stop with a live stream open.
#include <ctime>
#include <fstream>
#include <future>

#include "http/server_fixture.h"

namespace facecheck::testing {
namespace {

using nlohmann::json;

class HttpLegacy : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess({"--legacy-routes"}); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    REQUIRE_DATA();
    REQUIRE_MODELS();
    ASSERT_TRUE(server_->ok()) << server_->error();
    http_ = server_->client(60);
    admin_ = bearer(server_->admin_key());
    static std::once_flag event_created;
    std::call_once(event_created, [this] {
      const auto now = static_cast<int64_t>(std::time(nullptr));
      json event = {{"name", "Legacy"},
                    {"starts_at", now},
                    {"ends_at", now + 3600},
                    {"status", "open"},
                    // The tutorial's Mini Program cannot take a liveness challenge.
                    {"liveness", "off"}};
      auto r = http_->Post("/api/v1/events", admin_, event.dump(), "application/json");
      event_ = body_json(r).value("id", 0);
    });
    ASSERT_GT(event_, 0);
  }

  // What the Mini Program sends: multipart part "file", no credentials.
  httplib::Result upload(const std::string& route, const std::string& photo,
                         const std::string& name = "") {
    httplib::MultipartFormDataItems form = image_form(photo, "file", "tmp.jpg");
    if (!name.empty()) form.push_back({"name", name, "", ""});
    return http_->Post(route, form);
  }

  json stats() {
    return body_json(http_->Get("/api/v1/events/" + std::to_string(event_) + "/stats", admin_));
  }

  static inline ServerProcess* server_ = nullptr;
  static inline int64_t event_ = 0;
  std::unique_ptr<httplib::Client> http_;
  httplib::Headers admin_;
};

TEST_F(HttpLegacy, RegisterThenLoginOnTheOpenEvent) {
  auto unknown = upload("/face_login", lfw_photo("Grant_Hackett", 2));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->body, "fail");

  auto reg = upload("/face_register", lfw_photo("Grant_Hackett", 1), "Grant");
  ASSERT_EQ(status_of(reg), 200);
  EXPECT_EQ(reg->body, "success");
  EXPECT_EQ(reg->get_header_value("Content-Type").rfind("text/plain", 0), 0u);
  EXPECT_EQ(stats()["registered"], 1);

  auto login = upload("/face_login", lfw_photo("Grant_Hackett", 2));
  ASSERT_EQ(status_of(login), 200);
  EXPECT_EQ(login->body, "success");
  // The Mini Program polls until success: a second login succeeds too.
  EXPECT_EQ(upload("/face_login", lfw_photo("Grant_Hackett", 2))->body, "success");
  EXPECT_EQ(stats()["checked_in"], 1);
}

TEST_F(HttpLegacy, RegisterFailsWithoutAFace) {
  const std::string white =
      read_bytes(data_dir() / "conformance" / "face-api" / "images" / "white.png");
  auto r = upload("/face_register", white);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "fail");
  EXPECT_EQ(r->status, 422);
  auto broken = upload("/face_register", imgtools_file("truncated.jpg"));
  EXPECT_EQ(broken->body, "fail");
  EXPECT_EQ(broken->status, 400);
}

TEST_F(HttpLegacy, DetectReturnsTheLargestFace) {
  auto r = upload("/face_detect", lfw_photo("Grant_Hackett", 1));
  ASSERT_EQ(status_of(r), 200);
  const json box = json::parse(r->body);
  ASSERT_EQ(box.size(), 4u) << r->body;
  EXPECT_LT(box[0].get<int>(), box[2].get<int>());  // x1 < x2
  EXPECT_LT(box[1].get<int>(), box[3].get<int>());
  const std::string white =
      read_bytes(data_dir() / "conformance" / "face-api" / "images" / "white.png");
  EXPECT_EQ(upload("/face_detect", white)->body, "[]");
}

TEST_F(HttpLegacy, DetectNeverReadsServerPaths) {
  auto get = http_->Get("/face_detect?url=/etc/passwd");
  EXPECT_EQ(status_of(get), 400);
  EXPECT_EQ(error_code(get), "url_not_allowed");
  EXPECT_EQ(get->body.find("root:"), std::string::npos);
  httplib::MultipartFormDataItems form = image_form(lfw_photo("Grant_Hackett", 1), "file");
  auto post = http_->Post("/face_detect?url=/etc/passwd", form);
  EXPECT_EQ(status_of(post), 400);
  EXPECT_EQ(error_code(post), "url_not_allowed");
}

TEST(HttpShutdown, SigtermEndsOpenStreamsAndExitsCleanly) {
  REQUIRE_MODELS();
  ServerProcess server;
  ASSERT_TRUE(server.ok()) << server.error();
  auto http = server.client();
  const auto now = static_cast<int64_t>(std::time(nullptr));
  json event = {{"name", "Stop"}, {"starts_at", now}, {"ends_at", now + 60}};
  const auto admin = bearer(server.admin_key());
  const int64_t id =
      body_json(http->Post("/api/v1/events", admin, event.dump(), "application/json"))["id"];
  std::atomic<bool> streaming{false};
  auto stream_client = server.client(60);
  auto stream = std::async(std::launch::async, [&] {
    return stream_client->Get("/api/v1/events/" + std::to_string(id) + "/stream", admin,
                              [&](const char*, size_t) {
                                streaming = true;
                                return true;
                              });
  });
  for (int i = 0; i < 100 && !streaming; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(streaming);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server.stop(std::chrono::seconds(10)), 0) << server.stderr_text();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(stream.wait_for(std::chrono::seconds(5)), std::future_status::ready);
}

// OpenBLAS (Debian's libopenblas0-pthread) starts threads when it loads,
// before main runs; a preloaded library that does the same makes the case
// independent of the machine's BLAS. Before the fix the signal landed on
// that thread and killed the server (exit 143 or 130).
TEST(HttpShutdown, SignalsStopCleanlyWhenALibraryStartedThreadsBeforeMain) {
  REQUIRE_MODELS();
  for (const int signo : {SIGTERM, SIGINT}) {
    ServerProcess server({}, {{"LD_PRELOAD", FACECHECK_EARLY_THREAD_LIB}});
    ASSERT_TRUE(server.ok()) << server.error();
    EXPECT_EQ(server.stop(std::chrono::seconds(10), signo), 0) << "signal " << signo << "\n"
                                                               << server.stderr_text();
  }
}

// A config file in a fresh temporary folder.
std::string write_config(const json& config) {
  char dir[] = "/tmp/facecheck-config-XXXXXX";
  if (!mkdtemp(dir)) return "";
  const std::string path = std::string(dir) + "/config.json";
  std::ofstream(path) << config.dump();
  return path;
}

// Status of an unauthenticated upload of `size` bytes: 401 once the body is
// accepted, 413 when it is over the limit.
int upload_status(ServerProcess& server, size_t size) {
  return status_of(
      server.client()->Post("/api/v1/detect", std::string(size, 'x'), "application/json"));
}

TEST(HttpConfig, EnvironmentOverridesTheFile) {
  REQUIRE_MODELS();
  const std::string config = write_config({{"legacy_routes", true}, {"max_body_mb", 0.01}});
  ServerProcess server({"--config", config}, {{"FACECHECK_MAX_BODY_MB", "0.1"}});
  ASSERT_TRUE(server.ok()) << server.error();
  EXPECT_EQ(status_of(server.client()->Get("/face_detect?url=/etc/hosts")), 400);  // file
  EXPECT_EQ(upload_status(server, 50000), 401);  // env: 100 KiB, not the file's 10 KiB
  EXPECT_EQ(upload_status(server, 200000), 413);
  std::filesystem::remove_all(std::filesystem::path(config).parent_path());
}

TEST(HttpConfig, FlagsOverrideTheEnvironment) {
  REQUIRE_MODELS();
  ServerProcess server({"--max-body-mb", "0.1"}, {{"FACECHECK_MAX_BODY_MB", "0.01"}});
  ASSERT_TRUE(server.ok()) << server.error();
  EXPECT_EQ(upload_status(server, 50000), 401);
  EXPECT_EQ(status_of(server.client()->Get("/face_detect?url=/etc/hosts")), 404);  // default
}

TEST(HttpConfig, UnknownKeyStopsTheServer) {
  const std::string config = write_config({{"prot", 8080}});
  ServerProcess server({"--config", config});
  EXPECT_FALSE(server.ok());
  EXPECT_NE(server.error().find("unknown key prot"), std::string::npos) << server.error();
  std::filesystem::remove_all(std::filesystem::path(config).parent_path());
}

}  // namespace
}  // namespace facecheck::testing
