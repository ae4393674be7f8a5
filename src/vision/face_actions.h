// Actions a live person performs on request (turn left, turn right, nod,
// blink), read from a sequence of per-frame measurements of one face.
//
// A flat photo moved in front of the camera, shifted, scaled or rotated in
// the image plane keeps its head pose and its eyes: the thresholds below
// ask for changes such copies do not produce (tests/vision/test_face_actions
// checks it on real photos), and for the motions real people made in the
// videos of ../shared/data/video/actions. docs/liveness.md has the numbers.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "vision/face_motion.h"

namespace facecheck::vision {

// Directions are the subject's own: TurnLeft is a turn towards the
// subject's left shoulder (yaw > 0, the nose moves to the image's right in
// an unmirrored camera frame).
enum class FaceAction { TurnLeft, TurnRight, Nod, Blink };

const char* face_action_name(FaceAction action);  // "turn_left", ...
std::optional<FaceAction> parse_face_action(std::string_view name);

// One frame of the face: its pose and eye openness (FaceMotion) and the
// eye-state network's probability that the eyes are closed.
struct ActionSample {
  FaceMotion motion;
  float eyes_closed = 0;
};

struct ActionThresholds {
  // Degrees from the frontal pose the sequence started in. LivePortrait d3's
  // clear turn reaches 25-27 degrees; head roll of 35 degrees (the facemesh
  // clip) reads as at most 13 degrees of yaw, so 18 separates the two.
  float turn_deg = 18;
  // Pitch away from the start and back; requested nods are larger, talking
  // heads (d13) move about 7 degrees.
  float nod_deg = 10;
  float nod_return_deg = 5;
  // A blink: eye state network says closed (>= closed_at) while the lids'
  // aspect ratio falls to at most `ear_ratio` of the open eyes' value, between
  // frames where both say open (<= open_at). The network alone flickers on
  // glasses; the landmarks alone barely follow the lids (0.31 -> 0.27); both
  // together fire on the blinks of d9 and not on a photo's re-encoded copies.
  float closed_at = 0.8f;
  float open_at = 0.2f;
  float ear_ratio = 0.95f;
  // The start must be roughly frontal for the directions to mean anything.
  float frontal_deg = 15;
};

// Follows one sequence of frames (one face) and says when each action has
// been performed since the sequence began. Not thread-safe.
class ActionTracker {
 public:
  explicit ActionTracker(ActionThresholds t = {}) : t_(t) {}

  // Feeds the next frame. False when the sequence cannot start yet: the
  // first frame must be near-frontal (then it is the reference pose).
  bool feed(const ActionSample& sample);
  bool started() const { return started_; }
  // Whether `action` has happened in the frames fed since `since_frame`
  // (a frame count, so that an action only counts after the previous one).
  bool performed(FaceAction action, size_t since_frame = 0) const;
  size_t frames() const { return samples_.size(); }

 private:
  bool turned(float sign, size_t since) const;
  bool nodded(size_t since) const;
  bool blinked(size_t since) const;

  ActionThresholds t_;
  bool started_ = false;
  HeadPose reference_;
  std::vector<ActionSample> samples_;
};

}  // namespace facecheck::vision
