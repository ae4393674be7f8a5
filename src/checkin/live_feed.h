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
#include <optional>
#include <set>

#include "storage/records.h"

namespace facecheck::checkin {

// A new check-in, as the dashboard shows it.
struct FeedCheckIn {
  storage::Person person;
  storage::Timestamp checked_in_at = 0;
  std::optional<storage::Id> kiosk_id;
  storage::CheckInMethod method = storage::CheckInMethod::kFace;
};

class LiveFeed {
 public:
  class Subscription;

  std::shared_ptr<Subscription> subscribe(int64_t event_id);
  void publish(int64_t event_id, const FeedCheckIn& message);
  // Wakes every subscription so streams can notice a shutdown.
  void close_all();

  class Subscription {
   public:
    // Waits up to `timeout` for the next message; false on timeout or close.
    bool next(FeedCheckIn& out, std::chrono::milliseconds timeout);
    bool closed() const;
    ~Subscription();

   private:
    friend class LiveFeed;
    LiveFeed* feed_ = nullptr;
    int64_t event_id_ = 0;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<FeedCheckIn> queue_;
    bool closed_ = false;
    void push(const FeedCheckIn& message);
    void close();
  };

 private:
  void unsubscribe(Subscription* s);
  mutable std::mutex mutex_;
  std::multimap<int64_t, Subscription*> subscribers_;
};

}  // namespace facecheck::checkin
