// The PostgreSQL backend of database.h, on libpqxx.
//
// Statements run through a pqxx::nontransaction, which sends each query as
// it is: BEGIN, COMMIT and ROLLBACK are issued by Database like any other
// statement, so both backends share one transaction discipline.
// Parameters travel as text (bytea in its hex form) and results come back as
// text; float8 prints its shortest exact form, so a REAL survives the round
// trip bit for bit.
#include <algorithm>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "storage/backend.h"

namespace facecheck::storage::backend {
namespace {

constexpr unsigned kBoolOid = 16;
constexpr unsigned kByteaOid = 17;

// Maps a PostgreSQL error to the classes of database.h by its SQLSTATE.
[[noreturn]] void throw_postgres_error(const pqxx::sql_error& e, std::string_view context) {
  const std::string state = e.sqlstate();
  const std::string message = std::string(context) + ": " + e.what() + " [" + state + "]";
  if (state == "23505") throw Conflict(message);
  if (state == "23503") throw NotFound(message);
  if (state == "23514" || state == "23502" || state == "22P02" || state == "22001" ||
      state == "22003")
    throw Invalid(message);
  if (state == "40001" || state == "40P01") throw Retryable(message);
  if (state.starts_with("08") || state == "57P01") throw Unavailable(message);
  throw StorageError(message);
}

// Rewrites SQLite's "?" and "?N" parameters as PostgreSQL's "$N", leaving
// quoted strings, quoted names and comments alone. A bare "?" takes the
// number after the largest used so far, as in SQLite.
std::string renumber_parameters(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int largest = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      const size_t end = sql.find(c, i + 1);
      const size_t stop = end == std::string_view::npos ? sql.size() : end + 1;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const size_t end = sql.find('\n', i);
      const size_t stop = end == std::string_view::npos ? sql.size() : end;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '?') {
      size_t j = i + 1;
      int number = 0;
      while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9')
        number = number * 10 + (sql[j++] - '0');
      if (j == i + 1) number = largest + 1;
      largest = std::max(largest, number);
      out += '$';
      out += std::to_string(number);
      i = j - 1;
    } else {
      out += c;
    }
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  throw StorageError("corrupt bytea value from PostgreSQL");
}

class PostgresConnection;

class PostgresCursor final : public Cursor {
 public:
  PostgresCursor(PostgresConnection& connection, std::string sql)
      : connection_(connection), sql_(std::move(sql)) {}

  void bind_int64(int index, std::int64_t value) override { slot(index) = std::to_string(value); }

  void bind_double(int index, double value) override { slot(index) = pqxx::to_string(value); }

  void bind_text(int index, std::string_view text) override {
    if (text.find('\0') != std::string_view::npos)
      throw Invalid("text with a NUL character cannot be stored");
    slot(index) = std::string(text);
  }

  void bind_blob(int index, std::span<const std::uint8_t> blob) override {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex = "\\x";
    hex.reserve(2 + 2 * blob.size());
    for (const std::uint8_t b : blob) {
      hex += kDigits[b >> 4];
      hex += kDigits[b & 15];
    }
    slot(index) = std::move(hex);
  }

  void bind_null(int index) override { slot(index) = std::nullopt; }

  bool step() override;

  bool is_null(int column) const override { return field(column).is_null(); }

  std::int64_t int64(int column) const override {
    const pqxx::field f = field(column);
    if (f.is_null()) return 0;
    if (f.type() == kBoolOid) return f.c_str()[0] == 't' ? 1 : 0;
    return converted<std::int64_t>(f, column);
  }

  double real(int column) const override {
    const pqxx::field f = field(column);
    return f.is_null() ? 0.0 : converted<double>(f, column);
  }

  std::string text(int column) const override {
    const pqxx::field f = field(column);
    return f.is_null() ? std::string() : std::string(f.c_str(), f.size());
  }

  Bytes blob(int column) const override {
    const pqxx::field f = field(column);
    if (f.is_null()) return {};
    if (f.type() != kByteaOid) return Bytes(f.c_str(), f.c_str() + f.size());
    const std::string_view hex(f.c_str(), f.size());
    if (!hex.starts_with("\\x") || hex.size() % 2 != 0)
      throw StorageError("unexpected bytea format from PostgreSQL");
    Bytes out((hex.size() - 2) / 2);
    for (size_t i = 0; i < out.size(); ++i)
      out[i] =
          static_cast<std::uint8_t>(hex_value(hex[2 + 2 * i]) * 16 + hex_value(hex[3 + 2 * i]));
    return out;
  }

