// Store's lifecycle: opening, configuring and migrating the database. The
// entity methods live in event_repo.cpp, person_repo.cpp, template_repo.cpp,
// checkin_repo.cpp, credentials_repo.cpp and import.cpp.
#include "storage/store.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "storage/connection_pool.h"
#include "storage/migrations.h"
#include "storage/wal_scrubber.h"

namespace facecheck::storage {
namespace {

namespace fs = std::filesystem;

// Creates the directories and, when missing, an empty database file readable
// by its owner only. SQLite would create it with the umask's permissions
// (usually world-readable); it gives the -wal and -shm files the same mode
// as the database, so setting it here covers all three.
void create_private_file(const fs::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  if (ec)
    throw StorageError("cannot create directory " + path.parent_path().string() + ": " +
                       ec.message());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
  } else if (errno != EEXIST) {
    throw StorageError("cannot create database file " + path.string() + ": " +
                       std::strerror(errno));
  }
}

}  // namespace

Store Store::open(const fs::path& path) {
  // Token generation needs libsodium; sodium_init is idempotent and
  // thread-safe, so calling it on every open is fine.
  if (sodium_init() < 0) throw StorageError("libsodium failed to initialise");
  const std::string name = path.string();
  if (!name.empty() && name != ":memory:" && !is_postgres_uri(name)) create_private_file(path);
  auto pool = std::make_unique<ConnectionPool>(name);
  pool->with_writer([](Database& db) { migrate(db); });
  return Store(std::move(pool));
}

Store::Store(std::unique_ptr<ConnectionPool> pool)
    : pool_(std::move(pool)), scrubber_(std::make_unique<WalScrubber>(*pool_)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

bool Store::scrub_pending() const { return scrubber_->pending(); }

}  // namespace facecheck::storage
