// faceplugin's fr_detect.onnx (npm faceplugin-face-recognition-js@0.0.1): an
// RFB-320 face detector of the "Ultra-Light-Fast-Generic-Face-Detector"
// family at a fixed 320x240 input, with its prior boxes decoded inside the
// graph: it outputs 4,420 corner boxes (x1, y1, x2, y2 relative to the
// input) and their (background, face) softmax scores. About 1 MB and a few
// milliseconds; it finds faces that SSD misses at LFW's scale (turned,
// half-covered; docs/accuracy.md), but at 320x240 not small faces in group
// photos.
#pragma once

#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>
#include <vector>

#include "vision/face_types.h"

namespace facecheck::vision {

// Not thread-safe: one instance per worker thread.
class RfbDetector {
 public:
  // Loads fr_detect.onnx after checking its pinned checksum; throws
  // ModelError when it is missing, corrupted or cannot be loaded.
  explicit RfbDetector(const std::filesystem::path& models_dir);
  ~RfbDetector();
  RfbDetector(RfbDetector&&) noexcept;
  RfbDetector& operator=(RfbDetector&&) noexcept;

  // Faces scoring at least min_score, boxes in pixels of `image` (clipped to
  // it), best first. Accepts 8-bit BGR, gray or BGRA; throws
  // std::invalid_argument on an empty image or another pixel format.
  std::vector<FaceBox> detect(const cv::Mat& image_bgr, float min_score = 0.5f,
                              int max_results = 100);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace facecheck::vision
