// The in-memory galleries the matcher searches: one set per event (the face
// templates of its attendees, a gallery per recognition model) and one of
// everybody (to catch a face enrolled twice under two names).
//
// The database stays the source of truth. An event's gallery is loaded on
// first use and dropped whenever its attendance or templates change, so the
// next search reloads it; deleting a person removes them from every loaded
// gallery at once, so they can no longer match even before a reload.
#pragma once

#include <map>
#include <memory>
#include <mutex>

#include "gallery/gallery_set.h"
#include "storage/store.h"

namespace facecheck::checkin {

class Galleries {
 public:
  explicit Galleries(storage::Store& store);

  // The gallery of an event's attendees (loaded now if needed).
  std::shared_ptr<const gallery::GallerySet> event(storage::Id event_id);
  // Every template of every person.
  std::shared_ptr<const gallery::GallerySet> everyone();

  void template_added(const storage::FaceTemplate& tmpl);
  void template_deleted(storage::Id template_id);
  void person_deleted(storage::Id person_id);
  void attendance_changed(storage::Id event_id);
  void event_deleted(storage::Id event_id) { attendance_changed(event_id); }

 private:
  std::shared_ptr<gallery::GallerySet> load_event(storage::Id event_id);
  std::shared_ptr<gallery::GallerySet> load_everyone();

  storage::Store& store_;
  std::mutex mutex_;
  std::map<storage::Id, std::shared_ptr<gallery::GallerySet>> events_;
  std::shared_ptr<gallery::GallerySet> everyone_;
};

}  // namespace facecheck::checkin
