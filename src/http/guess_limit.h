// Slows down guessing of invitation codes. A code carries 120 random bits,
// so guessing cannot succeed, but a client probing codes should not be able
// to make the server do it at full speed, nor fill its logs: after
// `max_failures` unknown codes from one address within `window`, that
// address is refused (429) until the window has passed.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace facecheck::http {

class GuessLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit GuessLimiter(int max_failures = 20, Clock::duration window = std::chrono::minutes(10),
                        size_t max_clients = 10000);

  bool blocked(const std::string& client, Clock::time_point now = Clock::now());
  void failed(const std::string& client, Clock::time_point now = Clock::now());

 private:
  struct Window {
    Clock::time_point start;
    int failures = 0;
  };
  void forget_expired(Clock::time_point now);

  int max_failures_;
  Clock::duration window_;
  size_t max_clients_;
  std::mutex mutex_;
  std::map<std::string, Window> clients_;
};

}  // namespace facecheck::http
