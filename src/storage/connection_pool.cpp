#include "storage/connection_pool.h"

#include <utility>

namespace facecheck::storage {
namespace {

// Idle read connections kept open; more are opened under load and closed
// when returned beyond this count. Opening one costs well under a
// millisecond, so the cap only bounds file descriptors and page caches.
constexpr size_t kMaxIdleReaders = 8;

bool is_memory_path(const std::string& path) { return path.empty() || path == ":memory:"; }

Database open_connection(const std::string& path, Database::Mode mode) {
  if (is_postgres_uri(path)) return Database::connect_postgres(path);
  return Database(path, mode);
}

void configure_writer(Database& db, bool in_memory) {
  // PostgreSQL's defaults are what the pragmas below ask SQLite for:
  // a write-ahead log synced at commit, foreign keys always enforced.
  if (db.dialect() == Dialect::kPostgres) return;
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

bool is_postgres_uri(std::string_view path) {
  return path.starts_with("postgresql://") || path.starts_with("postgres://");
}

ConnectionPool::ConnectionPool(std::string path)
    : path_(std::move(path)),
      in_memory_(is_memory_path(path_)),
      writer_(open_connection(path_, Database::Mode::kReadWriteCreate)) {
  configure_writer(writer_, in_memory_);
}

void ConnectionPool::reopen_writer() {
  writer_ = open_connection(path_, Database::Mode::kReadWrite);
  configure_writer(writer_, in_memory_);
}

std::unique_ptr<Database> ConnectionPool::open_reader() const {
  auto db = std::make_unique<Database>(open_connection(path_, Database::Mode::kReadWrite));
  if (db->dialect() == Dialect::kPostgres) {
    db->exec("SET default_transaction_read_only = on");
    return db;
  }
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
  if (!db || db->in_transaction() || !db->healthy())
    return;  // a connection in an odd state is closed, not reused
  std::lock_guard lock(readers_mutex_);
  if (idle_readers_.size() < kMaxIdleReaders) idle_readers_.push_back(std::move(db));
}

}  // namespace facecheck::storage
