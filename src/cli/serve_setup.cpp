#include "cli/serve_setup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <iostream>

#include "cli/commands.h"

namespace facecheck::cli {
namespace {

namespace fs = std::filesystem;

// Today's 00:00 local time, and the next midnight.
std::pair<storage::Timestamp, storage::Timestamp> local_today() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  tm.tm_isdst = -1;
  const std::time_t start = std::mktime(&tm);
  return {start, start + 24 * 3600 - 1};
}

}  // namespace

storage::Store open_data_dir(const fs::path& dir, const std::string& database) {
  std::error_code ec;
  if (!fs::exists(dir)) {
    fs::create_directories(dir, ec);
    if (ec) throw CommandError("cannot create " + dir.string() + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, ec);
  }
  if (!fs::is_directory(dir)) throw CommandError(dir.string() + " is not a folder");
  if (!database.empty()) return storage::Store::open(database);
  return storage::Store::open(dir / "facecheck.db");
}

void write_admin_key_file(const fs::path& dir, const std::string& secret) {
  const fs::path path = dir / "admin-key.txt";
  // O_CREAT with 0600 so the key is never readable by others, not even
  // between creating the file and a chmod.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw CommandError("cannot write " + path.string());
  ::fchmod(fd, 0600);
  const std::string line = secret + "\n";
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!ok) throw CommandError("cannot write " + path.string());
}

bool ensure_admin_key(storage::Store& store, const fs::path& dir) {
  if (store.count_api_keys() > 0) return false;
  const auto issued = store.create_api_key("first admin key");
  write_admin_key_file(dir, issued.secret);
  std::cout << "facecheck: created the first admin key (shown once; also in "
            << (dir / "admin-key.txt").string() << "):\n  " << issued.secret << "\n"
            << std::flush;
  return true;
}

std::optional<DemoSetup> create_demo(storage::Store& store, storage::LivenessPolicy liveness) {
  if (!store.list_events().empty()) return std::nullopt;
  storage::Event event;
  event.name = "Demo event";
  event.venue = "Here";
  std::tie(event.starts_at, event.ends_at) = local_today();
  event.status = storage::EventStatus::kOpen;
  event.liveness = liveness;  // the server's default: what a real event would get
  const auto created = store.create_event(event);
  const auto kiosk = store.create_kiosk(created.id, "Demo kiosk");
  return DemoSetup{created.id, kiosk.token};
}

}  // namespace facecheck::cli
