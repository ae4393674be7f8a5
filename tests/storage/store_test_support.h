// Fixtures for the storage tests: a private temporary directory per test
// (ctest runs test executables in parallel) and small builders for rows.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "storage/sqlite_db.h"
#include "storage/store.h"

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

// A store in a fresh temporary directory, plus a raw connection to the same
// file for checking what the store really wrote.
class StoreTest : public ::testing::Test {
 protected:
  fs::path db_path() const { return dir_ / "facecheck.db"; }
  Database raw() const { return Database(db_path().string(), Database::Mode::kReadWrite); }
  std::int64_t raw_count(const std::string& table) const {
    return raw().query_int64("SELECT count(*) FROM " + table);
  }

  TempDir dir_;
  Store store_ = Store::open(db_path());
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
