// BPCER/APCER arithmetic and the threshold choice (ISO/IEC 30107-3 terms).
#include <gtest/gtest.h>

#include "eval/presentation_attack.h"

using namespace facecheck::eval;

namespace {

std::vector<PadSample> samples() {
  return {{"live", "a", 0.9f},  {"live", "a", 0.8f},    {"live", "a", 0.3f},
          {"live", "b", 0.95f}, {"live", "b", 0.6f},    {"print", "a", 0.1f},
          {"print", "b", 0.7f}, {"replay", "b", 0.85f}, {"replay", "a", 0.2f}};
}

}  // namespace

TEST(PadRates, CountsLiveRejectedAndAttacksAcceptedPerType) {
  const PadRates r = pad_rates(samples(), 0.5f);
  EXPECT_EQ(r.bpcer.errors, 1u);  // 0.3
  EXPECT_EQ(r.bpcer.total, 5u);
  EXPECT_EQ(r.apcer.at("print").errors, 1u);   // 0.7
  EXPECT_EQ(r.apcer.at("replay").errors, 1u);  // 0.85
  EXPECT_EQ(r.apcer_all.errors, 2u);
  EXPECT_EQ(r.apcer_all.total, 4u);
  EXPECT_DOUBLE_EQ(r.worst_apcer(), 0.5);
}

TEST(PadRates, AScoreEqualToTheThresholdIsLive) {
  const PadRates r = pad_rates({{"live", "a", 0.5f}, {"print", "a", 0.5f}}, 0.5f);
  EXPECT_EQ(r.bpcer.errors, 0u);
  EXPECT_EQ(r.apcer.at("print").errors, 1u);
}

TEST(ThresholdForBpcer, IsTheStrictestThresholdWithinTheTarget) {
  // Live scores 0.3 0.6 0.8 0.9 0.95: 20% may be rejected -> 0.6 (0.3 fails).
  EXPECT_FLOAT_EQ(threshold_for_bpcer(samples(), 0.2), 0.6f);
  EXPECT_FLOAT_EQ(threshold_for_bpcer(samples(), 0.0), 0.3f);
  EXPECT_FLOAT_EQ(threshold_for_bpcer(samples(), 0.19), 0.3f);
  const PadRates r = pad_rates(samples(), threshold_for_bpcer(samples(), 0.2));
  EXPECT_LE(r.bpcer.rate(), 0.2);
}

TEST(ThresholdForBpcer, IsZeroWithoutLiveSamples) {
  EXPECT_EQ(threshold_for_bpcer({{"print", "a", 0.4f}}, 0.05), 0.f);
}

TEST(CrossValidatedRates, ScoresEachSourceAtAThresholdChosenWithoutIt) {
  // Held out a: threshold from b's live (0.6, 0.95) at 0% -> 0.6; a's live
  // 0.3 rejected, replay 0.2 and print 0.1 rejected. Held out b: from a's
  // live (0.3 0.8 0.9) -> 0.3; b's print 0.7 and replay 0.85 accepted.
  const PadRates r = cross_validated_rates(samples(), 0.0);
  EXPECT_EQ(r.bpcer.errors, 1u);
  EXPECT_EQ(r.bpcer.total, 5u);
  EXPECT_EQ(r.apcer_all.errors, 2u);
  EXPECT_EQ(r.apcer_all.total, 4u);
}
