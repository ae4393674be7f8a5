// Check-ins (one per person per event) and the statistics built from them.
#include <cmath>

#include "storage/store.h"
#include "storage/store_internal.h"

namespace facecheck::storage {

using namespace internal;

std::string_view to_string(CheckInMethod method) {
  switch (method) {
    case CheckInMethod::kFace:
      return "face";
    case CheckInMethod::kQr:
      return "qr";
    case CheckInMethod::kManual:
      return "manual";
  }
  return "face";  // unreachable
}

std::optional<CheckInMethod> parse_checkin_method(std::string_view text) {
  for (auto m : {CheckInMethod::kFace, CheckInMethod::kQr, CheckInMethod::kManual})
    if (to_string(m) == text) return m;
  return std::nullopt;
}

namespace {

constexpr const char* kCheckInColumns =
    "id, event_id, person_id, checked_in_at, distance, kiosk_id, quality, liveness, method";

CheckIn checkin_from_row(const Statement& row) {
  CheckIn c;
  c.id = row.int64(0);
  c.event_id = row.int64(1);
  c.person_id = row.int64(2);
  c.checked_in_at = row.int64(3);
  c.distance = row.real(4);
  c.kiosk_id = row.optional_int64(5);
  c.quality = decode_quality(row.text(6));
  c.liveness = decode_liveness(row.text(7));
  const auto method = parse_checkin_method(row.text(8));
  if (!method) throw StorageError("corrupt check-in method: " + row.text(8));
  c.method = *method;
  return c;
}

void require_attendee(Database& db, Id event_id, Id person_id) {
  Statement stmt = db.prepare("SELECT 1 FROM event_attendees WHERE event_id = ? AND person_id = ?");
  stmt.bind_all(event_id, person_id);
  stmt.expect_row("person " + std::to_string(person_id) + " is not an attendee of event " +
                  std::to_string(event_id));
}

std::int64_t count(Database& db, const char* sql, Id event_id) {
  Statement stmt = db.prepare(sql);
  stmt.bind(1, event_id).expect_row("count returned no row");
  return stmt.int64(0);
}

}  // namespace

CheckInResult Store::record_checkin(const CheckIn& checkin) {
  if (!std::isfinite(checkin.distance) || checkin.distance < 0)
    throw Invalid("distance must be a finite number >= 0");
  const std::string quality = encode_quality(checkin.quality);
  const std::string liveness = encode_liveness(checkin.liveness);
  return write(*pool_, [&](Database& db) {
    require_attendee(db, checkin.event_id, checkin.person_id);
    if (checkin.kiosk_id) require_row(db, "kiosks", *checkin.kiosk_id, "kiosk");
    // The writer lock is held from BEGIN IMMEDIATE, so between this insert
    // and the select below no other check-in can appear: the pair is atomic.
    Statement insert = db.prepare(
        std::string("INSERT INTO check_ins (event_id, person_id, checked_in_at, distance, "
                    "kiosk_id, quality, liveness, method) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (event_id, person_id) DO NOTHING RETURNING ") +
        kCheckInColumns);
    insert.bind_all(checkin.event_id, checkin.person_id, checkin.checked_in_at, checkin.distance,
                    checkin.kiosk_id, quality, liveness, to_string(checkin.method));
    if (insert.step()) return CheckInResult{checkin_from_row(insert), false};
    Statement existing = db.prepare(std::string("SELECT ") + kCheckInColumns +
                                    " FROM check_ins WHERE event_id = ? AND person_id = ?");
    existing.bind_all(checkin.event_id, checkin.person_id);
    existing.expect_row("check-in vanished");
    return CheckInResult{checkin_from_row(existing), true};
  });
}

std::optional<CheckIn> Store::undo_checkin(Id event_id, Id person_id, const AuditEntry& audit) {
  return write(*pool_, [&](Database& db) -> std::optional<CheckIn> {
    Statement del = db.prepare(std::string("DELETE FROM check_ins WHERE event_id = ? AND "
                                           "person_id = ? RETURNING ") +
                               kCheckInColumns);
    del.bind_all(event_id, person_id);
    if (!del.step()) return std::nullopt;
    CheckIn removed = checkin_from_row(del);
    while (del.step()) {
    }
    AuditEntry entry = audit;
    entry.details["method"] = std::string(to_string(removed.method));
    entry.details["checked_in_at"] = removed.checked_in_at;
    append_audit_row(db, entry);
    return removed;
  });
}

std::vector<CheckIn> Store::list_checkins(Id event_id) const {
  return read(*pool_, [&](Database& db) {
    require_row(db, "events", event_id, "event");
    Statement stmt = db.prepare(std::string("SELECT ") + kCheckInColumns +
                                " FROM check_ins WHERE event_id = ? ORDER BY checked_in_at, id");
    stmt.bind(1, event_id);
    std::vector<CheckIn> checkins;
    while (stmt.step()) checkins.push_back(checkin_from_row(stmt));
    return checkins;
  });
}

EventStats Store::event_stats(Id event_id, int bucket_seconds) const {
  if (bucket_seconds <= 0) throw Invalid("bucket width must be positive");
  return read(*pool_, [&](Database& db) {
    require_row(db, "events", event_id, "event");
    EventStats stats;
    stats.registered =
        count(db, "SELECT count(*) FROM event_attendees WHERE event_id = ?", event_id);
    stats.enrolled = count(db,
                           "SELECT count(*) FROM event_attendees a WHERE a.event_id = ? AND EXISTS"
                           " (SELECT 1 FROM face_templates t WHERE t.person_id = a.person_id)",
                           event_id);
    stats.checked_in = count(db, "SELECT count(*) FROM check_ins WHERE event_id = ?", event_id);
    Statement methods =
        db.prepare("SELECT method, count(*) FROM check_ins WHERE event_id = ? GROUP BY method");
    methods.bind(1, event_id);
    while (methods.step()) {
      const auto m = parse_checkin_method(methods.text(0));
      std::int64_t& slot = m == CheckInMethod::kQr       ? stats.by_qr
                           : m == CheckInMethod::kManual ? stats.by_manual
                                                         : stats.by_face;
      slot += methods.int64(1);
    }
    // Each invited attendee's latest answer to the current consent version.
    Statement consent = db.prepare(
        "SELECT (SELECT c.accepted FROM consents c WHERE c.event_id = i.event_id"
        "   AND c.person_id = i.person_id AND c.version = e.consent_version"
        "   ORDER BY c.id DESC LIMIT 1) AS answer, count(*)"
        " FROM (SELECT DISTINCT event_id, person_id FROM invitations WHERE event_id = ?) i"
        " JOIN events e ON e.id = i.event_id GROUP BY answer");
    consent.bind(1, event_id);
    while (consent.step()) {
      const auto answer = consent.optional_int64(0);
      std::int64_t& slot = !answer   ? stats.consent_pending
                           : *answer ? stats.consent_accepted
                                     : stats.consent_declined;
      slot += consent.int64(1);
    }
    // Floor to the bucket: SQLite's % truncates toward zero, so the double
    // modulo keeps times before 1970 in the right bucket too.
    Statement stmt = db.prepare(
        "SELECT checked_in_at - ((checked_in_at % ?2) + ?2) % ?2 AS bucket, count(*)"
        " FROM check_ins WHERE event_id = ?1 GROUP BY bucket ORDER BY bucket");
    stmt.bind_all(event_id, bucket_seconds);
    while (stmt.step()) stats.buckets.push_back({stmt.int64(0), stmt.int64(1)});
    return stats;
  });
}

}  // namespace facecheck::storage
