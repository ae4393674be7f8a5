#include "vision/face_json.h"

#include <cmath>

namespace facecheck::vision {
namespace {

// Dividing by a power of ten (not multiplying by 0.1) keeps 49.9 printing as
// 49.9 rather than 49.900000000000006.
double round_to(double value, double step) {
  const double scale = std::round(1.0 / step);
  return std::round(value * scale) / scale;
}

}  // namespace

nlohmann::json box_json(const cv::Rect2f& box) {
  return {round_to(box.x, 0.1), round_to(box.y, 0.1), round_to(box.width, 0.1),
          round_to(box.height, 0.1)};
}

nlohmann::json landmarks_json(const Landmarks& landmarks) {
  nlohmann::json points = nlohmann::json::array();
  for (const cv::Point2f& p : landmarks) points.push_back({round_to(p.x, 0.1), round_to(p.y, 0.1)});
  return points;
}

nlohmann::json quality_json(const FaceQuality& q) {
  return {{"face_px", round_to(q.face_px, 0.1)},
          {"sharpness", round_to(q.sharpness, 0.1)},
          {"brightness", round_to(q.brightness, 0.1)},
          {"pose",
           {{"yaw", round_to(q.pose.yaw, 0.1)},
            {"pitch", round_to(q.pose.pitch, 0.1)},
            {"roll", round_to(q.pose.roll, 0.1)}}},
          {"acceptable", q.acceptable()},
          {"problems", q.problems},
          {"reasons", q.reasons}};
}

nlohmann::json embedding_json(const Embedding& embedding) {
  nlohmann::json values = nlohmann::json::array();
  for (float v : embedding) values.push_back(v);
  return values;
}

nlohmann::json face_json(const FaceAnalysis& face) {
  return {{"box", box_json(face.detection.box)},
          {"score", round_to(face.detection.score, 0.0001)},
          {"landmarks", landmarks_json(face.landmarks)},
          {"quality", quality_json(face.quality)}};
}

}  // namespace facecheck::vision
