// Acceptance: a kiosk token reaches its own event's kiosk routes and
// nothing else; once revoked, it is refused everywhere with 401.
#include <gtest/gtest.h>

#include <iostream>

#include "http/acceptance_support.h"

namespace facecheck::acceptance {
namespace {

class KioskScope : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    suite_.start("facecheck-accept-kiosk", {"--workers", "1", "--kiosk-rps", "0"});
  }
  static void TearDownTestSuite() { suite_.stop(); }
  void SetUp() override {
    REQUIRE_ACCEPTANCE_INPUTS();
    ASSERT_TRUE(suite_.started()) << "the server did not start\n" << suite_.log();
    admin_ = std::make_unique<Api>(suite_.server().port(), suite_.server().admin_key());
    own_ = create_event("own");
    other_ = create_event("other");
    const Reply k =
        admin_->post_json("/api/v1/events/" + std::to_string(own_) + "/kiosks", {{"name", "door"}});
    ASSERT_EQ(k.status, 201) << k.body;
    kiosk_id_ = k.data()["kiosk"]["id"].get<int64_t>();
    token_ = k.data()["token"].get<std::string>();
    const Reply p = admin_->post_json("/api/v1/people", {{"name", "Somebody"}});
    ASSERT_EQ(p.status, 201) << p.body;
    person_ = p.data()["id"].get<int64_t>();
    photo_ = read_text(lfw_identify_people().front().photos.front());
  }

  int64_t create_event(const std::string& name) {
    const Reply r = admin_->post_json("/api/v1/events", open_event_body(name));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.data().value("id", int64_t{0});
  }

  std::string ev(int64_t id, const std::string& rest = "") {
    return "/api/v1/events/" + std::to_string(id) + rest;
  }

  // Every route a kiosk must not reach, with a well-formed request, and the
  // status it must get. `expected` is 403 for a valid token, 401 revoked.
  void expect_refused_everywhere(Api& kiosk, int expected, bool own_event_too) {
    const std::string p = "/api/v1/people/" + std::to_string(person_);
    struct Case {
      std::string what;
      Reply reply;
    };
    std::vector<Case> cases = {
        {"GET events", kiosk.get("/api/v1/events")},
        {"POST events", kiosk.post_json("/api/v1/events", open_event_body("x"))},
        {"GET own event", kiosk.get(ev(own_))},
        {"PATCH own event", kiosk.patch_json(ev(own_), {{"name", "hijacked"}})},
        {"DELETE other event", kiosk.del(ev(other_))},
        {"GET own attendees", kiosk.get(ev(own_, "/attendees"))},
        {"POST own attendees", kiosk.post_json(ev(own_, "/attendees"), {{"person_id", person_}})},
        {"DELETE own attendee", kiosk.del(ev(own_, "/attendees/" + std::to_string(person_)))},
        {"POST own import", kiosk.post_raw(ev(own_, "/import"), "name\nMallory\n", "text/csv")},
        {"GET own export", kiosk.get(ev(own_, "/export.csv"))},
        {"GET own kiosks", kiosk.get(ev(own_, "/kiosks"))},
        {"POST own kiosks", kiosk.post_json(ev(own_, "/kiosks"), {{"name", "rogue"}})},
        {"DELETE kiosk", kiosk.del("/api/v1/kiosks/" + std::to_string(kiosk_id_))},
        {"GET people", kiosk.get("/api/v1/people")},
        {"POST people", kiosk.post_json("/api/v1/people", {{"name", "Mallory"}})},
        {"GET person", kiosk.get(p)},
        {"PATCH person", kiosk.patch_json(p, {{"name", "x"}})},
        {"DELETE person", kiosk.del(p)},
        {"GET faces", kiosk.get(p + "/faces")},
        {"POST faces", kiosk.post_image(p + "/faces", photo_)},
        {"DELETE face", kiosk.del("/api/v1/faces/1")},
        {"GET keys", kiosk.get("/api/v1/admin/keys")},
        {"POST keys", kiosk.post_json("/api/v1/admin/keys", {{"name", "rogue"}})},
        {"DELETE key", kiosk.del("/api/v1/admin/keys/1")},
        {"GET other stats", kiosk.get(ev(other_, "/stats"))},
        {"GET other stream", kiosk.get(ev(other_, "/stream"))},
        {"POST other checkin", kiosk.post_image(ev(other_, "/checkin"), photo_)},
        {"POST other self-register",
         kiosk.post_image(ev(other_, "/self-register"), photo_, {{"name", "Mallory"}})},
    };
    if (own_event_too) {
      cases.push_back({"GET own stats", kiosk.get(ev(own_, "/stats"))});
      cases.push_back({"POST own checkin", kiosk.post_image(ev(own_, "/checkin"), photo_)});
      cases.push_back({"GET kiosk/me", kiosk.get("/api/v1/kiosk/me")});
      cases.push_back({"POST detect", kiosk.post_image("/api/v1/detect", photo_)});
    }
    for (const auto& c : cases)
      EXPECT_EQ(c.reply.status, expected) << c.what << ": " << c.reply.body;
  }

