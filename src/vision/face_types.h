// The plain value types that flow through the vision pipeline.
#pragma once

#include <array>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace facecheck::vision {

inline constexpr int kEmbeddingSize = 128;
using Embedding = std::array<float, kEmbeddingSize>;

// A detected face: its box in pixels of the original image and the
// detector's confidence in [0, 1].
struct FaceBox {
  cv::Rect2f box;
  float score = 0.f;
};

// dlib/iBUG 68-point layout: 0-16 jaw, 17-26 brows, 27-35 nose,
// 36-47 eyes (36-41 subject's right, 42-47 left), 48-67 mouth.
inline constexpr int kLandmarkCount = 68;
using Landmarks = std::array<cv::Point2f, kLandmarkCount>;

// Distance between two embeddings (Euclidean, as dlib trained them).
float embedding_distance(const Embedding& a, const Embedding& b);

}  // namespace facecheck::vision
