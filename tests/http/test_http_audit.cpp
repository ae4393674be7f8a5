// The audit log of admin changes: every change made through the admin API
// leaves one row (who, what, to which event or person) in
// /api/v1/audit.csv, a refused change leaves none, and rows carry ids and
// field names, never names, values or secrets.
#include <ctime>

#include "http/server_fixture.h"

namespace facecheck::testing {
namespace {

using nlohmann::json;

class HttpAudit : public SharedServerTest<HttpAudit> {
 public:
  static std::vector<std::string> server_args() { return {}; }

 protected:
  static int64_t now() { return static_cast<int64_t>(std::time(nullptr)); }
  std::string audit_since(int64_t since) {
    auto r = http_->Get("/api/v1/audit.csv?since=" + std::to_string(since), admin_);
    EXPECT_EQ(status_of(r), 200);
    return r ? r->body : "";
  }
  int64_t admin_key_id() {
    const json keys = body_json(http_->Get("/api/v1/admin/keys", admin_));
    return keys["keys"].empty() ? 0 : keys["keys"][0].value("id", int64_t{0});
  }
  static int64_t id_of(const httplib::Result& r) { return body_json(r).value("id", int64_t{0}); }
};

// The rows of the log, without the BOM and header, as "action,actor,event,person".
std::vector<std::string> actions(const std::string& csv) {
  std::vector<std::string> rows;
  size_t start = csv.find("\r\n");
  while (start != std::string::npos && start + 2 < csv.size()) {
    const size_t end = csv.find("\r\n", start + 2);
    const std::string line = csv.substr(start + 2, end - start - 2);
    // at,action,actor,event_id,person_id,details: drop the time.
    const std::string rest = line.substr(line.find(',') + 1);
    size_t cut = 0;
    for (int commas = 0; commas < 4 && cut != std::string::npos; ++commas)
      cut = rest.find(',', cut + (commas ? 1 : 0));
    rows.push_back(rest.substr(0, cut));
    start = end;
  }
  return rows;
}

TEST_F(HttpAudit, EveryAdminChangeLeavesOneRowNamingTheAdmin) {
  const int64_t since = now();
  const std::string me = "admin:" + std::to_string(admin_key_id());
  const std::string secret_name = "Zhang Audit-Secret";

  const int64_t person = id_of(post_json("/api/v1/people", {{"name", secret_name}}));
  ASSERT_GT(person, 0);
  const int64_t event = id_of(post_json(
      "/api/v1/events", {{"name", "Audit day"}, {"starts_at", now()}, {"ends_at", now() + 3600}}));
  ASSERT_GT(event, 0);
  const std::string e = "/api/v1/events/" + std::to_string(event);
  EXPECT_EQ(status_of(patch_json(e, {{"venue", "Hall 7"}, {"status", "open"}})), 200);
  EXPECT_EQ(status_of(patch_json("/api/v1/people/" + std::to_string(person),
                                 {{"email", "z@example.com"}})),
            200);
  EXPECT_EQ(status_of(post_json(e + "/attendees", {{"person_id", person}})), 201);
  const std::string faces = "/api/v1/people/" + std::to_string(person) + "/faces";
  const json enrolled =
      body_json(http_->Post(faces, admin_, image_form(lfw_photo("Grant_Hackett", 1))));
  const int64_t face = enrolled.value("template_id", int64_t{0});
  ASSERT_GT(face, 0) << enrolled.dump();
  // Not a face: refused, not recorded.
  EXPECT_EQ(status_of(http_->Post(faces, admin_, image_form("not an image"))), 400);
  EXPECT_EQ(status_of(http_->Delete("/api/v1/faces/" + std::to_string(face), admin_)), 204);
  EXPECT_EQ(status_of(http_->Post(e + "/import", admin_, "name\r\nLi Imported\r\n", "text/csv")),
            200);
  // Already attending: nothing changed, nothing recorded.
  EXPECT_EQ(status_of(post_json(e + "/attendees", {{"person_id", person}})), 200);
  // Refused changes leave no row.
  EXPECT_EQ(status_of(post_json("/api/v1/events", {{"name", "No times"}})), 400);
  EXPECT_EQ(status_of(patch_json(e, {{"status", "sideways"}})), 400);

  const auto kiosk = body_json(post_json(e + "/kiosks", {{"name", "Door"}}));
  const int64_t kiosk_id = kiosk["kiosk"].value("id", int64_t{0});
  const std::string kiosk_token = kiosk.value("token", "");
  const int64_t desk_id =
      body_json(post_json(e + "/desks", {{"name", "Desk"}}))["desk"].value("id", int64_t{0});
  const auto key = body_json(post_json("/api/v1/admin/keys", {{"name", "second"}}));
  const int64_t key_id = key["key"].value("id", int64_t{0});
  const std::string key_secret = key.value("secret", "");
  EXPECT_EQ(status_of(http_->Delete("/api/v1/kiosks/" + std::to_string(kiosk_id), admin_)), 204);
  EXPECT_EQ(status_of(http_->Delete("/api/v1/desks/" + std::to_string(desk_id), admin_)), 204);
  EXPECT_EQ(status_of(http_->Delete("/api/v1/admin/keys/" + std::to_string(key_id), admin_)), 204);
  EXPECT_EQ(status_of(http_->Delete(e + "/attendees/" + std::to_string(person), admin_)), 204);
  EXPECT_EQ(status_of(http_->Delete("/api/v1/people/" + std::to_string(person), admin_)), 204);
  EXPECT_EQ(status_of(http_->Delete(e, admin_)), 204);

  const std::string csv = audit_since(since);
  const std::string ev = std::to_string(event), p = std::to_string(person);
  const std::vector<std::string> expected = {
      "person_created," + me + ",," + p,
      "event_created," + me + "," + ev + ",",
      "event_updated," + me + "," + ev + ",",
      "person_updated," + me + ",," + p,
      "attendee_added," + me + "," + ev + "," + p,
      "face_enrolled," + me + ",," + p,
      "face_deleted," + me + ",,",
      "guests_imported," + me + "," + ev + ",",
      "kiosk_created," + me + "," + ev + ",",
      "desk_created," + me + "," + ev + ",",
      "admin_key_created," + me + ",,",
      "kiosk_revoked," + me + ",,",
      "desk_revoked," + me + ",,",
      "admin_key_revoked," + me + ",,",
      "attendee_removed," + me + "," + ev + "," + p,
      "person_deleted," + me + ",," + p,
      "event_deleted," + me + "," + ev + ",",
  };
  EXPECT_EQ(actions(csv), expected) << csv;
  // What changed, by name; never the values, the person's name or a secret.
  EXPECT_NE(csv.find("venue,status"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\"\"fields\"\":\"\"email\"\""), std::string::npos) << csv;
  EXPECT_NE(csv.find("\"\"template_id\"\":" + std::to_string(face)), std::string::npos) << csv;
  EXPECT_NE(csv.find("\"\"created\"\":1"), std::string::npos) << csv;
  for (const std::string& hidden : {secret_name, std::string("Li Imported"), std::string("Hall 7"),
                                    std::string("z@example.com"), kiosk_token, key_secret})
    EXPECT_EQ(csv.find(hidden), std::string::npos) << hidden;
}

TEST_F(HttpAudit, OnlyAdminsReadTheLogAndSinceIsChecked) {
  const int64_t event = id_of(post_json("/api/v1/events", {{"name", "Audit scope"},
                                                           {"starts_at", now() - 60},
                                                           {"ends_at", now() + 3600},
                                                           {"status", "open"}}));
  const std::string token =
      body_json(
          post_json("/api/v1/events/" + std::to_string(event) + "/kiosks", {{"name", "Door"}}))
          .value("token", "");
  EXPECT_EQ(status_of(http_->Get("/api/v1/audit.csv", bearer(token))), 403);
  EXPECT_EQ(status_of(http_->Get("/api/v1/audit.csv")), 401);
  EXPECT_EQ(status_of(http_->Get("/api/v1/audit.csv?since=-1", admin_)), 400);
  EXPECT_EQ(status_of(http_->Get("/api/v1/audit.csv?since=soon", admin_)), 400);
  // Rows before `since` are left out.
  const std::string later = audit_since(now() + 3600);
  EXPECT_EQ(later.find("kiosk_created"), std::string::npos) << later;
  EXPECT_NE(audit_since(0).find("kiosk_created"), std::string::npos);
}

}  // namespace
}  // namespace facecheck::testing
