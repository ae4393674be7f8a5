// Store's lifecycle: opening, configuring and migrating the database. The
// entity methods live in event_repo.cpp, person_repo.cpp, template_repo.cpp,
// checkin_repo.cpp, credentials_repo.cpp and import.cpp.
#include "storage/store.h"

#include <sodium.h>

#include "storage/connection_pool.h"
#include "storage/migrations.h"
#include "storage/private_file.h"
#include "storage/wal_scrubber.h"

namespace facecheck::storage {

namespace fs = std::filesystem;

Store Store::open(const fs::path& path) {
  // Token generation needs libsodium; sodium_init is idempotent and
  // thread-safe, so calling it on every open is fine.
  if (sodium_init() < 0) throw StorageError("libsodium failed to initialise");
  const std::string name = path.string();
  // SQLite would create the file with the umask's permissions (usually
  // world-readable) and gives the -wal and -shm files the database's mode.
  if (!name.empty() && name != ":memory:" && !is_postgres_uri(name))
    create_private_file(path, IfExists::kKeep);
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
