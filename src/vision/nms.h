// Greedy non-maximum suppression for face boxes, shared by the detectors.
#pragma once

#include <vector>

#include "vision/face_types.h"

namespace facecheck::vision {

// Intersection over union of two boxes; 0 when either has no area (so a
// degenerate box never suppresses anything).
float intersection_over_union(const cv::Rect2f& a, const cv::Rect2f& b);

// Keeps the best-scoring boxes, dropping each box whose IoU with an already
// kept one exceeds `iou_threshold`; returns at most `max_results` boxes, best
// first (ties keep their input order). Scores are not filtered here: callers
// apply their own minimum first, which also keeps the quadratic loop short.
std::vector<FaceBox> non_max_suppression(std::vector<FaceBox> boxes, float iou_threshold,
                                         int max_results);

}  // namespace facecheck::vision
