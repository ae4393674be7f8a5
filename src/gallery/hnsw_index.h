// An approximate nearest-neighbour index (HNSW, hnswlib) over the templates
// of one large gallery. It proposes candidates; Gallery re-scores them
// exactly and groups them by person, so the index decides only which
// templates are looked at, never a score.
//
// The index holds its own compact copy of every vector, one byte per value
// (byte_codes.h; the graph walk reads them), but a snapshot written to disk
// holds none: only the graph and template ids. Loading one codes the
// vectors afresh from the gallery, so a snapshot never
// keeps a deleted person's face, and cannot disagree with the database on
// what a template looks like.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

namespace facecheck::gallery {

// Graph parameters; docs/performance.md says how these were chosen.
struct IndexParams {
  size_t links = 24;              // M: neighbours kept per node (2M on the bottom layer)
  size_t build_candidates = 200;  // ef_construction
  size_t search_candidates = 96;  // ef: candidates a search keeps, >= what it returns
};

// A snapshot that cannot be used: missing, of other parameters, or damaged.
class SnapshotError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class HnswIndex {
 public:
  // Room for `capacity` templates of `dimension` values (it grows as
  // needed). Vectors are compared by (approximately, on their byte codes)
  // squared Euclidean distance; cosine galleries store unit vectors, where
  // that orders like 1 - cos.
  HnswIndex(size_t dimension, IndexParams params, size_t capacity = 1024);
  ~HnswIndex();
  HnswIndex(const HnswIndex&) = delete;
  HnswIndex& operator=(const HnswIndex&) = delete;

  // Inserts the template, or replaces its vector (and revives it if removed).
  // Not to be called concurrently with search(); concurrent add() calls are
  // fine (add_all uses that to build on several threads).
  void add(int64_t template_id, const float* vector);
  // Builds from `count` templates on `threads` threads, calling `progress`
  // (done, total) now and then from one of them.
  void add_all(const int64_t* template_ids, const float* vectors, size_t count, unsigned threads,
               const std::function<void(size_t, size_t)>& progress = {});
  // Hides the template from every later search. Its node stays in the graph
  // as a waypoint until the index is rebuilt.
  void remove(int64_t template_id);
  bool contains(int64_t template_id) const;  // present and not removed

  // Up to `n` template ids, roughly nearest first. Thread-safe against other
  // searches.
  std::vector<int64_t> nearest(const float* query, size_t n) const;

  size_t size() const;     // templates present and not removed
  size_t removed() const;  // nodes kept only as waypoints
  size_t dimension() const { return dim_; }
  const IndexParams& params() const { return params_; }
  void set_search_candidates(size_t n);  // not concurrently with search()

  // Writes the graph and template ids (no vectors) to `file` atomically
  // (a temporary file renamed into place), with a checksum.
  void save(const std::filesystem::path& file) const;
  // Reads a snapshot written by save() with the same dimension and links,
  // then asks `vector_of` for every template's vector: it returns nullptr
  // for a template the gallery no longer has, which is then removed.
  // Throws SnapshotError when the file is missing, of other parameters or
  // damaged.
  static std::unique_ptr<HnswIndex> load(
      const std::filesystem::path& file, size_t dimension, IndexParams params,
      const std::function<const float*(int64_t template_id)>& vector_of);

 private:
  struct Graph;
  HnswIndex(size_t dimension, IndexParams params, std::unique_ptr<Graph> graph);
  void grow_if_full(size_t extra);

  size_t dim_;
  IndexParams params_;
  std::unique_ptr<Graph> graph_;
};

}  // namespace facecheck::gallery
