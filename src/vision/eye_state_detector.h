// Are the eyes open? A small classifier on each eye's patch, cut where the
// 68 landmarks put the eye. The landmark net itself barely follows the lids
// (its eye aspect ratio falls from ~0.31 to ~0.25 for eyes squeezed shut),
// so blinks are read from pixels, not points (docs/liveness.md).
#pragma once

#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>

#include "vision/face_types.h"

namespace facecheck::vision {

class EyeStateDetector {
 public:
  // Loads and verifies fr_eye.onnx from `models_dir`; throws ModelError.
  static std::unique_ptr<EyeStateDetector> create(const std::filesystem::path& models_dir);
  virtual ~EyeStateDetector() = default;

  // Probability in [0, 1] that the eyes of the face at `landmarks` are
  // closed, the mean over both eyes. Not thread-safe. Throws
  // std::invalid_argument on an empty image or eyes outside it.
  virtual float closed_probability(const cv::Mat& image, const Landmarks& landmarks) = 0;
};

// The square patch of one eye (landmarks first..first+5): 1.6 eye widths
// around the lids' centre, clamped to `frame` (exposed for tests).
cv::Rect eye_patch(const Landmarks& landmarks, int first, cv::Size frame);

}  // namespace facecheck::vision
