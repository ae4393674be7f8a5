// Issue 9, findings 7 and 9: a kiosk token acts for its event only while
// the event is open and its check-in window not over; walk-up registration
// works only inside the window; and a kiosk learns nothing about the people
// of other events through the duplicate check. One real server, real
// models and LFW photos.
#include <ctime>

#include "http/server_fixture.h"

namespace facecheck::testing {
namespace {

using nlohmann::json;

const char* const kLuis = "Luis_Ernesto_Derbez_Bautista";

class HttpKioskLifetime : public SharedServerTest<HttpKioskLifetime> {
 public:
  static std::vector<std::string> server_args() { return {"--kiosk-rps", "0"}; }

 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    REQUIRE_DATA();
  }

  static int64_t now() { return static_cast<int64_t>(std::time(nullptr)); }

  // An event whose window (60 min before the start to 30 min after the end)
  // lies at `starts_in` seconds from now, lasting an hour.
  int64_t event(const std::string& status, int64_t starts_in = 0) {
    const auto r = post_json("/api/v1/events", {{"name", "Lifetime"},
                                                {"starts_at", now() + starts_in},
                                                {"ends_at", now() + starts_in + 3600},
                                                {"status", status},
                                                {"self_register", true},
                                                {"liveness", "off"}});
    EXPECT_EQ(status_of(r), 201) << (r ? r->body : "");
    return body_json(r).value("id", int64_t{0});
  }
  std::string kiosk_token(int64_t event_id) {
    return body_json(post_json(path(event_id, "/kiosks"), {{"name", "door"}})).value("token", "");
  }
  static std::string path(int64_t event_id, const std::string& rest = "") {
    return "/api/v1/events/" + std::to_string(event_id) + rest;
  }
  httplib::Result self_register(int64_t event_id, const httplib::Headers& who,
                                const std::string& photo, const std::string& name) {
    httplib::MultipartFormDataItems form = {{"image", photo, "me.jpg", "image/jpeg"},
                                            {"name", name, "", ""}};
    return http_->Post(path(event_id, "/self-register"), who, form);
  }
  int64_t people_total() {
    return body_json(http_->Get("/api/v1/people?limit=1", admin_)).value("total", int64_t{-1});
  }
  int64_t enrolled_attendee(int64_t event_id, const std::string& name, const std::string& photo) {
    const int64_t id = body_json(post_json("/api/v1/people", {{"name", name}})).value("id", 0);
    httplib::MultipartFormDataItems form = image_form(photo);
    form.push_back({"allow_duplicate", "true", "", ""});
    EXPECT_EQ(
        status_of(http_->Post("/api/v1/people/" + std::to_string(id) + "/faces", admin_, form)),
        201);
    EXPECT_EQ(status_of(post_json(path(event_id, "/attendees"), {{"person_id", id}})), 201);
    return id;
  }

