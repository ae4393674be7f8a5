// The plain value types that flow through the vision pipeline.
#pragma once

#include <array>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace facecheck::vision {

// A face embedding. Its length is the dimension of the recognizer that made
// it (128 for dlib's ResNet, 512 for the ArcFace model); embeddings of
// different recognizers are never compared (see recognizer_model.h).
using Embedding = std::vector<float>;

// How a recognizer's embeddings are compared. Both are reported as a
// distance (lower = more alike) so thresholds read the same way everywhere.
enum class ScoreMetric {
  Euclidean,  // |a - b|, as dlib trained its net
  Cosine,     // 1 - cos(a, b); the recognizer emits unit vectors
};

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

// Euclidean distance. Throws std::invalid_argument on different lengths.
float embedding_distance(const Embedding& a, const Embedding& b);
// 1 - cosine similarity, in [0, 2]. Throws std::invalid_argument on
// different lengths or a zero vector.
float cosine_distance(const Embedding& a, const Embedding& b);
// The distance under `metric`.
float embedding_distance(const Embedding& a, const Embedding& b, ScoreMetric metric);

// Scales `e` to unit length (a zero vector is left alone).
void l2_normalise(Embedding& e);

}  // namespace facecheck::vision
