// What a stranger or a careless client cannot do to the server: floods of
// headers, integers that do not fit, against one real server process.
#include <sodium.h>

#include <ctime>

#include "http/raw_socket.h"
#include "http/server_fixture.h"

namespace facecheck::testing {
namespace {

using nlohmann::json;

// The field an error response names (details.field), or "".
std::string error_field(const httplib::Result& r) {
  const json details = body_json(r).is_object() ? body_json(r)["error"]["details"] : json();
  return details.is_object() ? details.value("field", "") : "";
}

class HttpLimits : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    REQUIRE_MODELS();
    ASSERT_TRUE(server_->ok()) << server_->error();
    http_ = server_->client();
    admin_ = bearer(server_->admin_key());
  }

  httplib::Result post_json(const std::string& path, const json& body) {
    return http_->Post(path, admin_, body.dump(), "application/json");
  }
  httplib::Result patch_json(const std::string& path, const json& body) {
    return http_->Patch(path, admin_, body.dump(), "application/json");
  }
  // A raw GET /healthz with `count` extra headers of `size` bytes each.
  static std::string healthz_with_headers(size_t count, size_t size) {
    std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (size_t i = 0; i < count; ++i)
      request += "X-" + std::to_string(i) + ": " + std::string(size, 'a') + "\r\n";
    return request + "\r\n";
  }

  static inline ServerProcess* server_ = nullptr;
  std::unique_ptr<httplib::Client> http_;
  httplib::Headers admin_;
};

// ---- Finding 3: the number and size of request headers are capped ----

TEST_F(HttpLimits, TooManyHeadersAre431AndTheConnectionCloses) {
  RawSocket many(server_->port());
  ASSERT_TRUE(many.send(healthz_with_headers(101, 10)));
  const std::string response = many.receive();
  EXPECT_EQ(raw_status(response), 431) << response;
  EXPECT_NE(response.find("\"headers_too_large\""), std::string::npos) << response;
  EXPECT_TRUE(many.closed_by_server());
  // A browser's twenty headers, or a hundred, are fine.
  RawSocket normal(server_->port());
  ASSERT_TRUE(normal.send(healthz_with_headers(98, 10)));
  EXPECT_EQ(raw_status(normal.receive()), 200);
}

TEST_F(HttpLimits, HeadersOverThirtyTwoKilobytesAre431) {
  RawSocket large(server_->port());
  ASSERT_TRUE(large.send(healthz_with_headers(5, 7000)));  // 35 KB in five headers
  EXPECT_EQ(raw_status(large.receive()), 431);
  RawSocket fits(server_->port());
  ASSERT_TRUE(fits.send(healthz_with_headers(4, 7000)));
  EXPECT_EQ(raw_status(fits.receive()), 200);
}

