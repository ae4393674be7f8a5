#include "checkin/galleries.h"

namespace facecheck::checkin {

Galleries::Galleries(storage::Store& store) : store_(store) {}

std::shared_ptr<gallery::GallerySet> Galleries::load_event(storage::Id event_id) {
  auto g = std::make_shared<gallery::GallerySet>();
  for (const auto& t : store_.list_event_templates(event_id))
    g->add(t.model, t.person_id, t.id, t.embedding);
  return g;
}

std::shared_ptr<gallery::GallerySet> Galleries::load_everyone() {
  auto g = std::make_shared<gallery::GallerySet>();
  storage::PeopleQuery query;
  query.limit = 1000;
  for (;;) {
    const auto page = store_.list_people(query);
    for (const auto& person : page.items)
      for (const auto& t : store_.list_templates(person.id))
        g->add(t.model, t.person_id, t.id, t.embedding);
    query.offset += static_cast<int>(page.items.size());
    if (page.items.empty() || query.offset >= page.total) break;
  }
  return g;
}

std::shared_ptr<const gallery::GallerySet> Galleries::event(storage::Id event_id) {
  std::lock_guard lock(mutex_);
  auto& slot = events_[event_id];
  // Loading under the lock keeps two threads from loading one event twice;
  // it happens once per change, not per check-in.
  if (!slot) slot = load_event(event_id);
  return slot;
}

std::shared_ptr<const gallery::GallerySet> Galleries::everyone() {
  std::lock_guard lock(mutex_);
  if (!everyone_) everyone_ = load_everyone();
  return everyone_;
}

void Galleries::template_added(const storage::FaceTemplate& tmpl) {
  std::lock_guard lock(mutex_);
  if (everyone_) everyone_->add(tmpl.model, tmpl.person_id, tmpl.id, tmpl.embedding);
  events_.clear();  // which events the person attends is the database's business
}

void Galleries::template_deleted(storage::Id template_id) {
  std::lock_guard lock(mutex_);
  if (everyone_) everyone_->remove_template(template_id);
  for (auto& [id, g] : events_) g->remove_template(template_id);
}

void Galleries::person_deleted(storage::Id person_id) {
  std::lock_guard lock(mutex_);
  if (everyone_) everyone_->remove_person(person_id);
  for (auto& [id, g] : events_) g->remove_person(person_id);
}

void Galleries::attendance_changed(storage::Id event_id) {
  std::lock_guard lock(mutex_);
  events_.erase(event_id);
}

}  // namespace facecheck::checkin
