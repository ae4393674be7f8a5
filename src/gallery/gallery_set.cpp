#include "gallery/gallery_set.h"

#include <chrono>

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
                      std::make_unique<Gallery>(size_t(card.dimension), card.metric, options_))
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

namespace {

// Model ids are ours (recognizer_model.cpp) but may hold '@' or '/':
// anything but [A-Za-z0-9._-] becomes '_' so the name stays one file.
std::filesystem::path snapshot_file(const std::filesystem::path& dir, std::string_view name,
                                    std::string_view model) {
  std::string file = std::string(name) + "-" + std::string(model) + ".hnsw";
  for (char& c : file) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '-' || c == '_';
    if (!plain) c = '_';
  }
  return dir / file;
}

// The folder holds template ids only (no vectors), but they are still the
// server's business alone.
void ensure_folder(const std::filesystem::path& dir) {
  if (std::filesystem::is_directory(dir)) return;
  std::filesystem::create_directories(dir);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all);
}

}  // namespace

std::vector<IndexReport> GallerySet::prepare_indexes(const std::filesystem::path& dir,
                                                     std::string_view name, unsigned threads) {
  std::shared_lock lock(mutex_);
  std::vector<IndexReport> reports;
  for (auto& [model, g] : by_model_) {
    if (g->size() < options_.index_from || g->indexed()) continue;
    const auto started = std::chrono::steady_clock::now();
    IndexReport report{model, g->size(), IndexReport::Source::kSnapshot, 0, "", ""};
    const auto file = dir.empty() ? std::filesystem::path() : snapshot_file(dir, name, model);
    if (!file.empty()) {
      try {
        g->load_index(file);
        // Past half dead nodes the walk wastes most of its steps: rebuild.
        if (g->index_waypoints() > g->size() / 2) report.why_built = "too many deleted templates";
      } catch (const SnapshotError& e) {
        report.why_built = e.what();
      }
    }
    if (file.empty() || !report.why_built.empty()) {
      report.source = IndexReport::Source::kBuilt;
      g->build_index(threads);
      // A snapshot only saves the next start a build: failing to write one
      // (disk full, folder not writable) must not fail this load.
      if (!file.empty()) {
        try {
          ensure_folder(dir);
          g->save_index(file);
        } catch (const std::exception& e) {
          report.save_error = e.what();
        }
      }
    }
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    reports.push_back(report);
  }
  return reports;
}

void GallerySet::save_indexes(const std::filesystem::path& dir, std::string_view name) const {
  std::shared_lock lock(mutex_);
  for (const auto& [model, g] : by_model_) {
    if (!g->indexed()) continue;
    ensure_folder(dir);
    g->save_index(snapshot_file(dir, name, model));
  }
}

}  // namespace facecheck::gallery
