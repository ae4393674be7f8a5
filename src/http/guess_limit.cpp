#include "http/guess_limit.h"

namespace facecheck::http {

GuessLimiter::GuessLimiter(int max_failures, Clock::duration window, size_t max_clients)
    : max_failures_(max_failures), window_(window), max_clients_(max_clients) {}

bool GuessLimiter::blocked(const std::string& client, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto it = clients_.find(client);
  if (it == clients_.end()) return false;
  if (now - it->second.start >= window_) {
    clients_.erase(it);
    return false;
  }
  return it->second.failures >= max_failures_;
}

GuessLimiter::Window& GuessLimiter::window_of(const std::string& client, Clock::time_point now) {
  auto it = clients_.find(client);
  if (it != clients_.end() && now - it->second.start >= window_) {
    clients_.erase(it);
    it = clients_.end();
  }
  if (it == clients_.end()) {
    // Bounded memory: many addresses (IPv6) cannot grow the map without
    // limit. When it is full of live windows, the oldest one goes.
    if (clients_.size() >= max_clients_) forget_expired(now);
    if (clients_.size() >= max_clients_) {
      auto oldest = clients_.begin();
      for (auto c = clients_.begin(); c != clients_.end(); ++c)
        if (c->second.start < oldest->second.start) oldest = c;
      clients_.erase(oldest);
    }
    it = clients_.emplace(client, Window{now, 0, {}}).first;
  }
  return it->second;
}

void GuessLimiter::failed(const std::string& client, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  ++window_of(client, now).failures;
}

void GuessLimiter::failed_guess(const std::string& client, const std::string& guess,
                                Clock::time_point now) {
  std::lock_guard lock(mutex_);
  Window& w = window_of(client, now);
  // At most max_failures hashes are kept: past that the client is blocked.
  if (w.failures >= max_failures_) return;
  if (w.guesses.insert(std::hash<std::string>{}(guess)).second) ++w.failures;
}

void GuessLimiter::forget_expired(Clock::time_point now) {
  for (auto c = clients_.begin(); c != clients_.end();)
    c = now - c->second.start >= window_ ? clients_.erase(c) : std::next(c);
}

}  // namespace facecheck::http
