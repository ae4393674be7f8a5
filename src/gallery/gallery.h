// The in-memory face gallery of one population (an event's attendees, or
// everybody): every enrolled template, searched exhaustively. An event of a
// few thousand people is scanned in well under a millisecond, free of any
// recall loss. A gallery of tens of thousands and more (a campus, a company)
// can be given an HNSW index (hnsw_index.h) that proposes candidates, which
// are then scored exactly like the scan's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "gallery/hnsw_index.h"
#include "vision/face_types.h"

namespace facecheck::gallery {

struct Match {
  int64_t person_id;
  int64_t template_id;
  float distance;  // under the gallery's metric, like vision::embedding_distance
};

struct GalleryOptions {
  // Below this many templates a gallery is never indexed: the exact scan is
  // fast enough there (docs/performance.md has the crossover).
  size_t index_from = 20000;
  IndexParams index;
};

// Thread-safe: any number of concurrent searches, with occasional add/remove
// serialized against them by a reader/writer lock.
class Gallery {
 public:
  // Templates of one recognition model: `dimension` values each, compared
  // under `metric` (cosine: vectors are normalised on the way in, and the
  // distance is 1 - cos). Throws std::invalid_argument on dimension 0.
  explicit Gallery(size_t dimension = 128,
                   vision::ScoreMetric metric = vision::ScoreMetric::Euclidean,
                   GalleryOptions options = {});
  ~Gallery();

  size_t dimension() const { return dim_; }
  vision::ScoreMetric metric() const { return metric_; }

  // Adds a template. Re-adding an existing template_id replaces its embedding
  // (and owner), so re-enrolment needs no remove first. Throws
  // std::invalid_argument on a non-finite embedding, which would otherwise
  // poison every comparison with NaN, or one of another dimension.
  void add(int64_t person_id, int64_t template_id, const vision::Embedding& e);

  // Returns the number of templates removed. Takes effect for the very next
  // search: no search that starts after this returns can see the person.
  size_t remove_person(int64_t person_id);

  // Returns whether the template existed.
  bool remove_template(int64_t template_id);

  size_t size() const;    // templates
  size_t people() const;  // distinct people with at least one template

  // The best template of each of the k nearest people (several templates of
  // one person count once), nearest first. Fewer than k when the gallery has
  // fewer people. Throws std::invalid_argument on a non-finite query or one
  // of another dimension.
  // With an index, a search for up to 32 people looks only at the
  // templates the index proposes; more than that are scanned exactly.
  std::vector<Match> search(const vision::Embedding& query, size_t k = 1) const;
  // The same search without the index, whatever the gallery's size.
  std::vector<Match> search_exact(const vision::Embedding& query, size_t k = 1) const;

  // The index. Building blocks add/remove/search until it is done, so it is
  // meant for a gallery being loaded, before anyone searches it; afterwards
  // add and remove keep it up to date. Progress is (done, total).
  bool indexed() const;
  const GalleryOptions& options() const { return options_; }
  void build_index(unsigned threads = 1, const std::function<void(size_t, size_t)>& progress = {});
  // Takes the graph from a snapshot (vectors from this gallery), then adds
  // whatever it lacks. Throws SnapshotError when the snapshot is unusable.
  void load_index(const std::filesystem::path& file);
  void save_index(const std::filesystem::path& file) const;  // throws when not indexed
  // Nodes of removed templates still in the graph; many of them slow the
  // walk and mean the index is due for a rebuild.
  size_t index_waypoints() const;
  // How many candidates an indexed search keeps (IndexParams::search_candidates).
  void set_search_candidates(size_t n);

 private:
  struct Candidate {
    float dist2;
    size_t row;
  };
  std::vector<Candidate> top_few(const float* query, float query_norm2, size_t k) const;
  std::vector<Candidate> top_many(const float* query, float query_norm2, size_t k) const;
  std::vector<Candidate> top_indexed(const float* query, float query_norm2, size_t k) const;
  std::vector<Match> search_with(const vision::Embedding& input, size_t k, bool use_index) const;
  void erase_row(size_t row);
  // The vector as stored: checked, and unit length for cosine galleries.
  vision::Embedding prepared(const vision::Embedding& e, const char* what) const;
  float distance_of(float dist2) const;

  size_t dim_;
  vision::ScoreMetric metric_;
  GalleryOptions options_;

  mutable std::shared_mutex mutex_;
  // Structure of arrays: rows_ holds the embeddings back to back so the scan
  // streams through one contiguous block; the other columns share its index.
  std::vector<float> rows_;
  std::vector<float> norms2_;  // |x|², precomputed once per template
  std::vector<int64_t> person_ids_;
  std::vector<int64_t> template_ids_;
  std::unordered_map<int64_t, size_t> row_of_template_;
  std::unordered_map<int64_t, size_t> templates_of_person_;
  std::unique_ptr<HnswIndex> index_;  // null until build_index/load_index
};

}  // namespace facecheck::gallery
