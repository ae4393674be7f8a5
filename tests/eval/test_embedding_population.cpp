// The synthetic distractors of bench-search: unit vectors whose spread and
// correlations follow the embeddings they were fitted to.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "eval/embedding_population.h"

using facecheck::eval::EmbeddingPopulation;
using facecheck::vision::Embedding;

namespace {

// Samples around a common direction with two strongly correlated values.
std::vector<Embedding> correlated_samples(size_t n, size_t dim) {
  std::mt19937 rng(3);
  std::normal_distribution<float> normal;
  std::vector<Embedding> out;
  for (size_t i = 0; i < n; ++i) {
    Embedding e(dim);
    for (float& v : e) v = 0.2f * normal(rng);
    e[0] += 1.f;
    e[2] = e[1] + 0.02f * normal(rng);  // value 2 follows value 1
    double n2 = 0;
    for (float v : e) n2 += double(v) * v;
    for (float& v : e) v = float(v / std::sqrt(n2));
    out.push_back(e);
  }
  return out;
}

TEST(EmbeddingPopulation, DrawsFollowTheFittedMeanAndCorrelation) {
  const size_t dim = 32;
  const EmbeddingPopulation population(correlated_samples(3000, dim));
  ASSERT_EQ(population.dimension(), dim);
  const std::vector<float> draws = population.draw(4000, 11);
  ASSERT_EQ(draws.size(), 4000 * dim);
  double mean0 = 0, s11 = 0, s22 = 0, s12 = 0;
  for (size_t i = 0; i < 4000; ++i) {
    const float* x = draws.data() + i * dim;
    double n2 = 0;
    for (size_t j = 0; j < dim; ++j) n2 += double(x[j]) * x[j];
    ASSERT_NEAR(n2, 1.0, 1e-4);  // unit length
    mean0 += x[0];
    s11 += double(x[1]) * x[1];
    s22 += double(x[2]) * x[2];
    s12 += double(x[1]) * x[2];
  }
  EXPECT_NEAR(mean0 / 4000, population.mean()[0], 0.05);
  EXPECT_GT(mean0 / 4000, 0.5);                 // the common direction is kept
  EXPECT_GT(s12 / std::sqrt(s11 * s22), 0.85);  // and so is the correlation
}

TEST(EmbeddingPopulation, ASeedGivesTheSameVectors) {
  const EmbeddingPopulation population(correlated_samples(200, 16));
  EXPECT_EQ(population.draw(10, 5), population.draw(10, 5));
  EXPECT_NE(population.draw(10, 5), population.draw(10, 6));
}

TEST(EmbeddingPopulation, RefusesWhatItCannotFit) {
  EXPECT_THROW(EmbeddingPopulation({}), std::invalid_argument);
  EXPECT_THROW(EmbeddingPopulation({Embedding(8, 0.1f)}), std::invalid_argument);
  EXPECT_THROW(EmbeddingPopulation({Embedding(8, 0.1f), Embedding(4, 0.1f)}),
               std::invalid_argument);
}

}  // namespace
