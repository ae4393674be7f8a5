#include "storage/wal_scrubber.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "storage/connection_pool.h"

namespace facecheck::storage {

WalScrubber::WalScrubber(ConnectionPool& pool) : pool_(pool) {}

WalScrubber::~WalScrubber() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (pending_)
      spdlog::warn(
          "closing the database with deleted biometric data not yet scrubbed from "
          "its files (a reader held an older snapshot)");
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

// TRUNCATE copies every frame of the log into the database file and empties
// the log; it needs every reader to be on the latest snapshot. A busy
// answer means a reader is in the way, and the frames it still needs stay.
bool WalScrubber::try_now(Database& writer, int wait_ms) {
  // PostgreSQL has no log to truncate here: see docs/privacy.md for when
  // its deleted rows' bytes are reclaimed.
  if (writer.dialect() != Dialect::kSqlite) return true;
  writer.set_busy_timeout(wait_ms);
  int log_frames = -1, copied = -1;
  const int rc = sqlite3_wal_checkpoint_v2(writer.handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                           &log_frames, &copied);
  writer.set_busy_timeout(kBusyTimeoutMs);
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return false;
  if (rc != SQLITE_OK) throw_sqlite_error(writer.handle(), rc, "checkpoint after a deletion");
  return true;
}

Scrub WalScrubber::after_delete(Database& writer) {
  if (try_now(writer, kInlineWaitMs)) return Scrub::kComplete;
  std::lock_guard lock(mutex_);
  if (!pending_) {
    pending_ = true;
    pending_since_ = std::chrono::steady_clock::now();
    spdlog::warn(
        "deleted biometric data is gone from the database but its bytes stay in the "
        "database files while a reader holds an older snapshot; retrying the scrub "
        "every {} ms",
        kRetryEvery.count());
  }
  if (!thread_.joinable()) thread_ = std::thread([this] { retry_loop(); });
  wake_.notify_all();
  return Scrub::kPending;
}

bool WalScrubber::pending() const {
  std::lock_guard lock(mutex_);
  return pending_;
}

void WalScrubber::retry_loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, kRetryEvery, [this] { return stopping_; });
    if (stopping_ || !pending_) continue;
    lock.unlock();
    // Lock order as in after_delete: the writer, then mutex_. Clearing the
    // flag under the writer's lock means no deletion can slip in between.
    try {
      pool_.with_writer([&](Database& db) {
        if (!try_now(db, 0)) return;
        std::lock_guard done(mutex_);
        pending_ = false;
        const auto waited = std::chrono::steady_clock::now() - pending_since_;
        spdlog::info("deleted biometric data scrubbed from the database files after {:.1f} s",
                     std::chrono::duration<double>(waited).count());
      });
    } catch (const std::exception& e) {
      spdlog::error("scrubbing deleted biometric data failed: {}", e.what());
    }
    lock.lock();
  }
}

}  // namespace facecheck::storage
