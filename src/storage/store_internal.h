// Helpers shared by the files that implement Store (one per entity). Not part
// of the storage API: include only from src/storage/*.cpp.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

#include "storage/connection_pool.h"
#include "storage/database.h"
#include "storage/records.h"
#include "storage/utf8.h"
#include "storage/wal_scrubber.h"

namespace facecheck::storage::internal {

Timestamp now();

// Runs f(Database&) inside one transaction and commits it. A throw from f
// rolls everything back.
template <typename F>
auto in_transaction(Database& db, Transaction::Kind kind, F& f) {
  Transaction tx(db, kind);
  if constexpr (std::is_void_v<std::invoke_result_t<F&, Database&>>) {
    f(db);
    tx.commit();
  } else {
    auto result = f(db);
    tx.commit();
    return result;
  }
}

// A read: a snapshot transaction on a pooled read connection, so a method
// running several queries sees one consistent state.
template <typename F>
auto read(ConnectionPool& pool, F&& f) {
  return pool.with_reader(
      [&](Database& db) { return in_transaction(db, Transaction::Kind::kDeferred, f); });
}

// How many times a write runs before a serialization failure reaches the
// caller. Only PostgreSQL raises Retryable (several servers writing the same
// rows at once); a handful of attempts with backoff clears real contention.
inline constexpr int kWriteAttempts = 5;

// Sleeps before attempt `attempt` + 1: a few milliseconds, doubling, with
// jitter so that two servers that collided do not collide again.
void pause_before_retry(int attempt);

// Runs f() again when it throws Retryable, up to kWriteAttempts times. f must
// be safe to repeat: everything it writes is in the transaction that failed.
template <typename F>
auto retrying(F&& f) {
  for (int attempt = 1;; ++attempt) {
    try {
      return f();
    } catch (const Retryable&) {
      if (attempt == kWriteAttempts) throw;
      pause_before_retry(attempt);
    }
  }
}

// A write: an immediate transaction on the writer connection, retried on a
// serialization failure (outside the writer mutex, so the pause holds up
// nobody else).
template <typename F>
auto write(ConnectionPool& pool, F&& f) {
  return retrying([&] {
    return pool.with_writer(
        [&](Database& db) { return in_transaction(db, Transaction::Kind::kImmediate, f); });
  });
}

// A write that deletes biometric data (templates, photos), then the scrub
// of the freed bytes from the files (wal_scrubber.h), which never waits for
// readers for more than a moment. Returns f's result, or the Scrub when f
// returns nothing.
template <typename F>
auto write_and_scrub(ConnectionPool& pool, WalScrubber& scrubber, F&& f) {
  return retrying([&] {
    return pool.with_writer([&](Database& db) {
      if constexpr (std::is_void_v<std::invoke_result_t<F&, Database&>>) {
        in_transaction(db, Transaction::Kind::kImmediate, f);
        return scrubber.after_delete(db);
      } else {
        auto result = in_transaction(db, Transaction::Kind::kImmediate, f);
        scrubber.after_delete(db);
        return result;
      }
    });
  });
}

// Writes one audit log row inside the caller's transaction (at = now when 0).
void append_audit_row(Database& db, const AuditEntry& entry);

// Throws NotFound("<what> <id> not found") unless `table` has a row `id`.
void require_row(Database& db, std::string_view table, Id id, std::string_view what);

// ---- Validation ----

// Strips ASCII whitespace from both ends.
std::string trimmed(std::string_view text);
// Trims `text` in place and checks it is UTF-8 and not too long; returns an
// error message naming `field`, or "" when it is fine.
std::string check_text(std::string& text, std::string_view field, bool required);
// Normalises a person in place (trimmed fields, "" external_id -> absent)
// and returns what is wrong with it, or "".
std::string check_person(Person& person);
// Throws Invalid(message) when message is not empty.
void throw_if_invalid(const std::string& message);

// ---- Column codecs ----

Bytes encode_embedding(const vision::Embedding& embedding);
vision::Embedding decode_embedding(const Bytes& blob, size_t dimension);
// The JSON columns (json_columns.cpp). Decoders throw StorageError on text
// that is not what the encoders write.
std::string encode_quality(const std::optional<vision::FaceQuality>& quality);
std::optional<vision::FaceQuality> decode_quality(const std::string& text);
std::string encode_liveness(const LivenessEvidence& liveness);
LivenessEvidence decode_liveness(const std::string& text);
std::string encode_details(const AuditDetails& details);
AuditDetails decode_details(const std::string& text);

// ---- Row readers ----
// Each k*Columns lists the columns its reader expects, in order, starting at
// column `first` (or 0). Names are table-qualified so they work in joins.

inline constexpr const char* kPersonColumns =
    "people.id, people.name, people.organisation, people.title, people.email, people.phone, "
    "people.external_id, people.created_at";
inline constexpr int kPersonColumnCount = 8;
Person person_from_row(const Statement& row, int first = 0);

inline constexpr const char* kTemplateColumns =
    "face_templates.id, face_templates.person_id, face_templates.embedding, "
    "face_templates.quality, face_templates.label, face_templates.photo IS NOT NULL, "
    "face_templates.created_at, face_templates.model, face_templates.dim";
FaceTemplate template_from_row(const Statement& row);

}  // namespace facecheck::storage::internal
