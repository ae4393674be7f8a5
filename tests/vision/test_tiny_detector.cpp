#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "test_support.h"
#include "vision/tiny_detector.h"

using namespace facecheck::vision;
namespace fs = std::filesystem;

namespace {

fs::path conformance_dir() { return facecheck::testing::data_dir() / "conformance" / "face-api"; }

nlohmann::json load_expected() {
  std::ifstream in(conformance_dir() / "expected" / "tinyFaceDetectorBoxes.json");
  return nlohmann::json::parse(in);
}

// Largest coordinate difference between two boxes (x, y, right, bottom).
float box_delta(const cv::Rect2f& a, const cv::Rect2f& b) {
  return std::max({std::abs(a.x - b.x), std::abs(a.y - b.y), std::abs(a.br().x - b.br().x),
                   std::abs(a.br().y - b.br().y)});
}

// Runs one of face-api's checks: every expected face must be matched by its
// nearest detection within the box and score tolerances.
void check_conformance(TinyDetector& detector, const cv::Mat& image, const nlohmann::json& expected,
                       const nlohmann::json& check) {
  const int input_size = check.at("input_size");
  const float max_box = check.at("max_box_delta_px");
  const float max_score = check.value("max_score_delta", 1.f);
  const auto faces = detector.detect(image, input_size);
  ASSERT_EQ(faces.size(), check.at("expected_count").get<size_t>()) << "input size " << input_size;

  float worst_box = 0.f, worst_score = 0.f;
  const auto& boxes = expected.at("faces");
  for (size_t i = 0; i < boxes.size(); ++i) {
    const auto& b = boxes[i].at("box");
    const cv::Rect2f want(b[0], b[1], b[2], b[3]);
    const auto nearest = std::min_element(faces.begin(), faces.end(), [&](auto& l, auto& r) {
      return box_delta(l.box, want) < box_delta(r.box, want);
    });
    const float delta = box_delta(nearest->box, want);
    EXPECT_LE(delta, max_box) << "face " << i << " at input size " << input_size;
    worst_box = std::max(worst_box, delta);
    if (check.contains("scores")) {
      const float score_delta = std::abs(nearest->score - check.at("scores")[i].get<float>());
      EXPECT_LE(score_delta, max_score) << "face " << i << " at input size " << input_size;
      worst_score = std::max(worst_score, score_delta);
    }
  }
  std::cout << "input size " << input_size << ": worst box error " << worst_box
            << " px, worst score error " << worst_score << "\n";
}

class TinyDetectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_MODELS();
    detector_ = std::make_unique<TinyDetector>(facecheck::testing::models_dir());
  }
  std::unique_ptr<TinyDetector> detector_;
};

}  // namespace

TEST_F(TinyDetectorTest, MatchesFaceApiOnFacesJpg) {
  REQUIRE_DATA();
  const cv::Mat image = cv::imread((conformance_dir() / "images" / "faces.jpg").string());
  ASSERT_FALSE(image.empty());
  const auto expected = load_expected();
  for (const auto& check : expected.at("checks"))
    check_conformance(*detector_, image, expected, check);
}

TEST_F(TinyDetectorTest, ReturnsBestFirstAndClipped) {
  REQUIRE_DATA();
  const cv::Mat full = cv::imread((conformance_dir() / "images" / "faces.jpg").string());
  ASSERT_FALSE(full.empty());
  // Cutting off the left 80 px halves two faces, whose raw boxes then start
  // left of the image.
  const cv::Mat image = full(cv::Rect(80, 0, full.cols - 80, full.rows));
  const auto faces = detector_->detect(image, 416, 0.3f);
  ASSERT_FALSE(faces.empty());
  const cv::Rect2f bounds(0, 0, image.cols, image.rows);
  bool touches_left = false;
  for (size_t i = 0; i < faces.size(); ++i) {
    EXPECT_GT(faces[i].score, 0.3f);
    if (i > 0) {
      EXPECT_GE(faces[i - 1].score, faces[i].score);
    }
    EXPECT_EQ((faces[i].box & bounds), faces[i].box);
    touches_left = touches_left || faces[i].box.x == 0.f;
  }
  EXPECT_TRUE(touches_left);
}

TEST_F(TinyDetectorTest, AcceptsGrayAndBgraAlike) {
  REQUIRE_DATA();
  const cv::Mat bgr = cv::imread((conformance_dir() / "images" / "faces.jpg").string());
  ASSERT_FALSE(bgr.empty());
  cv::Mat gray, gray_bgr, bgra;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  cv::cvtColor(gray, gray_bgr, cv::COLOR_GRAY2BGR);
  cv::cvtColor(bgr, bgra, cv::COLOR_BGR2BGRA);

  const auto from_bgr = detector_->detect(bgr);
  const auto from_bgra = detector_->detect(bgra);
  ASSERT_EQ(from_bgra.size(), from_bgr.size());
  for (size_t i = 0; i < from_bgr.size(); ++i) EXPECT_EQ(from_bgra[i].box, from_bgr[i].box);

  const auto from_gray = detector_->detect(gray);
  const auto from_gray_bgr = detector_->detect(gray_bgr);
  ASSERT_EQ(from_gray.size(), from_gray_bgr.size());
  EXPECT_FALSE(from_gray.empty());
  for (size_t i = 0; i < from_gray.size(); ++i) EXPECT_EQ(from_gray[i].box, from_gray_bgr[i].box);
}

TEST_F(TinyDetectorTest, FindsNoFaceInWhiteImage) {
  REQUIRE_DATA();
  const cv::Mat image = cv::imread((conformance_dir() / "images" / "white.png").string());
  ASSERT_FALSE(image.empty());
  for (int size : {128, 320, 416, 608}) EXPECT_TRUE(detector_->detect(image, size).empty()) << size;
}

TEST_F(TinyDetectorTest, RejectsBadInputSizesAndImages) {
  const cv::Mat image(64, 48, CV_8UC3, cv::Scalar::all(128));
  for (int size : {0, 96, 100, 415, 640, -32})
    EXPECT_THROW(detector_->detect(image, size), std::invalid_argument) << size;
  EXPECT_NO_THROW(detector_->detect(image, 128));
  EXPECT_NO_THROW(detector_->detect(image, 608));
  EXPECT_THROW(detector_->detect(cv::Mat()), std::invalid_argument);
  EXPECT_THROW(detector_->detect(cv::Mat(64, 48, CV_32FC3, cv::Scalar::all(0.5))),
               std::invalid_argument);
  EXPECT_THROW(detector_->detect(cv::Mat(64, 48, CV_8UC2, cv::Scalar::all(0))),
               std::invalid_argument);
}

TEST_F(TinyDetectorTest, IsMovable) {
  TinyDetector moved(std::move(*detector_));
  TinyDetector assigned(facecheck::testing::models_dir());
  assigned = std::move(moved);
  EXPECT_TRUE(assigned.detect(cv::Mat(64, 64, CV_8UC3, cv::Scalar::all(255))).empty());
}
