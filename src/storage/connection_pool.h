// The Store's threading model: one writer connection, many readers.
//
// SQLite in WAL mode allows any number of readers alongside one writer, and
// readers see the last committed state without blocking or being blocked.
// So:
// - All writes go through a single connection guarded by a mutex. Writers in
//   this process queue on the mutex instead of racing for SQLite's write
//   lock, so they never see SQLITE_BUSY from each other. Another process
//   (the CLI) can still hold the lock briefly; busy_timeout waits for it.
// - Reads borrow a connection from a pool of idle read connections, opening
//   a new one when none is idle, so concurrent HTTP requests read in
//   parallel. Read connections are query_only, so a write through one fails
//   loudly instead of bypassing the writer's mutex.
// - ":memory:" databases are private to a connection, so there the writer
//   serves reads too (under its mutex); that mode is for tests.
//
// Each connection is used by one thread at a time, which is what SQLite's
// multi-thread mode (SQLITE_OPEN_NOMUTEX) requires.
//
// On PostgreSQL ("postgresql://..." instead of a file) the same model holds
// within one server: its writes queue on one connection, its reads use a
// pool. Writes of several servers meet in PostgreSQL, where SERIALIZABLE
// transactions (retried on conflict, store_internal.h) keep them as if one
// ran after the other.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"

namespace facecheck::storage {

// How long a connection waits for a lock held by another connection before
// failing with SQLITE_BUSY. Transactions here last milliseconds; only a
// stuck process could exceed this.
inline constexpr int kBusyTimeoutMs = 10'000;

// True for a PostgreSQL connection URI rather than a database file.
bool is_postgres_uri(std::string_view path);

class ConnectionPool {
 public:
  // Opens the writer connection and configures it (WAL, synchronous=FULL,
  // foreign keys, secure_delete, busy_timeout). The file must be creatable.
  explicit ConnectionPool(std::string path);

  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Runs f(Database&) on the writer connection, holding the writer mutex.
  template <typename F>
  decltype(auto) with_writer(F&& f) {
    std::lock_guard lock(writer_mutex_);
    if (!writer_.healthy()) reopen_writer();
    return f(writer_);
  }

  // Runs f(Database&) on a read connection.
  template <typename F>
  decltype(auto) with_reader(F&& f) {
    if (in_memory_) return with_writer(f);
    Lease lease(*this);
    return f(*lease.db);
  }

  bool in_memory() const { return in_memory_; }

 private:
  // Returns the borrowed connection to the pool even when f throws.
  struct Lease {
    explicit Lease(ConnectionPool& p) : pool(p), db(p.acquire()) {}
    ~Lease() { pool.release(std::move(db)); }
    ConnectionPool& pool;
    std::unique_ptr<Database> db;
  };

  // Replaces a writer connection that lost its server (PostgreSQL).
  void reopen_writer();
  std::unique_ptr<Database> acquire();
  void release(std::unique_ptr<Database> db);
  std::unique_ptr<Database> open_reader() const;

  const std::string path_;
  const bool in_memory_;
  std::mutex writer_mutex_;
  Database writer_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Database>> idle_readers_;
};

}  // namespace facecheck::storage