  // What a kiosk token reaches: kiosk/me, its event's stats and /detect.
  struct KioskView {
    int me, stats, detect;
    std::string me_code;
  };
  KioskView kiosk_view(int64_t event_id, const std::string& token) {
    const auto who = bearer(token);
    const auto me = http_->Get("/api/v1/kiosk/me", who);
    return {status_of(me), status_of(http_->Get(path(event_id, "/stats"), who)),
            status_of(http_->Post("/api/v1/detect", who, image_form(lfw_photo(kLuis, 1)))),
            error_code(me)};
  }
};

// ---- Finding 9: kiosk tokens outlive their event ----

TEST_F(HttpKioskLifetime, KioskTokensStopWhenTheirEventIsClosedAndWorkAgainWhenReopened) {
  const int64_t e = event("open");
  const std::string token = kiosk_token(e);
  KioskView open = kiosk_view(e, token);
  EXPECT_EQ(open.me, 200);
  EXPECT_EQ(open.stats, 200);
  EXPECT_EQ(open.detect, 200);

  ASSERT_EQ(status_of(patch_json(path(e), {{"status", "closed"}})), 200);
  KioskView closed = kiosk_view(e, token);
  EXPECT_EQ(closed.me, 401);
  EXPECT_EQ(closed.me_code, "kiosk_event_over");
  EXPECT_EQ(closed.stats, 401);
  EXPECT_EQ(closed.detect, 401);
  auto checkin = http_->Post(path(e, "/checkin"), bearer(token), image_form(lfw_photo(kLuis, 1)));
  EXPECT_EQ(status_of(checkin), 401);
  EXPECT_EQ(error_code(checkin), "kiosk_event_over");

  // The token is bound to the event's state, not spent: reopening restores it.
  ASSERT_EQ(status_of(patch_json(path(e), {{"status", "open"}})), 200);
  EXPECT_EQ(kiosk_view(e, token).me, 200);
}

TEST_F(HttpKioskLifetime, KioskTokensOfADraftEventAreNotValidYet) {
  const int64_t e = event("draft");
  const std::string token = kiosk_token(e);
  KioskView draft = kiosk_view(e, token);
  EXPECT_EQ(draft.me, 401);
  EXPECT_EQ(draft.me_code, "kiosk_event_not_open");
  EXPECT_EQ(draft.stats, 401);
  EXPECT_EQ(draft.detect, 401);
  const int64_t before = people_total();
  EXPECT_EQ(status_of(self_register(e, bearer(token), lfw_photo("Jacques_Rogge", 1), "Draft")),
            401);
  EXPECT_EQ(people_total(), before);
}

TEST_F(HttpKioskLifetime, KioskTokensEndWithTheCheckinWindowButWorkBeforeItOpens) {
  // Ended two hours ago: the window closed 90 minutes ago.
  const int64_t past = event("open", -3 * 3600);
  const std::string past_token = kiosk_token(past);
  KioskView over = kiosk_view(past, past_token);
  EXPECT_EQ(over.me, 401);
  EXPECT_EQ(over.me_code, "kiosk_event_over");
  EXPECT_EQ(over.stats, 401);
  EXPECT_EQ(over.detect, 401);

  // Starts in three hours: the kiosk may be set up now, but not check anyone in.
  const int64_t future = event("open", 3 * 3600);
  const std::string future_token = kiosk_token(future);
  KioskView early = kiosk_view(future, future_token);
  EXPECT_EQ(early.me, 200);
  EXPECT_EQ(early.stats, 200);
  EXPECT_EQ(early.detect, 200);
  auto checkin =
      http_->Post(path(future, "/checkin"), bearer(future_token), image_form(lfw_photo(kLuis, 1)));
  EXPECT_EQ(status_of(checkin), 409);
  EXPECT_EQ(error_code(checkin), "checkin_not_yet_open");
}

TEST_F(HttpKioskLifetime, SelfRegisterOnlyOnAnOpenEventInsideItsWindow) {
  const std::string photo = lfw_photo("Jacques_Rogge", 1);
  const int64_t before = people_total();
  const int64_t draft = event("draft");
  auto on_draft = self_register(draft, admin_, photo, "On draft");
  EXPECT_EQ(status_of(on_draft), 409) << (on_draft ? on_draft->body : "");
  EXPECT_EQ(error_code(on_draft), "checkin_closed");
  const int64_t closed = event("closed");
  EXPECT_EQ(error_code(self_register(closed, admin_, photo, "On closed")), "checkin_closed");
  const int64_t past = event("open", -3 * 3600);
  EXPECT_EQ(error_code(self_register(past, admin_, photo, "Afterwards")), "checkin_closed");
  const int64_t future = event("open", 3 * 3600);
  auto early = self_register(future, bearer(kiosk_token(future)), photo, "Too early");
  EXPECT_EQ(status_of(early), 409);
  EXPECT_EQ(error_code(early), "checkin_not_yet_open");
  EXPECT_EQ(people_total(), before) << "a refused walk-up left a person behind";
  for (int64_t e : {draft, closed, past, future})
    EXPECT_EQ(body_json(http_->Get(path(e, "/stats"), admin_))["registered"], 0);
}

// ---- Finding 7: the duplicate check is no cross-event oracle ----

TEST_F(HttpKioskLifetime, AKioskLearnsNothingAboutThePeopleOfOtherEvents) {
  const int64_t elsewhere = event("open");
  const int64_t luis = enrolled_attendee(elsewhere, "Luis elsewhere", lfw_photo(kLuis, 1));
  const int64_t here = event("open");
  // An administrator is told about the look-alike wherever they are enrolled.
  auto as_admin = self_register(here, admin_, lfw_photo(kLuis, 1), "Luis again");
  ASSERT_EQ(status_of(as_admin), 409) << (as_admin ? as_admin->body : "");
  EXPECT_EQ(error_code(as_admin), "possible_duplicate");
  const json admin_details = body_json(as_admin)["error"]["details"];
  EXPECT_EQ(admin_details["person_id"], luis);
  EXPECT_TRUE(admin_details["distance"].is_number());
  // A kiosk of another event is not: the walk-up guest is registered there.
  auto as_kiosk = self_register(here, bearer(kiosk_token(here)), lfw_photo(kLuis, 1), "Walk-up");
  ASSERT_EQ(status_of(as_kiosk), 201) << (as_kiosk ? as_kiosk->body : "");
  EXPECT_EQ(as_kiosk->body.find("\"id\":" + std::to_string(luis) + ","), std::string::npos);
  EXPECT_EQ(as_kiosk->body.find("distance"), std::string::npos) << as_kiosk->body;
  EXPECT_NE(body_json(as_kiosk)["person"]["id"], luis);
}

TEST_F(HttpKioskLifetime, WithinItsEventAKioskHearsOfADuplicateWithoutTheDistance) {
  const int64_t here = event("open");
  const std::string photo = lfw_photo("Grant_Hackett", 1);  // a face no other test enrols
  const int64_t grant = enrolled_attendee(here, "Grant here", photo);
  const int64_t before = people_total();
  auto r = self_register(here, bearer(kiosk_token(here)), photo, "Grant twice");
  ASSERT_EQ(status_of(r), 409) << (r ? r->body : "");
  EXPECT_EQ(error_code(r), "possible_duplicate");
  const json details = body_json(r)["error"]["details"];
  EXPECT_EQ(details["person_id"], grant);
  EXPECT_FALSE(details.contains("distance")) << details;
  EXPECT_EQ(people_total(), before);
}

}  // namespace
}  // namespace facecheck::testing
