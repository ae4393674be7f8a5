// Slows down guessing of invitation codes. A code carries 120 random bits,
// so guessing cannot succeed, but a client probing codes should not be able
// to make the server do it at full speed, nor fill its logs: after
// `max_failures` unknown codes from one address within `window`, that
// address is refused (429) until the window has passed.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace facecheck::http {

class GuessLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  explicit GuessLimiter(int max_failures = 20, Clock::duration window = std::chrono::minutes(10),
                        size_t max_clients = 10000);

  bool blocked(const std::string& client, Clock::time_point now = Clock::now());
  void failed(const std::string& client, Clock::time_point now = Clock::now());
  // Counts `guess` (a wrong secret) only the first time this client tries
  // it in the window: a device repeating its one revoked token is not
  // guessing, and must not lock out others behind the same address.
  void failed_guess(const std::string& client, const std::string& guess,
                    Clock::time_point now = Clock::now());

 private:
  struct Window {
    Clock::time_point start;
    int failures = 0;
    std::set<std::size_t> guesses;  // hashes of the distinct wrong secrets
  };
  // The live window of `client`, created (evicting if full) when missing.
  Window& window_of(const std::string& client, Clock::time_point now);
  void forget_expired(Clock::time_point now);

  int max_failures_;
  Clock::duration window_;
  size_t max_clients_;
  std::mutex mutex_;
  std::map<std::string, Window> clients_;
};

}  // namespace facecheck::http
