#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <vector>

#include "test_support.h"
#include "vision/face_recognizer.h"
#include "vision/face_types.h"

using namespace facecheck::vision;
namespace fs = std::filesystem;

namespace {

fs::path conformance_dir() { return facecheck::testing::data_dir() / "conformance" / "face-api"; }

cv::Mat load_image(const std::string& name) {
  const fs::path p = conformance_dir() / "images" / name;
  cv::Mat img = cv::imread(p.string(), cv::IMREAD_COLOR);
  if (img.empty()) ADD_FAILURE() << "cannot read " << p;
  return img;
}

Embedding load_expected(const std::string& name) {
  const fs::path p = conformance_dir() / "expected" / name;
  std::ifstream in(p);
  const auto values = nlohmann::json::parse(in).get<std::vector<float>>();
  Embedding e(128, 0.f);
  if (values.size() != e.size()) {
    ADD_FAILURE() << p << " holds " << values.size() << " values";
    return e;
  }
  std::copy(values.begin(), values.end(), e.begin());
  return e;
}

// Building the net takes a while; share one instance across the tests.
FaceRecognizer& recognizer() {
  static const auto r = FaceRecognizer::create(kDlibModelId, facecheck::testing::models_dir());
  return *r;
}

void expect_conformance(const std::string& image, const std::string& expected) {
  const Embedding actual = recognizer().embed(load_image(image));
  const float d = embedding_distance(actual, load_expected(expected));
  std::cout << image << ": distance to face-api's descriptor = " << d << "\n";
  EXPECT_LT(d, 0.1f) << image;  // face-api.js's own tolerance
}

}  // namespace

TEST(FaceRecognizer, MatchesFaceApiOnSquareChips) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  expect_conformance("face1.png", "faceDescriptor1.json");
  expect_conformance("face2.png", "faceDescriptor2.json");
}

// 122x178: exercises padding to a centred square and resizing.
TEST(FaceRecognizer, MatchesFaceApiOnRectangularChip) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  expect_conformance("face_rectangular.png", "faceDescriptorRect.json");
}

TEST(FaceRecognizer, SeparatesDifferentPeople) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  const Embedding a = recognizer().embed(load_image("face1.png"));
  const Embedding b = recognizer().embed(load_image("face2.png"));
  const float d = embedding_distance(a, b);
  std::cout << "face1 vs face2: distance = " << d << "\n";
  EXPECT_GT(d, 0.4f);
}

TEST(FaceRecognizer, AcceptsGrayAndBgraChips) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  // face1.png is stored as gray; reading it unchanged must give the same
  // embedding as reading it as BGR.
  const fs::path p = conformance_dir() / "images" / "face1.png";
  const cv::Mat raw = cv::imread(p.string(), cv::IMREAD_UNCHANGED);
  ASSERT_FALSE(raw.empty());
  cv::Mat bgra;
  cv::cvtColor(load_image("face1.png"), bgra, cv::COLOR_BGR2BGRA);
  const Embedding ref = recognizer().embed(load_image("face1.png"));
  EXPECT_LT(embedding_distance(recognizer().embed(raw), ref), 1e-5f);
  EXPECT_LT(embedding_distance(recognizer().embed(bgra), ref), 1e-5f);
}

TEST(FaceRecognizer, RejectsEmptyImage) {
  REQUIRE_MODELS();
  EXPECT_THROW(recognizer().embed(cv::Mat()), std::invalid_argument);
}

TEST(FaceRecognizer, DescribesItsModel) {
  REQUIRE_MODELS();
  EXPECT_EQ(recognizer().model().id, kDlibModelId);
  EXPECT_EQ(recognizer().model().dimension, 128);
  EXPECT_EQ(recognizer().embed(load_image("face1.png")).size(), 128u);
  EXPECT_THROW(FaceRecognizer::create("no-such-model", facecheck::testing::models_dir()),
               std::invalid_argument);
}

// A batch is the same computation as one pass per chip, chips of any shape
// included (each is squared and resized on its own before batching).
TEST(FaceRecognizer, BatchEqualsOnePassPerChip) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  const cv::Mat a = load_image("face1.png"), b = load_image("face_rectangular.png");
  const auto batch = recognizer().embed_batch({a, b});
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_LT(embedding_distance(batch[0], recognizer().embed(a)), 1e-4f);
  EXPECT_LT(embedding_distance(batch[1], recognizer().embed(b)), 1e-4f);
  EXPECT_GT(embedding_distance(batch[0], batch[1]), 0.1f) << "rows must not be mixed up";
  EXPECT_TRUE(recognizer().embed_batch({}).empty());
}
