// The staff desk at the entrance: find an attendee, check them in by hand,
// undo a wrong check-in, register a walk-in. Every change names who made it
// in the audit log. The non-face way in that the rules require: nobody has
// to use their face to get in.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checkin/invitations.h"

namespace facecheck::checkin {

struct DeskAttendee {
  storage::Attendee attendee;
  // Their answer to the current consent text; empty when not invited.
  std::optional<storage::ConsentState> consent;
};

struct DeskSearch {
  std::vector<DeskAttendee> attendees;  // at most the limit, by name
  std::int64_t total = 0;               // every match
};

struct WalkIn {
  storage::Person person;
  storage::InvitationRow invitation;  // for consent and a selfie from their own phone
  std::optional<storage::CheckInResult> check_in;
};

class FrontDesk {
 public:
  FrontDesk(CheckinService& checkin, InvitationService& invitations)
      : checkin_(checkin), invitations_(invitations) {}

  // Attendees whose name, organisation, phone or email contains `text`
  // (ASCII case-insensitive); empty text matches everyone.
  DeskSearch search(storage::Id event_id, const std::string& text, size_t limit = 50) const;

  // A check-in by hand (method manual), while check-in is open.
  CodeCheckIn check_in(storage::Id event_id, storage::Id person_id,
                       std::optional<storage::Id> device_id, const std::string& actor);
  // Removes a wrong check-in of any method; 404 when there is none.
  void undo(storage::Id event_id, storage::Id person_id, const std::string& actor);

  // A new attendee and their invitation; checked in by hand when asked.
  WalkIn walk_in(storage::Id event_id, const storage::Person& person, bool check_in_now,
                 std::optional<storage::Id> device_id, const std::string& actor);

 private:
  CheckinService& checkin_;
  InvitationService& invitations_;
};

}  // namespace facecheck::checkin
