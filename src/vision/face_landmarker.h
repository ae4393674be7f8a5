// The 68-point face landmark network (face-api's face_landmark_68_model).
//
// A small DenseNet-style net (four blocks of depthwise-separable convs, a
// 7x7 average pool and a fully connected layer) that regresses the 68
// dlib/iBUG points of one face crop. The graph is built in code from the
// tfjs weights and run with OpenCV's dnn module.
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>

#include "vision/face_types.h"

namespace facecheck::vision {

// kMirroredLandmark[i] is the landmark that lands where landmark i was when the
// face is mirrored left-right (jaw 0 <-> 16, eye corner 36 <-> 45, ...).
extern const std::array<int, kLandmarkCount> kMirroredLandmark;

// The landmarks of the left-right mirror of an image `width` pixels wide,
// given the landmarks of the image (x -> width - x, indices swapped).
Landmarks mirror_landmarks(const Landmarks& landmarks, float width);

// A detector-style box placed from landmarks: the landmark net's output
// depends on the crop it sees (a shift of a few pixels moves jaw points), so a
// second pass on this box, which follows the face rather than the detector's
// jitter, gives steadier points. The proportions are those of SSD boxes
// around their faces' landmarks (measured on LFW, see docs/accuracy.md).
cv::Rect2f box_from_landmarks(const Landmarks& landmarks);

// Locates 68 landmarks on a face. Not thread-safe: one instance per worker thread.
class FaceLandmarker {
 public:
  // Loads and verifies the weights; throws ModelError if they are missing or broken.
  explicit FaceLandmarker(const std::filesystem::path& models_dir);
  ~FaceLandmarker();
  FaceLandmarker(FaceLandmarker&&) noexcept;
  FaceLandmarker& operator=(FaceLandmarker&&) noexcept;

  // The whole of `crop` is the face (as face-api's per-net tests do); points
  // in crop pixels. Accepts 8-bit BGR, gray or BGRA; throws
  // std::invalid_argument on an empty or unsupported image.
  Landmarks locate(const cv::Mat& crop_bgr);
  // The face inside `box` of `image` (box clipped to the image); points in
  // image pixels. Throws std::invalid_argument if the clipped box is empty.
  Landmarks locate(const cv::Mat& image_bgr, const cv::Rect2f& box);
  // The mean of locate() on the box and on its mirror image (mapped back):
  // the net's left-right errors are not symmetric, so averaging the two
  // views cancels part of them. Costs a second forward pass.
  Landmarks locate_mirror_averaged(const cv::Mat& image_bgr, const cv::Rect2f& box);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace facecheck::vision
