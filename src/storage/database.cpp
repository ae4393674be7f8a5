// The backend-neutral half of database.h: statements, connections,
// transactions and savepoints forward to a backend (backend.h).
#include "storage/database.h"

#include <utility>

#include "storage/backend.h"

namespace facecheck::storage {

// ---- Statement ----

Statement::Statement(std::unique_ptr<backend::Cursor> cursor) : cursor_(std::move(cursor)) {}
Statement::~Statement() = default;
Statement::Statement(Statement&& other) noexcept = default;
Statement& Statement::operator=(Statement&& other) noexcept = default;

Statement& Statement::bind_int64(int index, std::int64_t value) {
  cursor_->bind_int64(index, value);
  return *this;
}

Statement& Statement::bind_double(int index, double value) {
  cursor_->bind_double(index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  cursor_->bind_text(index, text);
  return *this;
}

Statement& Statement::bind(int index, std::span<const std::uint8_t> blob) {
  cursor_->bind_blob(index, blob);
  return *this;
}

Statement& Statement::bind(int index, std::nullopt_t) {
  cursor_->bind_null(index);
  return *this;
}

bool Statement::step() { return cursor_->step(); }

void Statement::run() {
  while (step()) {
  }
}

void Statement::expect_row(std::string_view what) {
  if (!step()) throw NotFound(std::string(what));
}

bool Statement::is_null(int column) const { return cursor_->is_null(column); }
std::int64_t Statement::int64(int column) const { return cursor_->int64(column); }
double Statement::real(int column) const { return cursor_->real(column); }
std::string Statement::text(int column) const { return cursor_->text(column); }
Bytes Statement::blob(int column) const { return cursor_->blob(column); }

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

Database::Database(const std::string& path, Mode mode)
    : connection_(backend::open_sqlite(path, mode)) {}

Database::Database(std::unique_ptr<backend::Connection> connection)
    : connection_(std::move(connection)) {}

Database Database::connect_postgres(const std::string& uri) {
  return Database(backend::connect_postgres(uri));
}

Database::~Database() = default;
Database::Database(Database&& other) noexcept = default;
Database& Database::operator=(Database&& other) noexcept = default;

void Database::exec(std::string_view sql) { connection_->exec(sql); }

Statement Database::prepare(std::string_view sql) { return Statement(connection_->prepare(sql)); }

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

void Database::set_busy_timeout(int milliseconds) { connection_->set_busy_timeout(milliseconds); }
int Database::changes() const { return connection_->changes(); }
bool Database::in_transaction() const { return connection_->in_transaction(); }
bool Database::healthy() const { return connection_->healthy(); }
Dialect Database::dialect() const { return connection_->dialect(); }
sqlite3* Database::handle() const { return connection_->sqlite_handle(); }
void Database::begin(TransactionKind kind) { connection_->begin(kind); }
void Database::commit() { connection_->commit(); }
void Database::rollback() noexcept { connection_->rollback(); }

// ---- Transaction ----

Transaction::Transaction(Database& db, Kind kind) : db_(db) { db_.begin(kind); }

Transaction::~Transaction() {
  if (!done_) db_.rollback();
}

void Transaction::commit() {
  db_.commit();
  done_ = true;
}

// ---- Savepoint ----

// One name suffices: savepoints here never nest (a later one of the same
// name would shadow the earlier, which is still correct).
Savepoint::Savepoint(Database& db) : db_(db) { db_.exec("SAVEPOINT facecheck_row"); }

Savepoint::~Savepoint() {
  if (done_) return;
  try {
    db_.exec("RELEASE SAVEPOINT facecheck_row");
  } catch (...) {
    // The transaction already ended (an I/O error); the caller's own error
    // handling or Transaction's rollback deals with it.
  }
}

void Savepoint::rollback() {
  done_ = true;
  db_.exec("ROLLBACK TO SAVEPOINT facecheck_row");
  db_.exec("RELEASE SAVEPOINT facecheck_row");
}

}  // namespace facecheck::storage
