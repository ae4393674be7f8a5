// Invitations and the guest's side over HTTP, against a real server with the
// real models: every guest route with a valid, wrong, malformed, expired,
// revoked and other-event code; consent before a face; the guest's own
// face enrolled, recognised at the kiosk, deleted and no longer recognised;
// QR check-in; the guessing limit; walk-up registration off by default.
#include <algorithm>
#include <ctime>
#include <regex>

#include "http/server_fixture.h"

namespace facecheck::testing {
namespace {

using nlohmann::json;

const char* const kGrant = "Grant_Hackett";
const char* const kLuis = "Luis_Ernesto_Derbez_Bautista";

class HttpInvitations : public SharedServerTest<HttpInvitations> {
 public:
  static std::vector<std::string> server_args() {
    return {"--kiosk-rps", "0", "--threshold", "0.5", "--public-url", "https://checkin.test"};
  }

 protected:
  void SetUp() override {
    REQUIRE_DATA();
    SharedServerTest::SetUp();
  }

  static int64_t now() { return static_cast<int64_t>(std::time(nullptr)); }
  static std::string path(int64_t event, const std::string& rest) {
    return "/api/v1/events/" + std::to_string(event) + rest;
  }

  int64_t person(const std::string& name, const std::string& email = "") {
    return body_json(post_json("/api/v1/people", {{"name", name}, {"email", email}}))
        .value("id", int64_t{0});
  }

  // An event with these attendees; `ends_in` seconds from now (its check-in
  // window closes 30 minutes later).
  int64_t event(const std::vector<int64_t>& attendees, int64_t ends_in = 3600,
                const std::string& status = "open") {
    const auto r = post_json("/api/v1/events",
                             {{"name", "Invitations"},
                              {"venue", "Hall 2"},
                              {"starts_at", now() + std::min<int64_t>(-3600, ends_in - 3600)},
                              {"ends_at", now() + ends_in},
                              {"status", status},
                              {"liveness", "off"}});
    EXPECT_EQ(status_of(r), 201) << (r ? r->body : "");
    const int64_t id = body_json(r).value("id", int64_t{0});
    for (int64_t p : attendees)
      EXPECT_EQ(status_of(post_json(path(id, "/attendees"), {{"person_id", p}})), 201);
    return id;
  }

  // The code of `who`'s invitation to `event` (created on first call).
  std::string invite(int64_t event, int64_t who) {
    const auto r = post_json(path(event, "/invitations"), {{"person_ids", {who}}});
    EXPECT_EQ(status_of(r), 201) << (r ? r->body : "");
    return body_json(r)["invitations"][0].value("code", "");
  }

