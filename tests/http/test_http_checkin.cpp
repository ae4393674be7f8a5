// Enrolment and check-in over HTTP with the real models and LFW photos:
// recognition, repeat check-ins, strangers, deletion, broken uploads, the
// live feed and self-registration, against one real server process.
#include <sodium.h>

#include <atomic>
#include <ctime>
#include <future>
#include <mutex>

#include "http/server_fixture.h"

namespace facecheck::testing {
namespace {

using nlohmann::json;

// The decoder's codes: image_truncated, image_corrupt, ..., not_an_image.
bool is_image_error(const std::string& code) {
  return code.rfind("image_", 0) == 0 || code == "not_an_image";
}

std::string base64(const std::string& bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// Photo pairs of one person that this network matches well (distance well
// under the threshold), and a stranger to all of them.
const char* const kGrant = "Grant_Hackett";
const char* const kLuis = "Luis_Ernesto_Derbez_Bautista";
const char* const kStranger = "Aaron_Sorkin";

class HttpCheckin : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({"--kiosk-rps", "0", "--threshold", "0.5"});
  }
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
    // Two people enrolled once for the whole suite; each test makes its own
    // events, so check-ins never leak between tests.
    static std::once_flag enrolled;
    std::call_once(enrolled, [this] {
      grant_ = enrolled_person("Grant Hackett", lfw_photo(kGrant, 1));
      luis_ = enrolled_person("路易斯·德韦斯", lfw_photo(kLuis, 1));
    });
    ASSERT_GT(grant_, 0);
    ASSERT_GT(luis_, 0);
  }

  httplib::Result post_json(const std::string& path, const json& body) {
    return http_->Post(path, admin_, body.dump(), "application/json");
  }

  int64_t enrolled_person(const std::string& name, const std::string& photo,
                          bool allow_duplicate = false) {
    const int64_t id = body_json(post_json("/api/v1/people", {{"name", name}})).value("id", 0);
    httplib::MultipartFormDataItems form = image_form(photo);
    form.push_back({"allow_duplicate", allow_duplicate ? "true" : "false", "", ""});
    auto r = http_->Post("/api/v1/people/" + std::to_string(id) + "/faces", admin_, form);
    EXPECT_EQ(status_of(r), 201) << (r ? r->body : "");
    return id;
  }

  int64_t open_event(const std::vector<int64_t>& attendees, const std::string& status = "open") {
    const auto now = static_cast<int64_t>(std::time(nullptr));
    const json event = body_json(post_json("/api/v1/events", {{"name", "Check-in test"},
                                                              {"starts_at", now},
                                                              {"ends_at", now + 3600},
                                                              {"status", status},
                                                              {"self_register", true},
                                                              {"liveness", "off"}}));
    const int64_t id = event.value("id", 0);
    for (int64_t person : attendees)
      EXPECT_EQ(status_of(post_json(path(id, "/attendees"), {{"person_id", person}})), 201);
    return id;
  }

  std::string kiosk_token(int64_t event) {
    return body_json(post_json(path(event, "/kiosks"), {{"name", "door"}})).value("token", "");
  }

  static std::string path(int64_t event, const std::string& rest) {
    return "/api/v1/events/" + std::to_string(event) + rest;
  }

  // The faces of a check-in response (fails the test on another status).
  json check_in(int64_t event, const httplib::Headers& who, const std::string& photo) {
    auto r = http_->Post(path(event, "/checkin"), who, image_form(photo));
    EXPECT_EQ(status_of(r), 200) << (r ? r->body : "");
    return body_json(r).value("faces", json::array());
  }

  json stats(int64_t event) { return body_json(http_->Get(path(event, "/stats"), admin_)); }
  int64_t people_total() {
    return body_json(http_->Get("/api/v1/people?limit=1", admin_)).value("total", int64_t{-1});
  }

  static inline ServerProcess* server_ = nullptr;
  static inline int64_t grant_ = 0;
  static inline int64_t luis_ = 0;
  std::unique_ptr<httplib::Client> http_;
  httplib::Headers admin_;
};

