#include "storage/sqlite_db.h"

#include <sqlite3.h>

#include <utility>

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

// ---- Statement ----

Statement::Statement(sqlite3* db, std::string_view sql) {
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

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

void Statement::check_bind(int rc, int index) {
  if (rc != SQLITE_OK)
    throw_sqlite_error(sqlite3_db_handle(stmt_), rc, "bind parameter " + std::to_string(index));
}

Statement& Statement::bind_int64(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

Statement& Statement::bind_double(int index, double value) {
  check_bind(sqlite3_bind_double(stmt_, index, value), index);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  // SQLITE_TRANSIENT makes SQLite copy the text, so the caller's buffer may
  // die before step() runs. A null pointer would bind SQL NULL, and an empty
  // string_view may well have one.
  const char* data = text.data() ? text.data() : "";
  check_bind(sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
             index);
  return *this;
}

Statement& Statement::bind(int index, std::span<const std::uint8_t> blob) {
  // A null data pointer would bind SQL NULL; an empty photo is still a blob.
  static const std::uint8_t empty = 0;
  const void* data = blob.empty() ? &empty : blob.data();
  check_bind(sqlite3_bind_blob64(stmt_, index, data, blob.size(), SQLITE_TRANSIENT), index);
  return *this;
}

Statement& Statement::bind(int index, std::nullopt_t) {
  check_bind(sqlite3_bind_null(stmt_, index), index);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw_sqlite_error(sqlite3_db_handle(stmt_), rc, "step");
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::expect_row(std::string_view what) {
  if (!step()) throw NotFound(std::string(what));
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::text(int column) const {
  // column_text before column_bytes: the byte count is of the converted text.
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
           : std::string();
}

Bytes Statement::blob(int column) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  return p ? Bytes(p, p + sqlite3_column_bytes(stmt_, column)) : Bytes();
}

std::optional<std::int64_t> Statement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

std::optional<double> Statement::optional_real(int column) const {
  if (is_null(column)) return std::nullopt;
  return real(column);
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

// ---- Database ----

Database::Database(const std::string& path, Mode mode) {
  // NOMUTEX: each connection is used by one thread at a time (the pool
  // guarantees it), so SQLite's per-connection mutex would be pure overhead.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (mode == Mode::kReadWriteCreate) flags |= SQLITE_OPEN_CREATE;
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

Database::~Database() {
  // close_v2 defers the close until every statement is finalized, so a leaked
  // Statement cannot make the destructor fail.
  sqlite3_close_v2(db_);
}

Database::Database(Database&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

void Database::exec(std::string_view sql) {
  const std::string script(sql);  // sqlite3_exec needs a terminating NUL
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);  // the same text is still available from sqlite3_errmsg
  if (rc != SQLITE_OK) throw_sqlite_error(db_, rc, "exec");
}

Statement Database::prepare(std::string_view sql) { return Statement(db_, sql); }

std::string Database::query_text(std::string_view sql) {
  Statement stmt = prepare(sql);
  stmt.expect_row("no result from: " + std::string(sql));
  return stmt.text(0);
}

std::int64_t Database::query_int64(std::string_view sql) {
  Statement stmt = prepare(sql);
  stmt.expect_row("no result from: " + std::string(sql));
  return stmt.int64(0);
}

void Database::set_busy_timeout(int milliseconds) { sqlite3_busy_timeout(db_, milliseconds); }

int Database::changes() const { return sqlite3_changes(db_); }

bool Database::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

// ---- Transaction ----

Transaction::Transaction(Database& db, Kind kind) : db_(db) {
  db_.exec(kind == Kind::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
}

Transaction::~Transaction() {
  if (done_) return;
  // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) already rolled the
  // transaction back; a second ROLLBACK would only fail.
  if (db_.in_transaction()) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace facecheck::storage
