// The float kernels of the exact scan (gallery.cpp), which also re-scores
// the HNSW index's candidates (whose graph walks byte codes instead,
// byte_codes.h), so every score a caller sees comes from here.
#pragma once

#include <cstddef>
#include <cstring>

namespace facecheck::gallery::detail {

// GCC/Clang vector extension: four floats, lowered to SSE2 on any x86-64 and
// to NEON on ARM, with no -march flag. A plain `sum += a[i] * b[i]` loop is
// never vectorized (reordering a float sum needs -ffast-math); a 16-lane
// accumulator array vectorized at -O3 but kept its accumulators on the stack
// at -O2 (3x slower). This form gives the same register-only code at both.
using Lanes = float __attribute__((vector_size(16)));

inline Lanes load(const float* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof v);  // unaligned load; rows are only 4-byte aligned
  return v;
}

inline float horizontal_sum(Lanes s) { return (s[0] + s[1]) + (s[2] + s[3]); }

// sum over i of term(a[i], b[i]), sixteen values at a time. Four independent
// accumulators hide the latency of the adds; 128 and 512 (the dimensions in
// use) are multiples of 16, and any tail is summed plainly. `term` is a
// lambda, inlined like the loop itself.
template <class Term>
inline float lane_sum(const float* a, const float* b, size_t dim, Term term) {
  Lanes s0{}, s1{}, s2{}, s3{};
  const size_t blocks = dim / 16;
  for (size_t k = 0; k < blocks; ++k) {
    const float* pa = a + 16 * k;
    const float* pb = b + 16 * k;
    s0 += term(load(pa), load(pb));
    s1 += term(load(pa + 4), load(pb + 4));
    s2 += term(load(pa + 8), load(pb + 8));
    s3 += term(load(pa + 12), load(pb + 12));
  }
  float sum = horizontal_sum((s0 + s1) + (s2 + s3));
  for (size_t j = 16 * blocks; j < dim; ++j) {
    Lanes x{a[j]}, y{b[j]};  // lane 0 only
    sum += term(x, y)[0];
  }
  return sum;
}

inline float dot(const float* a, const float* b, size_t dim) {
  return lane_sum(a, b, dim, [](Lanes x, Lanes y) { return x * y; });
}

}  // namespace facecheck::gallery::detail
