// Invitations, the guests' consent answers and the audit log.
//
// A code is 15 random bytes from libsodium (120 bits) in RFC 4648 base32,
// lower case, behind "iv": 26 characters of [a-z2-7], which survive being
// typed, read from a QR code, put in a URL path, or passed as a Mini
// Program QR code's 32-character `scene`.
#include <sodium.h>

#include <array>
#include <set>

#include "storage/store.h"
#include "storage/store_internal.h"

namespace facecheck::storage {

using namespace internal;

std::string_view to_string(ConsentState state) {
  switch (state) {
    case ConsentState::kPending:
      return "pending";
    case ConsentState::kAccepted:
      return "accepted";
    case ConsentState::kDeclined:
      return "declined";
  }
  return "pending";  // unreachable
}

namespace {

constexpr size_t kCodeBytes = 15;

std::string generate_code() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::array<unsigned char, kCodeBytes> bytes;
  randombytes_buf(bytes.data(), bytes.size());
  std::string code = "iv";
  // 15 bytes = 120 bits = 24 groups of 5 bits, most significant first.
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      code += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  sodium_memzero(bytes.data(), bytes.size());
  return code;
}

constexpr const char* kInvitationColumns =
    "invitations.id, invitations.event_id, invitations.person_id, invitations.code, "
    "invitations.created_at, invitations.revoked_at";
constexpr int kInvitationColumnCount = 6;

Invitation invitation_from_row(const Statement& row) {
  return Invitation{row.int64(0), row.int64(1), row.int64(2),
                    row.text(3),  row.int64(4), row.optional_int64(5)};
}

// An invitation row joined with its person and what the list shows. The
// consent state counts only answers to the event's current version.
const std::string kInvitationRowSelect =
    std::string("SELECT ") + kInvitationColumns + ", " + kPersonColumns +
    ", (SELECT c.accepted FROM consents c JOIN events e ON e.id = c.event_id"
    "   WHERE c.event_id = invitations.event_id AND c.person_id = invitations.person_id"
    "   AND c.version = e.consent_version ORDER BY c.id DESC LIMIT 1),"
    " EXISTS (SELECT 1 FROM face_templates t WHERE t.person_id = people.id),"
    " (SELECT k.checked_in_at FROM check_ins k WHERE k.event_id = invitations.event_id"
    "   AND k.person_id = invitations.person_id)"
    " FROM invitations JOIN people ON people.id = invitations.person_id ";

InvitationRow invitation_row(const Statement& row) {
  InvitationRow r;
  r.invitation = invitation_from_row(row);
  r.person = person_from_row(row, kInvitationColumnCount);
  const int next = kInvitationColumnCount + kPersonColumnCount;
  if (const auto accepted = row.optional_int64(next))
    r.consent = *accepted ? ConsentState::kAccepted : ConsentState::kDeclined;
  r.face_enrolled = row.int64(next + 1) != 0;
  r.checked_in_at = row.optional_int64(next + 2);
  return r;
}

std::optional<InvitationRow> live_invitation(Database& db, Id event_id, Id person_id) {
  Statement stmt =
      db.prepare(kInvitationRowSelect +
                 "WHERE invitations.event_id = ? AND invitations.person_id = ?"
                 " AND invitations.revoked_at IS NULL ORDER BY invitations.id LIMIT 1");
  stmt.bind_all(event_id, person_id);
  if (!stmt.step()) return std::nullopt;
  return invitation_row(stmt);
}

std::vector<Id> attendee_ids(Database& db, Id event_id) {
  Statement stmt = db.prepare("SELECT person_id FROM event_attendees WHERE event_id = ?");
  stmt.bind(1, event_id);
  std::vector<Id> ids;
  while (stmt.step()) ids.push_back(stmt.int64(0));
  return ids;
}

}  // namespace

void internal::append_audit_row(Database& db, const AuditEntry& e) {
  Statement stmt = db.prepare(
      "INSERT INTO audit_log (at, event_id, person_id, action, actor, details)"
      " VALUES (?, ?, ?, ?, ?, ?)");
  stmt.bind_all(e.at ? e.at : now(), e.event_id, e.person_id, e.action, e.actor,
                encode_details(e.details))
      .run();
}

IssuedInvitations Store::issue_invitations(Id event_id, const std::vector<Id>& person_ids) {
  return write(*pool_, [&](Database& db) {
    require_row(db, "events", event_id, "event");
    const std::vector<Id> attending = attendee_ids(db, event_id);
    const std::set<Id> attendees(attending.begin(), attending.end());
    std::vector<Id> wanted = person_ids.empty() ? attending : person_ids;
    std::vector<Id> strangers;
    for (Id id : wanted)
      if (!attendees.count(id)) strangers.push_back(id);
    if (!strangers.empty()) throw NotAttendee(strangers);

    IssuedInvitations issued;
    std::set<Id> seen;
    for (Id person_id : wanted) {
      if (!seen.insert(person_id).second) continue;  // asked twice: listed once
      if (auto existing = live_invitation(db, event_id, person_id)) {
        issued.invitations.push_back(std::move(*existing));
        continue;
      }
      Statement insert = db.prepare(
          "INSERT INTO invitations (event_id, person_id, code, created_at) VALUES (?, ?, ?, ?)");
      insert.bind_all(event_id, person_id, generate_code(), now()).run();
      issued.invitations.push_back(*live_invitation(db, event_id, person_id));
      ++issued.created;
    }
    return issued;
  });
}

