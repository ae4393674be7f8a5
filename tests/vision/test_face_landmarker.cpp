#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_support.h"
#include "vision/face_landmarker.h"

using namespace facecheck::vision;
namespace fs = std::filesystem;

namespace {

// face-api.js accepts each point within 3 px of its reference output.
constexpr double kTolerancePx = 3.0;

fs::path conformance_dir() { return facecheck::testing::data_dir() / "conformance" / "face-api"; }

cv::Mat read_image(const std::string& name) {
  const auto path = conformance_dir() / "images" / name;
  // Unchanged, so the gray PNGs also exercise the 1-channel input path.
  cv::Mat m = cv::imread(path.string(), cv::IMREAD_UNCHANGED);
  if (m.empty()) throw std::runtime_error("cannot read " + path.string());
  return m;
}

std::vector<cv::Point2f> read_expected(const std::string& name) {
  std::ifstream in(conformance_dir() / "expected" / name);
  const auto j = nlohmann::json::parse(in);
  std::vector<cv::Point2f> points;
  for (const auto& p : j) points.emplace_back(p.at("x").get<float>(), p.at("y").get<float>());
  return points;
}

double max_error(const Landmarks& got, const std::vector<cv::Point2f>& expected,
                 cv::Point2f offset = {}) {
  double worst = 0;
  for (size_t i = 0; i < expected.size(); ++i)
    worst = std::max(worst, cv::norm(got[i] - (expected[i] + offset)));
  return worst;
}

void check_conformance(const std::string& image, const std::string& expected_json) {
  FaceLandmarker landmarker(facecheck::testing::models_dir());
  const auto expected = read_expected(expected_json);
  ASSERT_EQ(expected.size(), static_cast<size_t>(kLandmarkCount));
  const double err = max_error(landmarker.locate(read_image(image)), expected);
  std::printf("[          ] %s: max point error %.3f px\n", image.c_str(), err);
  EXPECT_LT(err, kTolerancePx);
}

}  // namespace

TEST(FaceLandmarker, MatchesFaceApiOnFace1) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  check_conformance("face1.png", "faceLandmarkPositions1.json");
}

TEST(FaceLandmarker, MatchesFaceApiOnFace2) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  check_conformance("face2.png", "faceLandmarkPositions2.json");
}

TEST(FaceLandmarker, MatchesFaceApiOnRectangularFace) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  check_conformance("face_rectangular.png", "faceLandmarkPositionsRect.json");
}

TEST(FaceLandmarker, BoxVariantReturnsImagePixels) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  FaceLandmarker landmarker(facecheck::testing::models_dir());
  cv::Mat face;
  cv::cvtColor(read_image("face1.png"), face, cv::COLOR_GRAY2BGR);
  cv::Mat canvas(400, 500, CV_8UC3, cv::Scalar(40, 90, 160));
  const cv::Point offset(170, 95);
  face.copyTo(canvas(cv::Rect(offset, face.size())));
  const cv::Rect2f box(cv::Point2f(offset), cv::Size2f(face.size()));
  const double err = max_error(landmarker.locate(canvas, box),
                               read_expected("faceLandmarkPositions1.json"), cv::Point2f(offset));
  std::printf("[          ] face1.png in a canvas: max point error %.3f px\n", err);
  EXPECT_LT(err, kTolerancePx);
}

TEST(FaceLandmarker, AcceptsBgraInput) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  FaceLandmarker landmarker(facecheck::testing::models_dir());
  cv::Mat bgra;
  cv::cvtColor(read_image("face_rectangular.png"), bgra, cv::COLOR_BGR2BGRA);
  EXPECT_LT(max_error(landmarker.locate(bgra), read_expected("faceLandmarkPositionsRect.json")),
            kTolerancePx);
}

TEST(FaceLandmarker, RejectsEmptyImagesAndBoxes) {
  REQUIRE_MODELS();
  FaceLandmarker landmarker(facecheck::testing::models_dir());
  const cv::Mat image(100, 100, CV_8UC3, cv::Scalar::all(128));
  EXPECT_THROW(landmarker.locate(cv::Mat()), std::invalid_argument);
  EXPECT_THROW(landmarker.locate(cv::Mat(), cv::Rect2f(0, 0, 10, 10)), std::invalid_argument);
  EXPECT_THROW(landmarker.locate(image, cv::Rect2f(200, 200, 50, 50)), std::invalid_argument);
  EXPECT_THROW(landmarker.locate(image, cv::Rect2f(10, 10, 0, 0)), std::invalid_argument);
  EXPECT_THROW(landmarker.locate(cv::Mat(10, 10, CV_32FC3)), std::invalid_argument);
}

TEST(FaceLandmarker, ClipsBoxToImage) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  FaceLandmarker landmarker(facecheck::testing::models_dir());
  cv::Mat face;
  cv::cvtColor(read_image("face1.png"), face, cv::COLOR_GRAY2BGR);
  // The face touches the canvas's left edge; the box sticks out of it by 30
  // px, so after clipping it is exactly the pasted face again.
  cv::Mat canvas(300, 250, CV_8UC3, cv::Scalar(200, 200, 200));
  const cv::Point offset(0, 20);
  face.copyTo(canvas(cv::Rect(offset, face.size())));
  const cv::Rect2f box(-30.f, 20.f, 180.f, 150.f);
  const double err = max_error(landmarker.locate(canvas, box),
                               read_expected("faceLandmarkPositions1.json"), cv::Point2f(offset));
  EXPECT_LT(err, kTolerancePx);
}

TEST(FaceLandmarker, StillWorksAfterMove) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  FaceLandmarker first(facecheck::testing::models_dir());
  FaceLandmarker second = std::move(first);
  first = std::move(second);
  EXPECT_LT(max_error(first.locate(read_image("face2.png")),
                      read_expected("faceLandmarkPositions2.json")),
            kTolerancePx);
}
