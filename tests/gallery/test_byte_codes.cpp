// The byte codes the HNSW graph walks: their distances must track the float
// distances closely, and every kernel the CPU runs must give the same value.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "gallery/byte_codes.h"

namespace detail = facecheck::gallery::detail;

namespace {

std::vector<float> random_vector(size_t dim, float length, std::mt19937& rng) {
  std::normal_distribution<float> normal;
  std::vector<float> v(dim);
  float n2 = 0;
  for (float& x : v) {
    x = normal(rng);
    n2 += x * x;
  }
  for (float& x : v) x *= length / std::sqrt(n2);
  return v;
}

std::vector<unsigned char> code_of(const std::vector<float>& v) {
  std::vector<unsigned char> code(detail::code_bytes(v.size()));
  detail::encode(v.data(), v.size(), code.data());
  return code;
}

float squared_distance(const std::vector<float>& a, const std::vector<float>& b) {
  float sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += (a[i] - b[i]) * (a[i] - b[i]);
  return sum;
}

}  // namespace

TEST(ByteCodes, DistancesTrackTheFloatDistances) {
  std::mt19937 rng(3);
  for (const size_t dim : {size_t(128), size_t(512), size_t(100)}) {
    for (int trial = 0; trial < 200; ++trial) {
      // Unit vectors (cosine galleries) and others (Euclidean ones).
      const float length = trial % 2 ? 1.0f : 0.6f;
      const auto a = random_vector(dim, length, rng), b = random_vector(dim, length, rng);
      const auto ca = code_of(a), cb = code_of(b);
      const float exact = squared_distance(a, b);
      const float coded = detail::code_distance()(ca.data(), cb.data(), &dim);
      EXPECT_NEAR(coded, exact, 0.01f * exact) << "dim " << dim;
    }
  }
}

TEST(ByteCodes, ANearDuplicateStaysNearest) {
  // Candidates 0.05 apart in distance must keep their order: face
  // neighbours at the decision threshold differ by about that much.
  std::mt19937 rng(5);
  constexpr size_t kDim = 512;
  const auto query = random_vector(kDim, 1.0f, rng);
  std::vector<std::vector<float>> templates;
  for (int i = 0; i < 50; ++i) {
    auto t = query;
    const auto noise = random_vector(kDim, 0.5f + 0.05f * float(i), rng);
    for (size_t k = 0; k < kDim; ++k) t[k] += noise[k];
    templates.push_back(t);
  }
  const auto cq = code_of(query);
  float previous = -1;
  for (const auto& t : templates) {
    const float d = detail::code_distance()(cq.data(), code_of(t).data(), &kDim);
    EXPECT_GT(d, previous);
    previous = d;
  }
}

TEST(ByteCodes, EveryKernelGivesTheSameDistance) {
  std::mt19937 rng(9);
  const auto kernels = detail::code_distance_kernels();
  ASSERT_FALSE(kernels.empty());
  EXPECT_EQ(kernels.front(), detail::code_distance());
  for (const size_t dim : {size_t(32), size_t(100), size_t(512)}) {
    const auto a = code_of(random_vector(dim, 1.0f, rng));
    const auto b = code_of(random_vector(dim, 1.0f, rng));
    for (const auto kernel : kernels)
      EXPECT_EQ(kernel(a.data(), b.data(), &dim), kernels.back()(a.data(), b.data(), &dim));
  }
}

TEST(ByteCodes, TheZeroVectorAndExtremesCodeCleanly) {
  constexpr size_t kDim = 64;
  const std::vector<float> zero(kDim, 0.0f);
  std::vector<float> spike(kDim, 0.0f);
  spike[7] = -3.0f;  // one value far beyond the rest: scaled to -127, not clipped
  const auto cz = code_of(zero), cs = code_of(spike);
  const float d = detail::code_distance()(cz.data(), cs.data(), &kDim);
  EXPECT_FLOAT_EQ(d, 9.0f);
  EXPECT_FLOAT_EQ(detail::code_distance()(cz.data(), cz.data(), &kDim), 0.0f);
  EXPECT_NEAR(detail::code_distance()(cs.data(), cs.data(), &kDim), 0.0f, 1e-5f);
}
