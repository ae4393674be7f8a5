// face-api's tiny_face_detector: a Tiny-YOLOv2-style network with
// depthwise-separable convolutions that predicts 5 anchor boxes per cell of a
// (input_size / 32)-square grid. Much cheaper than the SSD detector, but made
// for faces that fill a good part of the frame (kiosk cameras), and its boxes
// include more forehead than SSD's.
#pragma once

#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>
#include <vector>

#include "vision/face_types.h"

namespace facecheck::vision {

// The fast detector, for kiosk frames where the face is large. Not
// thread-safe: one instance per worker thread.
class TinyDetector {
 public:
  // Loads the tiny_face_detector_model weights; throws ModelError if they are
  // missing or corrupted.
  explicit TinyDetector(const std::filesystem::path& models_dir);
  ~TinyDetector();
  TinyDetector(TinyDetector&&) noexcept;
  TinyDetector& operator=(TinyDetector&&) noexcept;

  // input_size: multiple of 32 in [128, 608], else std::invalid_argument.
  // Larger sizes find smaller faces and place boxes more precisely, at a
  // roughly quadratic cost. Accepts 8-bit BGR, gray or BGRA images; throws
  // std::invalid_argument on an empty or unsupported image. Returns faces
  // scoring above min_score, boxes in pixels of `image` (clipped), best first.
  std::vector<FaceBox> detect(const cv::Mat& image_bgr, int input_size = 416,
                              float min_score = 0.5f);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace facecheck::vision
