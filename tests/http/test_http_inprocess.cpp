// The HTTP layer in-process: the real ApiServer on loopback, a real SQLite
// store in a temporary folder, and faces prepared once from real photos
// (support/prepared_faces.h) behind the inference seam, so these need no
// model and run in seconds. They pin what only the HTTP layer decides: the
// JSON of the domain's answers, the status and details of each refusal,
// routing, body parsing and the kiosk rate limit. The same routes against
// the real `facecheck serve` with real models: test_http_*.cpp.
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "checkin/checkin_service.h"
#include "http/server.h"
#include "support/prepared_faces.h"
#include "test_support.h"

using namespace facecheck;
using nlohmann::json;

namespace {

std::string photo(const std::string& rel) {
  return facecheck::testing::read_bytes(facecheck::testing::data_dir() / rel);
}
const std::string kAkhmed1 = "lfw/images/Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg";
const std::string kAkhmed3 = "lfw/images/Akhmed_Zakayev/Akhmed_Zakayev_0003.jpg";
const std::string kAbel1 = "lfw/images/Abel_Pacheco/Abel_Pacheco_0001.jpg";
const std::string kWhite = "conformance/face-api/images/white.png";
const std::string kGroup = "conformance/face-api/images/faces.jpg";

httplib::MultipartFormDataItems image_form(const std::string& bytes) {
  return {{"image", bytes, "photo.jpg", "image/jpeg"}};
}

class HttpInProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_DATA();
    store_ = std::make_unique<storage::Store>(storage::Store::open(dir_.path() / "facecheck.db"));
    engines_ = std::make_unique<checkin::EnginePool>(
        [] { return std::make_unique<facecheck::testing::PreparedAnalyzer>(); }, 1, 8);
    service_ =
        std::make_unique<checkin::CheckinService>(*store_, *engines_, checkin::CheckinSettings{});
    http::ServerOptions options;
    options.port = 0;
    options.http_threads = 8;
    options.max_streams = 2;
    options.kiosk_rps = 2;
    options.kiosk_burst = 2;
    options.default_liveness = storage::LivenessPolicy::kOff;
    server_ = std::make_unique<http::ApiServer>(options, *store_, *service_, *engines_);
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->run(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    admin_ = {{"Authorization", "Bearer " + store_->create_api_key("test").secret}};
    const auto now = std::time(nullptr);
    const json event = post(
        "/api/v1/events",
        {{"name", "Gala"}, {"starts_at", now - 600}, {"ends_at", now + 3600}, {"status", "open"}});
    event_ = event.at("id").get<storage::Id>();
  }
  void TearDown() override {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  json post(const std::string& path, const json& body, int expect = 201) {
    auto r = client_->Post(path, admin_, body.dump(), "application/json");
    EXPECT_TRUE(r);
    if (!r) return json();
    EXPECT_EQ(r->status, expect) << path << ": " << r->body;
    return json::parse(r->body);
  }
  storage::Id attendee(const std::string& name) {
    const json a =
        post("/api/v1/events/" + std::to_string(event_) + "/attendees", {{"name", name}});
    return a.at("person_id").get<storage::Id>();
  }
  httplib::Result enrol(storage::Id person, const std::string& rel) {
    return client_->Post("/api/v1/people/" + std::to_string(person) + "/faces", admin_,
                         image_form(photo(rel)));
  }
  httplib::Headers kiosk() {
    const json k = post("/api/v1/events/" + std::to_string(event_) + "/kiosks", {{"name", "door"}});
    return {{"Authorization", "Bearer " + k.at("token").get<std::string>()}};
  }
  std::string checkin_path() const {
    return "/api/v1/events/" + std::to_string(event_) + "/checkin";
  }

  facecheck::testing::TempDir dir_{"facecheck-inprocess"};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<checkin::EnginePool> engines_;
  std::unique_ptr<checkin::CheckinService> service_;
  std::unique_ptr<http::ApiServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::unique_ptr<httplib::Client> client_;
  httplib::Headers admin_;
  storage::Id event_ = 0;
};

}  // namespace

TEST_F(HttpInProcess, EnrolmentAndCheckInAnswerTheDocumentedJson) {
  const auto akhmed = attendee("Akhmed Zakayev");
  auto r = enrol(akhmed, kAkhmed1);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const json enrolled = json::parse(r->body);
  for (const char* key :
       {"template_id", "person", "templates", "model", "box", "quality", "photo_stored"})
    EXPECT_TRUE(enrolled.contains(key)) << key;
  EXPECT_EQ(
      enrolled["person"],
      json({{"id", akhmed}, {"name", "Akhmed Zakayev"}, {"organisation", ""}, {"title", ""}}));
  EXPECT_EQ(enrolled["templates"], 1);
  EXPECT_EQ(enrolled["box"].size(), 4u);
  EXPECT_TRUE(enrolled["quality"]["acceptable"].get<bool>());

  r = client_->Post(checkin_path(), kiosk(), image_form(photo(kAkhmed3)));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json result = json::parse(r->body);
  EXPECT_EQ(result["event_id"], event_);
  EXPECT_EQ(result["threshold_basis"], "event size");
  EXPECT_EQ(result["scale"], 1);
  ASSERT_EQ(result["faces"].size(), 1u);
  const json& face = result["faces"][0];
  EXPECT_EQ(face["status"], "checked_in");
  EXPECT_EQ(face["message"], "Welcome, Akhmed Zakayev");
  EXPECT_EQ(face["person"]["id"], akhmed);
  EXPECT_EQ(face["liveness"], json({{"method", "none"}}));
  EXPECT_TRUE(face.contains("distance"));
  EXPECT_TRUE(face.contains("checked_in_at"));
  EXPECT_EQ(face["model"], result["thresholds"].begin().key());
}

