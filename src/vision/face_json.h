// JSON shapes of the vision results. The CLI prints them and the HTTP API
// returns them, so they are one contract kept in one place.
#pragma once

#include <nlohmann/json.hpp>

#include "vision/face_engine.h"
#include "vision/face_quality.h"
#include "vision/face_types.h"

namespace facecheck::vision {

// [x, y, w, h] rounded to 0.1 px.
nlohmann::json box_json(const cv::Rect2f& box);
nlohmann::json landmarks_json(const Landmarks& landmarks);
nlohmann::json quality_json(const FaceQuality& quality);
nlohmann::json embedding_json(const Embedding& embedding);
// {"box", "score", "landmarks", "quality"}.
nlohmann::json face_json(const FaceAnalysis& face);

}  // namespace facecheck::vision
