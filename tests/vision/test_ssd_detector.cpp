#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "test_support.h"
#include "vision/nms.h"
#include "vision/ssd_detector.h"

using namespace facecheck::vision;
namespace fs = std::filesystem;

namespace {

FaceBox face(float x, float y, float w, float h, float score) {
  return {cv::Rect2f(x, y, w, h), score};
}

fs::path conformance_dir() { return facecheck::testing::data_dir() / "conformance" / "face-api"; }

class SsdDetectorTest : public ::testing::Test {
 protected:
  // Loading the weights and building the net takes a while; share one.
  static void SetUpTestSuite() {
    if (fs::exists(facecheck::testing::models_dir() / "ssd_mobilenetv1_model.bin"))
      detector_ = std::make_unique<SsdDetector>(facecheck::testing::models_dir());
  }
  static void TearDownTestSuite() { detector_.reset(); }

  void SetUp() override {
    REQUIRE_DATA();
    if (!detector_) SKIP_FOR_MISSING_INPUT("models not found; run scripts/fetch-models.sh");
  }

  static cv::Mat load(const std::string& name) {
    cv::Mat image = cv::imread((conformance_dir() / "images" / name).string(), cv::IMREAD_COLOR);
    EXPECT_FALSE(image.empty()) << name;
    return image;
  }

  static std::unique_ptr<SsdDetector> detector_;
};
std::unique_ptr<SsdDetector> SsdDetectorTest::detector_;

}  // namespace

TEST(NonMaxSuppression, KeepsTheBestOfEachOverlappingGroup) {
  const std::vector<FaceBox> boxes = {
      face(0, 0, 10, 10, 0.6f),      // IoU 0.68 with the 0.9 box: dropped
      face(100, 100, 10, 10, 0.7f),  // alone: kept
      face(1, 1, 10, 10, 0.9f),      // best: kept
      face(5, 0, 10, 10, 0.8f),      // IoU 0.33 with the 0.9 box: kept
      face(50, 50, 0, 10, 0.95f),    // no area: never suppresses, kept
  };
  const auto kept = non_max_suppression(boxes, 0.5f, 100);
  ASSERT_EQ(kept.size(), 4u);
  EXPECT_FLOAT_EQ(kept[0].score, 0.95f);
  EXPECT_FLOAT_EQ(kept[1].score, 0.9f);
  EXPECT_FLOAT_EQ(kept[2].score, 0.8f);
  EXPECT_FLOAT_EQ(kept[3].score, 0.7f);

  // A lower threshold also drops the 0.8 box; max_results caps the output.
  EXPECT_EQ(non_max_suppression(boxes, 0.3f, 100).size(), 3u);
  EXPECT_EQ(non_max_suppression(boxes, 0.5f, 2).size(), 2u);
  EXPECT_TRUE(non_max_suppression(boxes, 0.5f, 0).empty());
  EXPECT_TRUE(non_max_suppression({}, 0.5f, 10).empty());
}

TEST(NonMaxSuppression, IntersectionOverUnion) {
  EXPECT_FLOAT_EQ(intersection_over_union({0, 0, 10, 10}, {0, 0, 10, 10}), 1.f);
  EXPECT_FLOAT_EQ(intersection_over_union({0, 0, 10, 10}, {5, 0, 10, 10}), 50.f / 150.f);
  EXPECT_FLOAT_EQ(intersection_over_union({0, 0, 10, 10}, {20, 20, 5, 5}), 0.f);
  EXPECT_FLOAT_EQ(intersection_over_union({0, 0, 0, 10}, {0, 0, 10, 10}), 0.f);
}

// face-api.js's own test: the 6 faces of faces.jpg, boxes within a few
// pixels and scores within 0.05 of what face-api computes.
TEST_F(SsdDetectorTest, MatchesFaceApiOnFacesJpg) {
  std::ifstream in(conformance_dir() / "expected" / "ssdBoxes.json");
  ASSERT_TRUE(in) << "ssdBoxes.json missing";
  const auto expected = nlohmann::json::parse(in);
  const cv::Mat image = load("faces.jpg");
  ASSERT_FALSE(image.empty());

  for (const auto& check : expected.at("checks")) {
    const float min_score = check.at("min_confidence").get<float>();
    const auto faces = detector_->detect(image, min_score);
    ASSERT_EQ(static_cast<int>(faces.size()), check.at("expected_count").get<int>())
        << "at min score " << min_score;
    for (size_t i = 1; i < faces.size(); ++i) EXPECT_GE(faces[i - 1].score, faces[i].score);

    const float max_box = check.at("max_box_delta_px").get<float>();
    const float max_score = check.at("max_score_delta").get<float>();
    float worst_box = 0.f, worst_score = 0.f;
    for (const auto& e : expected.at("faces")) {
      const float score = e.at("score").get<float>();
      if (score < min_score) continue;
      const auto b = e.at("box");
      const cv::Rect2f want(b[0].get<float>(), b[1].get<float>(), b[2].get<float>(),
                            b[3].get<float>());
      // The found face that overlaps the expected one most.
      const auto best = std::max_element(faces.begin(), faces.end(), [&](auto& l, auto& r) {
        return intersection_over_union(l.box, want) < intersection_over_union(r.box, want);
      });
      ASSERT_GT(intersection_over_union(best->box, want), 0.5f) << "no match for face at " << want;
      const cv::Rect2f& got = best->box;
      const float box_err =
          std::max({std::abs(got.x - want.x), std::abs(got.y - want.y),
                    std::abs(got.width - want.width), std::abs(got.height - want.height)});
      const float score_err = std::abs(best->score - score);
      EXPECT_LE(box_err, max_box) << "expected " << want << ", got " << got;
      EXPECT_LE(score_err, max_score) << "expected " << score << ", got " << best->score;
      worst_box = std::max(worst_box, box_err);
      worst_score = std::max(worst_score, score_err);
    }
    std::cout << "min score " << min_score << ": worst box error " << worst_box
              << " px, worst score error " << worst_score << "\n";
  }
}

TEST_F(SsdDetectorTest, AcceptsGrayAndBgra) {
  const cv::Mat image = load("faces.jpg");
  ASSERT_FALSE(image.empty());
  cv::Mat bgra;
  cv::cvtColor(image, bgra, cv::COLOR_BGR2BGRA);
  EXPECT_EQ(detector_->detect(bgra).size(), 6u);
  cv::Mat gray;
  cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  const auto faces = detector_->detect(gray, 0.3f);
  EXPECT_GE(faces.size(), 4u);  // colour helps, but most faces survive gray
  for (const FaceBox& f : faces) {
    EXPECT_GE(f.box.x, 0.f);
    EXPECT_GE(f.box.y, 0.f);
    EXPECT_LE(f.box.x + f.box.width, image.cols);
    EXPECT_LE(f.box.y + f.box.height, image.rows);
  }
}

TEST_F(SsdDetectorTest, FindsNoFaceInAWhiteImage) {
  const cv::Mat image = load("white.png");
  ASSERT_FALSE(image.empty());
  EXPECT_TRUE(detector_->detect(image).empty());
}

TEST_F(SsdDetectorTest, RejectsEmptyAndNon8BitImages) {
  EXPECT_THROW(detector_->detect(cv::Mat()), std::invalid_argument);
  EXPECT_THROW(detector_->detect(cv::Mat(10, 10, CV_32FC3, cv::Scalar::all(0))),
               std::invalid_argument);
}