TEST_F(HttpInProcess, OnlyAdminsSeeAStrangersNearestDistance) {
  ASSERT_EQ(enrol(attendee("Abel Pacheco"), kAbel1)->status, 201);
  auto as_kiosk = client_->Post(checkin_path(), kiosk(), image_form(photo(kAkhmed1)));
  ASSERT_TRUE(as_kiosk);
  const json k = json::parse(as_kiosk->body);
  EXPECT_EQ(k["faces"][0]["status"], "not_recognised");
  EXPECT_EQ(k["faces"][0]["message"], "Not recognised, please see the desk");
  EXPECT_FALSE(k["faces"][0].contains("distance"));
  auto as_admin = client_->Post(checkin_path(), admin_, image_form(photo(kAkhmed1)));
  EXPECT_TRUE(json::parse(as_admin->body)["faces"][0].contains("distance"));
}

TEST_F(HttpInProcess, EachRefusalHasItsStatusCodeAndDetails) {
  const auto abel = attendee("Abel Pacheco");
  auto r = enrol(abel, kWhite);
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "no_face");

  r = enrol(abel, kGroup);
  EXPECT_EQ(r->status, 422);
  json error = json::parse(r->body)["error"];
  EXPECT_EQ(error["code"], "several_faces");
  EXPECT_EQ(error["details"]["faces"].size(), 6u);
  EXPECT_EQ(error["message"].get<std::string>().substr(0, 21), "6 faces were found; s");

  r = client_->Post("/api/v1/people/" + std::to_string(abel) + "/faces", admin_,
                    image_form("GIF89a not really"));
  EXPECT_EQ(r->status, 415) << r->body;
  r = client_->Post("/api/v1/people/" + std::to_string(abel) + "/faces", admin_,
                    image_form("\xFF\xD8\xFF truncated"));
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(json::parse(r->body)["error"]["code"].get<std::string>().substr(0, 6), "image_");

  const auto akhmed = attendee("Akhmed Zakayev");
  ASSERT_EQ(enrol(akhmed, kAkhmed1)->status, 201);
  r = enrol(abel, kAkhmed3);
  EXPECT_EQ(r->status, 409);
  error = json::parse(r->body)["error"];
  EXPECT_EQ(error["code"], "possible_duplicate");
  EXPECT_EQ(error["details"]["person_id"], akhmed);
  EXPECT_TRUE(error["details"].contains("distance"));

  // A kiosk registering a walk-up look-alike hears who, never how close.
  storage::Event e = store_->get_event(event_);
  e.self_register = true;
  store_->update_event(e);
  httplib::MultipartFormDataItems form = image_form(photo(kAkhmed3));
  form.push_back({"name", "Walk-up", "", ""});
  r = client_->Post("/api/v1/events/" + std::to_string(event_) + "/self-register", kiosk(), form);
  EXPECT_EQ(r->status, 409) << r->body;
  error = json::parse(r->body)["error"];
  EXPECT_EQ(error["details"], json({{"person_id", akhmed}}));
  EXPECT_EQ(store_->list_people({"Walk-up"}).total, 0);  // nothing remains
}

TEST_F(HttpInProcess, TheWindowAndLivenessRefusalsMapToTheirStatuses) {
  storage::Event e = store_->get_event(event_);
  e.liveness = storage::LivenessPolicy::kActive;
  store_->update_event(e);
  auto r = client_->Post(checkin_path(), kiosk(), image_form(photo(kAkhmed3)));
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "liveness_required");
  e.status = storage::EventStatus::kClosed;
  store_->update_event(e);
  r = client_->Post(checkin_path(), admin_, image_form(photo(kAkhmed3)));
  EXPECT_EQ(r->status, 409);
  const json error = json::parse(r->body)["error"];
  EXPECT_EQ(error["code"], "checkin_closed");
  EXPECT_EQ(error["message"], "Check-in is not open for this event (status closed)");
}

TEST_F(HttpInProcess, RouterAndBodyErrorsAreJson) {
  auto r = client_->Get("/api/v1/nothing-here", admin_);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "not_found");
  r = client_->Post("/api/v1/events", admin_, "{\"name\": ", "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "invalid_json");
  r = client_->Post("/api/v1/events", admin_, "[1, 2]", "application/json");
  EXPECT_EQ(r->status, 400) << r->body;
  r = client_->Get("/api/v1/events");
  EXPECT_EQ(r->status, 401);
  r = client_->Get("/api/v1/events/" + std::to_string(event_) + "x", admin_);
  EXPECT_EQ(r->status / 100, 4) << r->body;
}

TEST_F(HttpInProcess, AKioskBeyondItsRateIsToldToRetry) {
  const auto headers = kiosk();
  int limited = 0;
  for (int i = 0; i < 6; ++i) {
    auto r = client_->Post(checkin_path(), headers, image_form(photo(kWhite)));
    ASSERT_TRUE(r);
    if (r->status == 429) {
      ++limited;
      EXPECT_EQ(r->get_header_value("Retry-After"), "1");
    }
  }
  EXPECT_GT(limited, 0);
}
