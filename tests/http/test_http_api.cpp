// The HTTP API without inference: credentials, the CRUD routes, CSV, limits
// and metrics, against one real server process.
#include <atomic>
#include <ctime>
#include <future>

#include "http/server_fixture.h"

namespace facecheck::testing {
namespace {

using nlohmann::json;

class HttpApi : public SharedServerTest<HttpApi> {
 public:
  static std::vector<std::string> server_args() {
    return {"--kiosk-rps", "3", "--http-threads", "8", "--max-streams", "2"};
  }

 protected:
  // An event open for check-in now.
  int64_t create_event(const std::string& name) {
    const auto now = static_cast<int64_t>(std::time(nullptr));
    auto r = post_json(
        "/api/v1/events",
        {{"name", name}, {"starts_at", now - 3600}, {"ends_at", now + 3600}, {"status", "open"}});
    EXPECT_EQ(status_of(r), 201) << (r ? r->body : "");
    return body_json(r).value("id", int64_t{0});
  }
  std::string create_kiosk(int64_t event_id, const std::string& name = "door") {
    auto r = post_json("/api/v1/events/" + std::to_string(event_id) + "/kiosks", {{"name", name}});
    EXPECT_EQ(status_of(r), 201) << (r ? r->body : "");
    return body_json(r).value("token", "");
  }
  json stats(int64_t event_id) {
    return body_json(http_->Get("/api/v1/events/" + std::to_string(event_id) + "/stats", admin_));
  }
  int64_t people_total() {
    return body_json(http_->Get("/api/v1/people?limit=1", admin_)).value("total", int64_t{-1});
  }
};

TEST_F(HttpApi, HealthzNeedsNoCredentials) {
  auto r = http_->Get("/healthz");
  ASSERT_EQ(status_of(r), 200);
  EXPECT_EQ(body_json(r), json({{"status", "ok"}}));
}

TEST_F(HttpApi, MissingOrUnknownCredentialsAre401) {
  EXPECT_EQ(status_of(http_->Get("/api/v1/events")), 401);
  auto r = http_->Get("/api/v1/events", bearer("ak_not-a-real-key"));
  EXPECT_EQ(status_of(r), 401);
  EXPECT_EQ(error_code(r), "unauthorized");
  EXPECT_EQ(status_of(http_->Get("/api/v1/events", bearer("kt_not-a-real-token"))), 401);
  EXPECT_EQ(status_of(http_->Get("/api/v1/events", {{"Authorization", "Basic abc"}})), 401);
  // The SSE-only ?token= is not accepted elsewhere.
  EXPECT_EQ(status_of(http_->Get("/api/v1/events?token=" + server_->admin_key())), 401);
  EXPECT_EQ(status_of(http_->Get("/api/v1/events", admin_)), 200);
}

TEST_F(HttpApi, KioskTokensAreScopedToTheirEvent) {
  const int64_t a = create_event("Event A"), b = create_event("Event B");
  const auto kiosk = bearer(create_kiosk(a));
  auto r = http_->Get("/api/v1/events", kiosk);
  EXPECT_EQ(status_of(r), 403);
  EXPECT_EQ(error_code(r), "forbidden");
  EXPECT_EQ(status_of(http_->Get("/api/v1/people", kiosk)), 403);
  EXPECT_EQ(status_of(http_->Get("/api/v1/events/" + std::to_string(a) + "/stats", kiosk)), 200);
  EXPECT_EQ(status_of(http_->Get("/api/v1/events/" + std::to_string(b) + "/stats", kiosk)), 403);
  auto me = http_->Get("/api/v1/kiosk/me", kiosk);
  ASSERT_EQ(status_of(me), 200);
  EXPECT_EQ(body_json(me)["kiosk"]["event_id"], a);
  EXPECT_EQ(body_json(me)["event"]["name"], "Event A");
  EXPECT_EQ(status_of(http_->Get("/api/v1/kiosk/me", admin_)), 403);
}

TEST_F(HttpApi, RevokedKioskIs401) {
  const int64_t event = create_event("Revocation");
  auto created = post_json("/api/v1/events/" + std::to_string(event) + "/kiosks", {{"name", "x"}});
  ASSERT_EQ(status_of(created), 201);
  const auto kiosk = bearer(body_json(created)["token"]);
  const int64_t kiosk_id = body_json(created)["kiosk"]["id"];
  EXPECT_EQ(status_of(http_->Get("/api/v1/kiosk/me", kiosk)), 200);
  EXPECT_EQ(status_of(http_->Delete("/api/v1/kiosks/" + std::to_string(kiosk_id), admin_)), 204);
  EXPECT_EQ(status_of(http_->Get("/api/v1/kiosk/me", kiosk)), 401);
  auto list = http_->Get("/api/v1/events/" + std::to_string(event) + "/kiosks", admin_);
  ASSERT_EQ(status_of(list), 200);
  EXPECT_FALSE(body_json(list)["kiosks"][0]["revoked_at"].is_null());
  EXPECT_FALSE(body_json(list).dump().find("kt_") != std::string::npos);  // tokens never listed
}

TEST_F(HttpApi, KioskRateLimitIs429) {
  const auto kiosk = bearer(create_kiosk(create_event("Rate")));
  int limited = 0;
  for (int i = 0; i < 12; ++i) {
    auto r = http_->Get("/api/v1/kiosk/me", kiosk);
    if (status_of(r) == 429) {
      ++limited;
      EXPECT_EQ(error_code(r), "rate_limited");
      EXPECT_TRUE(r->has_header("Retry-After"));
    }
  }
  EXPECT_GT(limited, 0);  // 3 requests/s with bursts of 6
}

TEST_F(HttpApi, EventCrud) {
  auto created = post_json("/api/v1/events", {{"name", "Launch 发布会"},
                                              {"venue", "Hall 1"},
                                              {"starts_at", 1'900'000'000},
                                              {"ends_at", 1'900'003'600},
                                              {"match_threshold", 0.4}});
  ASSERT_EQ(status_of(created), 201) << created->body;
  const json event = body_json(created);
  EXPECT_EQ(event["name"], "Launch 发布会");
  EXPECT_EQ(event["status"], "draft");
  EXPECT_DOUBLE_EQ(event["match_threshold"].get<double>(), 0.4);
  // The product's defaults for a new event: an active liveness challenge,
  // no walk-up registration, faces kept 30 days, the standard consent text.
  EXPECT_EQ(event["liveness"], "active");
  EXPECT_EQ(event["self_register"], false);
  EXPECT_EQ(event["retain_faces_days"], 30);
  EXPECT_EQ(event["consent_text"], "");
  EXPECT_EQ(event["consent_version"], 1);
  const std::string path = "/api/v1/events/" + std::to_string(event["id"].get<int64_t>());

  auto patched = patch_json(path, {{"status", "open"}, {"match_threshold", nullptr}});
  ASSERT_EQ(status_of(patched), 200) << patched->body;
  EXPECT_EQ(body_json(patched)["status"], "open");
  EXPECT_TRUE(body_json(patched)["match_threshold"].is_null());
  EXPECT_EQ(body_json(patched)["venue"], "Hall 1");  // untouched fields stay

  EXPECT_EQ(body_json(http_->Get(path, admin_))["status"], "open");
  EXPECT_EQ(status_of(http_->Delete(path, admin_)), 204);
  auto gone = http_->Get(path, admin_);
  EXPECT_EQ(status_of(gone), 404);
  EXPECT_EQ(error_code(gone), "not_found");
  EXPECT_EQ(status_of(patch_json(path, {{"name", "x"}})), 404);
  EXPECT_EQ(status_of(http_->Delete(path, admin_)), 404);
  EXPECT_EQ(status_of(http_->Get("/api/v1/events/99999999999999999999", admin_)), 404);
}

TEST_F(HttpApi, EventInputErrorsAre400Or415) {
  auto missing = post_json("/api/v1/events", {{"name", "No times"}});
  EXPECT_EQ(status_of(missing), 400);
  EXPECT_EQ(error_code(missing), "missing_field");
  EXPECT_EQ(body_json(missing)["error"]["details"]["field"], "starts_at");

  auto wrong = post_json("/api/v1/events", {{"name", 42}, {"starts_at", 1}, {"ends_at", 2}});
  EXPECT_EQ(status_of(wrong), 400);
  EXPECT_EQ(error_code(wrong), "invalid_field");
  auto text_time =
      post_json("/api/v1/events", {{"name", "x"}, {"starts_at", "soon"}, {"ends_at", 2}});
  EXPECT_EQ(error_code(text_time), "invalid_field");
  auto bad_status = post_json(
      "/api/v1/events", {{"name", "x"}, {"starts_at", 1}, {"ends_at", 2}, {"status", "live"}});
  EXPECT_EQ(error_code(bad_status), "invalid_field");
  auto backwards = post_json("/api/v1/events", {{"name", "x"}, {"starts_at", 9}, {"ends_at", 2}});
  EXPECT_EQ(status_of(backwards), 400);
  EXPECT_EQ(error_code(backwards), "invalid_value");

  auto not_json = http_->Post("/api/v1/events", admin_, "{name:", "application/json");
  EXPECT_EQ(status_of(not_json), 400);
  EXPECT_EQ(error_code(not_json), "invalid_json");
  auto array = http_->Post("/api/v1/events", admin_, "[1,2]", "application/json");
  EXPECT_EQ(error_code(array), "invalid_json");
  auto form = http_->Post("/api/v1/events", admin_, "name=x", "application/x-www-form-urlencoded");
  EXPECT_EQ(status_of(form), 415);
  EXPECT_EQ(error_code(form), "unsupported_media_type");
}

TEST_F(HttpApi, PeopleCrud) {
  auto created = post_json("/api/v1/people", {{"name", "李雷"},
                                              {"organisation", "ACME"},
                                              {"email", "li@example.com"},
                                              {"external_id", "EMP-1"}});
  ASSERT_EQ(status_of(created), 201) << created->body;
  const int64_t id = body_json(created)["id"];
  const std::string path = "/api/v1/people/" + std::to_string(id);
  EXPECT_EQ(body_json(http_->Get(path, admin_))["name"], "李雷");

  auto duplicate = post_json("/api/v1/people", {{"name", "Other"}, {"external_id", "EMP-1"}});
  EXPECT_EQ(status_of(duplicate), 409);
  EXPECT_EQ(status_of(post_json("/api/v1/people", {{"organisation", "no name"}})), 400);
  EXPECT_EQ(status_of(post_json("/api/v1/people", {{"name", "x"}, {"phone", 123}})), 400);

  auto patched = patch_json(path, {{"title", "CTO"}});
  ASSERT_EQ(status_of(patched), 200);
  EXPECT_EQ(body_json(patched)["title"], "CTO");
  EXPECT_EQ(body_json(patched)["organisation"], "ACME");

  auto search = http_->Get("/api/v1/people?search=acme&limit=5", admin_);
  ASSERT_EQ(status_of(search), 200);
  EXPECT_GE(body_json(search)["total"].get<int>(), 1);
  EXPECT_EQ(status_of(http_->Get("/api/v1/people?limit=many", admin_)), 400);

  auto faces = http_->Get(path + "/faces", admin_);
  ASSERT_EQ(status_of(faces), 200);
  EXPECT_TRUE(body_json(faces)["faces"].empty());

  EXPECT_EQ(status_of(http_->Delete(path, admin_)), 204);
  EXPECT_EQ(status_of(http_->Get(path, admin_)), 404);
  EXPECT_EQ(status_of(http_->Get(path + "/faces", admin_)), 404);
  EXPECT_EQ(status_of(http_->Delete("/api/v1/faces/987654", admin_)), 404);
}

TEST_F(HttpApi, Attendees) {
  const int64_t event = create_event("Attendance");
  const std::string base = "/api/v1/events/" + std::to_string(event) + "/attendees";
  auto walk_in = post_json(base, {{"name", "Han Meimei"}, {"organisation", "Uni"}});
  ASSERT_EQ(status_of(walk_in), 201) << walk_in->body;
  EXPECT_EQ(body_json(walk_in)["enrolled"], false);
  EXPECT_EQ(body_json(walk_in)["checked_in"], false);

  auto person = post_json("/api/v1/people", {{"name", "Existing"}});
  const int64_t pid = body_json(person)["id"];
  EXPECT_EQ(status_of(post_json(base, {{"person_id", pid}})), 201);
  EXPECT_EQ(status_of(post_json(base, {{"person_id", pid}})), 200);  // already attending
  EXPECT_EQ(status_of(post_json(base, {{"person_id", 987654}})), 404);
  EXPECT_EQ(status_of(post_json(base, {{"person_id", "one"}})), 400);
  EXPECT_EQ(status_of(post_json("/api/v1/events/987654/attendees", {{"name", "x"}})), 404);

  auto all = body_json(http_->Get(base, admin_))["attendees"];
  EXPECT_EQ(all.size(), 2u);
  auto found = body_json(http_->Get(base + "?search=meimei", admin_))["attendees"];
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["name"], "Han Meimei");
  EXPECT_EQ(stats(event)["registered"], 2);

  EXPECT_EQ(status_of(http_->Delete(base + "/" + std::to_string(pid), admin_)), 204);
  EXPECT_EQ(stats(event)["registered"], 1);
  EXPECT_EQ(status_of(http_->Get("/api/v1/events/987654/attendees", admin_)), 404);
}

TEST_F(HttpApi, CsvImportWithABadRowImportsNothing) {
  const int64_t event = create_event("Bad CSV");
  const int64_t before = people_total();
  const std::string csv = "name,email\nAlice,alice@example.com\n,nobody@example.com\nBob,\n";
  auto r =
      http_->Post("/api/v1/events/" + std::to_string(event) + "/import", admin_, csv, "text/csv");
  ASSERT_EQ(status_of(r), 422) << r->body;
  EXPECT_EQ(error_code(r), "import_rejected");
  const json rows = body_json(r)["error"]["details"]["rows"];
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["row"], 3);  // the CSV line, header = 1
  EXPECT_EQ(people_total(), before);
  EXPECT_EQ(stats(event)["registered"], 0);

  auto wrong_type = http_->Post("/api/v1/events/" + std::to_string(event) + "/import", admin_, "{}",
                                "application/json");
  EXPECT_EQ(status_of(wrong_type), 415);
}

TEST_F(HttpApi, CsvImportExportRoundTripKeepsChineseNames) {
  const int64_t event = create_event("CSV 往返");
  const std::string csv =
      "\xEF\xBB\xBF姓名,单位,职务,邮箱\r\n张伟,北京大学,教授,zhang@example.com\r\n"
      "\"王, 芳\",\"清华\"\"大学\",,wang@example.com\r\n";
  httplib::MultipartFormDataItems form = {{"file", csv, "guests.csv", "text/csv"}};
  auto r = http_->Post("/api/v1/events/" + std::to_string(event) + "/import?link_existing=true",
                       admin_, form);
  ASSERT_EQ(status_of(r), 200) << r->body;
  EXPECT_EQ(body_json(r)["imported"], 2);
  EXPECT_EQ(body_json(r)["created"], 2);

  auto exported = http_->Get("/api/v1/events/" + std::to_string(event) + "/export.csv", admin_);
  ASSERT_EQ(status_of(exported), 200);
  EXPECT_EQ(exported->get_header_value("Content-Type").rfind("text/csv", 0), 0u);
  const std::string& text = exported->body;
  EXPECT_NE(text.find("张伟,北京大学,教授,zhang@example.com"), std::string::npos) << text;
  EXPECT_NE(text.find("\"王, 芳\",\"清华\"\"大学\""), std::string::npos) << text;

  // The export is a valid guest list itself (its extra columns are ignored).
  const int64_t second = create_event("CSV again");
  auto again = http_->Post("/api/v1/events/" + std::to_string(second) + "/import", admin_, text,
                           "text/csv; charset=utf-8");
  ASSERT_EQ(status_of(again), 200) << again->body;
  EXPECT_EQ(body_json(again)["imported"], 2);
  auto names = body_json(
      http_->Get("/api/v1/events/" + std::to_string(second) + "/attendees", admin_))["attendees"];
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0]["name"].get<std::string>() + names[1]["name"].get<std::string>(),
            "张伟王, 芳");
}

