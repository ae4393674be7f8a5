// The facecheck database: events, people, their face templates, check-ins
// and the credentials of kiosks and administrators.
//
// Store is safe to share between threads: see connection_pool.h for the
// model (one mutex-guarded writer connection, a pool of read connections,
// SQLite in WAL mode). Every public method is one transaction, so each
// either happens completely or not at all, and readers see the state before
// or after it, never between.
//
// Errors: NotFound for an unknown id, Conflict for a duplicate external_id,
// Invalid for a value the schema does not accept, StorageError otherwise.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "storage/records.h"

namespace facecheck::storage {

class ConnectionPool;
class WalScrubber;

// issue_invitations: these people are not attendees of the event.
class NotAttendee : public Invalid {
 public:
  explicit NotAttendee(std::vector<Id> ids)
      : Invalid("not attendees of the event"), person_ids(std::move(ids)) {}
  std::vector<Id> person_ids;
};

class Store {
 public:
  // Opens the database at `path`, creating the file (mode 0600: it holds
  // biometric data) and its directories as needed, and migrates it to the
  // current schema. ":memory:" opens a private in-memory database (tests).
  // A "postgresql://" URI connects to PostgreSQL instead, which several
  // servers can share (docs/deployment.md).
  static Store open(const std::filesystem::path& path);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  // ---- Events ----
  Event create_event(const Event& event);
  Event get_event(Id id) const;
  std::vector<Event> list_events() const;  // latest start first
  Event update_event(const Event& event);  // replaces every field but created_at
  void delete_event(Id id);                // with its attendance, check-ins and kiosks

  // ---- People ----
  Person create_person(const Person& person);
  // A new person who attends the event: both rows in one transaction, so a
  // failure (the event deleted meanwhile, a taken external_id) leaves neither.
  Person create_attendee(Id event_id, const Person& person);
  Person get_person(Id id) const;
  std::optional<Person> find_person_by_external_id(std::string_view external_id) const;
  Page<Person> list_people(const PeopleQuery& query = {}) const;  // by name, then id
  Person update_person(const Person& person);
  // Deletes the person with every template, photo, attendance and check-in.
  // Deleting biometric data (here, delete_template, replace_template,
  // delete_all_photos) also zeroes the freed space and truncates the WAL, so
  // the bytes leave the files rather than lingering in free pages or the
  // log. The commit never waits for readers: when one still holds an older
  // snapshot, the result is kPending and the scrub finishes in the
  // background once it ends (scrub_pending()).
  Scrub delete_person(Id id);

  // ---- Attendance ----
  // Adds a person to an event; false when they were already attending.
  bool add_attendee(Id event_id, Id person_id);
  // Removes a person from an event, with their check-in there.
  void remove_attendee(Id event_id, Id person_id);
  std::vector<Attendee> list_attendees(Id event_id) const;   // by name
  std::vector<Id> list_attended_events(Id person_id) const;  // ids of the person's events

  // ---- Face templates ----
  // Stores `tmpl` (its id, has_photo and created_at are ignored) and, when
  // given, the photo it was computed from.
  FaceTemplate add_template(const FaceTemplate& tmpl, const std::optional<Bytes>& photo = {});
  std::vector<FaceTemplate> list_templates(Id person_id) const;
  // Every template of every attendee of the event: what the in-memory
  // gallery loads. Ordered by person, then template id.
  std::vector<FaceTemplate> list_event_templates(Id event_id) const;
  // The photo of a template; empty when none was stored.
  std::optional<Bytes> template_photo(Id template_id) const;
  Scrub delete_template(Id template_id);
  // Templates with a stored photo whose model is not `model`: what
  // `facecheck admin reembed` can recompute. Ordered by id.
  std::vector<FaceTemplate> list_reembeddable(const std::string& model) const;
  // Templates of any model but `model` that have no photo (need re-enrolment).
  std::int64_t count_not_reembeddable(const std::string& model) const;
  // Replaces template `old_id` by `replacement` (same person, label and
  // photo, the new model and embedding) in one transaction; the old
  // embedding's bytes are scrubbed like a deletion. Returns the new template.
  FaceTemplate replace_template(Id old_id, const FaceTemplate& replacement);
  // Drops every stored photo (the operator turned photo storage off);
  // returns how many were removed.
  std::int64_t delete_all_photos();
  // True while deleted biometric bytes still wait for a reader to finish.
  bool scrub_pending() const;

