// Synthetic face embeddings for search benchmarks at a scale no photo set
// here reaches (a million templates): a Gaussian fitted to the mean and the
// full covariance of real embeddings, each draw scaled to unit length like
// the embeddings of a cosine model. Such vectors have the real ones'
// spread and correlations between dimensions, but not their clusters (no
// person has two of them), so they stand for strangers, never for mates.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "vision/face_types.h"

namespace facecheck::eval {

class EmbeddingPopulation {
 public:
  // Fits `samples` (at least 2, all of one dimension; throws
  // std::invalid_argument otherwise). The covariance is shrunk towards its
  // mean variance by `shrinkage` (0..1): a few thousand samples of 512
  // values estimate it only roughly, and shrinking keeps it positive definite.
  explicit EmbeddingPopulation(const std::vector<vision::Embedding>& samples,
                               double shrinkage = 0.05);

  size_t dimension() const { return dim_; }
  const std::vector<double>& mean() const { return mean_; }

  // `count` draws, row after row in one block of count * dimension() floats,
  // each of unit length. A given seed gives the same vectors every time.
  std::vector<float> draw(size_t count, uint64_t seed) const;

 private:
  size_t dim_;
  std::vector<double> mean_;
  std::vector<float> cholesky_;  // lower triangle L of the covariance, row-major dim x dim
};

}  // namespace facecheck::eval
