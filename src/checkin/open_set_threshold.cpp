#include "checkin/open_set_threshold.h"

#include <cmath>
#include <iterator>

#include "vision/face_engine.h"

namespace facecheck::checkin {
namespace {

struct FmrPoint {
  float threshold;
  double pair_fmr;
};

// p(T) of the check-in pipeline (enrolment settings for templates, kiosk
// settings for searches), from the `pair_fmr` column of
//   facecheck eval-identify --list identify_ge5.tsv --images DIR
//     --unknown 1000 --checkin-pipeline
// --checkin-embed flip (the product's setting) over its 672,573
// different-person pairs. The strictest point rests on 3 pairs: below it
// nothing was measured, so it is also the floor of the default (reached at
// ~2,200 templates; larger events should set a threshold from their own
// measurements, docs/identification.md).
constexpr FmrPoint kMeasured[] = {
    {0.41f, 4.460e-06}, {0.42f, 1.338e-05}, {0.43f, 1.784e-05}, {0.44f, 2.230e-05},
    {0.45f, 4.163e-05}, {0.46f, 6.096e-05}, {0.47f, 8.475e-05}, {0.48f, 1.264e-04},
    {0.49f, 1.710e-04}, {0.50f, 2.409e-04}, {0.51f, 3.241e-04}, {0.52f, 4.981e-04},
    {0.53f, 7.226e-04}, {0.54f, 1.053e-03}, {0.55f, 1.462e-03}, {0.56f, 2.122e-03},
    {0.57f, 3.014e-03}, {0.58f, 4.297e-03}, {0.59f, 5.950e-03}, {0.60f, 8.283e-03},
};

}  // namespace

double checkin_pair_fmr(float threshold) {
  const FmrPoint* first = std::begin(kMeasured);
  const FmrPoint* last = std::end(kMeasured) - 1;
  if (threshold <= first->threshold) return first->pair_fmr;
  if (threshold >= last->threshold) return last->pair_fmr;
  const FmrPoint* hi = first + 1;
  while (hi->threshold < threshold) ++hi;
  const FmrPoint* lo = hi - 1;
  // p grows about exponentially with T in this tail: interpolate log p.
  const double f = (threshold - lo->threshold) / (hi->threshold - lo->threshold);
  return std::exp(std::log(lo->pair_fmr) + f * (std::log(hi->pair_fmr) - std::log(lo->pair_fmr)));
}

float open_set_threshold(size_t templates, double target_fpir) {
  const float ceiling = vision::kDefaultMatchThreshold;
  if (templates == 0) return ceiling;
  // The per-comparison rate a gallery of this size can afford.
  const double allowed = -std::expm1(std::log1p(-target_fpir) / static_cast<double>(templates));
  if (checkin_pair_fmr(ceiling) <= allowed) return ceiling;
  float lo = std::begin(kMeasured)->threshold, hi = ceiling;
  if (checkin_pair_fmr(lo) > allowed) return lo;
  for (int i = 0; i < 40; ++i) {  // p is monotonic in T: bisect
    const float mid = 0.5f * (lo + hi);
    (checkin_pair_fmr(mid) <= allowed ? lo : hi) = mid;
  }
  return std::floor(lo * 1000.f) / 1000.f;  // printable, and never above the exact answer
}

}  // namespace facecheck::checkin
