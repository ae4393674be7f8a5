// Events and attendance (which people are registered for which event).
#include <cmath>
#include <sstream>

#include "storage/store.h"
#include "storage/store_internal.h"

namespace facecheck::storage {

using namespace internal;

std::string_view to_string(EventStatus status) {
  switch (status) {
    case EventStatus::kDraft:
      return "draft";
    case EventStatus::kOpen:
      return "open";
    case EventStatus::kClosed:
      return "closed";
  }
  return "draft";  // unreachable; keeps -Wreturn-type quiet
}

std::optional<EventStatus> parse_event_status(std::string_view text) {
  for (auto status : {EventStatus::kDraft, EventStatus::kOpen, EventStatus::kClosed})
    if (to_string(status) == text) return status;
  return std::nullopt;
}

std::string_view to_string(LivenessPolicy policy) {
  switch (policy) {
    case LivenessPolicy::kOff:
      return "off";
    case LivenessPolicy::kPassive:
      return "passive";
    case LivenessPolicy::kActive:
      return "active";
  }
  return "off";  // unreachable
}

std::optional<LivenessPolicy> parse_liveness_policy(std::string_view text) {
  for (auto p : {LivenessPolicy::kOff, LivenessPolicy::kPassive, LivenessPolicy::kActive})
    if (to_string(p) == text) return p;
  return std::nullopt;
}

namespace {

constexpr const char* kEventColumns =
    "id, name, venue, starts_at, ends_at, status, checkin_opens_before_min, "
    "checkin_closes_after_min, match_threshold, liveness, created_at, consent_text, "
    "consent_version, self_register, retain_faces_days";

Event event_from_row(const Statement& row) {
  Event e;
  e.id = row.int64(0);
  e.name = row.text(1);
  e.venue = row.text(2);
  e.starts_at = row.int64(3);
  e.ends_at = row.int64(4);
  const auto status = parse_event_status(row.text(5));
  if (!status) throw StorageError("corrupt event status: " + row.text(5));
  e.status = *status;
  e.checkin_opens_before_min = static_cast<int>(row.int64(6));
  e.checkin_closes_after_min = static_cast<int>(row.int64(7));
  e.match_threshold = row.optional_real(8);
  const auto liveness = parse_liveness_policy(row.text(9));
  if (!liveness) throw StorageError("corrupt event liveness policy: " + row.text(9));
  e.liveness = *liveness;
  e.created_at = row.int64(10);
  e.consent_text = row.text(11);
  e.consent_version = static_cast<int>(row.int64(12));
  e.self_register = row.int64(13) != 0;
  e.retain_faces_days = static_cast<int>(row.int64(14));
  return e;
}

// Normalises the event in place; throws Invalid with the first problem.
void check_event(Event& e) {
  throw_if_invalid(check_text(e.name, "name", true));
  throw_if_invalid(check_text(e.venue, "venue", false));
  throw_if_invalid(check_text(e.consent_text, "consent_text", false));
  if (e.ends_at < e.starts_at) throw Invalid("event ends before it starts");
  if (e.checkin_opens_before_min < 0 || e.checkin_closes_after_min < 0)
    throw Invalid("check-in window minutes must not be negative");
  if (e.retain_faces_days < 0 || e.retain_faces_days > 3650)
    throw Invalid("retain_faces_days must be between 0 and 3650");
  if (e.match_threshold && !(std::isfinite(*e.match_threshold) && *e.match_threshold > 0))
    throw Invalid("match_threshold must be a positive number");
}

// Binds the writable fields to parameters 1..12.
void bind_event_fields(Statement& stmt, const Event& e) {
  stmt.bind_all(e.name, e.venue, e.starts_at, e.ends_at, to_string(e.status),
                e.checkin_opens_before_min, e.checkin_closes_after_min, e.match_threshold,
                to_string(e.liveness), e.consent_text, e.self_register ? 1 : 0,
                e.retain_faces_days);
}

}  // namespace

Event Store::create_event(const Event& event) {
  Event e = event;
  check_event(e);
  return write(*pool_, [&](Database& db) {
    Statement stmt =
        db.prepare(std::string("INSERT INTO events (name, venue, starts_at, ends_at, status, "
                               "checkin_opens_before_min, checkin_closes_after_min, "
                               "match_threshold, liveness, consent_text, self_register, "
                               "retain_faces_days, created_at) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ") +
                   kEventColumns);
    bind_event_fields(stmt, e);
    stmt.bind(13, now());
    stmt.expect_row("insert returned no row");
    return event_from_row(stmt);
  });
}

Event Store::get_event(Id id) const {
  return read(*pool_, [&](Database& db) {
    Statement stmt =
        db.prepare(std::string("SELECT ") + kEventColumns + " FROM events WHERE id = ?");
    stmt.bind(1, id);
    stmt.expect_row("event " + std::to_string(id) + " not found");
    return event_from_row(stmt);
  });
}

std::vector<Event> Store::list_events() const {
  return read(*pool_, [&](Database& db) {
    Statement stmt = db.prepare(std::string("SELECT ") + kEventColumns +
                                " FROM events ORDER BY starts_at DESC, id DESC");
    std::vector<Event> events;
    while (stmt.step()) events.push_back(event_from_row(stmt));
    return events;
  });
}

Event Store::update_event(const Event& event) {
  Event e = event;
  check_event(e);
  return write(*pool_, [&](Database& db) {
    Statement stmt =
        db.prepare(std::string("UPDATE events SET name = ?, venue = ?, starts_at = ?, "
                               "ends_at = ?, status = ?, checkin_opens_before_min = ?, "
                               "checkin_closes_after_min = ?, match_threshold = ?, liveness = ?, "
                               "consent_version = consent_version + "
                               "CASE WHEN consent_text IS DISTINCT FROM ?10 THEN 1 ELSE 0 END, "
                               "consent_text = ?10, self_register = ?, retain_faces_days = ? "
                               "WHERE id = ? RETURNING ") +
                   kEventColumns);
    bind_event_fields(stmt, e);
    stmt.bind(13, e.id);
    stmt.expect_row("event " + std::to_string(e.id) + " not found");
    return event_from_row(stmt);
  });
}

void Store::delete_event(Id id) {
  write(*pool_, [&](Database& db) {
    Statement stmt = db.prepare("DELETE FROM events WHERE id = ?");
    stmt.bind(1, id).run();
    if (db.changes() == 0) throw NotFound("event " + std::to_string(id) + " not found");
  });
}

// ---- Attendance ----

bool Store::add_attendee(Id event_id, Id person_id) {
  return write(*pool_, [&](Database& db) {
    // Checked first so the error names what is missing; the foreign keys
    // alone would only say "constraint failed".
    require_row(db, "events", event_id, "event");
    require_row(db, "people", person_id, "person");
    Statement stmt = db.prepare(
        "INSERT INTO event_attendees (event_id, person_id, added_at) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING");
    stmt.bind_all(event_id, person_id, now()).run();
    return db.changes() == 1;
  });
}

void Store::remove_attendee(Id event_id, Id person_id) {
  write(*pool_, [&](Database& db) {
    Statement stmt = db.prepare("DELETE FROM event_attendees WHERE event_id = ? AND person_id = ?");
    stmt.bind_all(event_id, person_id).run();
    if (db.changes() == 0)
      throw NotFound("person " + std::to_string(person_id) + " is not an attendee of event " +
                     std::to_string(event_id));
  });
}

std::vector<Id> Store::list_attended_events(Id person_id) const {
  return read(*pool_, [&](Database& db) {
    Statement stmt =
        db.prepare("SELECT event_id FROM event_attendees WHERE person_id = ? ORDER BY event_id");
    stmt.bind(1, person_id);
    std::vector<Id> ids;
    while (stmt.step()) ids.push_back(stmt.int64(0));
    return ids;
  });
}

std::vector<Attendee> Store::list_attendees(Id event_id) const {
  return read(*pool_, [&](Database& db) {
    require_row(db, "events", event_id, "event");
    Statement stmt =
        db.prepare(std::string("SELECT ") + kPersonColumns +
                   ", a.added_at,"
                   " (SELECT count(*) FROM face_templates t WHERE t.person_id = people.id),"
                   " c.checked_in_at,"
                   " (SELECT group_concat(model, ',') FROM (SELECT DISTINCT model FROM"
                   "   face_templates t WHERE t.person_id = people.id ORDER BY model) AS m),"
                   " c.method"
                   " FROM event_attendees a JOIN people ON people.id = a.person_id"
                   " LEFT JOIN check_ins c ON c.event_id = a.event_id AND c.person_id = a.person_id"
                   " WHERE a.event_id = ? ORDER BY people.name, people.id");
    stmt.bind(1, event_id);
    std::vector<Attendee> attendees;
    while (stmt.step()) {
      Attendee a;
      a.person = person_from_row(stmt);
      a.added_at = stmt.int64(kPersonColumnCount);
      a.template_count = static_cast<int>(stmt.int64(kPersonColumnCount + 1));
      a.checked_in_at = stmt.optional_int64(kPersonColumnCount + 2);
      // Model ids are short tokens without commas (vision/recognizer_model.h).
      if (const auto models = stmt.optional_text(kPersonColumnCount + 3)) {
        std::stringstream list(*models);
        for (std::string m; std::getline(list, m, ',');) a.template_models.push_back(m);
      }
      if (const auto method = stmt.optional_text(kPersonColumnCount + 4))
        a.checkin_method = parse_checkin_method(*method);
      attendees.push_back(std::move(a));
    }
    return attendees;
  });
}

}  // namespace facecheck::storage