  // Guest requests carry no credentials at all.
  httplib::Result guest_get(const std::string& code) {
    return http_->Get("/api/v1/invitations/" + code);
  }
  httplib::Result consent(const std::string& code, bool accepted, int version = 1) {
    return http_->Post("/api/v1/invitations/" + code + "/consent",
                       json{{"accepted", accepted}, {"version", version}}.dump(),
                       "application/json");
  }
  httplib::Result selfie(const std::string& code, const std::string& photo) {
    return http_->Post("/api/v1/invitations/" + code + "/face", image_form(photo));
  }
  httplib::Result delete_face(const std::string& code) {
    return http_->Delete("/api/v1/invitations/" + code + "/face");
  }
  httplib::Result qr(int64_t event, const httplib::Headers& who, const std::string& code) {
    return http_->Post(path(event, "/checkin/qr"), who, json{{"code", code}}.dump(),
                       "application/json");
  }
  std::string kiosk_token(int64_t event) {
    return body_json(post_json(path(event, "/kiosks"), {{"name", "door"}})).value("token", "");
  }
  // The status of the first face of a kiosk check-in.
  std::string face_status(int64_t event, const httplib::Headers& kiosk, const std::string& photo) {
    auto r = http_->Post(path(event, "/checkin"), kiosk, image_form(photo));
    EXPECT_EQ(status_of(r), 200) << (r ? r->body : "");
    const json faces = body_json(r).value("faces", json::array());
    return faces.empty() ? "no face" : faces[0].value("status", "");
  }
};

TEST_F(HttpInvitations, AdminInvitesAttendeesOnceEachAndListsThem) {
  const int64_t ann = person("Ann Invited", "ann@example.com");
  const int64_t bob = person("Bob Invited");
  const int64_t stranger = person("Not Attending");
  const int64_t e = event({ann, bob});

  auto first = post_json(path(e, "/invitations"), {{"all", true}});
  ASSERT_EQ(status_of(first), 201) << first->body;
  const json issued = body_json(first);
  EXPECT_EQ(issued["created"], 2);
  ASSERT_EQ(issued["invitations"].size(), 2u);
  const json& inv = issued["invitations"][0];
  EXPECT_EQ(inv["name"], "Ann Invited");
  EXPECT_EQ(inv["email"], "ann@example.com");
  const std::string code = inv["code"];
  EXPECT_TRUE(std::regex_match(code, std::regex("iv[a-z2-7]{24}"))) << code;
  EXPECT_EQ(inv["url"], "https://checkin.test/invite/" + code);
  EXPECT_EQ(inv["consent"], "pending");
  EXPECT_EQ(inv["expires_at"].get<int64_t>(),
            body_json(http_->Get(path(e, ""), admin_))["ends_at"].get<int64_t>() + 30 * 60);

  // Again: the same codes, nothing new.
  const json again = body_json(post_json(path(e, "/invitations"), {{"person_ids", {ann}}}));
  EXPECT_EQ(again["created"], 0);
  EXPECT_EQ(again["invitations"][0]["code"], code);

  auto refused = post_json(path(e, "/invitations"), {{"person_ids", {ann, stranger}}});
  EXPECT_EQ(status_of(refused), 422);
  EXPECT_EQ(error_code(refused), "not_an_attendee");
  EXPECT_EQ(body_json(refused)["error"]["details"]["person_ids"], json({stranger}));
  EXPECT_EQ(error_code(post_json(path(e, "/invitations"), json::object())), "missing_field");
  EXPECT_EQ(error_code(post_json(path(e, "/invitations"), {{"person_ids", {"7"}}})),
            "invalid_field");

  const json list = body_json(http_->Get(path(e, "/invitations"), admin_));
  EXPECT_EQ(list["invitations"].size(), 2u);
  auto csv = http_->Get(path(e, "/invitations.csv"), admin_);
  ASSERT_EQ(status_of(csv), 200);
  EXPECT_NE(csv->body.find("Ann Invited,ann@example.com,,https://checkin.test/invite/" + code),
            std::string::npos)
      << csv->body;
}

TEST_F(HttpInvitations, KiosksAndGuestsCannotReachTheOrganisersRoutes) {
  const int64_t ann = person("Ann Scoped");
  const int64_t e = event({ann});
  const std::string code = invite(e, ann);
  const auto kiosk = bearer(kiosk_token(e));
  EXPECT_EQ(
      status_of(http_->Post(path(e, "/invitations"), kiosk, R"({"all":true})", "application/json")),
      403);
  EXPECT_EQ(status_of(http_->Get(path(e, "/invitations"), kiosk)), 403);
  EXPECT_EQ(status_of(http_->Get(path(e, "/invitations.csv"), kiosk)), 403);
  EXPECT_EQ(status_of(http_->Delete("/api/v1/invitations/" + code, kiosk)), 403);
  EXPECT_EQ(status_of(http_->Get(path(e, "/audit.csv"), kiosk)), 403);
  // The code is no credential for anything else.
  const auto as_bearer = bearer(code);
  EXPECT_EQ(status_of(http_->Get(path(e, "/invitations"), as_bearer)), 401);
  EXPECT_EQ(status_of(http_->Get(path(e, "/stats"), as_bearer)), 401);
  EXPECT_EQ(status_of(http_->Get("/api/v1/people", as_bearer)), 401);
  EXPECT_EQ(status_of(qr(e, as_bearer, code)), 401);
}

TEST_F(HttpInvitations, GuestSeesOnlyTheirOwnRecord) {
  const int64_t ann = person("安 Guest", "ann.private@example.com");
  const int64_t e = event({ann});
  const std::string code = invite(e, ann);
  auto r = guest_get(code);
  ASSERT_EQ(status_of(r), 200) << r->body;
  const json v = body_json(r);
  EXPECT_EQ(v["event"]["id"], e);
  EXPECT_EQ(v["event"]["venue"], "Hall 2");
  EXPECT_EQ(v["attendee"], json({{"name", "安 Guest"}}));
  EXPECT_EQ(v["consent"]["state"], "pending");
  EXPECT_EQ(v["consent"]["version"], 1);
  EXPECT_EQ(v["face"]["enrolled"], false);
  EXPECT_TRUE(v["checked_in_at"].is_null());
  EXPECT_EQ(r->body.find("ann.private"), std::string::npos);  // no other personal data

  const std::vector<std::string> wrong_codes = {"ivaaaaaaaaaaaaaaaaaaaaaaaa", "iv", "nonsense",
                                                "IV" + code.substr(2)};
  for (const std::string& bad : wrong_codes) {
    auto wrong = guest_get(bad);
    EXPECT_EQ(status_of(wrong), 404) << bad;
    EXPECT_EQ(error_code(wrong), "invitation_not_found") << bad;
    EXPECT_EQ(error_code(consent(bad, true)), "invitation_not_found") << bad;
    EXPECT_EQ(error_code(selfie(bad, lfw_photo(kGrant, 1))), "invitation_not_found") << bad;
    EXPECT_EQ(error_code(delete_face(bad)), "invitation_not_found") << bad;
  }
}

TEST_F(HttpInvitations, FaceNeedsAcceptedConsentOfTheCurrentVersion) {
  const int64_t luis = person("Luis Consent");
  const int64_t e = event({luis});
  const std::string code = invite(e, luis);
  auto early = selfie(code, lfw_photo(kLuis, 1));
  EXPECT_EQ(status_of(early), 403);
  EXPECT_EQ(error_code(early), "consent_required");

  EXPECT_EQ(error_code(consent(code, true, 2)), "consent_version_changed");
  EXPECT_EQ(error_code(http_->Post("/api/v1/invitations/" + code + "/consent", R"({"version":1})",
                                   "application/json")),
            "missing_field");
  auto declined = consent(code, false);
  ASSERT_EQ(status_of(declined), 200);
  EXPECT_EQ(body_json(declined)["consent"]["state"], "declined");
  EXPECT_EQ(error_code(selfie(code, lfw_photo(kLuis, 1))), "consent_required");

  auto accepted = consent(code, true);
  ASSERT_EQ(status_of(accepted), 200);
  EXPECT_EQ(body_json(accepted)["consent"]["state"], "accepted");
  EXPECT_TRUE(body_json(accepted)["consent"]["answered_at"].is_number());

  // The organiser rewrites the text: version 2, and the old answer no
  // longer counts.
  const json patched = body_json(patch_json(path(e, ""), {{"consent_text", "New wording"}}));
  EXPECT_EQ(patched["consent_version"], 2);
  EXPECT_EQ(patched["consent_text"], "New wording");
  EXPECT_EQ(body_json(patch_json(path(e, ""), {{"venue", "Hall 3"}}))["consent_version"], 2);
  const json reread = body_json(guest_get(code));
  EXPECT_EQ(reread["consent"]["state"], "pending");
  EXPECT_EQ(reread["consent"]["text"], "New wording");
  EXPECT_EQ(error_code(selfie(code, lfw_photo(kLuis, 1))), "consent_required");
  EXPECT_EQ(error_code(consent(code, true, 1)), "consent_version_changed");
  ASSERT_EQ(status_of(consent(code, true, 2)), 200);
  auto enrolled = selfie(code, lfw_photo(kLuis, 1));
  EXPECT_EQ(status_of(enrolled), 201) << enrolled->body;

  const json stats = body_json(http_->Get(path(e, "/stats"), admin_));
  EXPECT_EQ(stats["consent"], json({{"accepted", 1}, {"declined", 0}, {"pending", 0}}));
  auto audit = http_->Get(path(e, "/audit.csv"), admin_);
  ASSERT_EQ(status_of(audit), 200);
  for (const char* action : {"consent_declined", "consent_accepted", "face_enrolled"})
    EXPECT_NE(audit->body.find(action), std::string::npos) << action << "\n" << audit->body;
}

TEST_F(HttpInvitations, OwnFaceIsRecognisedThenDeletedAndQrStillWorks) {
  const int64_t grant = person("Grant Guest");
  const int64_t e = event({grant});
  const std::string code = invite(e, grant);
  ASSERT_EQ(status_of(consent(code, true)), 200);
  auto blank =
      selfie(code, read_bytes(data_dir() / "conformance" / "face-api" / "images" / "white.png"));
  EXPECT_EQ(status_of(blank), 422);
  EXPECT_EQ(error_code(blank), "no_face");
  auto enrolled = selfie(code, lfw_photo(kGrant, 1));
  ASSERT_EQ(status_of(enrolled), 201) << enrolled->body;
  EXPECT_EQ(body_json(enrolled)["face"]["enrolled"], true);
  EXPECT_TRUE(body_json(enrolled)["quality"]["acceptable"].get<bool>());
  // A second selfie replaces the first: still one template, into their own record.
  ASSERT_EQ(status_of(selfie(code, lfw_photo(kGrant, 3))), 201);
  const json faces =
      body_json(http_->Get("/api/v1/people/" + std::to_string(grant) + "/faces", admin_));
  EXPECT_EQ(faces["faces"].size(), 1u);
  EXPECT_EQ(body_json(guest_get(code))["face"]["enrolled"], true);

  const auto kiosk = bearer(kiosk_token(e));
  ASSERT_EQ(face_status(e, kiosk, lfw_photo(kGrant, 2)), "checked_in");
  const json after = body_json(guest_get(code));
  EXPECT_TRUE(after["checked_in_at"].is_number());

  // Deleted means gone at once, for the event's kiosk and any other.
  ASSERT_EQ(status_of(delete_face(code)), 204);
  const json gone = body_json(guest_get(code));
  EXPECT_EQ(gone["face"]["enrolled"], false);
  EXPECT_EQ(gone["consent"]["state"], "declined");
  const int64_t next = event({grant});
  const auto next_kiosk = bearer(kiosk_token(next));
  EXPECT_EQ(face_status(next, next_kiosk, lfw_photo(kGrant, 2)), "not_recognised");
  EXPECT_TRUE(
      body_json(http_->Get("/api/v1/people/" + std::to_string(grant) + "/faces", admin_))["faces"]
          .empty());

  // The next event's QR code still checks them in, by code or by link.
  const std::string next_code = invite(next, grant);
  auto by_qr = qr(next, next_kiosk, "https://checkin.test/invite/" + next_code + "?from=qr");
  ASSERT_EQ(status_of(by_qr), 200) << by_qr->body;
  EXPECT_EQ(body_json(by_qr)["status"], "checked_in");
  EXPECT_EQ(body_json(by_qr)["method"], "qr");
  EXPECT_EQ(body_json(by_qr)["person"]["name"], "Grant Guest");
  EXPECT_EQ(body_json(qr(next, next_kiosk, next_code))["status"], "already_checked_in");
  const json stats = body_json(http_->Get(path(next, "/stats"), admin_));
  EXPECT_EQ(stats["by_method"], json({{"face", 0}, {"qr", 1}, {"manual", 0}}));
  // The first event's code is nothing at the second event's kiosk.
  auto elsewhere = qr(next, next_kiosk, code);
  EXPECT_EQ(status_of(elsewhere), 404);
  EXPECT_EQ(error_code(elsewhere), "invitation_not_found");
  EXPECT_EQ(error_code(qr(next, next_kiosk, "not a code")), "invalid_field");
}

TEST_F(HttpInvitations, RevokedAndExpiredCodesAnswerGone) {
  const int64_t ann = person("Ann Revoked");
  const int64_t e = event({ann});
  const std::string code = invite(e, ann);
  ASSERT_EQ(status_of(http_->Delete("/api/v1/invitations/" + code, admin_)), 204);
  ASSERT_EQ(status_of(http_->Delete("/api/v1/invitations/" + code, admin_)), 204);  // idempotent
  for (const auto& r : {guest_get(code), consent(code, true), selfie(code, lfw_photo(kGrant, 1)),
                        delete_face(code), qr(e, admin_, code)}) {
    EXPECT_EQ(status_of(r), 410);
    EXPECT_EQ(error_code(r), "invitation_revoked");
  }
  EXPECT_FALSE(
      body_json(http_->Get(path(e, "/invitations"), admin_))["invitations"][0]["revoked_at"]
          .is_null());
  // A revoked code does not block a new one.
  EXPECT_NE(invite(e, ann), code);
  EXPECT_EQ(error_code(http_->Delete("/api/v1/invitations/ivaaaaaaaaaaaaaaaaaaaaaaaa", admin_)),
            "invitation_not_found");

  // Ended two hours ago: its check-in window closed 90 minutes ago.
  const int64_t bob = person("Bob Late");
  const int64_t past = event({bob}, -2 * 3600);
  const std::string late = invite(past, bob);
  for (const auto& r :
       {guest_get(late), consent(late, true), delete_face(late), qr(past, admin_, late)}) {
    EXPECT_EQ(status_of(r), 410);
    EXPECT_EQ(error_code(r), "invitation_expired");
  }
}

TEST_F(HttpInvitations, QrCheckInFollowsTheEventWindow) {
  const int64_t ann = person("Ann Draft");
  const int64_t draft = event({ann}, 3600, "draft");
  const std::string code = invite(draft, ann);
  EXPECT_EQ(status_of(guest_get(code)), 200);  // guests enrol before the doors open
  auto r = qr(draft, admin_, code);
  EXPECT_EQ(status_of(r), 409);
  EXPECT_EQ(error_code(r), "checkin_closed");
}

TEST_F(HttpInvitations, KioskSelfRegistrationIsOffUntilTheEventTurnsItOn) {
  const int64_t e = event({});
  const auto kiosk = bearer(kiosk_token(e));
  httplib::MultipartFormDataItems form = image_form(lfw_photo(kLuis, 2));
  form.push_back({"name", "Walk Up", "", ""});
  auto refused = http_->Post(path(e, "/self-register"), kiosk, form);
  EXPECT_EQ(status_of(refused), 403);
  EXPECT_EQ(error_code(refused), "self_register_disabled");
  EXPECT_TRUE(body_json(http_->Get(path(e, "/attendees"), admin_))["attendees"].empty());
  ASSERT_EQ(body_json(patch_json(path(e, ""), {{"self_register", true}}))["self_register"], true);
  auto allowed = http_->Post(path(e, "/self-register"), kiosk, form);
  EXPECT_EQ(status_of(allowed), 201) << allowed->body;
}

// Its own server: the limit counts per client address, and every test here
// comes from 127.0.0.1.
TEST(HttpInvitationGuessing, UnknownCodesFromOneAddressAreRateLimited) {
  REQUIRE_MODELS();
  ServerProcess server;
  ASSERT_TRUE(server.ok()) << server.error();
  auto http = server.client();
  for (int i = 0; i < 20; ++i) {
    auto r = http->Get("/api/v1/invitations/ivaaaaaaaaaaaaaaaaaaaaaa" +
                       std::string(1, char('a' + i % 26)) + "a");
    ASSERT_EQ(status_of(r), 404) << i;
  }
  auto blocked = http->Get("/api/v1/invitations/ivbbbbbbbbbbbbbbbbbbbbbbbb");
  EXPECT_EQ(status_of(blocked), 429);
  EXPECT_EQ(error_code(blocked), "rate_limited");
  // Organisers are not slowed down by it.
  EXPECT_EQ(status_of(http->Get("/api/v1/events", bearer(server.admin_key()))), 200);
}

}  // namespace
}  // namespace facecheck::testing
