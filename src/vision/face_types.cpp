#include "vision/face_types.h"

#include <cmath>

namespace facecheck::vision {

float embedding_distance(const Embedding& a, const Embedding& b) {
  float sum = 0.f;
  for (int i = 0; i < kEmbeddingSize; ++i) {
    const float d = a[i] - b[i];
    sum += d * d;
  }
  return std::sqrt(sum);
}

}  // namespace facecheck::vision
