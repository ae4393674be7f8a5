// Paths shared by the tests: the real data in ../shared/data and the models
// fetched by scripts/fetch-models.sh. A test that needs either skips with a
// clear message when it is absent, instead of failing obscurely. Plus a
// private temporary folder that is removed however the test ends.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace facecheck::testing {

// A fresh folder under the system temp dir, removed on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix) {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::filesystem::path source_dir() { return FACECHECK_SOURCE_DIR; }

inline std::filesystem::path data_dir() {
  if (const char* env = std::getenv("FACECHECK_DATA"); env && *env) return env;
  return source_dir() / ".." / "shared" / "data";
}

inline std::filesystem::path models_dir() {
  if (const char* env = std::getenv("FACECHECK_MODELS"); env && *env) return env;
  return source_dir() / "models";
}

inline std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace facecheck::testing

#define REQUIRE_DATA()                                                               \
  do {                                                                               \
    if (!std::filesystem::exists(facecheck::testing::data_dir() / "README.md"))      \
      GTEST_SKIP() << "shared data not found at " << facecheck::testing::data_dir(); \
  } while (0)

#define REQUIRE_MODELS()                                                                           \
  do {                                                                                             \
    if (!std::filesystem::exists(facecheck::testing::models_dir() / "face_recognition_model.bin")) \
      GTEST_SKIP() << "models not found; run scripts/fetch-models.sh";                             \
  } while (0)
