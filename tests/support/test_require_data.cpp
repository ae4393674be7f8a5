// The skip helpers of test_support.h: a test whose models or shared data are
// missing skips, unless FACECHECK_REQUIRE_DATA=1 (CI), where it fails. Runs
// this binary's probe tests again in a child with the inputs pointed at an
// empty folder.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include "test_support.h"

namespace facecheck::testing {
namespace {

// Disabled: run only by the tests below, in a child process.
TEST(RequireDataProbe, DISABLED_NeedsModels) { REQUIRE_MODELS(); }
TEST(RequireDataProbe, DISABLED_NeedsData) { REQUIRE_DATA(); }

struct ProbeRun {
  int exit_code = -1;
  std::string output;
};

// This test binary with only `probe`, FACECHECK_MODELS and FACECHECK_DATA
// at `empty`, and FACECHECK_REQUIRE_DATA set to `require` ("" unsets it).
ProbeRun run_probe(const std::string& probe, const std::filesystem::path& empty,
                   const std::string& require) {
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::string command = "env -u FACECHECK_REQUIRE_DATA FACECHECK_MODELS='" + empty.string() +
                        "' FACECHECK_DATA='" + empty.string() + "' ";
  if (!require.empty()) command += "FACECHECK_REQUIRE_DATA=" + require + " ";
  command += "'" + self + "' --gtest_also_run_disabled_tests --gtest_filter=" + probe + " 2>&1";
  ProbeRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    run.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

TEST(RequireData, MissingModelsSkipUnlessRequired) {
  TempDir empty("facecheck-no-models");
  const ProbeRun skipped = run_probe("RequireDataProbe.DISABLED_NeedsModels", empty.path(), "");
  EXPECT_EQ(skipped.exit_code, 0) << skipped.output;
  EXPECT_NE(skipped.output.find("[  SKIPPED ] RequireDataProbe.DISABLED_NeedsModels"),
            std::string::npos)
      << skipped.output;

  const ProbeRun failed = run_probe("RequireDataProbe.DISABLED_NeedsModels", empty.path(), "1");
  EXPECT_NE(failed.exit_code, 0) << failed.output;
  EXPECT_NE(failed.output.find("[  FAILED  ] RequireDataProbe.DISABLED_NeedsModels"),
            std::string::npos)
      << failed.output;
  EXPECT_NE(failed.output.find("models not found in"), std::string::npos) << failed.output;
  EXPECT_NE(failed.output.find(empty.path().string()), std::string::npos) << failed.output;
  EXPECT_NE(failed.output.find("FACECHECK_REQUIRE_DATA=1"), std::string::npos) << failed.output;
}

TEST(RequireData, MissingSharedDataSkipsUnlessRequired) {
  TempDir empty("facecheck-no-data");
  const ProbeRun skipped = run_probe("RequireDataProbe.DISABLED_NeedsData", empty.path(), "");
  EXPECT_EQ(skipped.exit_code, 0) << skipped.output;
  EXPECT_NE(skipped.output.find("[  SKIPPED ]"), std::string::npos) << skipped.output;
  // Only "1" turns skips into failures.
  const ProbeRun other = run_probe("RequireDataProbe.DISABLED_NeedsData", empty.path(), "0");
  EXPECT_EQ(other.exit_code, 0) << other.output;
  const ProbeRun failed = run_probe("RequireDataProbe.DISABLED_NeedsData", empty.path(), "1");
  EXPECT_NE(failed.exit_code, 0) << failed.output;
  EXPECT_NE(failed.output.find("shared data not found at"), std::string::npos) << failed.output;
}

}  // namespace
}  // namespace facecheck::testing
