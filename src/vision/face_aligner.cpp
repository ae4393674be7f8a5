#include "vision/face_aligner.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <vector>

namespace facecheck::vision {

// The numbers are dlib's mean face shape (dlib/image_transforms/interpolation.h,
// get_face_chip_details, "Average positions of face points 17-67"), regrouped
// as (x, y) pairs. The unit square spans the eyebrows horizontally and runs
// from the top of the brows (y ~ 0.02) to the bottom of the lower lip (~ 0.91).
// clang-format off
const std::array<cv::Point2d, kLandmarkCount - kTemplateFirstLandmark> kDlibMeanFace = {{
    // 17-26: eyebrows
    {0.000213256, 0.106454}, {0.0752622, 0.038915}, {0.18113, 0.0187482}, {0.29077, 0.0344891},
    {0.393397, 0.0773906}, {0.586856, 0.0773906}, {0.689483, 0.0344891}, {0.799124, 0.0187482},
    {0.904991, 0.038915}, {0.98004, 0.106454},
    // 27-30: nose bridge
    {0.490127, 0.203352}, {0.490127, 0.307009}, {0.490127, 0.409805}, {0.490127, 0.515625},
    // 31-35: nostrils
    {0.36688, 0.587326}, {0.426036, 0.609345}, {0.490127, 0.628106}, {0.554217, 0.609345},
    {0.613373, 0.587326},
    // 36-41: subject's right eye
    {0.121737, 0.216423}, {0.187122, 0.178758}, {0.265825, 0.179852}, {0.334606, 0.231733},
    {0.260918, 0.245099}, {0.182743, 0.244077},
    // 42-47: subject's left eye
    {0.645647, 0.231733}, {0.714428, 0.179852}, {0.793132, 0.178758}, {0.858516, 0.216423},
    {0.79751, 0.244077}, {0.719335, 0.245099},
    // 48-59: outer lips
    {0.254149, 0.780233}, {0.340985, 0.745405}, {0.428858, 0.727388}, {0.490127, 0.742578},
    {0.551395, 0.727388}, {0.639268, 0.745405}, {0.726104, 0.780233}, {0.642159, 0.864805},
    {0.556721, 0.902192}, {0.490127, 0.909281}, {0.423532, 0.902192}, {0.338094, 0.864805},
    // 60-67: inner lips
    {0.290379, 0.784792}, {0.428096, 0.778746}, {0.490127, 0.785343}, {0.552157, 0.778746},
    {0.689874, 0.784792}, {0.553364, 0.824182}, {0.490127, 0.831803}, {0.42689, 0.824182}}};
// clang-format on

namespace {

// dlib fits only the rigid-ish points: the eyebrows and the lower lip move
// with expression, so they are left out of the fit (as dlib does).
bool used_for_fit(int landmark) {
  if (landmark < 27) return false;
  if (landmark >= 55 && landmark <= 59) return false;
  return landmark < 65;
}

}  // namespace

FaceAligner::FaceAligner(int chip_size, double padding) : chip_size_(chip_size), padding_(padding) {
  if (chip_size < 2) throw std::invalid_argument("FaceAligner: chip_size must be at least 2");
  if (!(padding >= 0)) throw std::invalid_argument("FaceAligner: padding must be >= 0");
}

cv::Mat FaceAligner::transform(const Landmarks& landmarks) const {
  const double size = chip_size_;
  // Template points in chip pixels before dlib's final resampling step: the
  // unit square grows by `padding` on each side and then fills the chip.
  std::vector<cv::Point2d> chip_pts, image_pts;
  for (int i = kTemplateFirstLandmark; i < kLandmarkCount; ++i) {
    if (!used_for_fit(i)) continue;
    const cv::Point2d m = kDlibMeanFace[i - kTemplateFirstLandmark];
    chip_pts.emplace_back((padding_ + m.x) / (2 * padding_ + 1) * size,
                          (padding_ + m.y) / (2 * padding_ + 1) * size);
    const cv::Point2f& p = landmarks[i];
    if (!std::isfinite(p.x) || !std::isfinite(p.y))
      throw std::invalid_argument("FaceAligner: landmarks are not finite");
    image_pts.emplace_back(p.x, p.y);
  }

  // Least-squares similarity transform chip -> image, q = [a -b; b a] p + t.
  // Fitting in this direction (not image -> chip) matters: the least-squares
  // scale of a similarity is not symmetric, and dlib fits chip -> image.
  // With (a, b) free this linear problem is exactly Umeyama's without reflection.
  const double n = static_cast<double>(chip_pts.size());
  cv::Point2d mean_p, mean_q;
  for (size_t i = 0; i < chip_pts.size(); ++i) {
    mean_p += chip_pts[i];
    mean_q += image_pts[i];
  }
  mean_p /= n;
  mean_q /= n;
  double spread = 0, dot = 0, cross = 0;
  for (size_t i = 0; i < chip_pts.size(); ++i) {
    const cv::Point2d p = chip_pts[i] - mean_p;
    const cv::Point2d q = image_pts[i] - mean_q;
    spread += p.dot(p);
    dot += p.dot(q);
    cross += p.x * q.y - p.y * q.x;
  }
  const double a = dot / spread;
  const double b = cross / spread;
  const double scale = std::hypot(a, b);  // image pixels per template-chip pixel

  // dlib turns the fit into a rotated rectangle of chip_size * scale image
  // pixels around the image of the chip centre, then maps that rectangle's
  // corners, whose span is (chip_size * scale - 1) pixels, onto chip pixels 0
  // and chip_size - 1. Reproducing that (rather than just inverting the fit)
  // keeps our chips within a fraction of a pixel of dlib's.
  const double span = size * scale - 1;
  if (!(span > 1e-6)) throw std::invalid_argument("FaceAligner: degenerate landmarks");
  const cv::Point2d from_centre = cv::Point2d(size / 2, size / 2) - mean_p;
  const cv::Point2d centre(a * from_centre.x - b * from_centre.y + mean_q.x,
                           b * from_centre.x + a * from_centre.y + mean_q.y);
  const double k = (size - 1) / span / scale;  // chip pixels per image pixel, over scale
  // Inverse rotation scaled by k: [a b; -b a] * k.
  const double m00 = k * a, m01 = k * b, m10 = -k * b, m11 = k * a;
  const double half = (size - 1) / 2;
  cv::Mat m = (cv::Mat_<double>(2, 3) << m00, m01, half - m00 * centre.x - m01 * centre.y,  //
               m10, m11, half - m10 * centre.x - m11 * centre.y);
  return m;
}

cv::Mat FaceAligner::align(const cv::Mat& image, const Landmarks& landmarks) const {
  if (image.empty()) throw std::invalid_argument("FaceAligner: empty image");
  if (image.depth() != CV_8U) throw std::invalid_argument("FaceAligner: image must be 8-bit");
  cv::Mat m = transform(landmarks);
  const cv::Size chip(chip_size_, chip_size_);

  // Bilinear sampling of a much larger face skips pixels and aliases. dlib
  // first halves the image with a Gaussian pyramid until the chip is sampled
  // at between 0.5 and 1 chip pixel per image pixel; do the same, on just the
  // part of the image the chip covers so a 4000 px photo stays cheap.
  const double chip_per_image = std::hypot(m.at<double>(0, 0), m.at<double>(0, 1));
  int levels = 0;
  while (chip_per_image * (1 << levels) < 0.5 && levels < 16) ++levels;
  if (levels == 0) {
    cv::Mat out;
    cv::warpAffine(image, out, m, chip, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(0));
    return out;
  }

  cv::Mat inv;
  cv::invertAffineTransform(m, inv);
  std::vector<cv::Point2d> corners = {
      {0, 0}, {chip_size_ - 1.0, 0}, {0, chip_size_ - 1.0}, {chip_size_ - 1.0, chip_size_ - 1.0}};
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  for (const auto& c : corners) {
    const double x = inv.at<double>(0, 0) * c.x + inv.at<double>(0, 1) * c.y + inv.at<double>(0, 2);
    const double y = inv.at<double>(1, 0) * c.x + inv.at<double>(1, 1) * c.y + inv.at<double>(1, 2);
    x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
  }
  // A margin of a few coarse-level pixels keeps the pyramid filter's border
  // handling out of the chip.
  const double margin = 4.0 * (1 << levels);
  const cv::Rect roi = cv::Rect(cv::Point(static_cast<int>(std::floor(x0 - margin)),
                                          static_cast<int>(std::floor(y0 - margin))),
                                cv::Point(static_cast<int>(std::ceil(x1 + margin)) + 1,
                                          static_cast<int>(std::ceil(y1 + margin)) + 1)) &
                       cv::Rect(0, 0, image.cols, image.rows);
  if (roi.empty()) return cv::Mat::zeros(chip, image.type());

  cv::Mat level = image(roi);
  int done = 0;
  for (; done < levels && level.cols > 1 && level.rows > 1; ++done) {
    cv::Mat down;
    cv::pyrDown(level, down);  // down(x) is centred on level(2x)
    level = down;
  }
  // Chip pixels from level pixels: image = 2^done * level + roi origin.
  const double f = static_cast<double>(1 << done);
  cv::Mat ml = m.clone();
  for (int r = 0; r < 2; ++r) {
    ml.at<double>(r, 2) += m.at<double>(r, 0) * roi.x + m.at<double>(r, 1) * roi.y;
    ml.at<double>(r, 0) *= f;
    ml.at<double>(r, 1) *= f;
  }
  cv::Mat out;
  cv::warpAffine(level, out, ml, chip, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar::all(0));
  return out;
}

}  // namespace facecheck::vision
