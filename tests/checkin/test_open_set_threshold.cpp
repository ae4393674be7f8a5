// The event-size-aware default threshold (checkin/open_set_threshold.h).
#include <gtest/gtest.h>

#include <cmath>

#include "checkin/open_set_threshold.h"
#include "vision/face_engine.h"

using namespace facecheck::checkin;

namespace {

double fpir(float threshold, size_t templates) {
  return 1.0 - std::pow(1.0 - checkin_pair_fmr(threshold), static_cast<double>(templates));
}

}  // namespace

TEST(OpenSetThreshold, PairFmrGrowsWithTheThreshold) {
  double previous = 0;
  for (float t = 0.30f; t <= 0.70f; t += 0.005f) {
    const double p = checkin_pair_fmr(t);
    EXPECT_GE(p, previous) << "at " << t;
    EXPECT_GT(p, 0.0);
    EXPECT_LT(p, 1.0);
    previous = p;
  }
}

TEST(OpenSetThreshold, KeepsStrangersAtTheTargetForEveryEventSize) {
  for (size_t n : {2u, 10u, 50u, 198u, 500u, 1000u, 2000u}) {
    const float t = open_set_threshold(n);
    EXPECT_LE(fpir(t, n), kDefaultTargetFpir * 1.0001) << n << " templates, threshold " << t;
    // ...and is the largest such threshold (to the 0.001 it is rounded to),
    // unless capped by the 1:1 threshold.
    if (t < facecheck::vision::kDefaultMatchThreshold) {
      EXPECT_GT(fpir(t + 0.002f, n), kDefaultTargetFpir) << n << " templates";
    }
  }
}

TEST(OpenSetThreshold, LargerEventsGetStricterThresholds) {
  float previous = open_set_threshold(1);
  for (size_t n = 2; n <= 5000; n = n * 3 / 2 + 1) {
    const float t = open_set_threshold(n);
    EXPECT_LE(t, previous) << n << " templates";
    previous = t;
  }
  EXPECT_LT(open_set_threshold(1000), open_set_threshold(50));
}

TEST(OpenSetThreshold, BoundedByTheVerificationThresholdAndTheMeasuredRange) {
  EXPECT_EQ(open_set_threshold(0), facecheck::vision::kDefaultMatchThreshold);
  EXPECT_LE(open_set_threshold(1), facecheck::vision::kDefaultMatchThreshold);
  // Ten million templates need a rate far below anything measured: the
  // strictest measured point, not an extrapolation.
  const float floor = open_set_threshold(10'000'000);
  EXPECT_GT(floor, 0.2f);
  EXPECT_EQ(floor, open_set_threshold(100'000'000));
  // A looser target allows a looser threshold.
  EXPECT_GT(open_set_threshold(1000, 0.05), open_set_threshold(1000, 0.01));
}