TEST_F(HttpApi, BodyOverTheLimitIs413) {
  const std::string big(11u << 20, 'x');  // the default limit is 10 MiB
  auto r = http_->Post("/api/v1/detect", admin_, image_form(big));
  ASSERT_EQ(status_of(r), 413);
  EXPECT_EQ(error_code(r), "payload_too_large");
}

TEST_F(HttpApi, UnknownRoutesAndLegacyRoutesAre404ByDefault) {
  auto r = http_->Get("/api/v1/nothing", admin_);
  EXPECT_EQ(status_of(r), 404);
  EXPECT_EQ(error_code(r), "not_found");
  EXPECT_EQ(status_of(http_->Post("/face_login", image_form("x", "file"))), 404);
  EXPECT_EQ(status_of(http_->Get("/face_detect?url=/etc/passwd")), 404);
}

TEST_F(HttpApi, AdminKeys) {
  auto created = post_json("/api/v1/admin/keys", {{"name", "second"}});
  ASSERT_EQ(status_of(created), 201);
  const std::string secret = body_json(created)["secret"];
  EXPECT_EQ(secret.rfind("ak_", 0), 0u);
  const int64_t id = body_json(created)["key"]["id"];
  EXPECT_EQ(status_of(http_->Get("/api/v1/events", bearer(secret))), 200);
  auto list = http_->Get("/api/v1/admin/keys", admin_);
  EXPECT_EQ(body_json(list)["keys"].size(), 2u);
  EXPECT_EQ(list->body.find("ak_"), std::string::npos);  // secrets are shown once only
  EXPECT_EQ(status_of(http_->Delete("/api/v1/admin/keys/" + std::to_string(id), admin_)), 204);
  EXPECT_EQ(status_of(http_->Get("/api/v1/events", bearer(secret))), 401);
  // The last active key cannot be revoked: that would lock everybody out.
  const int64_t first = body_json(list)["keys"][0]["id"];
  auto last = http_->Delete("/api/v1/admin/keys/" + std::to_string(first), admin_);
  EXPECT_EQ(status_of(last), 409);
  EXPECT_EQ(error_code(last), "last_admin_key");
}

