#include "checkin/event_window.h"

namespace facecheck::checkin {

CheckinPhase checkin_phase(const storage::Event& event, storage::Timestamp now,
                           bool enforce_window) {
  if (event.status == storage::EventStatus::kDraft) return CheckinPhase::kDraft;
  if (event.status == storage::EventStatus::kClosed) return CheckinPhase::kClosed;
  if (!enforce_window) return CheckinPhase::kInWindow;
  // Times are within 0..253402300799 (the API checks), so this cannot overflow.
  const auto opens = event.starts_at - 60LL * event.checkin_opens_before_min;
  const auto closes = event.ends_at + 60LL * event.checkin_closes_after_min;
  if (now < opens) return CheckinPhase::kBeforeWindow;
  if (now > closes) return CheckinPhase::kAfterWindow;
  return CheckinPhase::kInWindow;
}

}  // namespace facecheck::checkin
