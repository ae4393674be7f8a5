// The LFW verification protocol on precomputed pair distances: for each
// fold, pick the threshold that is most accurate on the other folds, then
// score the held-out fold with it. Kept apart from the CLI so it can be
// tested on made-up distances.
#pragma once

#include <cstddef>
#include <vector>

namespace facecheck::eval {

struct ScoredPair {
  float distance = 0;  // embedding distance; lower = more alike
  bool same = false;   // ground truth
  int fold = 0;
};

struct FoldResult {
  int fold = 0;
  size_t pairs = 0;
  float threshold = 0;  // chosen on the other folds
  double accuracy = 0;
};

struct VerificationReport {
  std::vector<FoldResult> folds;
  double mean_accuracy = 0;
  double accuracy_std = 0;
  float best_threshold = 0;  // most accurate single threshold on all pairs
  double best_threshold_accuracy = 0;
  float far_0_1pct_threshold = 0;  // highest threshold with FAR <= 0.1%
  double tar_at_far_0_1pct = 0;
};

// Fraction of pairs classified right when "same" means distance < threshold.
double accuracy_at(const std::vector<ScoredPair>& pairs, float threshold);
// The threshold (on a 0.001 grid) that maximises accuracy on `pairs`.
float best_threshold(const std::vector<ScoredPair>& pairs);
// With a single fold there is nothing to hold out: that fold is scored at
// `fallback_threshold` instead.
VerificationReport evaluate_verification(const std::vector<ScoredPair>& pairs,
                                         float fallback_threshold);

}  // namespace facecheck::eval
