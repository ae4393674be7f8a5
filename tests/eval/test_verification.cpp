#include <gtest/gtest.h>

#include <random>

#include "eval/verification.h"

using namespace facecheck::eval;

TEST(Verification, AccuracyCountsBothKindsOfError) {
  std::vector<ScoredPair> pairs = {
      {0.3f, true, 1}, {0.7f, true, 1}, {0.4f, false, 1}, {0.9f, false, 1}};
  EXPECT_DOUBLE_EQ(accuracy_at(pairs, 0.5f), 0.5);    // 0.7 same rejected, 0.4 diff accepted
  EXPECT_DOUBLE_EQ(accuracy_at(pairs, 0.35f), 0.75);  // only 0.7 wrong
}

TEST(Verification, BestThresholdSeparatesSeparableData) {
  std::vector<ScoredPair> pairs;
  for (int i = 0; i < 50; ++i) pairs.push_back({0.2f + i * 0.004f, true, 1});    // < 0.4
  for (int i = 0; i < 50; ++i) pairs.push_back({0.61f + i * 0.004f, false, 1});  // > 0.6
  const float t = best_threshold(pairs);
  EXPECT_GT(t, 0.39f);
  EXPECT_LE(t, 0.611f);
  EXPECT_DOUBLE_EQ(accuracy_at(pairs, t), 1.0);
}

TEST(Verification, HoldsOutEachFoldAndReportsTarAtFar) {
  std::mt19937 rng(7);
  std::normal_distribution<float> same(0.40f, 0.07f), diff(0.80f, 0.07f);
  std::vector<ScoredPair> pairs;
  for (int fold = 1; fold <= 5; ++fold)
    for (int i = 0; i < 300; ++i) {
      pairs.push_back({same(rng), true, fold});
      pairs.push_back({diff(rng), false, fold});
    }
  const auto report = evaluate_verification(pairs, 0.5f);
  ASSERT_EQ(report.folds.size(), 5u);
  for (const auto& f : report.folds) {
    EXPECT_EQ(f.pairs, 600u);
    EXPECT_NEAR(f.threshold, 0.60f, 0.05f);  // the midpoint of the two bells
  }
  EXPECT_GT(report.mean_accuracy, 0.99);
  EXPECT_LT(report.accuracy_std, 0.02);
  // 0.1% of 1500 negatives: at most one accepted at the FAR threshold.
  size_t accepted = 0;
  for (const auto& p : pairs) accepted += !p.same && p.distance < report.far_0_1pct_threshold;
  EXPECT_LE(accepted, 1u);
  EXPECT_GT(report.tar_at_far_0_1pct, 0.9);
}

TEST(Verification, SingleFoldUsesTheFallbackThreshold) {
  std::vector<ScoredPair> pairs = {{0.3f, true, 2}, {0.55f, false, 2}};
  const auto report = evaluate_verification(pairs, 0.6f);
  ASSERT_EQ(report.folds.size(), 1u);
  EXPECT_FLOAT_EQ(report.folds[0].threshold, 0.6f);
  EXPECT_DOUBLE_EQ(report.folds[0].accuracy, 0.5);
}
