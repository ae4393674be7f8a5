#include "storage/backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/private_file.h"

namespace facecheck::storage {
namespace {

namespace fs = std::filesystem;

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Handle = std::unique_ptr<sqlite3, SqliteCloser>;

Handle open_handle(const fs::path& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Handle db(raw);
  if (rc != SQLITE_OK) throw_sqlite_error(db.get(), rc, "open " + path.string());
  return db;
}

// "file:" + the path, with the characters a URI gives meaning escaped.
std::string file_uri(const fs::path& path) {
  std::string uri = "file:";
  for (const char c : fs::absolute(path).string()) {
    if (c == '?' || c == '#' || c == '%') {
      constexpr char kHex[] = "0123456789ABCDEF";
      uri += '%';
      uri += kHex[(static_cast<unsigned char>(c) >> 4) & 0xF];
      uri += kHex[static_cast<unsigned char>(c) & 0xF];
    } else {
      uri += c;
    }
  }
  return uri;
}

void sync_path(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw StorageError("cannot open " + path.string() + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw StorageError("cannot sync " + path.string() + ": " + std::strerror(errno));
}

// Copies every page of `from` into `to` in one step, from one read
// transaction of `from`.
void copy_pages(sqlite3* from, sqlite3* to, const std::string& what) {
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (!backup) throw_sqlite_error(to, sqlite3_errcode(to), what);
  // -1: all pages at once. Stepping in slices would let the server's
  // commits in between restart the copy; one step is one snapshot.
  int rc = sqlite3_backup_step(backup, -1);
  // BUSY or LOCKED: the server's lock is taken for a moment; wait it out.
  for (int attempt = 0; (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && attempt < 200; ++attempt) {
    sqlite3_sleep(50);
    rc = sqlite3_backup_step(backup, -1);
  }
  const int finish = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) throw_sqlite_error(to, rc, what);
  if (finish != SQLITE_OK) throw_sqlite_error(to, finish, what);
}

// Removes `path` unless dismissed: no half-written file is left behind.
class RemoveUnlessKept {
 public:
  explicit RemoveUnlessKept(fs::path path) : path_(std::move(path)) {}
  ~RemoveUnlessKept() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove(path_, ec);
    fs::remove(path_.string() + "-journal", ec);
  }
  void keep() { path_.clear(); }

 private:
  fs::path path_;
};

}  // namespace

BackupSummary verify_backup(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw StorageError(file.string() + " is not a file");
  BackupSummary summary;
  summary.bytes = static_cast<std::int64_t>(fs::file_size(file, ec));
  // Read-only and immutable: checking a backup never writes to it, not
  // even a -wal beside it.
  const std::string uri = file_uri(file) + "?mode=ro&immutable=1";
  Database db = [&] {
    try {
      return Database(uri, Database::Mode::kReadWrite);
    } catch (const StorageError& e) {
      throw StorageError(file.string() + " is not a SQLite database: " + e.what());
    }
  }();
  std::string integrity;
  try {
    integrity = db.query_text("PRAGMA integrity_check");
  } catch (const StorageError& e) {
    throw StorageError(file.string() + " is not a SQLite database: " + e.what());
  }
  if (integrity != "ok")
    throw StorageError(file.string() + " is damaged (integrity_check: " + integrity + ")");
  summary.schema_version = schema_version(db);
  if (summary.schema_version == 0 ||
      db.query_int64("SELECT count(*) FROM sqlite_schema WHERE name = 'check_ins'") == 0)
    throw StorageError(file.string() + " is not a facecheck database");
  if (summary.schema_version > latest_schema_version())
    throw StorageError(file.string() + " has schema version " +
                       std::to_string(summary.schema_version) + ", newer than this build (" +
                       std::to_string(latest_schema_version()) + "): upgrade facecheck first");
  summary.events = db.query_int64("SELECT count(*) FROM events");
  summary.people = db.query_int64("SELECT count(*) FROM people");
  summary.face_templates = db.query_int64("SELECT count(*) FROM face_templates");
  summary.check_ins = db.query_int64("SELECT count(*) FROM check_ins");
  return summary;
}

BackupSummary backup_database(const fs::path& database, const fs::path& out) {
  std::error_code ec;
  if (!fs::is_regular_file(database, ec)) throw StorageError("no database at " + database.string());
  if (fs::exists(out, ec)) throw StorageError(out.string() + " exists: choose a new file");
  create_private_file(out, IfExists::kFail);
  RemoveUnlessKept cleanup(out);
  {
    const Handle from = open_handle(database, SQLITE_OPEN_READONLY);
    sqlite3_busy_timeout(from.get(), 10'000);
    const Handle to = open_handle(out, SQLITE_OPEN_READWRITE);
    copy_pages(from.get(), to.get(), "backup of " + database.string());
    // The copy takes the source's WAL mode; a backup is one self-contained
    // file, so it goes back to a rollback journal.
    char* error = nullptr;
    if (sqlite3_exec(to.get(), "PRAGMA journal_mode = DELETE", nullptr, nullptr, &error) !=
        SQLITE_OK) {
      const std::string message = error ? error : "unknown error";
      sqlite3_free(error);
      throw StorageError("backup: " + message);
    }
  }
  sync_path(out);
  const BackupSummary summary = verify_backup(out);
  cleanup.keep();
  return summary;
}

BackupSummary restore_database(const fs::path& file, const fs::path& database) {
  const BackupSummary summary = verify_backup(file);
  const fs::path staging = database.string() + ".restoring";
  std::error_code ec;
  fs::remove(staging, ec);
  create_private_file(staging, IfExists::kFail);
  RemoveUnlessKept cleanup(staging);
  {
    const Handle from = open_handle(file, SQLITE_OPEN_READONLY);
    const Handle to = open_handle(staging, SQLITE_OPEN_READWRITE);
    copy_pages(from.get(), to.get(), "restore from " + file.string());
  }
  sync_path(staging);
  // The old log would be replayed into the new file: it goes first.
  for (const char* suffix : {"-wal", "-shm"}) {
    fs::remove(database.string() + suffix, ec);
    if (ec) throw StorageError("cannot remove " + database.string() + suffix + ": " + ec.message());
  }
  fs::rename(staging, database, ec);
  if (ec) throw StorageError("cannot replace " + database.string() + ": " + ec.message());
  cleanup.keep();
  sync_path(database.parent_path().empty() ? fs::path(".") : database.parent_path());
  return summary;
}

}  // namespace facecheck::storage
