#include "vision/face_quality.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "vision/face_aligner.h"

namespace facecheck::vision {
namespace {

// OpenFace's mean 3D face for the 68 iBUG landmarks ("wild face" model, mm;
// x to the image's right, y down, z away from the camera, so the nose tip has
// the most negative z), as widely republished with head-pose code. Only the
// nose, the eyes and the mouth corners are used: the jaw line is a silhouette
// (its 3D point slides round the face as the head turns), and the brows and
// lips move with expression.
struct ModelPoint {
  int landmark;
  cv::Point3d p;
};
const std::array<ModelPoint, 23> kMeanFace3d = {{
    // 27-30: nose bridge to tip
    {27, {0.653940, -42.193790, -13.380835}},
    {28, {0.804809, -30.993721, -21.150853}},
    {29, {0.992204, -19.944596, -29.284036}},
    {30, {1.226783, -8.414541, -36.948060}},
    // 31-35: nostrils
    {31, {-14.772472, 2.598255, -20.132003}},
    {32, {-7.180239, 4.751589, -23.536684}},
    {33, {0.555920, 6.562900, -25.944448}},
    {34, {8.272499, 4.661005, -23.695741}},
    {35, {15.214351, 2.643046, -20.858157}},
    // 36-41: subject's right eye
    {36, {-46.047290, -37.471411, 7.037989}},
    {37, {-37.674688, -42.730510, 3.021217}},
    {38, {-27.883856, -42.711517, 1.353629}},
    {39, {-19.648268, -36.754742, -0.111088}},
    {40, {-28.272965, -35.134493, -0.147273}},
    {41, {-38.082418, -34.919043, 1.476612}},
    // 42-47: subject's left eye
    {42, {19.265868, -37.032306, -0.665746}},
    {43, {27.894191, -43.342445, 0.247660}},
    {44, {37.437529, -43.110822, 1.696435}},
    {45, {45.170805, -38.086515, 4.894163}},
    {46, {38.196454, -35.532024, 0.282961}},
    {47, {28.764989, -35.484289, -1.172675}},
    // 48, 54: mouth corners (they move when smiling, but without them pitch
    // would rest on the nose alone)
    {48, {-28.916267, 28.612716, -2.240310}},
    {54, {28.794412, 28.079924, -3.217393}},
}};

// Perspective needs a camera distance, which landmarks alone cannot give: we
// assume a check-in camera about 60 cm from the face. Assuming 30 cm or
// 120 cm instead moves LFW angles by about 1 degree on average, 3.6 at most.
constexpr double kCameraDistanceMm = 600;

// The subject's left/right counterpart of each kMeanFace3d entry, in order.
constexpr std::array<int, 23> kMirrorLandmark = {27, 28, 29, 30, 35, 34, 33, 32, 31, 45, 44, 43,
                                                 42, 47, 46, 39, 38, 37, 36, 41, 40, 54, 48};

// The mean face averaged with its mirror image. The published model is a few
// mm lopsided (the right outer eye corner sits 2 mm deeper than the left),
// which made a head turned left read up to 5 degrees more turned than the
// same head turned right. dlib's mean face is exactly symmetric, so the
// symmetric model also reads it as yaw 0 and roll 0.
const std::array<cv::Point3d, 23>& symmetric_mean_face() {
  static const std::array<cv::Point3d, 23> model = [] {
    std::array<cv::Point3d, 23> out;
    for (size_t i = 0; i < kMeanFace3d.size(); ++i) {
      const auto twin = std::find_if(kMeanFace3d.begin(), kMeanFace3d.end(), [&](const auto& mp) {
        return mp.landmark == kMirrorLandmark[i];
      });
      const cv::Point3d a = kMeanFace3d[i].p, b = twin->p;
      out[i] = cv::Point3d((a.x - b.x) / 2, (a.y + b.y) / 2, (a.z + b.z) / 2);
    }
    return out;
  }();
  return model;
}

// Quality is measured on the face's unit square (see FaceQuality::face_px)
// resampled to 100 px: the scale at which dlib's 150 px chip (padding 0.25)
// shows the face to the recognition net.
constexpr int kMeasureSize = 100;
// The part of the unit square that is face for nearly every head: between
// the outer eye corners' columns, from the brows to below the lower lip. The
// square's corners hold hair, ears or background, which would dilute both
// brightness and sharpness.
const cv::Rect kInnerFace(15, 10, 70, 85);

// face_px is reported as face width, jaw to jaw (landmarks 0 and 16), so that
// thresholds read like detector box sizes. Measured median ratios to the
// unit square: 1.25 on 355 LFW photos (face-api landmarks), 1.28 on dlib's 43
// annotated faces; the SSD detector's box width is 1.29.
constexpr double kFaceWidthPerUnit = 1.25;

constexpr double kDeg = 180.0 / CV_PI;

cv::Point2d mean_point(const Landmarks& lm, int first, int last) {
  cv::Point2d s;
  for (int i = first; i <= last; ++i) s += cv::Point2d(lm[i]);
  return s / (last - first + 1);
}

std::string fmt(double v) { return std::to_string(std::lround(v)); }

// R = Rz(roll) * Ry(a) * Rx(b), camera axes (x right, y down, z forward).
cv::Matx33d rotation(double roll, double a, double b) {
  const double cr = std::cos(roll), sr = std::sin(roll), ca = std::cos(a), sa = std::sin(a),
               cb = std::cos(b), sb = std::sin(b);
  const cv::Matx33d rz(cr, -sr, 0, sr, cr, 0, 0, 0, 1);
  const cv::Matx33d ry(ca, 0, sa, 0, 1, 0, -sa, 0, ca);
  const cv::Matx33d rx(1, 0, 0, 0, cb, -sb, 0, sb, cb);
  return rz * ry * rx;
}

// Rotation of OpenFace's mean 3D face that best explains the landmarks.
cv::Matx33d fit_rotation(const Landmarks& landmarks) {
  std::vector<cv::Point3d> object;
  std::vector<cv::Point2d> image;
  cv::Point3d model_centre;
  cv::Point2d image_centre;
  for (size_t i = 0; i < kMeanFace3d.size(); ++i) {
    const cv::Point2f& p = landmarks[kMeanFace3d[i].landmark];
    if (!std::isfinite(p.x) || !std::isfinite(p.y))
      throw std::invalid_argument("estimate_head_pose: landmarks are not finite");
    const cv::Point3d& m = symmetric_mean_face()[i];
    object.push_back(m);
    image.emplace_back(p.x, p.y);
    model_centre += m;
    image_centre += cv::Point2d(p.x, p.y);
  }
  const double n = static_cast<double>(object.size());
  model_centre *= 1.0 / n;
  image_centre *= 1.0 / n;

  // Rotation-invariant spreads give the pixels-per-mm scale, so an in-plane
  // rotation of the image leaves the assumed camera unchanged.
  double image_spread = 0, model_spread = 0;
  for (size_t i = 0; i < object.size(); ++i) {
    object[i] -= model_centre;
    const cv::Point2d d = image[i] - image_centre;
    image_spread += d.dot(d);
    model_spread += object[i].x * object[i].x + object[i].y * object[i].y;
  }
  if (!(image_spread > 1e-6))
    throw std::invalid_argument("estimate_head_pose: degenerate landmarks");
  const double f = kCameraDistanceMm * std::sqrt(image_spread / model_spread);

  // Perspective-n-point by Levenberg-Marquardt over (roll, a, b, tx, ty, tz),
  // R = Rz(roll) Ry(a) Rx(b). The principal point goes under the face: the
  // image size is unknown, and this way an in-plane rotation of the landmarks
  // is exactly a camera roll. (OpenCV's solvePnP lives in calib3d, which the
  // project does not link; 23 points and 6 unknowns need no more than this.)
  auto residuals = [&](const cv::Vec6d& x) {
    const cv::Matx33d r = rotation(x[0], x[1], x[2]);
    std::vector<double> res;
    res.reserve(2 * object.size());
    for (size_t i = 0; i < object.size(); ++i) {
      const cv::Vec3d p =
          r * cv::Vec3d(object[i].x, object[i].y, object[i].z) + cv::Vec3d(x[3], x[4], x[5]);
      const double z = std::max(p[2], 1.0);  // keep the face in front of the camera
      res.push_back(f * p[0] / z + image_centre.x - image[i].x);
      res.push_back(f * p[1] / z + image_centre.y - image[i].y);
    }
    return res;
  };
  auto cost = [](const std::vector<double>& res) {
    double c = 0;
    for (double v : res) c += v * v;
    return c;
  };

  // Start frontal, at the assumed distance, rolled like the eye line, so the
  // fit cannot wander to the mirror solution (a face seen from behind).
  const cv::Point2d eyes = mean_point(landmarks, 42, 47) - mean_point(landmarks, 36, 41);
  cv::Vec6d x(std::atan2(eyes.y, eyes.x), 0, 0, 0, 0, kCameraDistanceMm);
  std::vector<double> res = residuals(x);
  double current = cost(res);
  double lambda = 1e-3;
  bool done = false;
  for (int iter = 0; iter < 100 && !done; ++iter) {
    // Central-difference Jacobian; steps suit radians and millimetres.
    cv::Mat jac(static_cast<int>(res.size()), 6, CV_64F);
    for (int k = 0; k < 6; ++k) {
      const double h = k < 3 ? 1e-6 : 1e-4;
      cv::Vec6d hi = x, lo = x;
      hi[k] += h;
      lo[k] -= h;
      const std::vector<double> rh = residuals(hi), rl = residuals(lo);
      for (int i = 0; i < jac.rows; ++i) jac.at<double>(i, k) = (rh[i] - rl[i]) / (2 * h);
    }
    const cv::Mat normal = jac.t() * jac;
    const cv::Mat gradient = jac.t() * cv::Mat(res);
    // Raise the damping until a step lowers the cost; when none does, or the
    // gain is negligible, the fit has converged.
    for (;;) {
      cv::Mat damped = normal.clone();
      for (int k = 0; k < 6; ++k) damped.at<double>(k, k) *= 1 + lambda;
      cv::Mat step;
      cv::solve(damped, -gradient, step, cv::DECOMP_CHOLESKY);
      const cv::Vec6d next = x + cv::Vec6d(step.ptr<double>());
      std::vector<double> next_res = residuals(next);
      const double next_cost = cost(next_res);
      if (next_cost < current) {
        done = current - next_cost < 1e-12 * (1 + current);
        x = next;
        res = std::move(next_res);
        current = next_cost;
        lambda = std::max(lambda / 10, 1e-12);
        break;
      }
      lambda *= 10;
      if (lambda > 1e10) {
        done = true;
        break;
      }
    }
  }
  return rotation(x[0], x[1], x[2]);
}

// "Straight at the camera" is the pose of dlib's mean face: the face the
// aligner maps onto its template without distortion. OpenFace's model at
// identity rotation reads dlib's mean face as about 8 degrees chin-down (the
// two models put the nose tip and eye corners slightly differently), and LFW's
// news photos centre on the same -8 to -11 degrees, so measuring from the mean
// face removes a bias that would otherwise reject level heads as "down".
const cv::Matx33d& reference_rotation() {
  static const cv::Matx33d reference = [] {
    Landmarks mean_face{};
    for (int i = kTemplateFirstLandmark; i < kLandmarkCount; ++i) {
      const cv::Point2d m = kDlibMeanFace[i - kTemplateFirstLandmark];
      mean_face[i] = cv::Point2f(static_cast<float>(200 * m.x), static_cast<float>(200 * m.y));
    }
    return fit_rotation(mean_face);
  }();
  return reference;
}

}  // namespace

HeadPose estimate_head_pose(const Landmarks& landmarks) {
  // R = Rz(roll) * Ry(a) * Rx(b): the bottom row holds yaw and pitch only,
  // and left-multiplying by an in-plane rotation changes roll alone. Ry(a)
  // with a > 0 swings the nose (negative z) toward -x, the image's left, i.e.
  // the subject's right; Rx(b) with b > 0 swings it down. Both signs are
  // flipped to the documented convention.
  const cv::Matx33d r = fit_rotation(landmarks) * reference_rotation().t();
  HeadPose pose;
  pose.yaw = static_cast<float>(std::asin(std::clamp(r(2, 0), -1.0, 1.0)) * kDeg);
  pose.pitch = static_cast<float>(-std::atan2(r(2, 1), r(2, 2)) * kDeg);
  pose.roll = static_cast<float>(std::atan2(r(1, 0), r(0, 0)) * kDeg);
  return pose;
}

FaceQuality assess_face_quality(const cv::Mat& image, const cv::Rect2f& box,
                                const Landmarks& landmarks, const QualityThresholds& t) {
  if (image.empty()) throw std::invalid_argument("assess_face_quality: empty image");
  if (image.depth() != CV_8U) throw std::invalid_argument("assess_face_quality: image not 8-bit");
  cv::Mat gray;
  if (image.channels() == 3)
    cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  else if (image.channels() == 4)
    cv::cvtColor(image, gray, cv::COLOR_BGRA2GRAY);
  else if (image.channels() == 1)
    gray = image;
  else
    throw std::invalid_argument("assess_face_quality: expected 1, 3 or 4 channels");

  FaceQuality q;
  const FaceAligner unit_square(kMeasureSize, 0.0);
  const cv::Mat m = unit_square.transform(landmarks);
  // The aligner maps (side - 1) image pixels onto (kMeasureSize - 1) chip
  // pixels (dlib's convention), so its scale gives the unit square's side.
  const double chip_per_image = std::hypot(m.at<double>(0, 0), m.at<double>(0, 1));
  q.face_px = static_cast<float>(kFaceWidthPerUnit * ((kMeasureSize - 1) / chip_per_image + 1));

  const cv::Mat chip = unit_square.align(gray, landmarks);
  cv::Mat lap;
  cv::Laplacian(chip, lap, CV_32F);  // on the whole chip: no border effects inside
  cv::Scalar mean, stddev;
  cv::meanStdDev(chip(kInnerFace), mean, stddev);
  q.brightness = static_cast<float>(mean[0]);
  cv::meanStdDev(lap(kInnerFace), cv::noArray(), stddev);
  // Darkening scales the Laplacian with the image; undo that so a dark face
  // is reported as dark, not also as blurry.
  const double gain = mean[0] > 1 ? 128.0 / mean[0] : 0.0;
  q.sharpness = static_cast<float>(stddev[0] * stddev[0] * gain * gain);
  q.pose = estimate_head_pose(landmarks);

  bool outside = false;
  for (int i = kTemplateFirstLandmark; i < kLandmarkCount; ++i) {
    const cv::Point2f& p = landmarks[i];
    outside = outside || p.x < 0 || p.y < 0 || p.x > image.cols - 1 || p.y > image.rows - 1;
  }
  const cv::Rect2f frame(0, 0, static_cast<float>(image.cols), static_cast<float>(image.rows));
  if (box.area() > 0 && (box & frame).area() < 0.9f * box.area()) outside = true;

  auto add = [&q](const char* code, std::string reason) {
    q.problems.emplace_back(code);
    q.reasons.push_back(std::move(reason));
  };
  if (q.face_px < t.min_face_px)
    add("too_small", "Face is too small (" + fmt(q.face_px) + " px, need " + fmt(t.min_face_px) +
                         "); move closer to the camera");
  if (outside)
    add("out_of_frame",
        "Part of the face is outside the picture; move so that your whole face is in view");
  if (q.sharpness < t.min_sharpness)
    add("blurry", "Face is blurry (sharpness " + fmt(q.sharpness) + ", need " +
                      fmt(t.min_sharpness) +
                      "); hold still, and check that the camera is clean and in focus");
  if (q.brightness < t.min_brightness)
    add("too_dark", "Face is too dark (brightness " + fmt(q.brightness) + " of 255, need " +
                        fmt(t.min_brightness) + "); turn on a light or face a window");
  if (q.brightness > t.max_brightness)
    add("too_bright", "Face is too bright (brightness " + fmt(q.brightness) + " of 255, limit " +
                          fmt(t.max_brightness) + "); move out of direct light or sunlight");
  const bool yawed = std::abs(q.pose.yaw) > t.max_yaw;
  const bool pitched = std::abs(q.pose.pitch) > t.max_pitch;
  if (yawed && pitched)
    add("turned_away", "Face is turned away (" + fmt(std::abs(q.pose.yaw)) + "° to the side, " +
                           fmt(std::abs(q.pose.pitch)) +
                           "° up or down); look straight at the camera");
  else if (yawed)
    add("turned_away", "Face is turned to the side (" + fmt(std::abs(q.pose.yaw)) + "°, limit " +
                           fmt(t.max_yaw) + "°); look straight at the camera");
  else if (pitched)
    add("turned_away", std::string("Face is turned ") + (q.pose.pitch > 0 ? "up" : "down") + " (" +
                           fmt(std::abs(q.pose.pitch)) + "°, limit " + fmt(t.max_pitch) +
                           "°); look straight at the camera, held at eye level");
  if (std::abs(q.pose.roll) > t.max_roll)
    add("tilted", "Head is tilted (" + fmt(std::abs(q.pose.roll)) + "°, limit " + fmt(t.max_roll) +
                      "°); hold your head upright");
  return q;
}

}  // namespace facecheck::vision
