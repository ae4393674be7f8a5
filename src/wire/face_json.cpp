#include "wire/face_json.h"

#include <cmath>

namespace facecheck::wire {

using namespace vision;
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

FaceQuality quality_from_json(const nlohmann::json& j) {
  FaceQuality q;
  q.face_px = j.value("face_px", 0.f);
  q.sharpness = j.value("sharpness", 0.f);
  q.brightness = j.value("brightness", 0.f);
  if (const auto pose = j.find("pose"); pose != j.end()) {
    q.pose.yaw = pose->value("yaw", 0.f);
    q.pose.pitch = pose->value("pitch", 0.f);
    q.pose.roll = pose->value("roll", 0.f);
  }
  q.problems = j.value("problems", std::vector<std::string>{});
  q.reasons = j.value("reasons", std::vector<std::string>{});
  return q;
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

}  // namespace facecheck::wire