  // ---- Check-ins ----
  // Records a check-in (its id is ignored), or, when the person has already
  // checked in to this event, returns that earlier one flagged `already`
  // without writing anything. NotFound when the person is not an attendee.
  CheckInResult record_checkin(const CheckIn& checkin);
  // Removes the person's check-in at the event, with its audit entry, in
  // one transaction; returns what was removed, empty when there was none.
  std::optional<CheckIn> undo_checkin(Id event_id, Id person_id, const AuditEntry& audit);
  std::vector<CheckIn> list_checkins(Id event_id) const;  // by time
  EventStats event_stats(Id event_id, int bucket_seconds = 600) const;

  // ---- Kiosks ----
  // Creates a kiosk for an event and returns its token: the only time the
  // plain token is available.
  IssuedKiosk create_kiosk(Id event_id, std::string_view name,
                           DeviceRole role = DeviceRole::kKiosk);
  // The kiosk or desk a token belongs to (its prefix says which); empty for
  // an unknown or revoked token.
  std::optional<Kiosk> authenticate_kiosk(std::string_view token) const;
  void revoke_kiosk(Id kiosk_id);  // idempotent; keeps the first revoked_at
  std::vector<Kiosk> list_kiosks(Id event_id, DeviceRole role = DeviceRole::kKiosk) const;

  // ---- Admin API keys ----
  IssuedApiKey create_api_key(std::string_view name);
  // The key a secret belongs to; empty for an unknown or revoked secret.
  std::optional<ApiKey> verify_api_key(std::string_view secret) const;
  std::int64_t count_api_keys() const;  // not revoked; 0 means first-run setup
  std::vector<ApiKey> list_api_keys() const;
  void revoke_api_key(Id id);  // idempotent; keeps the first revoked_at

  // ---- Invitations and consent ----
  // One live (unrevoked) invitation per attendee and event: those of
  // `person_ids` (every attendee when empty) that have none get a new
  // random code, the others get theirs back. NotFound for an unknown event;
  // NotAttendee naming every person who is not an attendee (then nothing is
  // created).
  IssuedInvitations issue_invitations(Id event_id, const std::vector<Id>& person_ids);
  std::optional<Invitation> find_invitation(std::string_view code) const;
  // The same, with what the organiser's list shows about its guest.
  std::optional<InvitationRow> find_invitation_row(std::string_view code) const;
  std::vector<InvitationRow> list_invitations(Id event_id) const;  // by name
  // Sets revoked_at unless already set; false for an unknown code.
  bool revoke_invitation(std::string_view code, Timestamp at);
  // The attendee's latest answer, to any version; empty when none.
  std::optional<ConsentAnswer> latest_consent(Id event_id, Id person_id) const;
  // Records an answer and its audit entry together. With delete_faces
  // (withdrawal, "delete my face") the person's templates go in the same
  // transaction and are scrubbed like any deletion.
  Scrub record_consent(Id event_id, Id person_id, const ConsentAnswer& answer, bool delete_faces,
                       const AuditEntry& audit);

  // ---- Retention ----
  // Attendees with face templates whose every event's retention period
  // (check-in window end + retain_faces_days) has ended by `now`.
  std::vector<FacesDue> faces_due_for_purge(Timestamp now) const;
  // Deletes the person's templates and writes `audit` (with the number
  // deleted) in one transaction; the bytes are scrubbed like any deletion.
  Scrub purge_faces(Id person_id, const AuditEntry& audit);

  // ---- Audit log ----
  void append_audit(const AuditEntry& entry);
  std::vector<AuditEntry> list_audit(Id event_id) const;  // by time
  // Every entry at or after `since`, any event or none, by time.
  std::vector<AuditEntry> list_audit_since(Timestamp since) const;

  // ---- Import ----
  // Creates people from `rows` (their id and created_at are ignored) and adds
  // them to the event, all in one transaction: either every row is written,
  // or none is and `errors` says what is wrong with each bad row (empty
  // name, invalid UTF-8, an external_id repeated in the rows or, with
  // kReject, already in the database). NotFound when the event is unknown.
  ImportResult import_people(Id event_id, const std::vector<Person>& rows,
                             ExistingPeople existing = ExistingPeople::kReject);

 private:
  explicit Store(std::unique_ptr<ConnectionPool> pool);

  std::unique_ptr<ConnectionPool> pool_;
  std::unique_ptr<WalScrubber> scrubber_;  // uses *pool_, so destroyed first
};

}  // namespace facecheck::storage
