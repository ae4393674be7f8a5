// What a database backend implements behind Database and Statement
// (database.h): SQLite in sqlite_backend.cpp, PostgreSQL in
// postgres_backend.cpp. Internal to src/storage.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "storage/database.h"

namespace facecheck::storage::backend {

// A prepared statement and, once stepped, its current row.
class Cursor {
 public:
  virtual ~Cursor() = default;
  virtual void bind_int64(int index, std::int64_t value) = 0;
  virtual void bind_double(int index, double value) = 0;
  virtual void bind_text(int index, std::string_view text) = 0;
  virtual void bind_blob(int index, std::span<const std::uint8_t> blob) = 0;
  virtual void bind_null(int index) = 0;
  virtual bool step() = 0;
  virtual bool is_null(int column) const = 0;
  virtual std::int64_t int64(int column) const = 0;
  virtual double real(int column) const = 0;
  virtual std::string text(int column) const = 0;
  virtual Bytes blob(int column) const = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  virtual void exec(std::string_view sql) = 0;
  virtual std::unique_ptr<Cursor> prepare(std::string_view sql) = 0;
  virtual void set_busy_timeout(int milliseconds) = 0;
  virtual int changes() const = 0;
  virtual bool in_transaction() const = 0;
  virtual void begin(TransactionKind kind) = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  // False once the connection is lost (PostgreSQL): it is replaced, not reused.
  virtual bool healthy() const { return true; }
  virtual sqlite3* sqlite_handle() const { return nullptr; }
};

std::unique_ptr<Connection> open_sqlite(const std::string& path, Database::Mode mode);
std::unique_ptr<Connection> connect_postgres(const std::string& uri);

}  // namespace facecheck::storage::backend
