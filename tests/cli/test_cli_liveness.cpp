// `facecheck liveness` and `facecheck eval-liveness` on the labelled live and
// attack photos of ../shared/data/spoof: the numbers docs/liveness.md reports.
#include <gtest/gtest.h>

#include "cli/cli_support.h"

using facecheck::testing::data;
using facecheck::testing::run_cli;

TEST(CliLiveness, PrintsEachFaceWithAScoreAndAVerdict) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  const auto live = run_cli("liveness " + data("spoof/nuaa/live/0001_00_00_01_0.jpg"));
  ASSERT_EQ(live.exit_code, 0);
  const auto j = nlohmann::json::parse(live.out);
  ASSERT_GE(j["faces"].size(), 1u);
  const auto& face = j["faces"][0];  // the largest comes first
  EXPECT_EQ(face["box"].size(), 4u);
  EXPECT_TRUE(face["live"].get<bool>());
  EXPECT_GE(face["score"].get<double>(), j["threshold"].get<double>());

  const auto print = run_cli("liveness " + data("spoof/nuaa/print/0001_00_00_01_0.jpg"));
  ASSERT_EQ(print.exit_code, 0);
  const auto p = nlohmann::json::parse(print.out)["faces"][0];
  EXPECT_FALSE(p["live"].get<bool>());
  EXPECT_LT(p["score"].get<double>(), 0.25);
}

TEST(CliLiveness, ExitCodesSayWhatWentWrong) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  EXPECT_EQ(run_cli("liveness " + data("faces/compreface/imgtools_test/truncated.jpg")).exit_code,
            2);
  EXPECT_EQ(run_cli("liveness /no/such/photo.jpg").exit_code, 2);
  EXPECT_EQ(run_cli("liveness " + data("faces/compreface/imgtools_test/empty.png")).exit_code, 2);
  EXPECT_EQ(run_cli("liveness " + data("faces/dlib/no_face/eagle.jpg")).exit_code, 4);
  EXPECT_NE(run_cli("liveness " + data("spoof/nuaa/live/0001_00_00_01_0.jpg") + " --threshold 2")
                .exit_code,
            0);  // out of [0, 1]
  const auto models = "FACECHECK_MODELS=/nonexistent " + std::string(FACECHECK_BINARY) +
                      " liveness " + data("spoof/nuaa/live/0001_00_00_01_0.jpg") +
                      " >/dev/null 2>&1";
  EXPECT_EQ(WEXITSTATUS(std::system(models.c_str())), 3);
}

// docs/liveness.md, "Passive: measured": at the default threshold 0.25 on
// the spoof set, 8 of 65 live faces are rejected; 5/27 prints, 19/21
// replays, 4/4 masks and 3/18 untyped attacks are accepted. A count may be
// one off on another CPU: OpenCV's kernels differ by instruction set, and
// on an AMD EPYC without AVX-512 (2026-12-02) stdn_siwm/live/live_1.png
// scores 0.278 and is accepted (7 of 65 rejected). Two off is a change.
TEST(CliLiveness, EvalReproducesTheRatesTheDocsReport) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  const auto r = run_cli("eval-liveness --labels " + data("spoof/labels.csv") +
                         " --threshold 0.25 --threads 2");
  ASSERT_EQ(r.exit_code, 0);
  const auto j = nlohmann::json::parse(r.out)["at_threshold"];
  EXPECT_EQ(j["bpcer"]["of"], 65);
  EXPECT_EQ(j["apcer"]["print"]["of"], 27);
  EXPECT_NEAR(j["bpcer"]["rejected"].get<int>(), 8, 1);
  EXPECT_NEAR(j["apcer"]["print"]["accepted"].get<int>(), 5, 1);
  EXPECT_NEAR(j["apcer"]["replay"]["accepted"].get<int>(), 19, 1);
  EXPECT_NEAR(j["apcer"]["mask"]["accepted"].get<int>(), 4, 1);
  EXPECT_NEAR(j["apcer"]["spoof"]["accepted"].get<int>(), 3, 1);
}
