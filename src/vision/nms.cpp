#include "vision/nms.h"

#include <algorithm>

namespace facecheck::vision {

float intersection_over_union(const cv::Rect2f& a, const cv::Rect2f& b) {
  const float area_a = a.width * a.height;
  const float area_b = b.width * b.height;
  if (a.width <= 0.f || a.height <= 0.f || b.width <= 0.f || b.height <= 0.f) return 0.f;
  const float iw = std::min(a.x + a.width, b.x + b.width) - std::max(a.x, b.x);
  const float ih = std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
  if (iw <= 0.f || ih <= 0.f) return 0.f;
  const float inter = iw * ih;
  return inter / (area_a + area_b - inter);
}

std::vector<FaceBox> non_max_suppression(std::vector<FaceBox> boxes, float iou_threshold,
                                         int max_results) {
  std::stable_sort(boxes.begin(), boxes.end(),
                   [](const FaceBox& a, const FaceBox& b) { return a.score > b.score; });
  std::vector<FaceBox> kept;
  if (max_results <= 0) return kept;
  for (const FaceBox& candidate : boxes) {
    const bool suppressed = std::any_of(kept.begin(), kept.end(), [&](const FaceBox& k) {
      return intersection_over_union(candidate.box, k.box) > iou_threshold;
    });
    if (suppressed) continue;
    kept.push_back(candidate);
    if (static_cast<int>(kept.size()) == max_results) break;
  }
  return kept;
}

}  // namespace facecheck::vision
