// The event-size-aware default threshold (checkin/open_set_threshold.h).
#include <gtest/gtest.h>

#include <cmath>

#include "checkin/open_set_threshold.h"
#include "vision/recognizer_model.h"

using namespace facecheck::checkin;
using facecheck::vision::recognizer_models;
using facecheck::vision::RecognizerModel;

namespace {

double fpir(float threshold, size_t templates, const RecognizerModel& m) {
  return 1.0 - std::pow(1.0 - checkin_pair_fmr(threshold, m), static_cast<double>(templates));
}

}  // namespace

// Every model's table: each test runs once per model card.
TEST(OpenSetThreshold, PairFmrGrowsWithTheThreshold) {
  for (const RecognizerModel* m : recognizer_models()) {
    double previous = 0;
    for (float t = 0.30f; t <= 1.0f; t += 0.005f) {
      const double p = checkin_pair_fmr(t, *m);
      EXPECT_GE(p, previous) << "at " << t;
      EXPECT_GT(p, 0.0);
      EXPECT_LT(p, 1.0);
      previous = p;
    }
  }
}

TEST(OpenSetThreshold, KeepsStrangersAtTheTargetForEveryEventSize) {
  for (const RecognizerModel* m : recognizer_models()) {
    for (size_t n : {2u, 10u, 50u, 198u, 500u, 1000u, 2000u}) {
      const float t = open_set_threshold(n, *m);
      if (t <= m->pair_fmr.front().distance) continue;  // the floor: nothing measured below
      EXPECT_LE(fpir(t, n, *m), kDefaultTargetFpir * 1.0001)
          << m->id << ", " << n << " templates, threshold " << t;
      // ...and is the largest such threshold (to the 0.001 it is rounded to),
      // unless capped by the 1:1 threshold.
      if (t < m->match_threshold) {
        EXPECT_GT(fpir(t + 0.002f, n, *m), kDefaultTargetFpir) << m->id << ", " << n;
      }
    }
  }
}

TEST(OpenSetThreshold, LargerEventsGetStricterThresholds) {
  for (const RecognizerModel* m : recognizer_models()) {
    float previous = open_set_threshold(1, *m);
    for (size_t n = 2; n <= 5000; n = n * 3 / 2 + 1) {
      const float t = open_set_threshold(n, *m);
      EXPECT_LE(t, previous) << m->id << ", " << n << " templates";
      previous = t;
    }
    EXPECT_LT(open_set_threshold(1000, *m), open_set_threshold(50, *m)) << m->id;
  }
}

TEST(OpenSetThreshold, BoundedByTheVerificationThresholdAndTheMeasuredRange) {
  for (const RecognizerModel* m : recognizer_models()) {
    EXPECT_EQ(open_set_threshold(0, *m), m->match_threshold);
    EXPECT_LE(open_set_threshold(1, *m), m->match_threshold);
    // Ten million templates need a rate far below anything measured: the
    // strictest measured point, not an extrapolation.
    const float floor = open_set_threshold(10'000'000, *m);
    EXPECT_EQ(floor, m->pair_fmr.front().distance) << m->id;
    EXPECT_EQ(floor, open_set_threshold(100'000'000, *m));
    // A looser target allows a looser threshold.
    EXPECT_GT(open_set_threshold(1000, *m, 0.05), open_set_threshold(1000, *m, 0.01)) << m->id;
  }
}