TEST_F(HttpCheckin, RecognisedOnceThenAlreadyCheckedInWithoutASecondRow) {
  const int64_t event = open_event({grant_, luis_});
  const auto kiosk = bearer(kiosk_token(event));
  const json first = check_in(event, kiosk, lfw_photo(kGrant, 2));
  ASSERT_EQ(first.size(), 1u) << first;
  EXPECT_EQ(first[0]["status"], "checked_in") << first;
  EXPECT_EQ(first[0]["person"]["id"], grant_);
  EXPECT_EQ(first[0]["person"]["name"], "Grant Hackett");
  EXPECT_TRUE(first[0].contains("checked_in_at"));

  // Again, this time as JSON with a data: URL.
  const json body = {{"image", "data:image/jpeg;base64," + base64(lfw_photo(kGrant, 2))}};
  auto again = http_->Post(path(event, "/checkin"), kiosk, body.dump(), "application/json");
  ASSERT_EQ(status_of(again), 200) << again->body;
  const json faces = body_json(again)["faces"];
  EXPECT_EQ(faces[0]["status"], "already_checked_in");
  EXPECT_EQ(faces[0]["checked_in_at"], first[0]["checked_in_at"]);

  const json s = stats(event);
  EXPECT_EQ(s["checked_in"], 1);
  EXPECT_EQ(s["registered"], 2);
  EXPECT_EQ(s["enrolled"], 2);
  EXPECT_EQ(s["not_yet"], 1);
  auto attendees = body_json(http_->Get(path(event, "/attendees?search=grant"), admin_));
  EXPECT_EQ(attendees["attendees"][0]["checked_in"], true);
}

TEST_F(HttpCheckin, StrangerIsNotRecognised) {
  const int64_t event = open_event({grant_, luis_});
  const json faces = check_in(event, admin_, lfw_photo(kStranger, 1));
  ASSERT_FALSE(faces.empty());
  EXPECT_EQ(faces[0]["status"], "not_recognised") << faces;
  EXPECT_FALSE(faces[0].contains("person"));
  EXPECT_EQ(stats(event)["checked_in"], 0);
}

// The nearest distance of a face that missed would let a kiosk tune an
// attack photo step by step; only admins (tuning the threshold) see it.
TEST_F(HttpCheckin, OnlyAdminsSeeTheNearestDistanceOfAStranger) {
  const int64_t event = open_event({grant_, luis_});
  const json as_admin = check_in(event, admin_, lfw_photo(kStranger, 1));
  ASSERT_FALSE(as_admin.empty());
  ASSERT_EQ(as_admin[0]["status"], "not_recognised") << as_admin;
  EXPECT_TRUE(as_admin[0]["distance"].is_number()) << as_admin;
  const json as_kiosk = check_in(event, bearer(kiosk_token(event)), lfw_photo(kStranger, 1));
  ASSERT_FALSE(as_kiosk.empty());
  EXPECT_EQ(as_kiosk[0]["status"], "not_recognised") << as_kiosk;
  EXPECT_FALSE(as_kiosk[0].contains("distance")) << as_kiosk;
  EXPECT_EQ(as_kiosk[0]["message"], as_admin[0]["message"]);
}

TEST_F(HttpCheckin, DeletedPersonIsNotRecognisedAtOnce) {
  const int64_t temp = enrolled_person("Temporary", lfw_photo(kLuis, 1), true);
  // Luis's own template would still match: this event has only the copy.
  const int64_t event = open_event({temp});
  EXPECT_EQ(check_in(event, admin_, lfw_photo(kLuis, 2))[0]["status"], "checked_in");
  ASSERT_EQ(status_of(http_->Delete("/api/v1/people/" + std::to_string(temp), admin_)), 204);
  const json faces = check_in(event, admin_, lfw_photo(kLuis, 2));
  EXPECT_EQ(faces[0]["status"], "not_recognised") << faces;
  EXPECT_EQ(stats(event)["checked_in"], 0);
}

TEST_F(HttpCheckin, EnrolmentRefusals) {
  const std::string white =
      read_bytes(data_dir() / "conformance" / "face-api" / "images" / "white.png");
  auto no_face = http_->Post("/api/v1/people/" + std::to_string(grant_) + "/faces", admin_,
                             image_form(white, "image", "white.png"));
  EXPECT_EQ(status_of(no_face), 422);
  EXPECT_EQ(error_code(no_face), "no_face");
  auto unknown = http_->Post("/api/v1/people/987654/faces", admin_, image_form(white));
  EXPECT_EQ(status_of(unknown), 404);
  // Luis's face under another name is flagged as a likely duplicate.
  const int64_t other = body_json(post_json("/api/v1/people", {{"name", "Impostor"}}))["id"];
  auto duplicate = http_->Post("/api/v1/people/" + std::to_string(other) + "/faces", admin_,
                               image_form(lfw_photo(kLuis, 1)));
  EXPECT_EQ(status_of(duplicate), 409);
  EXPECT_EQ(error_code(duplicate), "possible_duplicate");
  auto bad_base64 = http_->Post("/api/v1/people/" + std::to_string(other) + "/faces", admin_,
                                json({{"image", "%%%not base64%%%"}}).dump(), "application/json");
  EXPECT_EQ(error_code(bad_base64), "invalid_base64");
  auto plain = http_->Post("/api/v1/people/" + std::to_string(other) + "/faces", admin_,
                           lfw_photo(kLuis, 1), "image/jpeg");
  EXPECT_EQ(status_of(plain), 415);
  auto faces = body_json(http_->Get("/api/v1/people/" + std::to_string(other) + "/faces", admin_));
  EXPECT_TRUE(faces["faces"].empty());
}

