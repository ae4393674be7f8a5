// Issue 9, "Audit and lockout": a client sending wrong credentials is
// refused after 20 distinct wrong secrets within 10 minutes, the right key
// too, while a device repeating its one revoked token is not locked out and
// locks out nobody. A real server of its own (the lockout covers every
// client on loopback), real HTTP.
#include "http/server_fixture.h"

namespace facecheck::testing {
namespace {

TEST(CredentialGuesses, TwentyWrongSecretsLockTheAddressOutButARepeatedRevokedTokenDoesNot) {
  ServerProcess server;
  ASSERT_TRUE(server.ok()) << server.error();
  auto http = server.client();
  const auto admin = bearer(server.admin_key());
  const auto keys = [&](const httplib::Headers& who) {
    return status_of(http->Get("/api/v1/admin/keys", who));
  };

  // A kiosk whose token was revoked keeps trying: always 401, never a lockout.
  const int64_t event =
      body_json(http->Post("/api/v1/events", admin,
                           nlohmann::json{{"name", "E"}, {"starts_at", 1}, {"ends_at", 2}}.dump(),
                           "application/json"))
          .value("id", int64_t{0});
  const auto kiosk = body_json(http->Post("/api/v1/events/" + std::to_string(event) + "/kiosks",
                                          admin, R"({"name":"door"})", "application/json"));
  ASSERT_EQ(status_of(http->Delete(
                "/api/v1/kiosks/" + std::to_string(kiosk["kiosk"].value("id", 0)), admin)),
            204);
  for (int i = 0; i < 60; ++i) ASSERT_EQ(keys(bearer(kiosk.value("token", ""))), 401) << i;
  EXPECT_EQ(keys(admin), 200);

  // Nor does a request without any credential.
  for (int i = 0; i < 30; ++i) ASSERT_EQ(status_of(http->Get("/api/v1/admin/keys")), 401);
  EXPECT_EQ(keys(admin), 200);

  // Guessing: 19 more distinct wrong keys still get 401 (the revoked token
  // was the first), the next ones 429, and then the right key is refused too.
  for (int i = 0; i < 19; ++i) ASSERT_EQ(keys(bearer("ak_guess" + std::to_string(i))), 401) << i;
  EXPECT_EQ(keys(bearer("ak_guess-last")), 429);
  auto refused = http->Get("/api/v1/admin/keys", admin);
  EXPECT_EQ(status_of(refused), 429);
  EXPECT_EQ(error_code(refused), "rate_limited");
  // Routes without credentials still answer.
  EXPECT_EQ(status_of(http->Get("/healthz")), 200);
}

}  // namespace
}  // namespace facecheck::testing
