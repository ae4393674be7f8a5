#include "vision/face_actions.h"

#include <algorithm>
#include <cmath>

namespace facecheck::vision {

namespace {
constexpr std::pair<FaceAction, const char*> kNames[] = {{FaceAction::TurnLeft, "turn_left"},
                                                         {FaceAction::TurnRight, "turn_right"},
                                                         {FaceAction::Nod, "nod"},
                                                         {FaceAction::Blink, "blink"}};
}  // namespace

const char* face_action_name(FaceAction action) {
  for (const auto& [a, name] : kNames)
    if (a == action) return name;
  return "unknown";
}

std::optional<FaceAction> parse_face_action(std::string_view name) {
  for (const auto& [a, n] : kNames)
    if (name == n) return a;
  return std::nullopt;
}

bool ActionTracker::feed(const ActionSample& sample) {
  if (!started_) {
    const HeadPose& p = sample.motion.pose;
    if (std::abs(p.yaw) > t_.frontal_deg || std::abs(p.pitch) > t_.frontal_deg) return false;
    reference_ = p;
    started_ = true;
  }
  samples_.push_back(sample);
  return true;
}

bool ActionTracker::performed(FaceAction action, size_t since) const {
  switch (action) {
    case FaceAction::TurnLeft:
      return turned(+1.f, since);
    case FaceAction::TurnRight:
      return turned(-1.f, since);
    case FaceAction::Nod:
      return nodded(since);
    case FaceAction::Blink:
      return blinked(since);
  }
  return false;
}

bool ActionTracker::turned(float sign, size_t since) const {
  for (size_t i = since; i < samples_.size(); ++i)
    if (sign * (samples_[i].motion.pose.yaw - reference_.yaw) >= t_.turn_deg) return true;
  return false;
}

// Away from the reference pitch (up or down), then back near it.
bool ActionTracker::nodded(size_t since) const {
  bool away = false;
  for (size_t i = since; i < samples_.size(); ++i) {
    const float d = std::abs(samples_[i].motion.pose.pitch - reference_.pitch);
    if (d >= t_.nod_deg)
      away = true;
    else if (away && d <= t_.nod_return_deg)
      return true;
  }
  return false;
}

// Open, closed, open again; "closed" needs both the network and a drop of
// the lids' aspect ratio below the open frames seen before it.
bool ActionTracker::blinked(size_t since) const {
  float open_ear = 0;  // the widest open eyes seen so far in this search
  bool closed = false;
  for (size_t i = since; i < samples_.size(); ++i) {
    const ActionSample& s = samples_[i];
    const float ear = s.motion.eye_openness;
    if (s.eyes_closed <= t_.open_at) {
      if (closed) return true;
      open_ear = std::max(open_ear, ear);
    } else if (s.eyes_closed >= t_.closed_at && open_ear > 0 && ear <= t_.ear_ratio * open_ear) {
      closed = true;
    }
  }
  return false;
}

}  // namespace facecheck::vision
