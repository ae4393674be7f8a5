// Walk-up registration at a kiosk (and the tutorial's /face_register): a
// guest who is not on the list gives a name and a photo, and becomes an
// attendee whose face is enrolled, in one step.
#pragma once

#include <string_view>

#include "checkin/checkin_service.h"

namespace facecheck::checkin {

// Where a face like the walk-up guest's counts as a possible duplicate: among
// everyone (an administrator registering), or among the event's attendees
// only (a kiosk or an anonymous caller, who must learn nothing about the
// people of other events).
enum class DuplicateScope { kEveryone, kEvent };

// Creates `person`, enrols the face in `image` and adds them to the event.
// Only while the event takes check-ins (open, inside its window:
// checkin_closed / checkin_not_yet_open otherwise). All or nothing: when
// the event is not open or the face is refused (the enrolment errors:
// no_face, several_faces, poor_quality, possible_duplicate, image_*),
// nothing remains. Returns the enrolment result.
EnrolResult self_register(CheckinService& service, storage::Id event_id,
                          const storage::Person& person, std::string_view image,
                          DuplicateScope scope, const std::string& label = "self-registered");

}  // namespace facecheck::checkin