TEST_F(HttpApi, MetricsCountRequests) {
  http_->Get("/api/v1/events", admin_);
  http_->Get("/api/v1/events/987654", admin_);
  auto r = http_->Get("/metrics");
  ASSERT_EQ(status_of(r), 200);
  const std::string& text = r->body;
  EXPECT_NE(text.find("facecheck_http_requests_total{method=\"GET\",route=\"/api/v1/events\","
                      "status=\"200\"}"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("route=\"/api/v1/events/{id}\",status=\"404\""), std::string::npos);
  EXPECT_NE(text.find("facecheck_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(text.find("facecheck_http_errors_total{code=\"not_found\"}"), std::string::npos);
  EXPECT_NE(text.find("facecheck_checkins_total"), std::string::npos);
  EXPECT_NE(text.find("facecheck_engine_queue_depth"), std::string::npos);
  EXPECT_EQ(text.find(server_->admin_key()), std::string::npos);
}

TEST_F(HttpApi, StreamsAreCappedBelowTheThreadPool) {
  const std::string path = "/api/v1/events/" + std::to_string(create_event("Streams")) + "/stream";
  std::vector<std::unique_ptr<httplib::Client>> clients;
  std::vector<std::future<httplib::Result>> streams;
  std::atomic<int> open{0};
  for (int i = 0; i < 2; ++i) {
    clients.push_back(server_->client());
    streams.push_back(
        std::async(std::launch::async, [c = clients.back().get(), &path, &open, this] {
          bool counted = false;
          return c->Get(path, admin_, [&](const char*, size_t) {
            if (!counted) ++open;
            counted = true;
            return true;
          });
        }));
  }
  for (int i = 0; i < 200 && open < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  EXPECT_EQ(open, 2);
  auto third = http_->Get(path, admin_);
  EXPECT_EQ(status_of(third), 503);
  EXPECT_EQ(error_code(third), "too_many_streams");
  EXPECT_EQ(status_of(http_->Get("/api/v1/events", admin_)), 200);  // threads left for requests
  for (auto& c : clients) c->stop();
  for (auto& s : streams) s.wait();
}

TEST_F(HttpApi, AdminCliCreatesWorkingCredentials) {
  const int64_t event = create_event("CLI");
  const std::string cmd = std::string(FACECHECK_BINARY) + " admin create-kiosk --data " +
                          server_->data_dir().string() + " --event " + std::to_string(event) +
                          " --name cli 2>/dev/null";
  FILE* pipe = popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char line[256] = {};
  ASSERT_NE(fgets(line, sizeof line, pipe), nullptr);
  EXPECT_EQ(pclose(pipe), 0);
  std::string token(line);
  while (!token.empty() && std::isspace(token.back())) token.pop_back();
  ASSERT_EQ(token.rfind("kt_", 0), 0u) << token;
  auto me = http_->Get("/api/v1/kiosk/me", bearer(token));
  ASSERT_EQ(status_of(me), 200);
  EXPECT_EQ(body_json(me)["kiosk"]["name"], "cli");
}

}  // namespace
}  // namespace facecheck::testing
