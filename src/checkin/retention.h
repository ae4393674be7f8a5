// Retention: the face templates of attendees are purged once every event
// they attend is past its retention period (the end of its check-in window
// plus its retain_faces_days). Purges are logged and written to the audit
// log as "faces_purged" by "system". People who attend no event are left
// alone: the organiser enrolled them outside any event.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "storage/store.h"

namespace facecheck::checkin {

class RetentionJob {
 public:
  using Clock = std::function<storage::Timestamp()>;
  // Called with a person before and after their templates are deleted, so
  // the in-memory galleries drop them (CheckinService::forget_faces).
  using ForgetFaces = std::function<void(storage::Id person_id)>;

  RetentionJob(storage::Store& store, Clock clock, ForgetFaces forget);
  ~RetentionJob();  // stops the background thread, if started
  RetentionJob(const RetentionJob&) = delete;
  RetentionJob& operator=(const RetentionJob&) = delete;

  // Purges every person due now; returns how many.
  size_t run_once();
  // Runs run_once now and then every `interval` on a thread of its own,
  // until stop() or destruction. Errors are logged, never thrown.
  void start(std::chrono::seconds interval);
  void stop();

 private:
  storage::Store& store_;
  Clock clock_;
  ForgetFaces forget_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace facecheck::checkin
