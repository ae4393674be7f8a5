// The in-memory face gallery of one event: every enrolled template of the
// event's attendees, searched exhaustively. An event has at most a few
// thousand people, so an exact scan is both fast enough and free of the
// recall loss an approximate index would bring to a check-in decision.
#pragma once

#include <cstddef>
#include <cstdint>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "vision/face_types.h"

namespace facecheck::gallery {

struct Match {
  int64_t person_id;
  int64_t template_id;
  float distance;  // under the gallery's metric, like vision::embedding_distance
};

// Thread-safe: any number of concurrent searches, with occasional add/remove
// serialized against them by a reader/writer lock.
class Gallery {
 public:
  // Templates of one recognition model: `dimension` values each, compared
  // under `metric` (cosine: vectors are normalised on the way in, and the
  // distance is 1 - cos). Throws std::invalid_argument on dimension 0.
  explicit Gallery(size_t dimension = 128,
                   vision::ScoreMetric metric = vision::ScoreMetric::Euclidean);

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
  std::vector<Match> search(const vision::Embedding& query, size_t k = 1) const;

 private:
  struct Candidate {
    float dist2;
    size_t row;
  };
  std::vector<Candidate> top_few(const float* query, float query_norm2, size_t k) const;
  std::vector<Candidate> top_many(const float* query, float query_norm2, size_t k) const;
  void erase_row(size_t row);
  // The vector as stored: checked, and unit length for cosine galleries.
  vision::Embedding prepared(const vision::Embedding& e, const char* what) const;
  float distance_of(float dist2) const;

  size_t dim_;
  vision::ScoreMetric metric_;

  mutable std::shared_mutex mutex_;
  // Structure of arrays: rows_ holds the embeddings back to back so the scan
  // streams through one contiguous block; the other columns share its index.
  std::vector<float> rows_;
  std::vector<float> norms2_;  // |x|², precomputed once per template
  std::vector<int64_t> person_ids_;
  std::vector<int64_t> template_ids_;
  std::unordered_map<int64_t, size_t> row_of_template_;
  std::unordered_map<int64_t, size_t> templates_of_person_;
};

}  // namespace facecheck::gallery
