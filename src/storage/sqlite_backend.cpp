// The SQLite backend of database.h.
#include <sqlite3.h>

#include <utility>

#include "storage/backend.h"

namespace facecheck::storage {

void throw_sqlite_error(sqlite3* db, int rc, std::string_view context) {
  // Read the message first: any later call on `db` may overwrite it.
  const std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  const int code = db ? sqlite3_extended_errcode(db) : rc;
  const std::string message = std::string(context) + ": " + detail;
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      throw Conflict(message, code);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      throw NotFound(message, code);
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT_DATATYPE:
      throw Invalid(message, code);
    default:
      throw StorageError(message, code);
  }
}

namespace backend {
namespace {

class SqliteCursor final : public Cursor {
 public:
  SqliteCursor(sqlite3* db, std::string_view sql) {
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, &tail);
    if (rc != SQLITE_OK) throw_sqlite_error(db, rc, "prepare");
    if (!stmt_) throw StorageError("prepare: empty statement");
    const std::string_view rest(tail, sql.data() + sql.size() - tail);
    if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
      sqlite3_finalize(stmt_);
      stmt_ = nullptr;
      throw StorageError("prepare: more than one statement in \"" + std::string(sql) + "\"");
    }
  }
  ~SqliteCursor() override { sqlite3_finalize(stmt_); }
  SqliteCursor(const SqliteCursor&) = delete;
  SqliteCursor& operator=(const SqliteCursor&) = delete;

  void bind_int64(int index, std::int64_t value) override {
    check_bind(sqlite3_bind_int64(stmt_, index, value), index);
  }

  void bind_double(int index, double value) override {
    check_bind(sqlite3_bind_double(stmt_, index, value), index);
  }

  void bind_text(int index, std::string_view text) override {
    // SQLITE_TRANSIENT makes SQLite copy the text, so the caller's buffer may
    // die before step() runs. A null pointer would bind SQL NULL, and an empty
    // string_view may well have one.
    const char* data = text.data() ? text.data() : "";
    check_bind(sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
               index);
  }

  void bind_blob(int index, std::span<const std::uint8_t> blob) override {
    // A null data pointer would bind SQL NULL; an empty photo is still a blob.
    static const std::uint8_t empty = 0;
    const void* data = blob.empty() ? &empty : blob.data();
    check_bind(sqlite3_bind_blob64(stmt_, index, data, blob.size(), SQLITE_TRANSIENT), index);
  }

  void bind_null(int index) override { check_bind(sqlite3_bind_null(stmt_, index), index); }

  bool step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw_sqlite_error(sqlite3_db_handle(stmt_), rc, "step");
  }

  bool is_null(int column) const override {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }

  std::int64_t int64(int column) const override { return sqlite3_column_int64(stmt_, column); }

  double real(int column) const override { return sqlite3_column_double(stmt_, column); }

  std::string text(int column) const override {
    // column_text before column_bytes: the byte count is of the converted text.
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
  }

  Bytes blob(int column) const override {
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
    return p ? Bytes(p, p + sqlite3_column_bytes(stmt_, column)) : Bytes();
  }

 private:
  void check_bind(int rc, int index) {
    if (rc != SQLITE_OK)
      throw_sqlite_error(sqlite3_db_handle(stmt_), rc, "bind parameter " + std::to_string(index));
  }

  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(const std::string& path, Database::Mode mode) {
    // NOMUTEX: each connection is used by one thread at a time (the pool
    // guarantees it), so SQLite's per-connection mutex would be pure overhead.
    // URI filenames ("file:...?immutable=1") for checking backups.
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    if (mode == Database::Mode::kReadWriteCreate) flags |= SQLITE_OPEN_CREATE;
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      // sqlite3_open_v2 allocates a handle even on failure; it holds the message.
      try {
        throw_sqlite_error(db_, rc, "open " + path);
      } catch (...) {
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
      }
    }
    sqlite3_extended_result_codes(db_, 1);
  }

  // close_v2 defers the close until every statement is finalized, so a
  // leaked Statement cannot make the destructor fail.
  ~SqliteConnection() override { sqlite3_close_v2(db_); }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }

  void exec(std::string_view sql) override {
    const std::string script(sql);  // sqlite3_exec needs a terminating NUL
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &message);
    sqlite3_free(message);  // the same text is still available from sqlite3_errmsg
    if (rc != SQLITE_OK) throw_sqlite_error(db_, rc, "exec");
  }

  std::unique_ptr<Cursor> prepare(std::string_view sql) override {
    return std::make_unique<SqliteCursor>(db_, sql);
  }

  void set_busy_timeout(int milliseconds) override { sqlite3_busy_timeout(db_, milliseconds); }
  int changes() const override { return sqlite3_changes(db_); }
  bool in_transaction() const override { return sqlite3_get_autocommit(db_) == 0; }

  void begin(TransactionKind kind) override {
    exec(kind == TransactionKind::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
  }

  void commit() override { exec("COMMIT"); }

  void rollback() noexcept override {
    // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) already rolled the
    // transaction back; a second ROLLBACK would only fail.
    if (in_transaction()) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  sqlite3* sqlite_handle() const override { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace

std::unique_ptr<Connection> open_sqlite(const std::string& path, Database::Mode mode) {
  return std::make_unique<SqliteConnection>(path, mode);
}

}  // namespace backend
}  // namespace facecheck::storage
