#include "vision/face_motion.h"

#include <cmath>
#include <stdexcept>

namespace facecheck::vision {

float eye_aspect_ratio(const Landmarks& p, int first) {
  const auto d = [&](int a, int b) { return float(cv::norm(p[first + a] - p[first + b])); };
  const float width = d(0, 3);
  if (!(width > 1e-3f)) throw std::invalid_argument("eye_aspect_ratio: degenerate eye");
  return (d(1, 5) + d(2, 4)) / (2.f * width);
}

FaceMotion measure_motion(const Landmarks& landmarks) {
  FaceMotion m;
  m.pose = estimate_head_pose(landmarks);
  m.eye_openness = (eye_aspect_ratio(landmarks, 36) + eye_aspect_ratio(landmarks, 42)) / 2.f;
  return m;
}

}  // namespace facecheck::vision
