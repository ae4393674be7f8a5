// The in-memory galleries the matcher searches: one set per event (the face
// templates of its attendees, a gallery per recognition model) and one of
// everybody (to catch a face enrolled twice under two names).
//
// The database stays the source of truth. A gallery is loaded on first use
// and then kept in step with every change made through this process: a new
// template goes into everybody's set and those of the events its person
// attends, an attendee added or removed goes in or out of the event's set,
// and deleting a person removes them from every loaded set at once, so they
// can no longer match even before the database commits. An import reloads
// the event's set.
//
// A set of many templates is given an HNSW index when loaded (see
// gallery::GalleryOptions); with a snapshot folder, the index's graph is
// kept there so a restart does not rebuild it.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include "gallery/gallery_set.h"
#include "storage/change_feed.h"
#include "storage/store.h"

namespace facecheck::checkin {

struct GalleriesConfig {
  gallery::GalleryOptions gallery;
  std::filesystem::path snapshot_dir;  // empty: indexes are built, never saved
  unsigned index_threads = 1;          // threads that build an index
};

class Galleries {
 public:
  explicit Galleries(storage::Store& store, GalleriesConfig config = {});

  // The gallery of an event's attendees (loaded now if needed).
  std::shared_ptr<const gallery::GallerySet> event(storage::Id event_id);
  // Every template of every person.
  std::shared_ptr<const gallery::GallerySet> everyone();

  void template_added(const storage::FaceTemplate& tmpl);
  void template_deleted(storage::Id template_id);
  void person_deleted(storage::Id person_id);
  void attendee_added(storage::Id event_id, storage::Id person_id);
  void attendee_removed(storage::Id event_id, storage::Id person_id);
  // Many attendees at once (an import): the event's set is reloaded.
  void attendance_changed(storage::Id event_id);
  void event_deleted(storage::Id event_id) { attendance_changed(event_id); }

  // A change another server sharing the database made (storage/
  // change_feed.h). Applying one twice, or one this server made itself, does
  // no harm: adds and removals are idempotent, and an added template is read
  // back from the database, so one deleted since is not resurrected.
  void apply(const storage::Change& change);
  // Drops every loaded set: each reloads from the database when next needed.
  // For when changes may have been missed (the feed reconnected).
  void forget_all();

  // Writes the snapshot of every loaded, indexed set (at shutdown).
  void save_indexes();

 private:
  std::shared_ptr<gallery::GallerySet> load_event(storage::Id event_id);
  std::shared_ptr<gallery::GallerySet> load_everyone();
  void prepare(gallery::GallerySet& set, const std::string& name);

  storage::Store& store_;
  GalleriesConfig config_;
  std::mutex mutex_;
  std::map<storage::Id, std::shared_ptr<gallery::GallerySet>> events_;
  std::shared_ptr<gallery::GallerySet> everyone_;
};

}  // namespace facecheck::checkin
