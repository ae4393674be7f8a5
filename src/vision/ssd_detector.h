// face-api's accurate face detector, ssd_mobilenetv1_model: a MobileNetV1
// backbone with SSD box predictors at a fixed 512x512 input, rebuilt as a
// cv::dnn::Net from the tfjs weights, plus its box decoding and NMS.
#pragma once

#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>
#include <vector>

#include "vision/face_types.h"

namespace facecheck::vision {

// The accurate detector (for enrolment and group photos). Not thread-safe:
// one instance per worker thread.
class SsdDetector {
 public:
  // Loads and verifies the weights from `models_dir`; throws ModelError.
  explicit SsdDetector(const std::filesystem::path& models_dir);
  ~SsdDetector();
  SsdDetector(SsdDetector&&) noexcept;
  SsdDetector& operator=(SsdDetector&&) noexcept;

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
