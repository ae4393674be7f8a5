// Store: kiosk tokens and admin API keys.
#include <sodium.h>

#include "store_test_support.h"

using namespace facecheck::storage;
using namespace facecheck::storage::testing;

using KioskTest = StoreTest;
using ApiKeyTest = StoreTest;

namespace {

bool is_base64url(std::string_view s) {
  return s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
         std::string_view::npos;
}

}  // namespace

TEST_F(KioskTest, TokenIsShownOnceAndStoredOnlyAsAHash) {
  const Event e = store_.create_event(event_named("E"));
  const IssuedKiosk issued = store_.create_kiosk(e.id, "前台 1");
  EXPECT_EQ(issued.token.substr(0, 3), "kt_");
  EXPECT_EQ(issued.token.size(), 3u + 43u) << "32 bytes in unpadded base64url";
  EXPECT_TRUE(is_base64url(issued.token.substr(3)));
  EXPECT_EQ(issued.kiosk.name, "前台 1");
  EXPECT_EQ(issued.kiosk.event_id, e.id);

  Database db = raw();
  Statement s = db.prepare("SELECT token_hash FROM kiosks");
  ASSERT_TRUE(s.step());
  const Bytes hash = s.blob(0);
  EXPECT_EQ(hash.size(), 32u);
  const std::string hash_text(hash.begin(), hash.end());
  EXPECT_NE(hash_text, issued.token);
  EXPECT_EQ(hash_text.find(issued.token.substr(3, 16)), std::string::npos);
  // The documented scheme: BLAKE2b-256 of the whole token, prefix included.
  Bytes expected(crypto_generichash_BYTES);
  crypto_generichash(expected.data(), expected.size(),
                     reinterpret_cast<const unsigned char*>(issued.token.data()),
                     issued.token.size(), nullptr, 0);
  EXPECT_EQ(hash, expected);
}

TEST_F(KioskTest, AuthenticatesRejectsAndRevokes) {
  const Event e = store_.create_event(event_named("E"));
  const IssuedKiosk a = store_.create_kiosk(e.id, "A");
  const IssuedKiosk b = store_.create_kiosk(e.id, "B");
  EXPECT_NE(a.token, b.token);

  const auto found = store_.authenticate_kiosk(a.token);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, a.kiosk.id);

  std::string wrong = a.token;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(store_.authenticate_kiosk(wrong).has_value());
  EXPECT_FALSE(store_.authenticate_kiosk("").has_value());
  EXPECT_FALSE(store_.authenticate_kiosk(a.token + "x").has_value());
  EXPECT_FALSE(store_.authenticate_kiosk("ak_" + a.token.substr(3)).has_value());

  store_.revoke_kiosk(a.kiosk.id);
  EXPECT_FALSE(store_.authenticate_kiosk(a.token).has_value());
  EXPECT_TRUE(store_.authenticate_kiosk(b.token).has_value()) << "only the revoked one";
  const auto first_revocation = store_.list_kiosks(e.id).at(0).revoked_at;
  ASSERT_TRUE(first_revocation.has_value());
  store_.revoke_kiosk(a.kiosk.id);  // idempotent
  EXPECT_EQ(store_.list_kiosks(e.id).at(0).revoked_at, first_revocation);
  EXPECT_FALSE(store_.list_kiosks(e.id).at(1).revoked_at.has_value());

  EXPECT_THROW(store_.revoke_kiosk(999), NotFound);
  EXPECT_THROW(store_.create_kiosk(999, "X"), NotFound);
  EXPECT_THROW(store_.create_kiosk(e.id, " "), Invalid);
  EXPECT_THROW(store_.list_kiosks(999), NotFound);
}

TEST_F(ApiKeyTest, CreateVerifyCountRevoke) {
  EXPECT_EQ(store_.count_api_keys(), 0);
  const IssuedApiKey admin = store_.create_api_key("admin");
  const IssuedApiKey ci = store_.create_api_key("ci");
  EXPECT_EQ(admin.secret.substr(0, 3), "ak_");
  EXPECT_EQ(admin.secret.size(), 46u);
  EXPECT_EQ(store_.count_api_keys(), 2);

  const auto verified = store_.verify_api_key(admin.secret);
  ASSERT_TRUE(verified.has_value());
  EXPECT_EQ(verified->name, "admin");
  EXPECT_FALSE(store_.verify_api_key("ak_" + std::string(43, 'A')).has_value());
  EXPECT_FALSE(store_.verify_api_key("kt_" + admin.secret.substr(3)).has_value());

  store_.revoke_api_key(admin.key.id);
  EXPECT_FALSE(store_.verify_api_key(admin.secret).has_value());
  EXPECT_TRUE(store_.verify_api_key(ci.secret).has_value());
  EXPECT_EQ(store_.count_api_keys(), 1);
  EXPECT_EQ(store_.list_api_keys().size(), 2u) << "revoked keys stay listed";
  EXPECT_THROW(store_.revoke_api_key(999), NotFound);

  Database db = raw();
  Statement hashes = db.prepare("SELECT key_hash FROM api_keys");
  while (hashes.step()) {
    const Bytes hash = hashes.blob(0);
    EXPECT_EQ(hash.size(), 32u);
    EXPECT_EQ(std::string(hash.begin(), hash.end()).find(admin.secret.substr(3, 16)),
              std::string::npos);
  }
}

TEST_F(ApiKeyTest, AKioskTokenIsNotAnApiKeyAndViceVersa) {
  const Event e = store_.create_event(event_named("E"));
  const auto kiosk = store_.create_kiosk(e.id, "K");
  const auto key = store_.create_api_key("admin");
  EXPECT_FALSE(store_.verify_api_key(kiosk.token).has_value());
  EXPECT_FALSE(store_.authenticate_kiosk(key.secret).has_value());
}
