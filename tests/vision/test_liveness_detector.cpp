// The passive liveness detector (faceplugin fr_liveness.onnx) on real live
// and attack photos (../shared/data/spoof) and real video frames.
#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "test_support.h"
#include "vision/face_engine.h"
#include "vision/image_decoder.h"
#include "vision/liveness_detector.h"
#include "vision/model_error.h"

using namespace facecheck::vision;
namespace fs = std::filesystem;

namespace {

FaceEngine& engine() {
  static FaceEngine e(facecheck::testing::models_dir());
  return e;
}

LivenessDetector& detector() {
  static auto d = LivenessDetector::create(facecheck::testing::models_dir());
  return *d;
}

// Live probability of the largest face; -1 when no face is found.
float live_score(const cv::Mat& image) {
  const auto faces = engine().detect(image);
  const auto largest = largest_face(faces);
  return largest ? detector().live_probability(image, faces[*largest].box) : -1.f;
}

float spoof_photo_score(const std::string& rel) {
  return live_score(read_image_file(facecheck::testing::data_dir() / "spoof" / rel));
}

}  // namespace

TEST(LivenessCrop, IsTheScaledBoxAroundItsCentreInsideTheFrame) {
  const cv::Rect crop = liveness_crop({100, 100, 50, 50}, {640, 480}, 2.f);
  EXPECT_EQ(crop, cv::Rect(75, 75, 100, 100));
}

TEST(LivenessCrop, ShiftsToStayInsideTheFrame) {
  const cv::Rect crop = liveness_crop({0, 0, 50, 50}, {640, 480}, 2.f);
  EXPECT_EQ(crop, cv::Rect(0, 0, 100, 100));
  const cv::Rect right = liveness_crop({600, 440, 40, 40}, {640, 480}, 2.f);
  EXPECT_EQ(right.br().x, 639);
  EXPECT_EQ(right.br().y, 479);
}

TEST(LivenessCrop, ShrinksWhenTheFrameIsSmallerThanTheCrop) {
  // A face filling most of the frame: the crop can only be the frame.
  const cv::Rect crop = liveness_crop({20, 20, 200, 200}, {240, 240}, 2.7f);
  EXPECT_LE(crop.width, 240);
  EXPECT_LE(crop.height, 240);
  EXPECT_GE(crop.width, 230);
}

TEST(LivenessCrop, IsEmptyForABoxOutsideTheFrame) {
  EXPECT_TRUE(liveness_crop({700, 10, 50, 50}, {640, 480}, 2.7f).empty());
  EXPECT_TRUE(liveness_crop({10, 10, 0, 50}, {640, 480}, 2.7f).empty());
}

TEST(LivenessDetector, MissingModelIsAModelError) {
  EXPECT_THROW(LivenessDetector::create(fs::temp_directory_path() / "no-such-models"), ModelError);
}

TEST(LivenessDetector, RejectsAnEmptyImageAndABoxOutsideIt) {
  REQUIRE_MODELS();
  EXPECT_THROW(detector().live_probability(cv::Mat(), {0, 0, 10, 10}), std::invalid_argument);
  const cv::Mat grey(100, 100, CV_8UC1, cv::Scalar(128));
  EXPECT_THROW(detector().live_probability(grey, {200, 200, 10, 10}), std::invalid_argument);
  const float p = detector().live_probability(grey, {30, 30, 40, 40});  // gray is converted
  EXPECT_GE(p, 0.f);
  EXPECT_LE(p, 1.f);
}

// NUAA photographed each subject live and then a print of them: the same
// person, camera and room, so only the presentation differs.
TEST(LivenessDetector, ScoresNuaaPrintsBelowTheSameSubjectsLiveFaces) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  int pairs = 0, ordered = 0, prints_rejected = 0, lives_accepted = 0;
  for (const std::string subject : {"0001", "0003", "0005", "0007", "0009", "0011"}) {
    std::string live, print;
    for (const auto& f : fs::directory_iterator(facecheck::testing::data_dir() / "spoof/nuaa/live"))
      if (f.path().filename().string().rfind(subject, 0) == 0) live = f.path().filename();
    for (const auto& f :
         fs::directory_iterator(facecheck::testing::data_dir() / "spoof/nuaa/print"))
      if (f.path().filename().string().rfind(subject, 0) == 0) print = f.path().filename();
    ASSERT_FALSE(live.empty() || print.empty()) << subject;
    const float l = spoof_photo_score("nuaa/live/" + live);
    const float p = spoof_photo_score("nuaa/print/" + print);
    if (l < 0 || p < 0) continue;
    ++pairs;
    ordered += l > p;
    prints_rejected += p < kDefaultLiveThreshold;
    lives_accepted += l >= kDefaultLiveThreshold;
  }
  ASSERT_GE(pairs, 5);
  EXPECT_EQ(ordered, pairs);
  EXPECT_EQ(prints_rejected, pairs);
  EXPECT_EQ(lives_accepted, pairs);
}

// A real webcam-style clip (no attack in it): at the default threshold the
// detector must not reject the person in front of the camera.
TEST(LivenessDetector, AcceptsFramesOfALiveWebcamVideo) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  cv::VideoCapture video(
      (facecheck::testing::data_dir() / "video/actions/liveportrait_d9.mp4").string());
  ASSERT_TRUE(video.isOpened());
  cv::Mat frame;
  int scored = 0, accepted = 0;
  for (int n = 0; video.read(frame); ++n) {
    if (n % 60) continue;
    const float s = live_score(frame);
    if (s < 0) continue;
    ++scored;
    accepted += s >= kDefaultLiveThreshold;
  }
  ASSERT_GE(scored, 8);
  EXPECT_EQ(accepted, scored);
}
