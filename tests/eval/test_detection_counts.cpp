// Acceptance of the SSD detector on real group photos and photos without a
// face, through `facecheck eval-detect` (docs/detection.md has the numbers).
#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "test_support.h"

TEST(DetectionCounts, SsdCountsGroupPhotosAndIgnoresFacelessOnes) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  const auto faces = facecheck::testing::data_dir() / "faces";
  const std::string cmd = std::string(FACECHECK_BINARY) + " eval-detect --labels " +
                          (faces / "detection_labels.csv").string() + " --root " + faces.string() +
                          " --detector ssd --threads 2 2>/dev/null";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (size_t n = fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  ASSERT_EQ(pclose(pipe), 0);
  const auto last = out.substr(out.rfind('\n', out.size() - 2) + 1);
  const auto report = nlohmann::json::parse(last);
  const auto& annotated = report["annotated"];
  ASSERT_GE(annotated["images"].get<int>(), 25);
  EXPECT_GE(annotated["within_one_rate"].get<double>(), 0.90) << annotated.dump();
  EXPECT_LE(report["false_on_empty"].get<int>(), 2);
  EXPECT_GE(report["empty_images"].get<int>(), 20);
}
