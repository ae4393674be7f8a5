#include "eval/presentation_attack.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace facecheck::eval {

double PadRates::worst_apcer() const {
  double worst = 0.0;
  for (const auto& [kind, count] : apcer) worst = std::max(worst, count.rate());
  return worst;
}

namespace {

void count(PadRates& rates, const PadSample& s, float threshold) {
  const bool accepted = s.live_score >= threshold;
  if (s.is_live()) {
    ++rates.bpcer.total;
    rates.bpcer.errors += !accepted;
  } else {
    auto& c = rates.apcer[s.kind];
    ++c.total;
    c.errors += accepted;
    ++rates.apcer_all.total;
    rates.apcer_all.errors += accepted;
  }
}

}  // namespace

PadRates pad_rates(const std::vector<PadSample>& samples, float threshold) {
  PadRates rates;
  rates.threshold = threshold;
  for (const auto& s : samples) count(rates, s, threshold);
  return rates;
}

float threshold_for_bpcer(const std::vector<PadSample>& samples, double target) {
  std::vector<float> live;
  for (const auto& s : samples)
    if (s.is_live()) live.push_back(s.live_score);
  if (live.empty()) return 0.f;
  std::sort(live.begin(), live.end());
  // Up to `allowed` live scores may fall below the threshold, so the
  // threshold is the (allowed)-th smallest score: that one and all above pass.
  const auto allowed = size_t(std::floor(target * double(live.size()) + 1e-9));
  return live[std::min(allowed, live.size() - 1)];
}

PadRates cross_validated_rates(const std::vector<PadSample>& samples, double target) {
  std::set<std::string> sources;
  for (const auto& s : samples) sources.insert(s.source);
  PadRates pooled;
  pooled.threshold = std::nanf("");  // one per fold, no single value
  for (const auto& held_out : sources) {
    std::vector<PadSample> train;
    for (const auto& s : samples)
      if (s.source != held_out) train.push_back(s);
    const float threshold = threshold_for_bpcer(train, target);
    for (const auto& s : samples)
      if (s.source == held_out) count(pooled, s, threshold);
  }
  return pooled;
}

}  // namespace facecheck::eval
