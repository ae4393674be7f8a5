#include "vision/face_types.h"

#include <cmath>
#include <stdexcept>

namespace facecheck::vision {
namespace {

void require_same_size(const Embedding& a, const Embedding& b) {
  if (a.size() != b.size())
    throw std::invalid_argument("embeddings of different sizes (" + std::to_string(a.size()) +
                                " and " + std::to_string(b.size()) +
                                ") come from different recognizers and cannot be compared");
}

}  // namespace

float embedding_distance(const Embedding& a, const Embedding& b) {
  require_same_size(a, b);
  float sum = 0.f;
  for (size_t i = 0; i < a.size(); ++i) {
    const float d = a[i] - b[i];
    sum += d * d;
  }
  return std::sqrt(sum);
}

float cosine_distance(const Embedding& a, const Embedding& b) {
  require_same_size(a, b);
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += double(a[i]) * b[i];
    na += double(a[i]) * a[i];
    nb += double(b[i]) * b[i];
  }
  if (!(na > 0) || !(nb > 0)) throw std::invalid_argument("cosine distance of a zero vector");
  return static_cast<float>(1.0 - dot / std::sqrt(na * nb));
}

float embedding_distance(const Embedding& a, const Embedding& b, ScoreMetric metric) {
  return metric == ScoreMetric::Cosine ? cosine_distance(a, b) : embedding_distance(a, b);
}

void l2_normalise(Embedding& e) {
  double n2 = 0;
  for (float v : e) n2 += double(v) * v;
  if (!(n2 > 0)) return;
  const float inv = static_cast<float>(1.0 / std::sqrt(n2));
  for (float& v : e) v *= inv;
}

}  // namespace facecheck::vision
