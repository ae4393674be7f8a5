// The ArcFace recognizer (faceplugin fr_feature.onnx) and its five-point
// alignment, on real photos.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <opencv2/imgproc.hpp>

#include "test_support.h"
#include "vision/face_engine.h"
#include "vision/five_point_aligner.h"
#include "vision/image_decoder.h"
#include "vision/model_error.h"
#include "vision/model_store.h"

using namespace facecheck::vision;
namespace fs = std::filesystem;

namespace {

cv::Mat lfw(const std::string& name) {
  return read_image_file(facecheck::testing::data_dir() / "lfw" / "images" / name);
}

#define REQUIRE_ARCFACE()                                                    \
  do {                                                                       \
    REQUIRE_DATA();                                                          \
    REQUIRE_MODELS();                                                        \
    ASSERT_TRUE(fs::exists(facecheck::testing::models_dir() / kArcFaceFile)) \
        << "fr_feature.onnx missing: run scripts/fetch-models.sh";           \
  } while (0)

FaceEngine& engine() {
  static FaceEngine e(facecheck::testing::models_dir(), kArcFaceModelId);
  return e;
}

Embedding embed(const std::string& photo) {
  const auto faces = engine().analyze(lfw(photo));
  EXPECT_FALSE(faces.empty()) << photo;
  return faces.empty() ? Embedding(512, 0.f) : faces.front().embedding;
}

}  // namespace

TEST(ArcFaceRecognizer, EmbedsUnitVectorsOf512) {
  REQUIRE_ARCFACE();
  const auto faces = engine().analyze(lfw("Abel_Pacheco/Abel_Pacheco_0001.jpg"));
  ASSERT_FALSE(faces.empty());
  EXPECT_EQ(faces.front().model, kArcFaceModelId);
  const Embedding& e = faces.front().embedding;
  ASSERT_EQ(e.size(), 512u);
  double n2 = 0;
  for (float v : e) n2 += double(v) * v;
  EXPECT_NEAR(n2, 1.0, 1e-4);
  // A single pass is a unit vector too, and the flip average is near it.
  const auto& card = recognizer_model(kArcFaceModelId);
  const Embedding single = engine().embed_face(lfw("Abel_Pacheco/Abel_Pacheco_0001.jpg"),
                                               faces.front().landmarks, EmbedOptions::fastest());
  EXPECT_LT(cosine_distance(single, e), 0.1f);
  EXPECT_EQ(card.metric, ScoreMetric::Cosine);
}

// Real LFW photos: the same person lands inside the model's 1:1 threshold,
// different people outside it.
TEST(ArcFaceRecognizer, SeparatesPeopleAtItsThreshold) {
  REQUIRE_ARCFACE();
  const float t = recognizer_model(kArcFaceModelId).match_threshold;
  const std::vector<std::pair<std::string, std::string>> same = {
      {"Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg", "Akhmed_Zakayev/Akhmed_Zakayev_0003.jpg"},
      {"Abel_Pacheco/Abel_Pacheco_0001.jpg", "Abel_Pacheco/Abel_Pacheco_0004.jpg"},
  };
  for (const auto& [a, b] : same) {
    const float d = cosine_distance(embed(a), embed(b));
    std::cout << a << " ~ " << b << ": " << d << "\n";
    EXPECT_LT(d, t) << a << " vs " << b;
  }
  const float different = cosine_distance(embed("Abel_Pacheco/Abel_Pacheco_0001.jpg"),
                                          embed("Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg"));
  std::cout << "different people: " << different << "\n";
  EXPECT_GT(different, t);
}

// The chip puts the face's five points where the template wants them.
TEST(FivePointAligner, MapsThePointsOntoTheTemplate) {
  REQUIRE_ARCFACE();
  const cv::Mat photo = lfw("Abel_Pacheco/Abel_Pacheco_0001.jpg");
  const auto faces = engine().analyze(photo);
  ASSERT_FALSE(faces.empty());
  const FivePoints p = five_points_from_68(faces.front().landmarks);
  EXPECT_LT(p[0].x, p[1].x) << "left eye of the image comes first";
  const cv::Mat m = FivePointAligner().transform(p);
  const cv::Point2f eye_template[] = {{38.29f, 51.70f}, {73.53f, 51.50f}};
  for (int i = 0; i < 2; ++i) {
    const cv::Point2f q(
        float(m.at<double>(0, 0) * p[i].x + m.at<double>(0, 1) * p[i].y + m.at<double>(0, 2)),
        float(m.at<double>(1, 0) * p[i].x + m.at<double>(1, 1) * p[i].y + m.at<double>(1, 2)));
    EXPECT_LT(cv::norm(q - eye_template[i]), 4.0) << "eye " << i;
  }
  const cv::Mat chip = FivePointAligner().align(photo, p);
  EXPECT_EQ(chip.size(), cv::Size(112, 112));
}

// A face far larger than the chip is shrunk with area averaging first: the
// embedding of an 8x upscaled photo stays that of the original.
TEST(FivePointAligner, LargeFacesEmbedLikeSmallOnes) {
  REQUIRE_ARCFACE();
  const cv::Mat photo = lfw("Abel_Pacheco/Abel_Pacheco_0001.jpg");
  cv::Mat big;
  cv::resize(photo, big, {}, 8, 8, cv::INTER_CUBIC);
  const auto small_faces = engine().analyze(photo);
  ASSERT_FALSE(small_faces.empty());
  Landmarks scaled = small_faces.front().landmarks;
  for (auto& q : scaled) q = (q + cv::Point2f(0.5f, 0.5f)) * 8.f - cv::Point2f(0.5f, 0.5f);
  const Embedding a = engine().embed_face(photo, small_faces.front().landmarks, {});
  const Embedding b = engine().embed_face(big, scaled, {});
  EXPECT_LT(cosine_distance(a, b), 0.05f);
}

TEST(FivePointAligner, RejectsDegenerateInput) {
  FivePoints same;
  same.fill({10, 10});
  EXPECT_THROW(FivePointAligner().transform(same), std::invalid_argument);
  FivePoints p = {{{30, 50}, {70, 50}, {50, 70}, {35, 90}, {65, 90}}};
  EXPECT_THROW(FivePointAligner().align(cv::Mat(), p), std::invalid_argument);
  p[2].x = NAN;
  EXPECT_THROW(FivePointAligner().transform(p), std::invalid_argument);
}

// A corrupted or missing model file is named, with the fetch command.
TEST(ArcFaceRecognizer, RefusesAMissingOrCorruptModel) {
  REQUIRE_ARCFACE();
  facecheck::testing::TempDir dir("arcface-model");
  try {
    FaceRecognizer::create(kArcFaceModelId, dir.path());
    FAIL() << "no model file, yet it loaded";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("fr_feature.onnx"), std::string::npos) << e.what();
  }
  fs::copy_file(facecheck::testing::models_dir() / kArcFaceFile, dir.path() / kArcFaceFile);
  {
    std::fstream f(dir.path() / kArcFaceFile, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(1000);
    const char byte = static_cast<char>(f.get());
    f.seekp(1000);
    f.put(static_cast<char>(byte ^ 0x5a));  // one flipped byte
  }
  try {
    FaceRecognizer::create(kArcFaceModelId, dir.path());
    FAIL() << "a corrupted model loaded";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("checksum"), std::string::npos) << e.what();
  }
}