std::optional<Invitation> Store::find_invitation(std::string_view code) const {
  return read(*pool_, [&](Database& db) -> std::optional<Invitation> {
    Statement stmt = db.prepare(std::string("SELECT ") + kInvitationColumns +
                                " FROM invitations WHERE code = ?");
    stmt.bind(1, code);
    if (!stmt.step()) return std::nullopt;
    return invitation_from_row(stmt);
  });
}

std::optional<InvitationRow> Store::find_invitation_row(std::string_view code) const {
  return read(*pool_, [&](Database& db) -> std::optional<InvitationRow> {
    Statement stmt = db.prepare(kInvitationRowSelect + "WHERE invitations.code = ?");
    stmt.bind(1, code);
    if (!stmt.step()) return std::nullopt;
    return invitation_row(stmt);
  });
}

std::vector<InvitationRow> Store::list_invitations(Id event_id) const {
  return read(*pool_, [&](Database& db) {
    require_row(db, "events", event_id, "event");
    Statement stmt = db.prepare(kInvitationRowSelect +
                                "WHERE invitations.event_id = ?"
                                " ORDER BY people.name, people.id, invitations.id");
    stmt.bind(1, event_id);
    std::vector<InvitationRow> rows;
    while (stmt.step()) rows.push_back(invitation_row(stmt));
    return rows;
  });
}

bool Store::revoke_invitation(std::string_view code, Timestamp at) {
  return write(*pool_, [&](Database& db) {
    Statement stmt =
        db.prepare("UPDATE invitations SET revoked_at = coalesce(revoked_at, ?) WHERE code = ?");
    stmt.bind_all(at, code).run();
    return db.changes() > 0;
  });
}

std::optional<ConsentAnswer> Store::latest_consent(Id event_id, Id person_id) const {
  return read(*pool_, [&](Database& db) -> std::optional<ConsentAnswer> {
    Statement stmt = db.prepare(
        "SELECT version, accepted, text, answered_at FROM consents"
        " WHERE event_id = ? AND person_id = ? ORDER BY id DESC LIMIT 1");
    stmt.bind_all(event_id, person_id);
    if (!stmt.step()) return std::nullopt;
    return ConsentAnswer{static_cast<int>(stmt.int64(0)), stmt.int64(1) != 0, stmt.text(2),
                         stmt.int64(3)};
  });
}

Scrub Store::record_consent(Id event_id, Id person_id, const ConsentAnswer& answer,
                            bool delete_faces, const AuditEntry& audit) {
  if (answer.version < 1) throw Invalid("consent version must be at least 1");
  auto record = [&](Database& db) {
    Statement insert = db.prepare(
        "INSERT INTO consents (event_id, person_id, version, accepted, text, answered_at)"
        " VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind_all(event_id, person_id, answer.version, answer.accepted ? 1 : 0, answer.text,
                    answer.answered_at);
    insert.run();
    if (delete_faces) {
      Statement del = db.prepare("DELETE FROM face_templates WHERE person_id = ?");
      del.bind(1, person_id).run();
    }
    append_audit_row(db, audit);
  };
  if (!delete_faces) {
    write(*pool_, record);
    return Scrub::kComplete;
  }
  return write_and_scrub(*pool_, *scrubber_, record);
}

void Store::append_audit(const AuditEntry& entry) {
  write(*pool_, [&](Database& db) { append_audit_row(db, entry); });
}

namespace {

std::vector<AuditEntry> audit_rows(Statement& stmt) {
  std::vector<AuditEntry> entries;
  while (stmt.step())
    entries.push_back(AuditEntry{stmt.int64(0), stmt.int64(1), stmt.optional_int64(2),
                                 stmt.optional_int64(3), stmt.text(4), stmt.text(5),
                                 decode_details(stmt.text(6))});
  return entries;
}

constexpr const char* kAuditColumns =
    "SELECT id, at, event_id, person_id, action, actor, details FROM audit_log";

}  // namespace

std::vector<AuditEntry> Store::list_audit(Id event_id) const {
  return read(*pool_, [&](Database& db) {
    Statement stmt = db.prepare(std::string(kAuditColumns) + " WHERE event_id = ? ORDER BY at, id");
    stmt.bind(1, event_id);
    return audit_rows(stmt);
  });
}

std::vector<AuditEntry> Store::list_audit_since(Timestamp since) const {
  return read(*pool_, [&](Database& db) {
    Statement stmt = db.prepare(std::string(kAuditColumns) + " WHERE at >= ? ORDER BY at, id");
    stmt.bind(1, since);
    return audit_rows(stmt);
  });
}

}  // namespace facecheck::storage
