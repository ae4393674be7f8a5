// The ArcFace alignment: a similarity transform that puts five facial points
// (eye centres, nose tip, mouth corners) onto the standard 112x112 template
// that InsightFace's recognizers were trained on.
#pragma once

#include <array>
#include <opencv2/core.hpp>

#include "vision/face_types.h"

namespace facecheck::vision {

// Left eye, right eye (as seen in the image), nose tip, left and right mouth
// corner, in image pixels.
using FivePoints = std::array<cv::Point2f, 5>;

// The five points from the 68: eye centres as the mean of each eye's six
// points, the nose tip (30) and the outer mouth corners (48, 54).
FivePoints five_points_from_68(const Landmarks& landmarks);

// Stateless and thread-safe.
class FivePointAligner {
 public:
  static constexpr int kChipSize = 112;

  // 2x3 least-squares similarity transform (CV_64F) from image pixels to
  // chip pixels (Umeyama, no reflection). Throws std::invalid_argument on
  // non-finite or coincident points.
  cv::Mat transform(const FivePoints& points) const;

  // The 112x112 chip (8-bit, same channels as image; outside the image is
  // black). A face much larger than the chip is first shrunk with area
  // averaging so bilinear sampling does not alias. Throws
  // std::invalid_argument on an empty or non-8-bit image.
  cv::Mat align(const cv::Mat& image, const FivePoints& points) const;
  cv::Mat align(const cv::Mat& image, const Landmarks& landmarks) const {
    return align(image, five_points_from_68(landmarks));
  }
};

}  // namespace facecheck::vision