TEST_F(HttpCheckin, BrokenImagesChangeNothing) {
  const int64_t event = open_event({grant_});
  const auto kiosk = bearer(kiosk_token(event));
  const json stats_before = stats(event);
  const int64_t people_before = people_total();
  const std::string enrol = "/api/v1/people/" + std::to_string(grant_) + "/faces";
  const size_t templates_before = body_json(http_->Get(enrol, admin_))["faces"].size();

  for (const char* name : {"truncated.jpg", "corrupted.png", "empty.png"}) {
    SCOPED_TRACE(name);
    const std::string bytes = imgtools_file(name);
    auto c = http_->Post(path(event, "/checkin"), kiosk, image_form(bytes, "image", name));
    EXPECT_EQ(status_of(c), 400);
    EXPECT_TRUE(is_image_error(error_code(c))) << c->body;
    auto e = http_->Post(enrol, admin_, image_form(bytes, "image", name));
    EXPECT_EQ(status_of(e), 400);
    EXPECT_TRUE(is_image_error(error_code(e))) << e->body;
    httplib::MultipartFormDataItems form = {{"image", bytes, name, "image/png"},
                                            {"name", "Broken", "", ""}};
    auto s = http_->Post(path(event, "/self-register"), kiosk, form);
    EXPECT_EQ(status_of(s), 400) << s->body;
  }
  auto gif = http_->Post(path(event, "/checkin"), kiosk, image_form(imgtools_file("einstein.gif")));
  EXPECT_EQ(status_of(gif), 415);
  EXPECT_EQ(error_code(gif), "image_unsupported_format");
  auto gif_enrol = http_->Post(enrol, admin_, image_form(imgtools_file("einstein.gif")));
  EXPECT_EQ(status_of(gif_enrol), 415);
  auto missing = http_->Post(path(event, "/checkin"), kiosk, image_form("x", "photo"));
  EXPECT_EQ(error_code(missing), "missing_image");

  EXPECT_EQ(stats(event), stats_before);
  EXPECT_EQ(people_total(), people_before);
  EXPECT_EQ(body_json(http_->Get(enrol, admin_))["faces"].size(), templates_before);
}

TEST_F(HttpCheckin, ClosedOrDraftEventsRefuseCheckIn) {
  const int64_t draft = open_event({grant_}, "draft");
  auto r = http_->Post(path(draft, "/checkin"), admin_, image_form(lfw_photo(kGrant, 2)));
  EXPECT_EQ(status_of(r), 409);
  EXPECT_EQ(error_code(r), "checkin_closed");
  EXPECT_EQ(stats(draft)["checked_in"], 0);
  const int64_t other = open_event({grant_});
  const auto kiosk_of_other = bearer(kiosk_token(other));
  EXPECT_EQ(status_of(http_->Post(path(draft, "/checkin"), kiosk_of_other,
                                  image_form(lfw_photo(kGrant, 2)))),
            403);
}

TEST_F(HttpCheckin, DetectReturnsBoxes) {
  const auto kiosk = bearer(kiosk_token(open_event({})));
  auto r = http_->Post("/api/v1/detect", kiosk, image_form(lfw_photo(kGrant, 1)));
  ASSERT_EQ(status_of(r), 200);
  const json j = body_json(r);
  EXPECT_EQ(j["width"], 250);
  ASSERT_GE(j["faces"].size(), 1u);
  EXPECT_EQ(j["faces"][0]["box"].size(), 4u);
  EXPECT_EQ(status_of(http_->Post("/api/v1/detect", image_form(lfw_photo(kGrant, 1)))), 401);
}

