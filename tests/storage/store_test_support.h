// Fixtures for the storage tests: a private temporary directory per test
// (ctest runs test executables in parallel) and small builders for rows.
//
// The same tests run on both databases: built as test_store_* they use a
// SQLite file, built again as test_store_postgres (with
// FACECHECK_STORE_ON_POSTGRES) a fresh database of a throwaway PostgreSQL
// cluster per test. Tests of what only a file does (bytes left in it) are
// SQLite's alone.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "storage/database.h"
#include "storage/store.h"
#ifdef FACECHECK_STORE_ON_POSTGRES
#include "support/postgres_cluster.h"
#endif

namespace facecheck::storage::testing {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() / ("facecheck_" + std::string(info->test_suite_name()) + "_" +
                                         info->name() + "_" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

inline constexpr bool kOnPostgres =
#ifdef FACECHECK_STORE_ON_POSTGRES
    true;
#else
    false;
#endif

// Where a new store lives: a file in `dir`, or a new PostgreSQL database.
inline std::string new_store_location([[maybe_unused]] const TempDir& dir) {
#ifdef FACECHECK_STORE_ON_POSTGRES
  return facecheck::testing::PostgresCluster::shared().create_database();
#else
  return (dir / "facecheck.db").string();
#endif
}

// A connection of its own to the store at `location`.
inline Database raw_connection(const std::string& location) {
  if (kOnPostgres) return Database::connect_postgres(location);
  return Database(location, Database::Mode::kReadWrite);
}

// A store in a fresh temporary directory (or database), plus a raw
// connection to the same data for checking what the store really wrote.
class StoreTest : public ::testing::Test {
 protected:
  const std::string& location() const { return location_; }
  fs::path db_path() const { return location_; }  // the SQLite file (SQLite tests only)
  Database raw() const { return raw_connection(location_); }
  std::int64_t raw_count(const std::string& table) const {
    return raw().query_int64("SELECT count(*) FROM " + table);
  }

  TempDir dir_;
  std::string location_ = new_store_location(dir_);
  Store store_ = Store::open(location_);
};

inline Event event_named(const std::string& name, Timestamp starts_at = 1'750'000'000) {
  Event e;
  e.name = name;
  e.venue = "Hall A";
  e.starts_at = starts_at;
  e.ends_at = starts_at + 3 * 3600;
  return e;
}

inline Person person_named(const std::string& name,
                           std::optional<std::string> external_id = std::nullopt) {
  Person p;
  p.name = name;
  p.organisation = "Acme";
  p.external_id = std::move(external_id);
  return p;
}

// A template whose embedding is filled with `seed`, so tests can tell them apart.
inline FaceTemplate template_for(Id person_id, float seed, const std::string& label = "front") {
  FaceTemplate t;
  t.person_id = person_id;
  t.model = "dlib-resnet34-128";
  t.embedding.resize(128);
  for (size_t i = 0; i < t.embedding.size(); ++i) t.embedding[i] = seed + 0.001f * i;
  t.quality.emplace();
  t.quality->sharpness = 0.9f;
  t.quality->pose.yaw = 3.5f;
  t.quality->problems = {"tilted"};
  t.quality->reasons = {"Head is tilted"};
  t.label = label;
  return t;
}

inline CheckIn checkin_for(Id event_id, Id person_id, Timestamp at, double distance = 0.4) {
  CheckIn c;
  c.event_id = event_id;
  c.person_id = person_id;
  c.checked_in_at = at;
  c.distance = distance;
  c.quality.emplace();
  c.quality->brightness = 98;
  return c;
}

}  // namespace facecheck::storage::testing
