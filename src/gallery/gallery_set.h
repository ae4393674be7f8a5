// The templates of one population (an event's attendees, or everybody),
// one Gallery per recognition model: embeddings of different models are
// never compared, so an event enrolled partly before a model upgrade is
// searched once per model its templates use.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "gallery/gallery.h"

namespace facecheck::gallery {

// Thread-safe like Gallery. A model's gallery, once made, lives as long as
// the set, so a pointer from find() stays valid while the set does.
// What prepare_indexes did for one model's gallery.
struct IndexReport {
  enum class Source { kSnapshot, kBuilt };
  std::string model;
  size_t templates = 0;
  Source source = Source::kBuilt;
  double seconds = 0;
  std::string why_built;   // why a snapshot was not used; empty when none was looked for
  std::string save_error;  // why the new snapshot could not be written; the index still works
};

class GallerySet {
 public:
  explicit GallerySet(GalleryOptions options = {}) : options_(options) {}

  // Adds to the model's gallery, creating it from the model's card
  // (dimension, metric). Throws std::invalid_argument on an unknown model or
  // an embedding of the wrong size.
  void add(std::string_view model, int64_t person_id, int64_t template_id,
           const vision::Embedding& e);
  size_t remove_person(int64_t person_id);
  bool remove_template(int64_t template_id);

  // The gallery of `model`, or nullptr when no template uses it.
  const Gallery* find(std::string_view model) const;
  // Models with at least one template, the default model first.
  std::vector<std::string_view> models() const;
  size_t size() const;  // templates over all models

  // Gives every model's gallery of at least options.index_from templates an
  // index: from the snapshot "<dir>/<name>-<model>.hnsw" when one is usable,
  // else built on `threads` threads and then saved there (no snapshots when
  // `dir` is empty). Meant for a set being loaded, before it is searched.
  std::vector<IndexReport> prepare_indexes(const std::filesystem::path& dir, std::string_view name,
                                           unsigned threads);
  // Saves the snapshot of every indexed gallery (at shutdown, so the next
  // start has less to add).
  void save_indexes(const std::filesystem::path& dir, std::string_view name) const;

 private:
  GalleryOptions options_;
  mutable std::shared_mutex mutex_;  // guards the map; each Gallery locks itself
  std::map<std::string, std::unique_ptr<Gallery>, std::less<>> by_model_;
};

}  // namespace facecheck::gallery
