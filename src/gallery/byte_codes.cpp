#include "gallery/byte_codes.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "gallery/vector_math.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace facecheck::gallery::detail {
namespace {

constexpr size_t kBlock = 32;  // bytes per kernel step

size_t padded(size_t dim) { return (dim + kBlock - 1) / kBlock * kBlock; }

// The two floats after the bytes: the value one byte step stands for, and
// the template's squared norm. Read with memcpy: hnswlib places a code only
// 4-byte aligned.
struct Tail {
  float scale;
  float norm2;
};

Tail tail_of(const void* code, size_t dim) {
  Tail t;
  std::memcpy(&t, static_cast<const unsigned char*>(code) + padded(dim), sizeof t);
  return t;
}

int32_t dot_plain(const int8_t* a, const int8_t* b, size_t n) {
  int32_t sum = 0;
  for (size_t i = 0; i < n; ++i) sum += int32_t(a[i]) * int32_t(b[i]);
  return sum;
}

#if defined(__x86_64__)
// SSE2 is part of x86-64, so this needs no flag. It widens bytes to 16-bit
// lanes by unpacking each byte with itself and shifting arithmetically
// (SSE2 has no sign-extending load), then multiplies and adds pairs into
// 32-bit sums (pmaddwd). Products of two bytes fit 16 bits: |127·127| <
// 2^15, and a pair's sum fits 32.
int32_t dot_sse2(const int8_t* a, const int8_t* b, size_t n) {
  __m128i sum = _mm_setzero_si128();
  const auto widen_lo = [](__m128i x) { return _mm_srai_epi16(_mm_unpacklo_epi8(x, x), 8); };
  const auto widen_hi = [](__m128i x) { return _mm_srai_epi16(_mm_unpackhi_epi8(x, x), 8); };
  for (size_t i = 0; i < n; i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i));
    const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i));
    sum = _mm_add_epi32(sum, _mm_madd_epi16(widen_lo(x), widen_lo(y)));
    sum = _mm_add_epi32(sum, _mm_madd_epi16(widen_hi(x), widen_hi(y)));
  }
  alignas(16) int32_t lanes[4];
  _mm_store_si128(reinterpret_cast<__m128i*>(lanes), sum);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

// The same with 16 values per instruction; compiled for AVX2 whatever the
// build's flags, and only called when the CPU reports AVX2.
__attribute__((target("avx2"))) int32_t dot_avx2(const int8_t* a, const int8_t* b, size_t n) {
  __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
#define FACECHECK_WIDEN(p) \
  _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)))
  for (size_t i = 0; i < n; i += 32) {
    s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(FACECHECK_WIDEN(a + i), FACECHECK_WIDEN(b + i)));
    s1 = _mm256_add_epi32(
        s1, _mm256_madd_epi16(FACECHECK_WIDEN(a + i + 16), FACECHECK_WIDEN(b + i + 16)));
  }
#undef FACECHECK_WIDEN
  alignas(32) int32_t lanes[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), _mm256_add_epi32(s0, s1));
  int32_t sum = 0;
  for (const int32_t lane : lanes) sum += lane;
  return sum;
}
#endif

template <int32_t (*Dot)(const int8_t*, const int8_t*, size_t)>
float distance(const void* a, const void* b, const void* dim_param) {
  const size_t dim = *static_cast<const size_t*>(dim_param);
  const Tail ta = tail_of(a, dim), tb = tail_of(b, dim);
  const int32_t dot =
      Dot(static_cast<const int8_t*>(a), static_cast<const int8_t*>(b), padded(dim));
  return ta.norm2 + tb.norm2 - 2.0f * ta.scale * tb.scale * float(dot);
}

}  // namespace

size_t code_bytes(size_t dim) { return padded(dim) + sizeof(Tail); }

void encode(const float* vector, size_t dim, void* code) {
  float largest = 0.0f;
  for (size_t i = 0; i < dim; ++i) largest = std::max(largest, std::fabs(vector[i]));
  // The norm as the exact scan computes it (vector_math.h).
  const Tail tail{largest > 0.0f ? largest / 127.0f : 1.0f, dot(vector, vector, dim)};
  auto* bytes = static_cast<int8_t*>(code);
  for (size_t i = 0; i < dim; ++i)
    bytes[i] = int8_t(std::clamp(std::lround(vector[i] / tail.scale), -127L, 127L));
  std::fill(bytes + dim, bytes + padded(dim), int8_t{0});
  std::memcpy(bytes + padded(dim), &tail, sizeof tail);
}

std::vector<CodeDistance> code_distance_kernels() {
  std::vector<CodeDistance> kernels;
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx2")) kernels.push_back(distance<dot_avx2>);
  kernels.push_back(distance<dot_sse2>);
#endif
  kernels.push_back(distance<dot_plain>);
  return kernels;
}

CodeDistance code_distance() { return code_distance_kernels().front(); }

}  // namespace facecheck::gallery::detail
