// Pushes each event's check-ins to whoever watches it (the dashboard's SSE
// stream). Publishing never blocks on a slow watcher: each subscription
// keeps a short queue and drops the oldest entries when it overflows.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

namespace facecheck::checkin {

class LiveFeed {
 public:
  class Subscription;

  std::shared_ptr<Subscription> subscribe(int64_t event_id);
  void publish(int64_t event_id, const nlohmann::json& message);
  // Wakes every subscription so streams can notice a shutdown.
  void close_all();
  size_t subscribers() const;

  class Subscription {
   public:
    // Waits up to `timeout` for the next message; false on timeout or close.
    bool next(nlohmann::json& out, std::chrono::milliseconds timeout);
    bool closed() const;
    ~Subscription();

   private:
    friend class LiveFeed;
    LiveFeed* feed_ = nullptr;
    int64_t event_id_ = 0;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<nlohmann::json> queue_;
    bool closed_ = false;
    void push(const nlohmann::json& message);
    void close();
  };

 private:
  void unsubscribe(Subscription* s);
  mutable std::mutex mutex_;
  std::multimap<int64_t, Subscription*> subscribers_;
};

}  // namespace facecheck::checkin
