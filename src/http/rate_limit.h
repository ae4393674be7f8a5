// Per-kiosk token buckets. A kiosk polls a few times a second; a runaway
// one (a loop without a delay, a stolen token) must not starve the engines
// that every other kiosk shares, so each gets `rate` requests per second
// with bursts of `burst`, and 429 beyond that.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>

namespace facecheck::http {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // rate <= 0 turns limiting off.
  RateLimiter(double rate, double burst);

  // Takes one token from `key`'s bucket; false when it is empty.
  bool allow(int64_t key, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  double rate_;
  double burst_;
  std::mutex mutex_;
  std::map<int64_t, Bucket> buckets_;  // one per kiosk: bounded by the kiosks issued
};

}  // namespace facecheck::http
