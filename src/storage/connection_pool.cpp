#include "storage/connection_pool.h"

#include <utility>

namespace facecheck::storage {
namespace {

// Idle read connections kept open; more are opened under load and closed
// when returned beyond this count. Opening one costs well under a
// millisecond, so the cap only bounds file descriptors and page caches.
constexpr size_t kMaxIdleReaders = 8;

bool is_memory_path(const std::string& path) { return path.empty() || path == ":memory:"; }

void configure_writer(Database& db, bool in_memory) {
  db.set_busy_timeout(kBusyTimeoutMs);
  // WAL: readers never block the writer or each other, and a commit is one
  // append to the log instead of a rewrite of the pages.
  const std::string mode = db.query_text("PRAGMA journal_mode = WAL");
  if (!in_memory && mode != "wal")
    throw StorageError("could not switch the database to WAL mode (got \"" + mode + "\")");
  // FULL syncs the log at every commit. NORMAL would survive a process crash
  // (kill -9) but could lose the last commits on power loss or a kernel
  // panic; a check-in the kiosk has already announced must survive both.
  // At check-in rates the one fsync per commit costs nothing noticeable.
  db.exec("PRAGMA synchronous = FULL");
  // Foreign keys are off by default and the setting is per connection, not
  // stored in the file: without this line no cascade would ever run.
  db.exec("PRAGMA foreign_keys = ON");
  // Zero deleted content instead of leaving it in free pages: deleting a
  // person's templates and photos must actually remove the bytes.
  db.exec("PRAGMA secure_delete = ON");
}

}  // namespace

ConnectionPool::ConnectionPool(std::string path)
    : path_(std::move(path)), in_memory_(is_memory_path(path_)), writer_(path_) {
  configure_writer(writer_, in_memory_);
}

std::unique_ptr<Database> ConnectionPool::open_reader() const {
  auto db = std::make_unique<Database>(path_, Database::Mode::kReadWrite);
  db->set_busy_timeout(kBusyTimeoutMs);
  // Read-write at the file level (a read-only connection cannot create the
  // WAL index if it is missing) but refusing writes at the SQL level.
  db->exec("PRAGMA query_only = ON");
  return db;
}

std::unique_ptr<Database> ConnectionPool::acquire() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto db = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return db;
    }
  }
  return open_reader();  // outside the lock: opening touches the file
}

void ConnectionPool::release(std::unique_ptr<Database> db) {
  if (!db || db->in_transaction()) return;  // a connection in an odd state is closed, not reused
  std::lock_guard lock(readers_mutex_);
  if (idle_readers_.size() < kMaxIdleReaders) idle_readers_.push_back(std::move(db));
}

}  // namespace facecheck::storage
