#include "http/stream_slots.h"

#include <algorithm>

namespace facecheck::http {
namespace {

// A quarter of the slots, and at least one, stay free for admin keys.
int admin_reserve(int max) { return std::clamp((max + 3) / 4, 1, std::max(max, 1)); }

}  // namespace

StreamSlots::StreamSlots(int max) : max_(max), kiosk_capacity_(max - admin_reserve(max)) {}

SlotRefusal StreamSlots::try_acquire(const StreamOwner& owner) {
  std::lock_guard lock(mutex_);
  if (open_ >= max_) return SlotRefusal::kServerFull;
  if (owner.kiosk_id) {
    if (kiosk_open_ >= kiosk_capacity_) return SlotRefusal::kKiosksFull;
    int& mine = per_kiosk_[*owner.kiosk_id];
    if (mine >= kPerKiosk) return SlotRefusal::kKioskFull;
    ++mine;
    ++kiosk_open_;
  }
  ++open_;
  return SlotRefusal::kNone;
}

void StreamSlots::release(const StreamOwner& owner) {
  std::lock_guard lock(mutex_);
  --open_;
  if (!owner.kiosk_id) return;
  --kiosk_open_;
  const auto it = per_kiosk_.find(*owner.kiosk_id);
  if (it != per_kiosk_.end() && --it->second <= 0) per_kiosk_.erase(it);
}

int StreamSlots::open() const {
  std::lock_guard lock(mutex_);
  return open_;
}

}  // namespace facecheck::http
