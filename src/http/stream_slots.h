// Who may hold the server's live-stream slots. Each open SSE stream holds an
// HTTP thread for its whole life, so their number is capped (max_streams);
// within that cap no single kiosk token may take more than a couple, and
// kiosks together leave a quarter of the slots (at least one) to admin keys,
// so a stolen or looping kiosk cannot lock the organiser's dashboard out.
#pragma once

#include <map>
#include <mutex>
#include <optional>

#include "storage/records.h"

namespace facecheck::http {

// Whose stream a slot is: an admin key, or the kiosk with this id.
struct StreamOwner {
  std::optional<storage::Id> kiosk_id;  // empty: an admin key
};

enum class SlotRefusal { kNone, kServerFull, kKiosksFull, kKioskFull };

class StreamSlots {
 public:
  static constexpr int kPerKiosk = 2;

  explicit StreamSlots(int max);

  // kNone when a slot was taken (give it back with release), otherwise why not.
  SlotRefusal try_acquire(const StreamOwner& owner);
  void release(const StreamOwner& owner);
  int open() const;
  // Slots that kiosks may use together: max minus those kept for admins.
  int kiosk_capacity() const { return kiosk_capacity_; }

 private:
  const int max_;
  const int kiosk_capacity_;
  mutable std::mutex mutex_;
  int open_ = 0;
  int kiosk_open_ = 0;
  std::map<storage::Id, int> per_kiosk_;
};

}  // namespace facecheck::http
