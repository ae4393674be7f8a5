// What facecheck knows about each face-embedding model: a "model card".
//
// Every face template is stored with the id of the model that made it, and
// only embeddings of one model are ever compared. The card carries what the
// rest of the system needs to use a model correctly: its dimension, how its
// scores are compared, and the thresholds measured for it with our own
// protocols (docs/accuracy.md, docs/identification.md). Thresholds are
// distances under the card's metric: lower means more alike.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "vision/face_types.h"

namespace facecheck::vision {

// One measured point of the per-pair false match rate of the check-in
// pipeline: the share of different-person (template, kiosk photo) pairs
// nearer than `distance`.
struct PairFmrPoint {
  float distance;
  double pair_fmr;
};

struct RecognizerModel {
  std::string_view id;  // stable: stored with every template
  int dimension;
  ScoreMetric metric;
  // 1:1 verification threshold, calibrated on LFW's ten-fold protocol
  // (docs/accuracy.md); also the ceiling of the open-set default.
  float match_threshold;
  // Enrolment refuses a face this near a different enrolled person
  // (a likely duplicate registration) unless told otherwise.
  float duplicate_threshold;
  // Whether averaging the kiosk frame's embedding with its mirror image's
  // pays for its extra pass with this model (measured, see the .cpp).
  bool kiosk_flip_average;
  // p(T) of the check-in pipeline, ascending in distance, measured by
  // `facecheck eval-identify --checkin-pipeline` (see open_set_threshold.h).
  std::span<const PairFmrPoint> pair_fmr;
  std::string_view description;
};

inline constexpr std::string_view kDlibModelId = "dlib-resnet34-128";
inline constexpr std::string_view kArcFaceModelId = "arcface-fp-512";
// What new templates are made with unless the operator chooses: the model
// that measured best (docs/identification.md).
inline constexpr std::string_view kDefaultModelId = kArcFaceModelId;

// The card of `id`; throws std::invalid_argument naming the known ids.
const RecognizerModel& recognizer_model(std::string_view id);
// Every known model, the default first.
std::span<const RecognizerModel* const> recognizer_models();
// "arcface-fp-512, dlib-resnet34-128": for help texts and errors.
std::string recognizer_model_ids();

}  // namespace facecheck::vision
