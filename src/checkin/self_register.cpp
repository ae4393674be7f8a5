#include "checkin/self_register.h"

#include "vision/image_decoder.h"

namespace facecheck::checkin {

EnrolResult self_register(CheckinService& service, storage::Id event_id,
                          const storage::Person& person, std::string_view image,
                          DuplicateScope scope, const std::string& label) {
  storage::Store& store = service.store();
  const storage::Event event = store.get_event(event_id);  // NotFound -> 404
  service.require_checkin_open(event);
  if (image.empty()) throw DomainError(Reason::kMissingImage);
  // A broken or oversized file is refused from its header before anything
  // is written.
  vision::probe_image(image, service.settings().image_limits);
  // enrol() needs a stored person. The person exists only while the face
  // is checked; a refusal deletes them again, so a failed attempt leaves
  // nothing behind (a concurrent people listing may glimpse them).
  const storage::Person created = store.create_person(person);
  try {
    EnrolRequest request;
    request.person_id = created.id;
    request.label = label;
    if (scope == DuplicateScope::kEvent) request.duplicates_within_event = event_id;
    EnrolResult result = service.enrol(request, image);
    service.add_attendee(event_id, created.id);
    return result;
  } catch (...) {
    service.delete_person(created.id);
    throw;
  }
}

}  // namespace facecheck::checkin
