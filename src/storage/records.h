// The plain structs the Store reads and writes, one per table plus the
// shapes of a few query results. They carry no behaviour, so the check-in
// domain and the HTTP layer can copy, compare and serialise them freely.
//
// Conventions:
// - Ids are SQLite rowids (> 0); 0 means "not stored yet". Create methods
//   ignore the id and created_at they are given and return the stored row.
// - Times are unix seconds, UTC (Timestamp).
// - Optional text is an empty string, except external_id, where "no value"
//   and "a value" must differ for the UNIQUE constraint.
// - Text is UTF-8; the store rejects anything else, and trims ASCII
//   whitespace from both ends of names and identifiers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "storage/database.h"
#include "vision/face_quality.h"
#include "vision/face_types.h"
#include "vision/recognizer_model.h"

namespace facecheck::storage {

using Id = std::int64_t;
using Timestamp = std::int64_t;  // unix seconds, UTC

enum class EventStatus { kDraft, kOpen, kClosed };

// Whether the bytes of deleted biometric data have left the database files
// (kComplete), or are still there for a reader's older snapshot and will be
// scrubbed as soon as it ends (kPending; wal_scrubber.h).
enum class Scrub { kComplete, kPending };

// "draft", "open", "closed": the spelling stored in the database and used in
// the HTTP API.
std::string_view to_string(EventStatus status);
std::optional<EventStatus> parse_event_status(std::string_view text);

// How a check-in proves that a live person is at the kiosk (docs/liveness.md):
// not at all, by one frame's passive score, or by an active challenge.
enum class LivenessPolicy { kOff, kPassive, kActive };
std::string_view to_string(LivenessPolicy policy);
std::optional<LivenessPolicy> parse_liveness_policy(std::string_view text);

// How a check-in was made: by face at a kiosk, by an invitation's QR code,
// or by staff at the desk.
enum class CheckInMethod { kFace, kQr, kManual };
std::string_view to_string(CheckInMethod method);
std::optional<CheckInMethod> parse_checkin_method(std::string_view text);

struct Event {
  Id id = 0;
  std::string name;
  std::string venue;
  Timestamp starts_at = 0;
  Timestamp ends_at = 0;
  EventStatus status = EventStatus::kDraft;
  // Check-in is accepted from starts_at - opens_before to ends_at + closes_after.
  int checkin_opens_before_min = 60;
  int checkin_closes_after_min = 30;
  // Per-event override of the global match threshold (embedding distance);
  // empty means the global default applies.
  std::optional<double> match_threshold;
  LivenessPolicy liveness = LivenessPolicy::kOff;
  // What guests agree to before enrolling their own face; "" means the
  // clients' default text. The store manages the version: it starts at 1
  // and update_event adds 1 whenever the text changes (the value given is
  // ignored), so an answer always names the text it answered.
  std::string consent_text;
  int consent_version = 1;
  // Whether kiosks may register walk-up guests (self-register). Off by
  // default: a kiosk token should not be able to mint attendees.
  bool self_register = false;
  // Days the attendees' face templates are kept after the check-in window
  // closes (0-3650); then they are purged unless a later event needs them.
  int retain_faces_days = 30;
  Timestamp created_at = 0;
};

struct Person {
  Id id = 0;
  std::string name;
  std::string organisation;
  std::string title;
  std::string email;
  std::string phone;
  std::optional<std::string> external_id;  // unique when present; "" is stored as absent
  Timestamp created_at = 0;
};

struct PeopleQuery {
  // Case-insensitive (ASCII) substring of name, organisation, email, phone or
  // external_id; empty matches everyone.
  std::string search;
  int limit = 50;  // clamped to [1, 1000]
  int offset = 0;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::int64_t total = 0;  // matches across all pages
};

// A person as an attendee of one event.
struct Attendee {
  Person person;
  Timestamp added_at = 0;
  int template_count = 0;  // > 0 means enrolled
  // The recognition models of those templates, sorted (see FaceTemplate::model).
  std::vector<std::string> template_models;
  std::optional<Timestamp> checked_in_at;
  std::optional<CheckInMethod> checkin_method;
};

struct FaceTemplate {
  Id id = 0;
  Id person_id = 0;
  // The recognition model that made the embedding (vision/recognizer_model.h);
  // the embedding's length is that model's dimension.
  std::string model = std::string(vision::kDlibModelId);
  vision::Embedding embedding{};
  // The face's quality when it was enrolled; empty for templates made
  // before quality was measured.
  std::optional<vision::FaceQuality> quality;
  std::string label;  // "front", "glasses", ...
  // Reading a template never loads the photo (it can be 100 KB and the
  // gallery loads thousands of templates); Store::template_photo does.
  bool has_photo = false;
  Timestamp created_at = 0;
};

// How a check-in established that a live person stood at the kiosk.
struct LivenessEvidence {
  // "none", "passive" or "active"; "" for check-ins recorded before
  // liveness was (they read back as {}).
  std::string method;
  std::optional<double> score;          // passive: the frame's score
  std::vector<std::string> actions;     // active: the challenge's actions
  std::optional<double> passive_score;  // active: the completing frame's score
};
// As JSON text, the form it is stored and sent in: {"method":"passive","score":0.93}.
std::string liveness_text(const LivenessEvidence& evidence);

struct CheckIn {
  Id id = 0;
  Id event_id = 0;
  Id person_id = 0;
  Timestamp checked_in_at = 0;  // set by the caller: the domain owns the clock
  double distance = 0;          // embedding distance of the match
  std::optional<Id> kiosk_id;
  std::optional<vision::FaceQuality> quality;  // of the face (none without a face)
  LivenessEvidence liveness;
  CheckInMethod method = CheckInMethod::kFace;
};

struct CheckInResult {
  CheckIn check_in;
  // True when the person had already checked in: check_in is then the
  // original row, with its original time, and nothing was written.
  bool already = false;
};

struct CheckInBucket {
  Timestamp start = 0;  // multiple of the bucket width
  std::int64_t count = 0;
};

struct EventStats {
  std::int64_t registered = 0;  // attendees
  std::int64_t enrolled = 0;    // attendees with at least one face template
  std::int64_t checked_in = 0;
  std::int64_t by_face = 0, by_qr = 0, by_manual = 0;  // checked_in by method
  // Attendees with an invitation, by their answer to the current consent
  // version (pending: no answer to it yet).
  std::int64_t consent_accepted = 0, consent_declined = 0, consent_pending = 0;
  // Check-ins per bucket, ascending; empty buckets are omitted.
  std::vector<CheckInBucket> buckets;
};

// An event-scoped device credential: a kiosk (faces, QR codes) or a staff
// desk (search, manual check-in, undo, walk-ins).
enum class DeviceRole { kKiosk, kDesk };

struct Kiosk {
  Id id = 0;
  Id event_id = 0;
  std::string name;
  Timestamp created_at = 0;
  std::optional<Timestamp> revoked_at;
  DeviceRole role = DeviceRole::kKiosk;
};

// What creating a kiosk returns: the only time the plain token exists
// outside the kiosk itself. Only its hash is stored.
struct IssuedKiosk {
  Kiosk kiosk;
  std::string token;  // "kt_" (kiosk) or "dk_" (desk) + 43 base64url characters
};

struct ApiKey {
  Id id = 0;
  std::string name;
  Timestamp created_at = 0;
  std::optional<Timestamp> revoked_at;
};

struct IssuedApiKey {
  ApiKey key;
  std::string secret;  // "ak_" + 43 base64url characters, shown once
};

// An invitation: a code that lets one attendee of one event reach their own
// record. It expires with the event's check-in window (computed from the
// event, so it follows changes of the event's times).
struct Invitation {
  Id id = 0;
  Id event_id = 0;
  Id person_id = 0;
  std::string code;  // "iv" + 24 characters of a-z2-7
  Timestamp created_at = 0;
  std::optional<Timestamp> revoked_at;
};

enum class ConsentState { kPending, kAccepted, kDeclined };
std::string_view to_string(ConsentState state);

// A guest's answer to one version of an event's consent text.
struct ConsentAnswer {
  int version = 0;
  bool accepted = false;
  std::string text;  // the text answered ("" = the clients' default text)
  Timestamp answered_at = 0;
};

// An invitation with what the organiser's list shows about its guest.
struct InvitationRow {
  Invitation invitation;
  Person person;
  ConsentState consent = ConsentState::kPending;  // for the current version
  bool face_enrolled = false;
  std::optional<Timestamp> checked_in_at;
};

struct IssuedInvitations {
  std::vector<InvitationRow> invitations;  // in the order asked
  std::int64_t created = 0;                // the others already had one
};

// A person whose face templates are past every retention period of the
// events they attend: `event_id` is the event whose period ended last.
struct FacesDue {
  Id person_id = 0;
  Id event_id = 0;
  Timestamp due_at = 0;
};

// A few facts about an audited action ("version" -> 2, "method" -> "qr"),
// never a name or a face.
using AuditValue = std::variant<std::int64_t, std::string>;
using AuditDetails = std::map<std::string, AuditValue>;
// As JSON text, the form they are stored and exported in: {"version":2}.
std::string audit_details_text(const AuditDetails& details);

// One line of the audit log: who did what to whom, never a name or a face.
struct AuditEntry {
  Id id = 0;
  Timestamp at = 0;
  std::optional<Id> event_id;
  std::optional<Id> person_id;
  std::string action;  // "consent_accepted", "face_deleted", "checkin_qr", ...
  std::string actor;   // "guest", "kiosk:3", "admin:1", "system"
  AuditDetails details;
};

// What import_people does with a row whose external_id is already in the
// database: reject it as a duplicate, or add that existing person to the
// event (the person attended an earlier event and keeps their templates).
enum class ExistingPeople { kReject, kLink };

struct ImportRowError {
  size_t row = 0;  // index into the rows given, from 0
  std::string message;
};

struct ImportResult {
  // Empty when the import was written; otherwise nothing was written.
  std::vector<ImportRowError> errors;
  std::vector<Id> person_ids;  // per row, when written
  std::int64_t created = 0;    // new people
  std::int64_t linked = 0;     // existing people added to the event (kLink)

  bool ok() const { return errors.empty(); }
};

}  // namespace facecheck::storage
