#include "gallery/gallery_set.h"

#include "vision/recognizer_model.h"

namespace facecheck::gallery {

void GallerySet::add(std::string_view model, int64_t person_id, int64_t template_id,
                     const vision::Embedding& e) {
  std::unique_lock lock(mutex_);
  auto it = by_model_.find(model);
  if (it == by_model_.end()) {
    const vision::RecognizerModel& card = vision::recognizer_model(model);
    it = by_model_
             .emplace(std::string(card.id),
                      std::make_unique<Gallery>(size_t(card.dimension), card.metric))
             .first;
  }
  it->second->add(person_id, template_id, e);
}

size_t GallerySet::remove_person(int64_t person_id) {
  std::shared_lock lock(mutex_);
  size_t removed = 0;
  for (auto& [model, g] : by_model_) removed += g->remove_person(person_id);
  return removed;
}

bool GallerySet::remove_template(int64_t template_id) {
  std::shared_lock lock(mutex_);
  for (auto& [model, g] : by_model_)
    if (g->remove_template(template_id)) return true;
  return false;
}

const Gallery* GallerySet::find(std::string_view model) const {
  std::shared_lock lock(mutex_);
  const auto it = by_model_.find(model);
  return it == by_model_.end() ? nullptr : it->second.get();
}

std::vector<std::string_view> GallerySet::models() const {
  std::vector<std::string_view> out;
  for (const vision::RecognizerModel* card : vision::recognizer_models()) {
    const Gallery* g = find(card->id);  // locks
    if (g && g->size() > 0) out.push_back(card->id);
  }
  return out;
}

size_t GallerySet::size() const {
  std::shared_lock lock(mutex_);
  size_t n = 0;
  for (const auto& [model, g] : by_model_) n += g->size();
  return n;
}

}  // namespace facecheck::gallery
