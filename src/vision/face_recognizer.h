// The face embedding network: dlib's ResNet-34 metric net as shipped by
// face-api (`face_recognition_model`). Two chips of the same person map to
// embeddings closer than ~0.6 (Euclidean); different people lie farther apart.
#pragma once

#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>
#include <vector>

#include "vision/face_types.h"

namespace facecheck::vision {

// Turns a face chip into a 128-d embedding (dlib ResNet-34). Not thread-safe:
// one instance per worker thread (a cv::dnn::Net keeps per-forward state).
class FaceRecognizer {
 public:
  // Loads and verifies the weights from `models_dir`; throws ModelError.
  explicit FaceRecognizer(const std::filesystem::path& models_dir);
  ~FaceRecognizer();
  FaceRecognizer(FaceRecognizer&&) noexcept;
  FaceRecognizer& operator=(FaceRecognizer&&) noexcept;

  // chip: 8-bit BGR (gray and BGRA are converted) image of one face. A
  // non-square chip is padded with black to a centred square, as face-api
  // does, then resized to 150x150. Throws std::invalid_argument on an empty
  // or non-8-bit image.
  Embedding embed(const cv::Mat& chip_bgr);
  // Several chips in one forward pass (one batch): cheaper than a pass each.
  std::vector<Embedding> embed_batch(const std::vector<cv::Mat>& chips_bgr);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace facecheck::vision
