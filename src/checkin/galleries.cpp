#include "checkin/galleries.h"

#include <spdlog/spdlog.h>

namespace facecheck::checkin {
namespace {

std::string event_set_name(storage::Id event_id) { return "event-" + std::to_string(event_id); }
constexpr const char* kEveryoneName = "everyone";

}  // namespace

Galleries::Galleries(storage::Store& store, GalleriesConfig config)
    : store_(store), config_(std::move(config)) {}

// Builds or loads the indexes of a freshly loaded set and says what it did:
// at a million templates a build takes minutes, which an operator should see.
void Galleries::prepare(gallery::GallerySet& set, const std::string& name) {
  for (const auto& r : set.prepare_indexes(config_.snapshot_dir, name, config_.index_threads)) {
    if (r.source == gallery::IndexReport::Source::kSnapshot) {
      spdlog::info("gallery {} ({}): index of {} templates loaded from its snapshot in {:.1f} s",
                   name, r.model, r.templates, r.seconds);
    } else {
      spdlog::info("gallery {} ({}): index of {} templates built in {:.1f} s{}{}", name, r.model,
                   r.templates, r.seconds,
                   r.why_built.empty() ? "" : "; snapshot not used: ", r.why_built);
    }
    if (!r.save_error.empty())
      spdlog::warn("gallery {} ({}): index snapshot not saved, the next start rebuilds it: {}",
                   name, r.model, r.save_error);
  }
}

std::shared_ptr<gallery::GallerySet> Galleries::load_event(storage::Id event_id) {
  auto g = std::make_shared<gallery::GallerySet>(config_.gallery);
  for (const auto& t : store_.list_event_templates(event_id))
    g->add(t.model, t.person_id, t.id, t.embedding);
  prepare(*g, event_set_name(event_id));
  return g;
}

std::shared_ptr<gallery::GallerySet> Galleries::load_everyone() {
  auto g = std::make_shared<gallery::GallerySet>(config_.gallery);
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
  prepare(*g, kEveryoneName);
  return g;
}

std::shared_ptr<const gallery::GallerySet> Galleries::event(storage::Id event_id) {
  std::lock_guard lock(mutex_);
  auto& slot = events_[event_id];
  // Loading under the lock keeps two threads from loading one event twice;
  // it happens once per process and import, not per check-in.
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
  if (events_.empty()) return;
  for (const storage::Id event_id : store_.list_attended_events(tmpl.person_id)) {
    if (const auto it = events_.find(event_id); it != events_.end())
      it->second->add(tmpl.model, tmpl.person_id, tmpl.id, tmpl.embedding);
  }
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

void Galleries::attendee_added(storage::Id event_id, storage::Id person_id) {
  std::lock_guard lock(mutex_);
  const auto it = events_.find(event_id);
  if (it == events_.end()) return;
  for (const auto& t : store_.list_templates(person_id))
    it->second->add(t.model, t.person_id, t.id, t.embedding);
}

void Galleries::attendee_removed(storage::Id event_id, storage::Id person_id) {
  std::lock_guard lock(mutex_);
  if (const auto it = events_.find(event_id); it != events_.end())
    it->second->remove_person(person_id);
}

void Galleries::attendance_changed(storage::Id event_id) {
  std::lock_guard lock(mutex_);
  events_.erase(event_id);
}

void Galleries::apply(const storage::Change& change) {
  using Kind = storage::Change::Kind;
  switch (change.kind) {
    case Kind::kTemplateAdded:
      for (const auto& t : store_.list_templates(change.person_id))
        if (t.id == change.subject) template_added(t);
      return;
    case Kind::kTemplateDeleted:
      return template_deleted(change.subject);
    case Kind::kAttendeeAdded:
      return attendee_added(change.subject, change.person_id);
    case Kind::kAttendeeRemoved:
      return attendee_removed(change.subject, change.person_id);
  }
}

void Galleries::forget_all() {
  std::lock_guard lock(mutex_);
  events_.clear();
  everyone_.reset();
}

void Galleries::save_indexes() {
  if (config_.snapshot_dir.empty()) return;
  std::lock_guard lock(mutex_);
  if (everyone_) everyone_->save_indexes(config_.snapshot_dir, kEveryoneName);
  for (const auto& [id, g] : events_) g->save_indexes(config_.snapshot_dir, event_set_name(id));
}

}  // namespace facecheck::checkin
