#include "checkin/retention.h"

#include <spdlog/spdlog.h>

namespace facecheck::checkin {

RetentionJob::RetentionJob(storage::Store& store, Clock clock, ForgetFaces forget)
    : store_(store), clock_(std::move(clock)), forget_(std::move(forget)) {}

RetentionJob::~RetentionJob() { stop(); }

size_t RetentionJob::run_once() {
  const storage::Timestamp now = clock_();
  size_t purged = 0;
  for (const storage::FacesDue& due : store_.faces_due_for_purge(now)) {
    const storage::AuditEntry audit{0,
                                    now,
                                    due.event_id,
                                    due.person_id,
                                    "faces_purged",
                                    "system",
                                    {{"retention_ended_at", due.due_at}}};
    forget_(due.person_id);
    store_.purge_faces(due.person_id, audit);
    forget_(due.person_id);
    ++purged;
  }
  if (purged) spdlog::info("retention: purged the face templates of {} people", purged);
  return purged;
}

void RetentionJob::start(std::chrono::seconds interval) {
  if (thread_.joinable()) return;
  thread_ = std::thread([this, interval] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      try {
        run_once();
      } catch (const std::exception& e) {
        spdlog::error("retention: purge failed ({}); will retry", e.what());
      }
      lock.lock();
      wake_.wait_for(lock, interval, [this] { return stopping_; });
    }
  });
}

void RetentionJob::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace facecheck::checkin
