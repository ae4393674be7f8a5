#include "checkin/live_feed.h"

namespace facecheck::checkin {
namespace {
constexpr size_t kMaxQueued = 256;  // a watcher this far behind reloads anyway
}

std::shared_ptr<LiveFeed::Subscription> LiveFeed::subscribe(int64_t event_id) {
  auto s = std::make_shared<Subscription>();
  s->feed_ = this;
  s->event_id_ = event_id;
  std::lock_guard lock(mutex_);
  subscribers_.emplace(event_id, s.get());
  return s;
}

void LiveFeed::publish(int64_t event_id, const FeedCheckIn& message) {
  std::lock_guard lock(mutex_);
  auto [first, last] = subscribers_.equal_range(event_id);
  for (auto it = first; it != last; ++it) it->second->push(message);
}

void LiveFeed::close_all() {
  std::lock_guard lock(mutex_);
  for (auto& [id, s] : subscribers_) s->close();
}

void LiveFeed::unsubscribe(Subscription* s) {
  std::lock_guard lock(mutex_);
  auto [first, last] = subscribers_.equal_range(s->event_id_);
  for (auto it = first; it != last; ++it)
    if (it->second == s) {
      subscribers_.erase(it);
      return;
    }
}

LiveFeed::Subscription::~Subscription() {
  if (feed_) feed_->unsubscribe(this);
}

void LiveFeed::Subscription::push(const FeedCheckIn& message) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= kMaxQueued) queue_.pop_front();
    queue_.push_back(message);
  }
  ready_.notify_one();
}

void LiveFeed::Subscription::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  ready_.notify_all();
}

bool LiveFeed::Subscription::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

bool LiveFeed::Subscription::next(FeedCheckIn& out, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  ready_.wait_for(lock, timeout, [this] { return closed_ || !queue_.empty(); });
  if (queue_.empty()) return false;
  out = std::move(queue_.front());
  queue_.pop_front();
  return true;
}

}  // namespace facecheck::checkin
