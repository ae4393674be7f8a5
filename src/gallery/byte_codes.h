// The compact copy of each template that the HNSW graph walks: every value
// as one signed byte, scaled so the template's largest magnitude is 127,
// followed by the scale and the template's squared norm.
//
// Why: a graph walk is a chain of cache misses, one template per step. At
// 512 dimensions a float template is 2 KB and a code is 520 bytes, so each
// step reads a quarter of the memory (docs/performance.md has the numbers).
// The codes only choose which templates are looked at: Gallery re-scores
// every candidate from its float rows, so no score a caller sees is
// approximate.
#pragma once

#include <cstddef>
#include <vector>

namespace facecheck::gallery::detail {

// Bytes of one code of a `dim`-value template (values padded to a multiple
// of 32 with zeros, so the kernels have no tail).
size_t code_bytes(size_t dim);

// Writes the code of `vector` to `code` (code_bytes(dim) bytes).
void encode(const float* vector, size_t dim, void* code);

// Approximately |a - b|² of the two templates coded in `a` and `b`, as
// |a|² + |b|² - 2 a·b with the dot product taken on the bytes.
using CodeDistance = float (*)(const void* a, const void* b, const void* dim);

// The fastest kernel this CPU runs (AVX2 where present, else SSE2, else a
// plain loop); `dim` is then passed as a pointer to the template's size_t
// dimension.
CodeDistance code_distance();

// Every kernel this CPU runs, fastest first (code_distance() is the first);
// the tests check that they agree.
std::vector<CodeDistance> code_distance_kernels();

}  // namespace facecheck::gallery::detail
