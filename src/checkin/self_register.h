// Walk-up registration at a kiosk (and the tutorial's /face_register): a
// guest who is not on the list gives a name and a photo, and becomes an
// attendee whose face is enrolled, in one step.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "checkin/checkin_service.h"

namespace facecheck::checkin {

// Creates `person`, enrols the face in `image` and adds them to the event.
// All or nothing: when the event is closed (409 event_closed) or the face
// is refused (the enrolment errors: no_face, several_faces, poor_quality,
// possible_duplicate, image_*), nothing remains. Returns
// the enrolment result: {"person", "template_id", "box", "quality",
// "photo_stored"}.
nlohmann::json self_register(CheckinService& service, storage::Id event_id,
                             const storage::Person& person, std::string_view image,
                             const std::string& label = "self-registered");

}  // namespace facecheck::checkin
