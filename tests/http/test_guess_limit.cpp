// The guessing limit (invitation codes, credentials) on its own, with an injected clock: the
// window, the per-address count, and the bound on remembered addresses.
#include <gtest/gtest.h>

#include "http/guess_limit.h"

namespace facecheck::http {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

TEST(GuessLimiter, BlocksAnAddressAfterTheLimitUntilTheWindowEnds) {
  GuessLimiter limiter(3, minutes(10), 100);
  const auto t0 = GuessLimiter::Clock::time_point{} + minutes(1);
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(limiter.blocked("10.0.0.1", t0));
    limiter.failed("10.0.0.1", t0 + seconds(i));
  }
  EXPECT_TRUE(limiter.blocked("10.0.0.1", t0 + minutes(9)));
  EXPECT_FALSE(limiter.blocked("10.0.0.2", t0 + minutes(9)));   // per address
  EXPECT_FALSE(limiter.blocked("10.0.0.1", t0 + minutes(10)));  // the window is over
  limiter.failed("10.0.0.1", t0 + minutes(11));                 // a fresh window, one failure
  EXPECT_FALSE(limiter.blocked("10.0.0.1", t0 + minutes(11)));
}

TEST(GuessLimiter, ManyAddressesCannotGrowItWithoutBound) {
  GuessLimiter limiter(2, minutes(10), 3);
  const auto t0 = GuessLimiter::Clock::time_point{} + minutes(1);
  limiter.failed("a", t0);
  limiter.failed("a", t0);
  EXPECT_TRUE(limiter.blocked("a", t0));
  // Three more addresses: the map is full of live windows, so the oldest
  // ("a") is forgotten to make room.
  limiter.failed("b", t0 + seconds(1));
  limiter.failed("c", t0 + seconds(2));
  limiter.failed("d", t0 + seconds(3));
  EXPECT_FALSE(limiter.blocked("a", t0 + seconds(4)));
  limiter.failed("d", t0 + seconds(4));
  EXPECT_TRUE(limiter.blocked("d", t0 + seconds(4)));
  // Expired windows go first, before any live one.
  limiter.failed("e", t0 + minutes(10) + seconds(2));
  EXPECT_TRUE(limiter.blocked("d", t0 + minutes(10) + seconds(2)));
}

TEST(GuessLimiter, CountsEachWrongSecretOnceSoARepeatedRevokedTokenLocksNobodyOut) {
  GuessLimiter limiter(3, minutes(10), 100);
  const auto t0 = GuessLimiter::Clock::time_point{} + minutes(1);
  for (int i = 0; i < 50; ++i) limiter.failed_guess("10.0.0.1", "kt_revoked", t0 + seconds(i));
  EXPECT_FALSE(limiter.blocked("10.0.0.1", t0 + minutes(1))) << "one secret, sent 50 times";
  limiter.failed_guess("10.0.0.1", "ak_guess1", t0 + minutes(1));
  EXPECT_FALSE(limiter.blocked("10.0.0.1", t0 + minutes(1)));
  limiter.failed_guess("10.0.0.1", "ak_guess2", t0 + minutes(1));
  EXPECT_TRUE(limiter.blocked("10.0.0.1", t0 + minutes(1))) << "three distinct wrong secrets";
  EXPECT_FALSE(limiter.blocked("10.0.0.1", t0 + minutes(10)));
}

}  // namespace
}  // namespace facecheck::http
