// A thin RAII layer over the two databases facecheck runs on: a connection,
// a prepared statement and a transaction guard. SQLite (one file, the
// embedded default) and PostgreSQL (shared by several servers) sit behind
// the same three classes, so the repositories hold one copy of each query.
// It exists so that no other file has to remember sqlite3_finalize, check
// every return code or map error codes by hand.
//
// SQL is written once, in the dialect both understand. Parameters are
// positional ("?" or "?N", numbered from 1 as in SQLite); the PostgreSQL
// backend renumbers them to "$N". Columns are numbered from 0.
//
// Every failure becomes a StorageError. Constraint failures are split into the
// subclasses the HTTP layer maps to status codes:
//   NotFound  -> 404  (a row that is needed does not exist; also FOREIGN KEY)
//   Conflict  -> 409  (UNIQUE or PRIMARY KEY violation)
//   Invalid   -> 400  (a CHECK or NOT NULL constraint, or a value the store
//                      rejects before it reaches SQL)
#pragma once

#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace facecheck::storage {

namespace backend {
class Connection;
class Cursor;
}  // namespace backend

enum class Dialect { kSqlite, kPostgres };

using Bytes = std::vector<std::uint8_t>;

class StorageError : public std::runtime_error {
 public:
  // `code` is the SQLite extended result code, or 0 when the error was
  // raised by this layer or by PostgreSQL (whose SQLSTATE is in the text).
  explicit StorageError(const std::string& what, int code = 0)
      : std::runtime_error(what), code_(code) {}
  int sqlite_code() const { return code_; }

 private:
  int code_;
};

class NotFound : public StorageError {
  using StorageError::StorageError;
};

class Conflict : public StorageError {
  using StorageError::StorageError;
};

class Invalid : public StorageError {
  using StorageError::StorageError;
};

// PostgreSQL gave up a transaction that conflicted with a concurrent one
// (serialization failure, deadlock); running it again may well succeed.
// SQLite, whose writers queue on one lock, never raises it.
class Retryable : public StorageError {
  using StorageError::StorageError;
};

// The database server cannot be reached (PostgreSQL only).
class Unavailable : public StorageError {
  using StorageError::StorageError;
};

// Raises the exception matching SQLite result code `rc` on connection `db`
// (which may be null), prefixed by `context`.
[[noreturn]] void throw_sqlite_error(sqlite3* db, int rc, std::string_view context);

// A prepared statement.
class Statement {
 public:
  explicit Statement(std::unique_ptr<backend::Cursor> cursor);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  template <std::integral T>
  Statement& bind(int index, T value) {
    return bind_int64(index, static_cast<std::int64_t>(value));
  }
  template <std::floating_point T>
  Statement& bind(int index, T value) {
    return bind_double(index, static_cast<double>(value));
  }
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  Statement& bind(int index, std::span<const std::uint8_t> blob);
  Statement& bind(int index, const Bytes& blob) { return bind(index, std::span(blob)); }
  Statement& bind(int index, std::nullopt_t);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, std::nullopt);
  }

  // Binds `values` to parameters 1, 2, ... in order.
  template <typename... Ts>
  Statement& bind_all(const Ts&... values) {
    int index = 0;
    (bind(++index, values), ...);
    return *this;
  }

  // Runs one step: true when a row is ready to be read, false when done.
  bool step();
  // Runs to completion, for statements that return no rows.
  void run();
  // Steps once and fails with NotFound(`what`) when there is no row.
  void expect_row(std::string_view what);

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  Bytes blob(int column) const;
  std::optional<std::int64_t> optional_int64(int column) const;
  std::optional<double> optional_real(int column) const;
  std::optional<std::string> optional_text(int column) const;

 private:
  Statement& bind_int64(int index, std::int64_t value);
  Statement& bind_double(int index, double value);

  std::unique_ptr<backend::Cursor> cursor_;
};

// How a transaction starts. Immediate is for writes: SQLite takes the write
// lock at BEGIN (a deferred transaction that later writes can fail with
// SQLITE_BUSY_SNAPSHOT, which busy_timeout does not retry); PostgreSQL runs
// it SERIALIZABLE, so several servers writing at once behave as if one
// wrote after the other. Deferred is for reads that want one consistent
// snapshot across several statements.
enum class TransactionKind { kDeferred, kImmediate };

class Database {
 public:
  enum class Mode { kReadWriteCreate, kReadWrite };

  // Opens (and with kReadWriteCreate creates) the database at `path`;
  // ":memory:" gives a private in-memory database. Extended result codes are
  // turned on so constraint failures can be told apart.
  explicit Database(const std::string& path, Mode mode = Mode::kReadWriteCreate);
  // Connects to PostgreSQL: `uri` is a libpq connection URI
  // ("postgresql://user@host:port/db").
  static Database connect_postgres(const std::string& uri);
  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements that return nothing of interest (schema
  // scripts, pragmas).
  void exec(std::string_view sql);
  // Prepares exactly one statement; trailing SQL is an error, so a typo
  // cannot silently drop half a query.
  Statement prepare(std::string_view sql);
  // Runs a statement returning one value (a pragma, a count) as text.
  std::string query_text(std::string_view sql);
  std::int64_t query_int64(std::string_view sql);

  // SQLite: how long to wait for another connection's lock. PostgreSQL
  // waits for row locks without one: this does nothing there.
  void set_busy_timeout(int milliseconds);
  // Rows changed by the most recent INSERT, UPDATE or DELETE.
  int changes() const;
  bool in_transaction() const;
  // False once the connection to the server is lost; reopen it.
  bool healthy() const;
  Dialect dialect() const;
  // The SQLite handle, for what only SQLite has (checkpoints); null on
  // PostgreSQL.
  sqlite3* handle() const;

  void begin(TransactionKind kind);
  void commit();
  void rollback() noexcept;  // when a transaction is open; errors ignored

 private:
  explicit Database(std::unique_ptr<backend::Connection> connection);
  std::unique_ptr<backend::Connection> connection_;
};

// Begins a transaction on construction and rolls it back on destruction
// unless commit() was called, so an exception anywhere leaves no half-written
// state. Transactions do not nest.
class Transaction {
 public:
  using Kind = TransactionKind;

  explicit Transaction(Database& db, Kind kind = Kind::kImmediate);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

// A savepoint inside a transaction: a failed statement after it can be
// undone (rollback()) without losing the transaction. PostgreSQL aborts the
// whole transaction on any error, so code that carries on after a failed
// statement (an import reporting every bad row) must wrap it in one.
class Savepoint {
 public:
  explicit Savepoint(Database& db);
  ~Savepoint();  // releases it unless rolled back
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;

  void rollback();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace facecheck::storage
