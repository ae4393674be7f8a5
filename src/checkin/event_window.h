// Where an event stands for check-in at a given time: the one definition the
// check-in, self-registration, kiosk credentials and the legacy routes share.
//
// An event accepts check-ins while its status is `open` and the time lies in
// its window, from starts_at - checkin_opens_before_min to ends_at +
// checkin_closes_after_min (both ends included).
#pragma once

#include "storage/records.h"

namespace facecheck::checkin {

enum class CheckinPhase {
  kDraft,         // status draft: not announced yet
  kBeforeWindow,  // open, but the window has not opened
  kInWindow,      // open and inside the window: check-in works
  kAfterWindow,   // open, but the window has closed
  kClosed,        // status closed
};

// With `enforce_window` false an open event is always kInWindow.
CheckinPhase checkin_phase(const storage::Event& event, storage::Timestamp now,
                           bool enforce_window = true);

// A kiosk token acts for its event while the event is open and its window
// has not closed yet (so a kiosk can be set up before the doors open).
inline bool kiosk_may_act(CheckinPhase phase) {
  return phase == CheckinPhase::kBeforeWindow || phase == CheckinPhase::kInWindow;
}

}  // namespace facecheck::checkin
