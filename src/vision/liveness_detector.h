// Passive presentation-attack detection: is the face in one frame a live
// person in front of the camera, or a printed photo, a screen, a mask?
//
// One capability on its own, like the detectors and the recognizer: give it
// a frame and a face box (from any detector), get a probability. It cannot
// tell a live face from a good enough attack on its own; docs/liveness.md
// has what it was measured to catch and what it cannot.
#pragma once

#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>

namespace facecheck::vision {

// How a frame is fed to the network. The defaults are the measured ones
// (liveness_detector.cpp says what was measured); the fields exist so that
// `facecheck eval-liveness` can show what the other choices cost.
struct LivenessInput {
  // The crop is this many face boxes wide and high around the box's centre,
  // shifted to stay inside the frame (and smaller where the frame is).
  float crop_scale = 2.7f;
  bool rgb = false;  // false: the network gets B, G, R planes
};

// Which of the network's three classes means live (measured: the other two
// score attacks; liveness_detector.cpp).
inline constexpr int kLiveClass = 0;
// Live when live_probability() is at least this (chosen in docs/liveness.md).
inline constexpr float kDefaultLiveThreshold = 0.25f;

class LivenessDetector {
 public:
  // Loads and verifies fr_liveness.onnx from `models_dir`; throws ModelError.
  static std::unique_ptr<LivenessDetector> create(const std::filesystem::path& models_dir,
                                                  const LivenessInput& input = {});
  virtual ~LivenessDetector() = default;

  // Probability in [0, 1] that the face at `box` in `image` (8-bit BGR, gray
  // or BGRA) is live. Not thread-safe: one detector per worker thread.
  // Throws std::invalid_argument on an empty image or a box outside it.
  virtual float live_probability(const cv::Mat& image, const cv::Rect2f& box) = 0;
  // The network's three class probabilities (for evaluation): see
  // kLiveClass for which one means live.
  virtual cv::Vec3f class_probabilities(const cv::Mat& image, const cv::Rect2f& box) = 0;
};

// The square crop around `box` that the network sees, clamped to `frame`
// (exposed for tests). Empty when the box does not overlap the frame.
cv::Rect liveness_crop(const cv::Rect2f& box, cv::Size frame, float crop_scale);

}  // namespace facecheck::vision
