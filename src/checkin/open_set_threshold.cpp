#include "checkin/open_set_threshold.h"

#include <cmath>
#include <iterator>

namespace facecheck::checkin {

double checkin_pair_fmr(float threshold, const vision::RecognizerModel& model) {
  const auto& table = model.pair_fmr;
  const vision::PairFmrPoint* first = &table.front();
  const vision::PairFmrPoint* last = &table.back();
  if (threshold <= first->distance) return first->pair_fmr;
  if (threshold >= last->distance) return last->pair_fmr;
  const vision::PairFmrPoint* hi = first + 1;
  while (hi->distance < threshold) ++hi;
  const vision::PairFmrPoint* lo = hi - 1;
  // p grows about exponentially with T in this tail: interpolate log p.
  const double f = (threshold - lo->distance) / (hi->distance - lo->distance);
  return std::exp(std::log(lo->pair_fmr) + f * (std::log(hi->pair_fmr) - std::log(lo->pair_fmr)));
}

float open_set_threshold(size_t templates, const vision::RecognizerModel& model,
                         double target_fpir) {
  const float ceiling = model.match_threshold;
  if (templates == 0) return ceiling;
  // The per-comparison rate a gallery of this size can afford.
  const double allowed = -std::expm1(std::log1p(-target_fpir) / static_cast<double>(templates));
  if (checkin_pair_fmr(ceiling, model) <= allowed) return ceiling;
  float lo = model.pair_fmr.front().distance, hi = ceiling;
  if (checkin_pair_fmr(lo, model) > allowed) return lo;
  for (int i = 0; i < 40; ++i) {  // p is monotonic in T: bisect
    const float mid = 0.5f * (lo + hi);
    (checkin_pair_fmr(mid, model) <= allowed ? lo : hi) = mid;
  }
  return std::floor(lo * 1000.f) / 1000.f;  // printable, and never above the exact answer
}

}  // namespace facecheck::checkin