  // Nothing the refused requests tried has happened.
  void expect_untouched() {
    const Reply events = admin_->get("/api/v1/events");
    ASSERT_EQ(events.status, 200);
    for (const auto& e : events.data()["events"]) {
      EXPECT_NE(e["name"], "hijacked");
      EXPECT_NE(e["name"], "x");
    }
    EXPECT_EQ(admin_->get(ev(other_)).status, 200);
    const Reply person = admin_->get("/api/v1/people/" + std::to_string(person_));
    ASSERT_EQ(person.status, 200);
    EXPECT_EQ(person.data()["name"], "Somebody");
    EXPECT_EQ(admin_->get("/api/v1/people?search=Mallory").data()["total"], 0);
    const Reply att = admin_->get(ev(own_, "/attendees"));
    EXPECT_EQ(att.data()["attendees"].size(), 0u) << att.body;
    const Reply kiosks = admin_->get(ev(own_, "/kiosks"));
    EXPECT_EQ(kiosks.data()["kiosks"].size(), 1u) << kiosks.body;
    const Reply keys = admin_->get("/api/v1/admin/keys");
    int active_keys = 0;
    for (const auto& k : keys.data()["keys"]) active_keys += k["revoked_at"].is_null() ? 1 : 0;
    EXPECT_EQ(active_keys, 1) << keys.body;
    EXPECT_EQ(admin_->get(ev(other_, "/stats")).data()["checked_in"], 0);
  }

  static inline SuiteServer suite_;
  std::unique_ptr<Api> admin_;
  int64_t own_ = 0, other_ = 0, kiosk_id_ = 0, person_ = 0;
  std::string token_, photo_;
};

TEST_F(KioskScope, OwnEventKioskRoutesWork) {
  Api kiosk(suite_.server().port(), token_);
  const Reply me = kiosk.get("/api/v1/kiosk/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.data()["kiosk"]["event_id"], own_);
  EXPECT_EQ(kiosk.get(ev(own_, "/stats")).status, 200);
  EXPECT_EQ(kiosk.post_image(ev(own_, "/checkin"), photo_).status, 200);
  EXPECT_EQ(kiosk.post_image("/api/v1/detect", photo_).status, 200);
}

TEST_F(KioskScope, CannotReachAnotherEventOrAdminRoutes) {
  Api kiosk(suite_.server().port(), token_);
  expect_refused_everywhere(kiosk, 403, /*own_event_too=*/false);
  expect_untouched();
  // The stream's query-string token is scoped the same way.
  Api anonymous(suite_.server().port(), "");
  EXPECT_EQ(anonymous.get(ev(other_, "/stream?token=" + token_)).status, 403);
}

TEST_F(KioskScope, RevokedTokenGets401Everywhere) {
  ASSERT_EQ(admin_->del("/api/v1/kiosks/" + std::to_string(kiosk_id_)).status, 204);
  Api kiosk(suite_.server().port(), token_);
  expect_refused_everywhere(kiosk, 401, /*own_event_too=*/true);
  Api anonymous(suite_.server().port(), "");
  EXPECT_EQ(anonymous.get(ev(own_, "/stream?token=" + token_)).status, 401);
  // The revocation is listed, and the admin key still works.
  const Reply kiosks = admin_->get(ev(own_, "/kiosks"));
  ASSERT_EQ(kiosks.status, 200);
  ASSERT_EQ(kiosks.data()["kiosks"].size(), 1u);
  EXPECT_FALSE(kiosks.data()["kiosks"][0]["revoked_at"].is_null());
}

TEST_F(KioskScope, UnknownAndMissingCredentialsGet401) {
  Api nobody(suite_.server().port(), "");
  Api forged(suite_.server().port(), "kt_not_a_real_token");
  Api forged_admin(suite_.server().port(), "ak_not_a_real_key");
  for (Api* api : {&nobody, &forged, &forged_admin}) {
    EXPECT_EQ(api->get("/api/v1/events").status, 401);
    EXPECT_EQ(api->get(ev(own_, "/stats")).status, 401);
    EXPECT_EQ(api->post_image(ev(own_, "/checkin"), photo_).status, 401);
  }
}

TEST_F(KioskScope, RevokedAdminKeyGets401) {
  const Reply created = admin_->post_json("/api/v1/admin/keys", {{"name", "temporary"}});
  ASSERT_EQ(created.status, 201) << created.body;
  Api second(suite_.server().port(), created.data()["secret"].get<std::string>());
  EXPECT_EQ(second.get("/api/v1/events").status, 200);
  const int64_t id = created.data()["key"]["id"].get<int64_t>();
  ASSERT_EQ(admin_->del("/api/v1/admin/keys/" + std::to_string(id)).status, 204);
  EXPECT_EQ(second.get("/api/v1/events").status, 401);
}

}  // namespace
}  // namespace facecheck::acceptance