 private:
  std::optional<std::string>& slot(int index) {
    if (index < 1 || index > 65535)
      throw StorageError("bind: no parameter " + std::to_string(index));
    if (params_.size() < static_cast<size_t>(index)) params_.resize(static_cast<size_t>(index));
    return params_[static_cast<size_t>(index) - 1];
  }

  // A column of another type than the caller expects is a bug in a query:
  // it surfaces as a StorageError, like everything else here.
  template <typename T>
  static T converted(const pqxx::field& f, int column) {
    try {
      return f.as<T>();
    } catch (const std::exception& e) {
      throw StorageError("column " + std::to_string(column) + " holds \"" +
                         std::string(f.c_str(), std::min<size_t>(f.size(), 40)) +
                         "\", not a number: " + e.what());
    }
  }

  pqxx::field field(int column) const {
    if (row_ < 0 || static_cast<size_t>(row_) >= result_.size())
      throw StorageError("no current row");
    if (column < 0 || static_cast<size_t>(column) >= result_.columns())
      throw StorageError("no column " + std::to_string(column));
    return result_[static_cast<pqxx::result::size_type>(row_)]
                  [static_cast<pqxx::row::size_type>(column)];
  }

  PostgresConnection& connection_;
  std::string sql_;
  std::vector<std::optional<std::string>> params_;
  pqxx::result result_;
  bool executed_ = false;
  long row_ = -1;
};

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(const std::string& uri) try : connection_(uri), work_(connection_) {
  } catch (const pqxx::broken_connection& e) {
    throw Unavailable("cannot connect to PostgreSQL: " + std::string(e.what()));
  } catch (const pqxx::sql_error& e) {
    throw_postgres_error(e, "connect to PostgreSQL");
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  void exec(std::string_view sql) override {
    run([&] { return work_.exec(std::string(sql)); }, "exec");
  }

  std::unique_ptr<Cursor> prepare(std::string_view sql) override {
    return std::make_unique<PostgresCursor>(*this, renumber_parameters(sql));
  }

  void set_busy_timeout(int) override {}
  int changes() const override { return changes_; }
  bool in_transaction() const override { return in_transaction_; }
  bool healthy() const override { return connection_.is_open(); }

  void begin(TransactionKind kind) override {
    exec(kind == TransactionKind::kImmediate ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
                                             : "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    in_transaction_ = true;
  }

  void commit() override {
    in_transaction_ = false;  // a failed COMMIT ends the transaction too
    exec("COMMIT");
  }

  void rollback() noexcept override {
    if (!in_transaction_) return;
    in_transaction_ = false;
    try {
      work_.exec("ROLLBACK");
    } catch (...) {
      // A lost connection has no transaction left to roll back.
    }
  }

  template <typename F>
  pqxx::result run(F&& f, std::string_view context) {
    try {
      pqxx::result r = f();
      changes_ = static_cast<int>(r.affected_rows());
      return r;
    } catch (const pqxx::broken_connection& e) {
      throw Unavailable(std::string(context) + ": lost the connection to PostgreSQL: " + e.what());
    } catch (const pqxx::transaction_rollback& e) {
      // Serialization failure, deadlock: not an sql_error in libpqxx 6.
      throw Retryable(std::string(context) + ": " + e.what());
    } catch (const pqxx::sql_error& e) {
      throw_postgres_error(e, context);
    } catch (const pqxx::failure& e) {  // in doubt, internal errors
      throw StorageError(std::string(context) + ": " + e.what());
    } catch (const pqxx::usage_error& e) {
      throw StorageError(std::string(context) + ": " + e.what());
    }
  }

  pqxx::nontransaction& work() { return work_; }

 private:
  pqxx::connection connection_;
  pqxx::nontransaction work_;
  int changes_ = 0;
  bool in_transaction_ = false;
};

bool PostgresCursor::step() {
  if (!executed_) {
    executed_ = true;
    result_ = connection_.run(
        [&] {
          return connection_.work().exec_params(sql_, pqxx::prepare::make_dynamic_params(params_));
        },
        "step");
  }
  ++row_;
  return static_cast<size_t>(row_) < result_.size();
}

}  // namespace

std::unique_ptr<Connection> connect_postgres(const std::string& uri) {
  return std::make_unique<PostgresConnection>(uri);
}

}  // namespace facecheck::storage::backend