// The review's attack: 25,000 headers of 8 KB took 200 and ~290 MB. The
// server now stops reading at the cap, so its peak memory stays put.
TEST_F(HttpLimits, AHeaderFloodCostsTheServerNoMemory) {
  const long peak_before = proc_status_kib(server_->pid(), "VmHWM");
  ASSERT_GT(peak_before, 0);
  RawSocket flood(server_->port());
  ASSERT_TRUE(flood.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
  const std::string header = "X-Flood: " + std::string(8000, 'a') + "\r\n";
  std::string batch;
  for (int i = 0; i < 100; ++i) batch += header;
  bool accepted_all = true;
  for (int i = 0; i < 250 && accepted_all; ++i) accepted_all = flood.send(batch);
  if (accepted_all) flood.send("\r\n");
  const std::string response = flood.receive();
  EXPECT_FALSE(accepted_all) << "the server read all 200 MB of headers";
  EXPECT_NE(raw_status(response), 200);
  const long grown_kib = proc_status_kib(server_->pid(), "VmHWM") - peak_before;
  EXPECT_LT(grown_kib, 32 * 1024) << "peak memory grew by " << grown_kib / 1024 << " MB";
  EXPECT_EQ(status_of(http_->Get("/healthz")), 200);
}

// ---- Finding 6: integers that do not fit are refused, not wrapped ----

TEST_F(HttpLimits, OutOfRangeTimestampsAre400AndChangeNothing) {
  const auto now = static_cast<int64_t>(std::time(nullptr));
  const size_t events_before = body_json(http_->Get("/api/v1/events", admin_))["events"].size();
  for (const char* starts_at :
       {"18446744073709551615", "9223372036854775808", "-1", "253402300800", "1e300"}) {
    const std::string body = std::string("{\"name\": \"Wrap\", \"starts_at\": ") + starts_at +
                             ", \"ends_at\": " + std::to_string(now + 60) + "}";
    auto r = http_->Post("/api/v1/events", admin_, body, "application/json");
    EXPECT_EQ(status_of(r), 400) << starts_at << ": " << (r ? r->body : "");
    EXPECT_EQ(error_code(r), "invalid_field") << starts_at;
    EXPECT_EQ(error_field(r), "starts_at") << starts_at;
  }
  EXPECT_EQ(body_json(http_->Get("/api/v1/events", admin_))["events"].size(), events_before);

  auto created =
      post_json("/api/v1/events", {{"name", "Fits"}, {"starts_at", now}, {"ends_at", now + 60}});
  ASSERT_EQ(status_of(created), 201);
  const std::string path = "/api/v1/events/" + std::to_string(body_json(created)["id"].get<int>());
  auto patched =
      http_->Patch(path, admin_, R"({"ends_at": 18446744073709551615})", "application/json");
  EXPECT_EQ(status_of(patched), 400);
  EXPECT_EQ(body_json(http_->Get(path, admin_))["ends_at"], now + 60);
}

TEST_F(HttpLimits, IdsThatDoNotFitAre400WithoutNegativeNumbers) {
  const auto now = static_cast<int64_t>(std::time(nullptr));
  auto event =
      post_json("/api/v1/events", {{"name", "Ids"}, {"starts_at", now}, {"ends_at", now + 60}});
  ASSERT_EQ(status_of(event), 201);
  const std::string attendees =
      "/api/v1/events/" + std::to_string(body_json(event)["id"].get<int>()) + "/attendees";
  for (const char* id : {"9223372036854775808", "18446744073709551615"}) {
    auto r = http_->Post(attendees, admin_, std::string("{\"person_id\": ") + id + "}",
                         "application/json");
    EXPECT_EQ(status_of(r), 400) << id << ": " << (r ? r->body : "");
    EXPECT_EQ(error_code(r), "invalid_field") << id;
    EXPECT_EQ(r->body.find("-922"), std::string::npos) << r->body;
  }
  EXPECT_EQ(body_json(http_->Get(attendees, admin_))["attendees"].size(), 0u);
}

TEST_F(HttpLimits, FaceIndexThatDoesNotFitIs400AndEnrolsNothing) {
  REQUIRE_DATA();
  auto person = post_json("/api/v1/people", {{"name", "Index"}});
  ASSERT_EQ(status_of(person), 201);
  const std::string faces =
      "/api/v1/people/" + std::to_string(body_json(person)["id"].get<int>()) + "/faces";
  const std::string photo = lfw_photo("Grant_Hackett", 1);
  for (const char* index : {"4294967296", "9223372036854775808", "-4294967296"}) {
    httplib::MultipartFormDataItems form = image_form(photo);
    form.push_back({"face_index", index, "", ""});
    auto multipart = http_->Post(faces, admin_, form);
    EXPECT_EQ(status_of(multipart), 400) << index << ": " << (multipart ? multipart->body : "");
    EXPECT_EQ(error_code(multipart), "invalid_field") << index;
  }
  // The same through JSON, where the number arrives as a number.
  std::string base64(sodium_base64_ENCODED_LEN(photo.size(), sodium_base64_VARIANT_ORIGINAL), 0);
  sodium_bin2base64(base64.data(), base64.size(), reinterpret_cast<const uint8_t*>(photo.data()),
                    photo.size(), sodium_base64_VARIANT_ORIGINAL);
  base64.pop_back();  // the terminating NUL
  auto as_json =
      http_->Post(faces, admin_, R"({"face_index": 4294967296, "image": ")" + base64 + "\"}",
                  "application/json");
  EXPECT_EQ(status_of(as_json), 400) << (as_json ? as_json->body : "");
  EXPECT_EQ(body_json(http_->Get(faces, admin_))["faces"].size(), 0u);
}

}  // namespace
}  // namespace facecheck::testing
