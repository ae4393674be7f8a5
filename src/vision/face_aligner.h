// Face alignment: cuts the chip that dlib's ResNet face-recognition net was
// trained on, from the 68 landmarks of a face.
//
// The chip geometry is dlib's (get_face_chip_details + extract_image_chip):
// a least-squares similarity transform maps the landmarks onto dlib's mean
// face shape, the shape's unit square is padded by `padding` on every side and
// scaled to `chip_size` pixels. Embeddings are only comparable with the ones
// dlib's net was trained on if the chip matches this geometry closely.
#pragma once

#include <array>
#include <opencv2/core.hpp>

#include "vision/face_types.h"

namespace facecheck::vision {

// dlib's mean face shape for landmarks 17..67 in the unit square (x, y), as
// published in dlib's get_face_chip_details. Index i holds landmark 17 + i.
inline constexpr int kTemplateFirstLandmark = 17;
extern const std::array<cv::Point2d, kLandmarkCount - kTemplateFirstLandmark> kDlibMeanFace;

// Cuts the face chip the recognition net expects. Stateless and thread-safe.
class FaceAligner {
 public:
  // dlib's face recognition net uses 150 px and padding 0.25. Throws
  // std::invalid_argument if chip_size < 2 or padding < 0.
  explicit FaceAligner(int chip_size = 150, double padding = 0.25);

  int chip_size() const { return chip_size_; }
  double padding() const { return padding_; }

  // 2x3 similarity transform (CV_64F) from image pixels to chip pixels.
  // Throws std::invalid_argument if the landmarks are degenerate (all points
  // on one spot or not finite).
  cv::Mat transform(const Landmarks& landmarks) const;

  // The aligned chip_size x chip_size chip (8-bit, same channel count as
  // image). Parts of the chip outside the image are black, as in dlib.
  // Throws std::invalid_argument on an empty or non-8-bit image.
  cv::Mat align(const cv::Mat& image, const Landmarks& landmarks) const;

 private:
  int chip_size_;
  double padding_;
};

}  // namespace facecheck::vision
