#include "eval/verification.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace facecheck::eval {
namespace {

constexpr float kGridStep = 0.001f;
constexpr float kGridMax = 2.0f;  // embeddings have norm ~1, so distances stay below 2

}  // namespace

double accuracy_at(const std::vector<ScoredPair>& pairs, float threshold) {
  if (pairs.empty()) return 0;
  size_t right = 0;
  for (const auto& p : pairs) right += ((p.distance < threshold) == p.same);
  return static_cast<double>(right) / pairs.size();
}

float best_threshold(const std::vector<ScoredPair>& pairs) {
  // Sweep the grid once over sorted distances instead of rescoring per step.
  std::vector<ScoredPair> sorted = pairs;
  std::sort(sorted.begin(), sorted.end(),
            [](const ScoredPair& a, const ScoredPair& b) { return a.distance < b.distance; });
  size_t negatives = 0;
  for (const auto& p : sorted) negatives += !p.same;
  // Below the threshold: count positives accepted and negatives accepted.
  size_t idx = 0, pos_below = 0, neg_below = 0;
  float best = 0;
  size_t best_right = 0;
  for (int step = 0; step * kGridStep <= kGridMax; ++step) {
    const float t = step * kGridStep;
    while (idx < sorted.size() && sorted[idx].distance < t) {
      (sorted[idx].same ? pos_below : neg_below)++;
      ++idx;
    }
    const size_t right = pos_below + (negatives - neg_below);
    if (right > best_right) {
      best_right = right;
      best = t;
    }
  }
  return best;
}

VerificationReport evaluate_verification(const std::vector<ScoredPair>& pairs,
                                         float fallback_threshold) {
  VerificationReport report;
  std::map<int, std::vector<ScoredPair>> by_fold;
  for (const auto& p : pairs) by_fold[p.fold].push_back(p);

  for (const auto& [fold, held_out] : by_fold) {
    FoldResult r;
    r.fold = fold;
    r.pairs = held_out.size();
    if (by_fold.size() > 1) {
      std::vector<ScoredPair> others;
      for (const auto& p : pairs)
        if (p.fold != fold) others.push_back(p);
      r.threshold = best_threshold(others);
    } else {
      r.threshold = fallback_threshold;
    }
    r.accuracy = accuracy_at(held_out, r.threshold);
    report.folds.push_back(r);
  }

  double sum = 0, sum_sq = 0;
  for (const auto& f : report.folds) sum += f.accuracy;
  const double n = std::max<size_t>(1, report.folds.size());
  report.mean_accuracy = sum / n;
  for (const auto& f : report.folds) sum_sq += std::pow(f.accuracy - report.mean_accuracy, 2);
  report.accuracy_std = std::sqrt(sum_sq / n);

  report.best_threshold = best_threshold(pairs);
  report.best_threshold_accuracy = accuracy_at(pairs, report.best_threshold);

  // TAR at FAR <= 0.1%: the largest threshold that lets at most 0.1% of the
  // different-person pairs through.
  std::vector<float> negatives, positives;
  for (const auto& p : pairs) (p.same ? positives : negatives).push_back(p.distance);
  std::sort(negatives.begin(), negatives.end());
  const size_t allowed = static_cast<size_t>(std::floor(negatives.size() * 0.001));
  if (!negatives.empty()) {
    // Accept distance < t: at most `allowed` negatives lie below t.
    report.far_0_1pct_threshold = negatives[std::min(allowed, negatives.size() - 1)];
    size_t accepted = 0;
    for (float d : positives) accepted += d < report.far_0_1pct_threshold;
    report.tar_at_far_0_1pct = positives.empty() ? 0 : double(accepted) / positives.size();
  }
  return report;
}

}  // namespace facecheck::eval
