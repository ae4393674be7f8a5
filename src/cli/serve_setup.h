// First-start chores of `facecheck serve` and the `admin` commands: the
// data folder, the first admin key, the demo event.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "storage/store.h"

namespace facecheck::cli {

// Creates DIR (mode 0700: it holds biometric data, the admin key) and opens
// DIR/facecheck.db, or the PostgreSQL `database` when one is given.
storage::Store open_data_dir(const std::filesystem::path& dir, const std::string& database = "");

// With no active admin key, creates one, prints it once to stdout and
// writes it to DIR/admin-key.txt (mode 0600) for scripts. Returns whether
// a key was created.
bool ensure_admin_key(storage::Store& store, const std::filesystem::path& dir);

// Writes `secret` to DIR/admin-key.txt readable by the owner only.
void write_admin_key_file(const std::filesystem::path& dir, const std::string& secret);

struct DemoSetup {
  storage::Id event_id = 0;
  std::string kiosk_token;
};

// With no events at all: an event open for check-in all of today (local
// time) and a kiosk for it. Nothing when events exist.
std::optional<DemoSetup> create_demo(storage::Store& store, storage::LivenessPolicy liveness);

}  // namespace facecheck::cli
