// What a face is doing in one frame, from its 68 landmarks: where the head
// points and how open the eyes are. The active liveness challenge reads
// actions (turns, nods, blinks) from a sequence of these.
#pragma once

#include "vision/face_quality.h"
#include "vision/face_types.h"

namespace facecheck::vision {

struct FaceMotion {
  HeadPose pose;
  // Eye aspect ratio (Soukupová and Čech, 2016), mean of both eyes: the two
  // lid-to-lid distances over the corner-to-corner width, halved. About 0.3
  // open, falling towards 0 as the lids close. Independent of face size.
  float eye_openness = 0;
};

// Throws std::invalid_argument on degenerate or non-finite landmarks.
FaceMotion measure_motion(const Landmarks& landmarks);

// The eye aspect ratio of one eye: points[first .. first+5] in the 68-point
// layout's order (corner, two upper lid points, corner, two lower lid points).
float eye_aspect_ratio(const Landmarks& landmarks, int first);

}  // namespace facecheck::vision