TEST_F(HttpCheckin, SelfRegisterThenCheckIn) {
  const int64_t event = open_event({});
  const auto kiosk = bearer(kiosk_token(event));
  const int64_t people_before = people_total();
  const std::string white =
      read_bytes(data_dir() / "conformance" / "face-api" / "images" / "white.png");
  httplib::MultipartFormDataItems refused = {{"image", white, "w.png", "image/png"},
                                             {"name", "Nobody", "", ""}};
  auto no_face = http_->Post(path(event, "/self-register"), kiosk, refused);
  EXPECT_EQ(status_of(no_face), 422);
  EXPECT_EQ(error_code(no_face), "no_face");
  EXPECT_EQ(people_total(), people_before);

  httplib::MultipartFormDataItems form = {
      {"image", lfw_photo("Jacques_Rogge", 1), "me.jpg", "image/jpeg"},
      {"name", "自助 访客", "", ""},
      {"organisation", "IOC", "", ""}};
  auto r = http_->Post(path(event, "/self-register"), kiosk, form);
  ASSERT_EQ(status_of(r), 201) << r->body;
  EXPECT_EQ(body_json(r)["person"]["name"], "自助 访客");
  EXPECT_EQ(stats(event)["registered"], 1);
  const json faces = check_in(event, kiosk, lfw_photo("Jacques_Rogge", 2));
  EXPECT_EQ(faces[0]["status"], "checked_in") << faces;
}

// Reads an SSE stream on its own thread until a check_in event arrives.
struct StreamReader {
  std::string received;
  std::mutex mutex;
  std::atomic<bool> saw_stats{false};
  std::atomic<bool> saw_check_in{false};
  std::atomic<bool> abandon{false};  // the test gave up: stop at the next chunk

  bool on_data(const char* data, size_t size) {
    if (abandon) return false;
    std::lock_guard lock(mutex);
    received.append(data, size);
    saw_stats = received.find("event: stats") != std::string::npos;
    // Stop once the check-in and the stats after it are both in.
    const auto at = received.find("event: check_in");
    saw_check_in =
        at != std::string::npos && received.find("event: stats", at) != std::string::npos;
    return !saw_check_in;
  }
};

TEST_F(HttpCheckin, LiveStreamDeliversCheckIns) {
  const int64_t event = open_event({luis_});
  const std::string token = kiosk_token(event);
  StreamReader reader;
  auto stream_client = server_->client(60);
  std::future<httplib::Result> done;
  // Declared after `done`, so it runs first when an assertion returns early:
  // the reading thread then stops at the next keepalive instead of never.
  struct Abandon {
    StreamReader& reader;
    ~Abandon() { reader.abandon = true; }
  } abandon{reader};
  done = std::async(std::launch::async, [&] {
    return stream_client->Get(path(event, "/stream?token=" + token),
                              [&](const char* d, size_t n) { return reader.on_data(d, n); });
  });
  for (int i = 0; i < 100 && !reader.saw_stats; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(reader.saw_stats) << "no initial stats event";

  EXPECT_EQ(check_in(event, bearer(token), lfw_photo(kLuis, 2))[0]["status"], "checked_in");
  ASSERT_EQ(done.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  std::lock_guard lock(reader.mutex);
  const std::string& text = reader.received;
  EXPECT_EQ(text.rfind("retry: 2000\n\n", 0), 0u) << text;
  const auto at = text.find("event: check_in\ndata: ");
  ASSERT_NE(at, std::string::npos) << text;
  const std::string line = text.substr(at + 22, text.find('\n', at + 22) - at - 22);
  const json message = json::parse(line);
  EXPECT_EQ(message["person"]["name"], "路易斯·德韦斯");
  EXPECT_TRUE(message["kiosk_id"].is_number());
  EXPECT_NE(text.find("\"checked_in\":1", at), std::string::npos) << text;
}

TEST_F(HttpCheckin, StreamNeedsCredentialsOfTheEvent) {
  const int64_t event = open_event({});
  const int64_t other = open_event({});
  EXPECT_EQ(status_of(http_->Get(path(event, "/stream"))), 401);
  EXPECT_EQ(status_of(http_->Get(path(event, "/stream?token=kt_wrong"))), 401);
  EXPECT_EQ(status_of(http_->Get(path(event, "/stream?token=" + kiosk_token(other)))), 403);
  EXPECT_EQ(status_of(http_->Get(path(987654, "/stream"), admin_)), 404);
}

TEST_F(HttpCheckin, MetricsCountCheckIns) {
  const int64_t event = open_event({grant_});
  check_in(event, admin_, lfw_photo(kGrant, 2));
  const std::string text = http_->Get("/metrics")->body;
  EXPECT_NE(text.find("facecheck_checkin_faces_total{status=\"checked_in\"}"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("facecheck_checkins_total 0"), std::string::npos);
  EXPECT_NE(text.find("facecheck_operation_duration_seconds_count{operation=\"check_in\"}"),
            std::string::npos);
  EXPECT_NE(text.find("facecheck_operation_duration_seconds_count{operation=\"enrol\"}"),
            std::string::npos);
}

}  // namespace
}  // namespace facecheck::testing
