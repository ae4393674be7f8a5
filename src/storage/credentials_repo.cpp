// Kiosk tokens and admin API keys.
//
// Both are 32 random bytes from libsodium, base64url-encoded behind a prefix
// ("kt_" for kiosks, "ak_" for admin keys) that tells a leaked string's kind
// at a glance and lets secret scanners recognise it. The plain secret is
// returned once at creation; the database keeps only its BLAKE2b-256 hash
// (crypto_generichash), so a copy of the database grants no access.
//
// Why a fast hash and not argon2: a slow, salted password hash exists to
// make guessing low-entropy human passwords expensive. These secrets carry
// 256 random bits, so guessing is hopeless at any hash speed, while argon2
// would add tens of milliseconds and megabytes to every kiosk request and
// invite denial of service. Being unsalted also lets us look a secret up by
// its hash through the UNIQUE index. That lookup leaks timing only about the
// hash, and knowing bits of a hash does not help to find a secret that
// produces it, so no constant-time comparison is needed.
#include <sodium.h>

#include <array>

#include "storage/store.h"
#include "storage/store_internal.h"

namespace facecheck::storage {

using namespace internal;

namespace {

constexpr std::string_view kKioskPrefix = "kt_";
constexpr std::string_view kDeskPrefix = "dk_";
constexpr std::string_view kApiKeyPrefix = "ak_";
constexpr size_t kSecretBytes = 32;
constexpr int kBase64Variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
// Encoded length without the terminating NUL that ENCODED_LEN counts.
constexpr size_t kEncodedLength = sodium_base64_ENCODED_LEN(kSecretBytes, kBase64Variant) - 1;

std::string generate_secret(std::string_view prefix) {
  std::array<unsigned char, kSecretBytes> bytes;
  randombytes_buf(bytes.data(), bytes.size());
  std::string encoded(kEncodedLength + 1, '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), bytes.data(), bytes.size(), kBase64Variant);
  sodium_memzero(bytes.data(), bytes.size());
  encoded.resize(kEncodedLength);
  return std::string(prefix) + encoded;
}

Bytes hash_secret(std::string_view secret) {
  Bytes hash(crypto_generichash_BYTES);
  crypto_generichash(hash.data(), hash.size(),
                     reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), nullptr,
                     0);
  return hash;
}

// Cheap rejection of strings that cannot be a secret of this kind, before
// hashing and querying.
bool has_secret_shape(std::string_view secret, std::string_view prefix) {
  return secret.size() == prefix.size() + kEncodedLength && secret.starts_with(prefix);
}

std::string checked_name(std::string_view name) {
  std::string result(name);
  throw_if_invalid(check_text(result, "name", true));
  return result;
}

// Sets revoked_at unless already set, so the first revocation time stays.
void revoke(Database& db, const char* table, Id id, std::string_view what) {
  Statement stmt = db.prepare(std::string("UPDATE ") + table +
                              " SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?");
  stmt.bind_all(now(), id).run();
  if (db.changes() == 0)
    throw NotFound(std::string(what) + " " + std::to_string(id) + " not found");
}

constexpr const char* kKioskColumns = "id, event_id, name, created_at, revoked_at, role";

std::string_view role_name(DeviceRole role) { return role == DeviceRole::kDesk ? "desk" : "kiosk"; }
std::string_view role_prefix(DeviceRole role) {
  return role == DeviceRole::kDesk ? kDeskPrefix : kKioskPrefix;
}

Kiosk kiosk_from_row(const Statement& row) {
  return Kiosk{
      row.int64(0),          row.int64(1),
      row.text(2),           row.int64(3),
      row.optional_int64(4), row.text(5) == "desk" ? DeviceRole::kDesk : DeviceRole::kKiosk};
}

constexpr const char* kApiKeyColumns = "id, name, created_at, revoked_at";

ApiKey api_key_from_row(const Statement& row) {
  return ApiKey{row.int64(0), row.text(1), row.int64(2), row.optional_int64(3)};
}

}  // namespace

// ---- Kiosks ----

IssuedKiosk Store::create_kiosk(Id event_id, std::string_view name, DeviceRole role) {
  const std::string kiosk_name = checked_name(name);
  std::string token = generate_secret(role_prefix(role));
  const Bytes hash = hash_secret(token);
  Kiosk kiosk = write(*pool_, [&](Database& db) {
    require_row(db, "events", event_id, "event");
    Statement stmt =
        db.prepare(std::string("INSERT INTO kiosks (event_id, name, token_hash, created_at, role) "
                               "VALUES (?, ?, ?, ?, ?) RETURNING ") +
                   kKioskColumns);
    stmt.bind_all(event_id, kiosk_name, hash, now(), role_name(role));
    stmt.expect_row("insert returned no row");
    return kiosk_from_row(stmt);
  });
  return IssuedKiosk{std::move(kiosk), std::move(token)};
}

std::optional<Kiosk> Store::authenticate_kiosk(std::string_view token) const {
  const DeviceRole role = token.starts_with(kDeskPrefix) ? DeviceRole::kDesk : DeviceRole::kKiosk;
  if (!has_secret_shape(token, role_prefix(role))) return std::nullopt;
  const Bytes hash = hash_secret(token);
  return read(*pool_, [&](Database& db) -> std::optional<Kiosk> {
    // The role must match the prefix too: a desk's hash under "kt_" is no
    // kiosk.
    Statement stmt =
        db.prepare(std::string("SELECT ") + kKioskColumns +
                   " FROM kiosks WHERE token_hash = ? AND role = ? AND revoked_at IS NULL");
    stmt.bind_all(hash, role_name(role));
    if (!stmt.step()) return std::nullopt;
    return kiosk_from_row(stmt);
  });
}

void Store::revoke_kiosk(Id kiosk_id) {
  write(*pool_, [&](Database& db) { revoke(db, "kiosks", kiosk_id, "kiosk"); });
}

std::vector<Kiosk> Store::list_kiosks(Id event_id, DeviceRole role) const {
  return read(*pool_, [&](Database& db) {
    require_row(db, "events", event_id, "event");
    Statement stmt = db.prepare(std::string("SELECT ") + kKioskColumns +
                                " FROM kiosks WHERE event_id = ? AND role = ? ORDER BY id");
    stmt.bind_all(event_id, role_name(role));
    std::vector<Kiosk> kiosks;
    while (stmt.step()) kiosks.push_back(kiosk_from_row(stmt));
    return kiosks;
  });
}

// ---- Admin API keys ----

IssuedApiKey Store::create_api_key(std::string_view name) {
  const std::string key_name = checked_name(name);
  std::string secret = generate_secret(kApiKeyPrefix);
  const Bytes hash = hash_secret(secret);
  ApiKey key = write(*pool_, [&](Database& db) {
    Statement stmt = db.prepare(std::string("INSERT INTO api_keys (name, key_hash, created_at) "
                                            "VALUES (?, ?, ?) RETURNING ") +
                                kApiKeyColumns);
    stmt.bind_all(key_name, hash, now());
    stmt.expect_row("insert returned no row");
    return api_key_from_row(stmt);
  });
  return IssuedApiKey{std::move(key), std::move(secret)};
}

std::optional<ApiKey> Store::verify_api_key(std::string_view secret) const {
  if (!has_secret_shape(secret, kApiKeyPrefix)) return std::nullopt;
  const Bytes hash = hash_secret(secret);
  return read(*pool_, [&](Database& db) -> std::optional<ApiKey> {
    Statement stmt = db.prepare(std::string("SELECT ") + kApiKeyColumns +
                                " FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL");
    stmt.bind(1, hash);
    if (!stmt.step()) return std::nullopt;
    return api_key_from_row(stmt);
  });
}

std::int64_t Store::count_api_keys() const {
  return read(*pool_, [&](Database& db) {
    return db.query_int64("SELECT count(*) FROM api_keys WHERE revoked_at IS NULL");
  });
}

std::vector<ApiKey> Store::list_api_keys() const {
  return read(*pool_, [&](Database& db) {
    Statement stmt =
        db.prepare(std::string("SELECT ") + kApiKeyColumns + " FROM api_keys ORDER BY id");
    std::vector<ApiKey> keys;
    while (stmt.step()) keys.push_back(api_key_from_row(stmt));
    return keys;
  });
}

void Store::revoke_api_key(Id id) {
  write(*pool_, [&](Database& db) { revoke(db, "api_keys", id, "api key"); });
}

}  // namespace facecheck::storage
