// Gets deleted biometric bytes out of the database files without making the
// deleting request (or anyone else) wait for readers.
//
// secure_delete zeroes freed space, but in WAL mode the zeroed pages reach
// the database file only when a checkpoint copies them there, and the log
// keeps the old page images until it is truncated. A checkpoint cannot
// pass a reader that still looks at an older snapshot (a long report, a
// backup, a sqlite3 shell), and waiting for it used to hold the writer for
// the whole busy timeout: a deletion took 10 s, check-ins stalled, and the
// bytes stayed anyway. Now the commit is immediate; the scrub is tried for
// at most kInlineWaitMs, and when a reader is in the way it is retried in
// the background until it succeeds, logged when it starts waiting and when
// it is done, and reported to the caller as pending.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "storage/records.h"

namespace facecheck::storage {

class ConnectionPool;
class Database;

class WalScrubber {
 public:
  static constexpr int kInlineWaitMs = 100;
  static constexpr std::chrono::milliseconds kRetryEvery{100};

  explicit WalScrubber(ConnectionPool& pool);
  ~WalScrubber();
  WalScrubber(const WalScrubber&) = delete;
  WalScrubber& operator=(const WalScrubber&) = delete;

  // Called on the writer connection, under the writer's lock, right after a
  // commit that deleted biometric data.
  Scrub after_delete(Database& writer);
  bool pending() const;

 private:
  void retry_loop();
  bool try_now(Database& writer, int wait_ms);  // true: the files are clean

  ConnectionPool& pool_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool pending_ = false;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point pending_since_;
  std::thread thread_;  // started at the first pending scrub
};

}  // namespace facecheck::storage
