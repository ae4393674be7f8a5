#include "vision/five_point_aligner.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

namespace facecheck::vision {
namespace {

// InsightFace's 112x112 reference points (arcface_torch, `arcface_dst`).
const std::array<cv::Point2d, 5> kTemplate = {{{38.2946, 51.6963},
                                               {73.5318, 51.5014},
                                               {56.0252, 71.7366},
                                               {41.5493, 92.3655},
                                               {70.7299, 92.2041}}};

cv::Point2f mean_of(const Landmarks& l, int first, int count) {
  cv::Point2f sum(0, 0);
  for (int i = first; i < first + count; ++i) sum += l[i];
  return sum * (1.f / static_cast<float>(count));
}

}  // namespace

FivePoints five_points_from_68(const Landmarks& l) {
  // 36-41 is the subject's right eye, which is on the image's left.
  return {mean_of(l, 36, 6), mean_of(l, 42, 6), l[30], l[48], l[54]};
}

cv::Mat FivePointAligner::transform(const FivePoints& points) const {
  cv::Point2d mean_p, mean_q;  // p: image, q: template
  for (size_t i = 0; i < points.size(); ++i) {
    if (!std::isfinite(points[i].x) || !std::isfinite(points[i].y))
      throw std::invalid_argument("FivePointAligner: landmarks are not finite");
    mean_p += cv::Point2d(points[i]);
    mean_q += kTemplate[i];
  }
  mean_p /= 5.0;
  mean_q /= 5.0;
  // q = [a -b; b a] p + t minimising the squared error: with (a, b) free this
  // is Umeyama's similarity without reflection.
  double spread = 0, dot = 0, cross = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    const cv::Point2d p = cv::Point2d(points[i]) - mean_p;
    const cv::Point2d q = kTemplate[i] - mean_q;
    spread += p.dot(p);
    dot += p.dot(q);
    cross += p.x * q.y - p.y * q.x;
  }
  if (!(spread > 1e-6)) throw std::invalid_argument("FivePointAligner: degenerate landmarks");
  const double a = dot / spread, b = cross / spread;
  return (cv::Mat_<double>(2, 3) << a, -b, mean_q.x - (a * mean_p.x - b * mean_p.y),  //
          b, a, mean_q.y - (b * mean_p.x + a * mean_p.y));
}

cv::Mat FivePointAligner::align(const cv::Mat& image, const FivePoints& points) const {
  if (image.empty()) throw std::invalid_argument("FivePointAligner: empty image");
  if (image.depth() != CV_8U) throw std::invalid_argument("FivePointAligner: image must be 8-bit");
  cv::Mat m = transform(points);
  const double chip_per_image = std::hypot(m.at<double>(0, 0), m.at<double>(1, 0));
  const cv::Size chip(kChipSize, kChipSize);
  cv::Mat out;
  if (chip_per_image >= 0.5) {
    cv::warpAffine(image, out, m, chip, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(0));
    return out;
  }
  // Shrink just the region the chip covers to ~1 image pixel per chip pixel.
  cv::Mat inv;
  cv::invertAffineTransform(m, inv);
  std::vector<cv::Point2f> corners = {
      {0, 0}, {kChipSize, 0}, {0, kChipSize}, {kChipSize, kChipSize}};
  cv::transform(corners, corners, inv);
  const cv::Rect roi = cv::boundingRect(corners) & cv::Rect(0, 0, image.cols, image.rows);
  if (roi.empty()) return cv::Mat::zeros(chip, image.type());
  const double f = chip_per_image;
  cv::Mat small;
  cv::resize(image(roi), small, {}, f, f, cv::INTER_AREA);
  const double fx = double(small.cols) / roi.width, fy = double(small.rows) / roi.height;
  // chip = m * (roi.tl + small_px / f): fold the crop and the scale into m.
  cv::Mat to_small = (cv::Mat_<double>(3, 3) << 1 / fx, 0, roi.x, 0, 1 / fy, roi.y, 0, 0, 1);
  cv::Mat m3 = cv::Mat::eye(3, 3, CV_64F);
  m.copyTo(m3(cv::Rect(0, 0, 3, 2)));
  const cv::Mat composed = (m3 * to_small)(cv::Rect(0, 0, 3, 2));
  cv::warpAffine(small, out, composed, chip, cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                 cv::Scalar::all(0));
  return out;
}

}  // namespace facecheck::vision
