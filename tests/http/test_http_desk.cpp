// The staff desk over HTTP: desk tokens are scoped to one event and to desk
// work (no admin route, no face enrolment, no kiosk route), and a desk can
// search, check in by hand, undo and register walk-ins, each in the audit log.
#include <ctime>

#include "http/server_fixture.h"

namespace facecheck::testing {
namespace {

using nlohmann::json;

class HttpDesk : public SharedServerTest<HttpDesk> {
 public:
  static std::vector<std::string> server_args() { return {"--kiosk-rps", "0"}; }

 protected:
  static int64_t now() { return static_cast<int64_t>(std::time(nullptr)); }
  static std::string path(int64_t event, const std::string& rest) {
    return "/api/v1/events/" + std::to_string(event) + rest;
  }
  int64_t person(const json& fields) {
    return body_json(post_json("/api/v1/people", fields)).value("id", int64_t{0});
  }
  int64_t event(const std::vector<int64_t>& attendees, const std::string& status = "open") {
    const auto r = post_json("/api/v1/events", {{"name", "Desk day"},
                                                {"starts_at", now() - 600},
                                                {"ends_at", now() + 3600},
                                                {"status", status}});
    const int64_t id = body_json(r).value("id", int64_t{0});
    for (int64_t p : attendees)
      EXPECT_EQ(status_of(post_json(path(id, "/attendees"), {{"person_id", p}})), 201);
    return id;
  }
  std::string desk_token(int64_t event) {
    auto r = post_json(path(event, "/desks"), {{"name", "Front desk"}});
    EXPECT_EQ(status_of(r), 201) << (r ? r->body : "");
    return body_json(r).value("token", "");
  }
  httplib::Result desk_post(const httplib::Headers& desk, const std::string& route,
                            const json& body) {
    return http_->Post(route, desk, body.dump(), "application/json");
  }
};

TEST_F(HttpDesk, DeskTokensReachDeskWorkOnly) {
  const int64_t ann = person({{"name", "Ann Desk"}});
  const int64_t e = event({ann});
  const int64_t other = event({ann});
  const std::string token = desk_token(e);
  ASSERT_EQ(token.rfind("dk_", 0), 0u) << token;
  const auto desk = bearer(token);

  const json me = body_json(http_->Get("/api/v1/desk/me", desk));
  EXPECT_EQ(me["event"]["id"], e);
  EXPECT_EQ(status_of(http_->Get(path(e, "/stats"), desk)), 200);
  EXPECT_EQ(status_of(http_->Get(path(e, "/desk/attendees"), desk)), 200);

  // Not the organiser's routes, not a kiosk's, not another event's.
  EXPECT_EQ(status_of(http_->Get("/api/v1/events", desk)), 403);
  EXPECT_EQ(status_of(http_->Get(path(e, "/export.csv"), desk)), 403);
  EXPECT_EQ(status_of(http_->Get(path(e, "/audit.csv"), desk)), 403);
  EXPECT_EQ(status_of(http_->Delete("/api/v1/people/" + std::to_string(ann), desk)), 403);
  EXPECT_EQ(status_of(desk_post(desk, path(e, "/kiosks"), {{"name", "x"}})), 403);
  EXPECT_EQ(status_of(desk_post(desk, path(e, "/desks"), {{"name", "x"}})), 403);
  EXPECT_EQ(status_of(desk_post(desk, "/api/v1/admin/keys", {{"name", "x"}})), 403);
  EXPECT_EQ(status_of(http_->Post("/api/v1/people/" + std::to_string(ann) + "/faces", desk,
                                  image_form(lfw_photo("Grant_Hackett", 1)))),
            403);
  EXPECT_EQ(
      status_of(http_->Post(path(e, "/checkin"), desk, image_form(lfw_photo("Grant_Hackett", 1)))),
      403);
  EXPECT_EQ(status_of(http_->Get("/api/v1/kiosk/me", desk)), 403);
  EXPECT_EQ(status_of(http_->Get(path(e, "/stream"), desk)), 403);
  EXPECT_EQ(status_of(http_->Get(path(other, "/desk/attendees"), desk)), 403);
  EXPECT_EQ(status_of(desk_post(desk, path(other, "/desk/checkins"), {{"person_id", ann}})), 403);
  // A kiosk token is no desk.
  const std::string kiosk =
      body_json(post_json(path(e, "/kiosks"), {{"name", "door"}})).value("token", "");
  EXPECT_EQ(status_of(http_->Get(path(e, "/desk/attendees"), bearer(kiosk))), 403);
  // The desk list holds the desk, not the kiosk; revoking ends it at once.
  const json desks = body_json(http_->Get(path(e, "/desks"), admin_));
  ASSERT_EQ(desks["desks"].size(), 1u);
  EXPECT_EQ(body_json(http_->Get(path(e, "/kiosks"), admin_))["kiosks"].size(), 1u);
  ASSERT_EQ(status_of(http_->Delete(
                "/api/v1/desks/" + std::to_string(desks["desks"][0]["id"].get<int64_t>()), admin_)),
            204);
  EXPECT_EQ(status_of(http_->Get("/api/v1/desk/me", desk)), 401);
}

TEST_F(HttpDesk, SearchCheckInUndoAndTheAuditLog) {
  const int64_t li = person({{"name", "李雷"}, {"organisation", "ACME"}, {"phone", "13800138000"}});
  const int64_t han = person({{"name", "Han Meimei"}, {"email", "han@Example.com"}});
  const int64_t e = event({li, han});
  const auto desk = bearer(desk_token(e));
  post_json(path(e, "/invitations"), {{"person_ids", {han}}});

  const json by_phone = body_json(http_->Get(path(e, "/desk/attendees?search=138001"), desk));
  ASSERT_EQ(by_phone["total"], 1);
  EXPECT_EQ(by_phone["attendees"][0]["name"], "李雷");
  EXPECT_EQ(by_phone["attendees"][0]["consent"], "not_invited");
  const json by_mail = body_json(http_->Get(path(e, "/desk/attendees?search=EXAMPLE"), desk));
  ASSERT_EQ(by_mail["total"], 1);
  EXPECT_EQ(by_mail["attendees"][0]["consent"], "pending");
  EXPECT_EQ(body_json(http_->Get(path(e, "/desk/attendees"), desk))["total"], 2);

  auto in = desk_post(desk, path(e, "/desk/checkins"), {{"person_id", li}});
  ASSERT_EQ(status_of(in), 200) << in->body;
  EXPECT_EQ(body_json(in)["status"], "checked_in");
  EXPECT_EQ(body_json(in)["method"], "manual");
  EXPECT_EQ(body_json(desk_post(desk, path(e, "/desk/checkins"), {{"person_id", li}}))["status"],
            "already_checked_in");
  const json row =
      body_json(http_->Get(path(e, "/desk/attendees?search=acme"), desk))["attendees"][0];
  EXPECT_EQ(row["method"], "manual");
  EXPECT_TRUE(row["checked_in_at"].is_number());
  EXPECT_EQ(error_code(desk_post(desk, path(e, "/desk/checkins"), {{"person_id", 999999}})),
            "not_found");

  const std::string undo = path(e, "/checkins/" + std::to_string(li));
  ASSERT_EQ(status_of(http_->Delete(undo, desk)), 204);
  EXPECT_EQ(status_of(http_->Delete(undo, desk)), 404);
  EXPECT_EQ(body_json(http_->Get(path(e, "/stats"), admin_))["checked_in"], 0);

  auto audit = http_->Get(path(e, "/audit.csv"), admin_);
  ASSERT_EQ(status_of(audit), 200);
  for (const char* action : {"checkin_manual", "checkin_undone"})
    EXPECT_NE(audit->body.find(action), std::string::npos) << audit->body;
  EXPECT_NE(audit->body.find("desk:"), std::string::npos) << audit->body;
  EXPECT_NE(audit->body.find("manual"), std::string::npos);  // what was undone
}

TEST_F(HttpDesk, WalkInsGetARecordAndAnInvitation) {
  const int64_t e = event({});
  const auto desk = bearer(desk_token(e));
  auto r = desk_post(desk, path(e, "/desk/walk-ins"),
                     {{"name", "Walk In"}, {"organisation", "Guests Ltd"}, {"check_in", true}});
  ASSERT_EQ(status_of(r), 201) << r->body;
  const json made = body_json(r);
  EXPECT_EQ(made["person"]["name"], "Walk In");
  EXPECT_TRUE(made["checked_in_at"].is_number());
  const std::string code = made["invitation"]["code"];
  // The guest's own phone takes it from here: consent first.
  const json guest = body_json(http_->Get("/api/v1/invitations/" + code));
  EXPECT_EQ(guest["attendee"]["name"], "Walk In");
  EXPECT_EQ(guest["consent"]["state"], "pending");
  EXPECT_EQ(body_json(http_->Get(path(e, "/stats"), admin_))["by_method"]["manual"], 1);
  EXPECT_EQ(error_code(desk_post(desk, path(e, "/desk/walk-ins"), {{"organisation", "x"}})),
            "missing_field");
}

TEST_F(HttpDesk, ManualCheckInFollowsTheWindow) {
  const int64_t ann = person({{"name", "Ann Early"}});
  const int64_t e = event({ann}, "draft");
  auto r = http_->Post(path(e, "/desk/checkins"), admin_, json{{"person_id", ann}}.dump(),
                       "application/json");
  EXPECT_EQ(status_of(r), 409);
  EXPECT_EQ(error_code(r), "checkin_closed");
}

}  // namespace
}  // namespace facecheck::testing
