// The guest's side of an event: invitations, consent, the guest's own face,
// and check-in by the invitation's QR code (docs/privacy.md).
//
// An invitation code is the guest's only credential. It reaches exactly one
// attendee of one event: their own record, never another person, another
// event or any organiser function. Every operation on a code checks it
// first, with the same three refusals: not found (unknown, or another
// event's), revoked, expired (the event's check-in window is over).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/checkin_service.h"

namespace facecheck::checkin {

// What a guest sees of their invitation.
struct GuestView {
  storage::Invitation invitation;
  storage::Event event;
  storage::Person attendee;  // the HTTP layer shows the name only
  storage::ConsentState consent = storage::ConsentState::kPending;  // for the current version
  std::optional<storage::Timestamp> answered_at;                    // of that answer
  bool face_enrolled = false;
  std::optional<storage::Timestamp> checked_in_at;
  storage::Timestamp expires_at = 0;
};

struct CodeCheckIn {
  storage::CheckInResult result;
  storage::Person person;
};

// The end of the event's check-in window: when its invitations expire.
storage::Timestamp invitation_expiry(const storage::Event& event);

// The code in a bare code or an invitation URL (".../invite/CODE", with or
// without a query or fragment); empty when there is none of the right shape.
std::string invitation_code_in(std::string_view text);

class InvitationService {
 public:
  explicit InvitationService(CheckinService& checkin) : checkin_(checkin) {}

  // For the organiser (the HTTP layer checks the admin key).
  storage::IssuedInvitations invite(storage::Id event_id, const std::vector<storage::Id>& people);
  std::vector<storage::InvitationRow> list(storage::Id event_id) const;
  void revoke(std::string_view code, const std::string& actor);

  // For the guest, with the code alone.
  GuestView open(std::string_view code) const;
  // Records the answer to `version` (consent_version_changed unless it
  // is the event's current one). Declining, at any time, deletes the
  // guest's face templates: no consent, no face.
  GuestView answer_consent(std::string_view code, bool accepted, int version);
  // Enrols the photo's face into the guest's own record (consent_required
  // without accepted consent); a new selfie replaces the
  // guest's earlier ones. Returns the enrolment result.
  EnrolResult enrol_face(std::string_view code, std::string_view image);
  // Deletes every face template of the guest and records the withdrawal.
  storage::Scrub delete_face(std::string_view code);

  // For a kiosk or desk of `event_id`: checks the invitation's attendee in.
  CodeCheckIn check_in(storage::Id event_id, std::optional<storage::Id> kiosk_id,
                       std::string_view code_or_url);

 private:
  // The invitation and its event, or the DomainError a guest gets.
  std::pair<storage::Invitation, storage::Event> valid(std::string_view code) const;
  GuestView view(const storage::Invitation& invitation, const storage::Event& event) const;
  storage::Scrub withdraw(const storage::Invitation& invitation, const storage::Event& event,
                          const char* action);

  CheckinService& checkin_;
};

}  // namespace facecheck::checkin
