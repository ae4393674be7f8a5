// What the check-in domain answers: plain structs in domain words. The HTTP
// layer prints them (http/outcome_json.h); the domain never sees JSON.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/records.h"
#include "vision/face_quality.h"
#include "vision/face_types.h"

namespace facecheck::checkin {

// The faces in a kiosk frame, boxes in the pixels of the decoded frame
// (`scale`: how many sent pixels one decoded pixel spans, 1, 2, 4 or 8).
struct DetectedFaces {
  int width = 0, height = 0;
  int scale = 1;
  std::vector<vision::FaceBox> faces;
};

struct EnrolResult {
  storage::Id template_id = 0;
  storage::Person person;
  // How many templates now stand for the person: clients suggest a second
  // photo, the best single lever on missed check-ins (docs/identification.md).
  size_t templates = 0;
  std::string model;
  cv::Rect2f box;
  vision::FaceQuality quality;
  bool photo_stored = false;
};

// What happened to one face of a check-in frame.
enum class FaceStatus {
  kCheckedIn,
  kAlreadyCheckedIn,
  kNotRecognised,
  kTooSmall,         // reported, not matched
  kLivenessFailed,   // passive score too low
  kLivenessMismatch  // not the face that passed the challenge
};
std::string_view face_status_code(FaceStatus status);  // "checked_in", ...

struct FaceOutcome {
  FaceStatus status = FaceStatus::kNotRecognised;
  cv::Rect2f box;
  float score = 0;                  // the detector's
  std::optional<float> distance;    // to the nearest template, when there is one
  std::optional<float> live_score;  // kLivenessFailed
  // kCheckedIn, kAlreadyCheckedIn: who, under which model, with which
  // liveness evidence and when (the original time when already).
  std::optional<storage::Person> person;
  std::string model;
  storage::LivenessEvidence liveness;
  std::optional<storage::Timestamp> checked_in_at;
};

struct ModelThreshold {
  std::string model;
  float value = 0;
};

struct CheckinOutcome {
  storage::Id event_id = 0;
  // The thresholds in force, the default model's first, and where that one
  // comes from ("event", "server" or "event size").
  std::vector<ModelThreshold> thresholds;
  const char* threshold_basis = "";
  int width = 0, height = 0;
  int scale = 1;  // as DetectedFaces::scale
  std::vector<FaceOutcome> faces;
};

struct EventStatistics {
  storage::Id event_id = 0;
  storage::EventStats counts;
  size_t liveness_failures = 0;  // since the server started
};

struct ImportSummary {
  size_t imported = 0, created = 0, linked = 0;
};

}  // namespace facecheck::checkin
