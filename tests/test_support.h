// Paths shared by the tests: the real data in ../shared/data and the models
// fetched by scripts/fetch-models.sh. A test that needs either skips with a
// clear message when it is absent, instead of failing obscurely, unless
// FACECHECK_REQUIRE_DATA=1 (CI, .ci/run): then a missing input fails the
// test, so a broken setup cannot pass as a green run of skips. Plus a
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

// True when missing inputs must fail tests rather than skip them.
inline bool inputs_required() {
  const char* env = std::getenv("FACECHECK_REQUIRE_DATA");
  return env && std::string(env) == "1";
}

inline std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace facecheck::testing

// Skips the test for a missing input, or fails it under
// FACECHECK_REQUIRE_DATA=1. `reason` is streamed: "models not found in " << dir.
#define SKIP_FOR_MISSING_INPUT(reason)                                    \
  do {                                                                    \
    if (facecheck::testing::inputs_required())                            \
      FAIL() << reason << " (FACECHECK_REQUIRE_DATA=1: inputs required)"; \
    else                                                                  \
      GTEST_SKIP() << reason;                                             \
  } while (0)

#define REQUIRE_DATA()                                                                       \
  do {                                                                                       \
    if (!std::filesystem::exists(facecheck::testing::data_dir() / "README.md"))              \
      SKIP_FOR_MISSING_INPUT("shared data not found at " << facecheck::testing::data_dir()); \
  } while (0)

#define REQUIRE_MODELS()                                                                 \
  do {                                                                                   \
    if (!std::filesystem::exists(facecheck::testing::models_dir() /                      \
                                 "face_recognition_model.bin") ||                        \
        !std::filesystem::exists(facecheck::testing::models_dir() / "fr_feature.onnx"))  \
      SKIP_FOR_MISSING_INPUT("models not found in " << facecheck::testing::models_dir()  \
                                                    << "; run scripts/fetch-models.sh"); \
  } while (0)
