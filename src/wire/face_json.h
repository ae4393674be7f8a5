// JSON shapes of the vision results: one contract, kept in one place, for
// the HTTP API, the CLI's output and the database's JSON columns.
#pragma once

#include <nlohmann/json.hpp>

#include "vision/face_engine.h"
#include "vision/face_quality.h"
#include "vision/face_types.h"

namespace facecheck::wire {

// [x, y, w, h] rounded to 0.1 px.
nlohmann::json box_json(const cv::Rect2f& box);
nlohmann::json landmarks_json(const vision::Landmarks& landmarks);
// {"face_px", "sharpness", "brightness", "pose": {"yaw", "pitch", "roll"},
//  "acceptable", "problems", "reasons"}, measures rounded to 0.1.
nlohmann::json quality_json(const vision::FaceQuality& quality);
// The reverse of quality_json; throws nlohmann::json::exception when a
// field has the wrong type. Missing fields keep their defaults.
vision::FaceQuality quality_from_json(const nlohmann::json& quality);
nlohmann::json embedding_json(const vision::Embedding& embedding);
// {"box", "score", "landmarks", "quality"}.
nlohmann::json face_json(const vision::FaceAnalysis& face);

}  // namespace facecheck::wire
