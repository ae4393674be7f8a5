// The engine's accuracy options (EmbedOptions): flip averaging of the
// embedding, mirror-averaged and refined landmarks.
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "test_support.h"
#include "vision/face_engine.h"
#include "vision/face_landmarker.h"
#include "vision/image_decoder.h"

using namespace facecheck::vision;

namespace {

cv::Mat lfw_photo() {
  return read_image_file(facecheck::testing::data_dir() / "lfw" / "images" / "Abel_Pacheco" /
                         "Abel_Pacheco_0001.jpg");
}

double max_point_distance(const Landmarks& a, const Landmarks& b) {
  double worst = 0;
  for (int i = 0; i < kLandmarkCount; ++i) worst = std::max(worst, cv::norm(a[i] - b[i]));
  return worst;
}

// The photo's face, aligned to the recognition network's chip.
cv::Mat lfw_chip(FaceEngine& engine) {
  const cv::Mat photo = lfw_photo();
  return engine.align(photo, engine.landmarks(photo, engine.detect(photo).at(0).box));
}

cv::Mat mirrored(const cv::Mat& image) {
  cv::Mat out;
  cv::flip(image, out, 1);
  return out;
}

}  // namespace

TEST(MirrorLandmarks, PairingIsAnInvolution) {
  for (int i = 0; i < kLandmarkCount; ++i) {
    ASSERT_GE(kMirroredLandmark[i], 0);
    ASSERT_LT(kMirroredLandmark[i], kLandmarkCount);
    EXPECT_EQ(kMirroredLandmark[kMirroredLandmark[i]], i) << "landmark " << i;
  }
  // Points on the face's midline map to themselves.
  for (int i : {8, 27, 28, 29, 30, 33, 51, 57, 62, 66}) EXPECT_EQ(kMirroredLandmark[i], i);
  EXPECT_EQ(kMirroredLandmark[36], 45);  // outer eye corners
  EXPECT_EQ(kMirroredLandmark[48], 54);  // mouth corners
}

TEST(MirrorLandmarks, MirroringTwiceIsTheIdentity) {
  Landmarks points;
  for (int i = 0; i < kLandmarkCount; ++i) points[i] = {10.f + i, 200.f - 2 * i};
  const Landmarks once = mirror_landmarks(points, 250);
  EXPECT_FLOAT_EQ(once[45].x, 250 - points[36].x);
  EXPECT_FLOAT_EQ(once[45].y, points[36].y);
  EXPECT_LT(max_point_distance(mirror_landmarks(once, 250), points), 1e-4);
}

TEST(BoxFromLandmarks, FramesTheLandmarksLikeADetectorBox) {
  Landmarks points;
  for (int i = 0; i < kLandmarkCount; ++i)
    points[i] = {100.f + 80.f * (i % 9) / 8.f, 120.f + 100.f * (i % 7) / 6.f};
  const cv::Rect2f box = box_from_landmarks(points);
  // Extent 100 (the taller side): a little wider than the points and taller,
  // reaching higher (the forehead) than below the chin.
  EXPECT_NEAR(box.width, 102, 1e-3);
  EXPECT_NEAR(box.height, 122, 1e-3);
  EXPECT_NEAR(box.x + box.width / 2, 140, 1e-3);
  EXPECT_LT(box.y, 120.f);
  EXPECT_GT(box.y + box.height, 220.f - 20.f);
}

TEST(FaceEngine, FlipAveragedEmbeddingIsTheMeanOfChipAndMirror) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  FaceEngine engine(facecheck::testing::models_dir(), kDlibModelId);
  const cv::Mat chip = lfw_chip(engine);
  const Embedding plain = engine.embed_chip(chip);
  const Embedding mirror = engine.embed_chip(mirrored(chip));
  const Embedding averaged = engine.embed_chip(chip, EmbedOptions{});
  for (size_t i = 0; i < plain.size(); ++i)
    EXPECT_NEAR(averaged[i], (plain[i] + mirror[i]) / 2, 1e-5) << i;
  // Halfway between the two: each is as far from the mean as the other.
  const float half = embedding_distance(plain, mirror) / 2;
  EXPECT_NEAR(embedding_distance(averaged, plain), half, 1e-4);
  EXPECT_NEAR(embedding_distance(averaged, mirror), half, 1e-4);
  // The mirror of a chip gives the same averaged embedding.
  const Embedding of_mirror = engine.embed_chip(mirrored(chip), EmbedOptions{});
  EXPECT_LT(embedding_distance(averaged, of_mirror), 1e-4);
  // Off, it is a single pass.
  const Embedding single = engine.embed_chip(chip, EmbedOptions::fastest());
  EXPECT_LT(embedding_distance(single, plain), 1e-6);
}

TEST(FaceEngine, JitteredEmbeddingAveragesSmallWarpsOfTheChip) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  FaceEngine engine(facecheck::testing::models_dir(), kDlibModelId);
  const cv::Mat chip = lfw_chip(engine);
  EmbedOptions jitter = EmbedOptions::fastest();
  jitter.jitter = 8;
  const Embedding plain = engine.embed_chip(chip);
  const Embedding jittered = engine.embed_chip(chip, jitter);
  // The same face, moved a little: near the plain embedding (well inside the
  // match threshold) but not equal to it, and the same on every call.
  const float moved = embedding_distance(plain, jittered);
  EXPECT_GT(moved, 1e-3f);
  EXPECT_LT(moved, 0.15f);
  EXPECT_LT(embedding_distance(jittered, engine.embed_chip(chip, jitter)), 1e-6f);
  // There are 8 distinct warps: asking for more uses each once.
  EmbedOptions more = jitter;
  more.jitter = 100;
  EXPECT_LT(embedding_distance(jittered, engine.embed_chip(chip, more)), 1e-6f);
  // With flip_average, each view's mirror joins the mean: it moves towards
  // the flip-averaged embedding.
  jitter.flip_average = true;
  const Embedding both = engine.embed_chip(chip, jitter);
  const Embedding flipped = engine.embed_chip(chip, EmbedOptions{});
  EXPECT_LT(embedding_distance(both, flipped), embedding_distance(jittered, flipped));
}

TEST(FaceEngine, MirrorAveragedLandmarksAreMirrorSymmetric) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  FaceLandmarker landmarker(facecheck::testing::models_dir());
  const cv::Mat photo = lfw_photo();
  const cv::Rect2f box(70, 65, 110, 130);  // whole pixels: the mirrored crop is exact
  const cv::Rect2f mirror_box(photo.cols - box.x - box.width, box.y, box.width, box.height);
  const Landmarks direct = landmarker.locate_mirror_averaged(photo, box);
  const Landmarks of_mirror = landmarker.locate_mirror_averaged(mirrored(photo), mirror_box);
  EXPECT_LT(max_point_distance(mirror_landmarks(of_mirror, float(photo.cols)), direct), 1e-3);
  // And they stay close to a single pass (the net is nearly symmetric).
  EXPECT_LT(max_point_distance(direct, landmarker.locate(photo, box)), 6.0);
}

TEST(FaceEngine, RefinedLandmarksDependLessOnTheDetectorBox) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  FaceEngine engine(facecheck::testing::models_dir(), kDlibModelId);
  const cv::Mat photo = lfw_photo();
  const cv::Rect2f box = engine.detect(photo).at(0).box;
  EmbedOptions refine = EmbedOptions::fastest();
  refine.refine_landmarks = true;
  // Boxes that a detector could have returned for the same face.
  double raw_spread = 0, refined_spread = 0;
  const Landmarks raw0 = engine.landmarks(photo, box);
  const Landmarks refined0 = engine.landmarks(photo, box, refine);
  for (const cv::Point2f shift : {cv::Point2f(4, 0), cv::Point2f(-4, 3), cv::Point2f(0, -5)}) {
    cv::Rect2f moved = box;
    moved.x += shift.x, moved.y += shift.y;
    moved.width *= 1.05f;
    raw_spread += max_point_distance(engine.landmarks(photo, moved), raw0);
    refined_spread += max_point_distance(engine.landmarks(photo, moved, refine), refined0);
  }
  std::printf("[          ] landmark drift over 3 boxes: raw %.2f px, refined %.2f px\n",
              raw_spread / 3, refined_spread / 3);
  EXPECT_LT(refined_spread, raw_spread);
}

// A face filling most of the frame is too big for the tiny detector's 416
// grid; the retry on a coarser grid finds it, and only when the first pass
// found nothing.
TEST(TinyRetry, CoarserGridFindsAFaceThatFillsTheFrame) {
  FaceEngine engine(facecheck::testing::models_dir(), kDlibModelId);
  const cv::Mat photo = read_image_file(facecheck::testing::data_dir() / "lfw" / "images" /
                                        "Hugo_Chavez" / "Hugo_Chavez_0002.jpg");
  DetectOptions once{DetectorKind::Tiny, 416, 0.4f};
  EXPECT_TRUE(engine.detect(photo, once).empty()) << "the photo no longer shows the miss";
  DetectOptions with_retry = once;
  with_retry.retry_input_size = 320;
  const auto faces = engine.detect(photo, with_retry);
  ASSERT_EQ(faces.size(), 1u);
  const cv::Rect2f box = faces[0].box;
  EXPECT_TRUE(box.contains({125.f, 125.f})) << "the face is in the middle of the photo";

  // A photo where 416 already finds the face is not looked at twice: the
  // answer is exactly the single pass's.
  const auto first = engine.detect(lfw_photo(), once);
  ASSERT_EQ(first.size(), 1u);
  const auto again = engine.detect(lfw_photo(), with_retry);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].box, first[0].box);
}

// A false detection (a 31 px box on the background of an LFW photo): the
// refinement pass used to shrink its box to a dot and collapse all 68 points,
// and the alignment error sank the whole photo, real face included.
TEST(FaceEngine, FalseDetectionDoesNotSinkTheFrame) {
  FaceEngine engine(facecheck::testing::models_dir(), kDlibModelId);
  const cv::Mat photo = read_image_file(facecheck::testing::data_dir() / "lfw" / "images" /
                                        "Paul_Bremer" / "Paul_Bremer_0002.jpg");
  const cv::Rect2f background(204.0f, 106.6f, 30.9f, 33.0f);
  // What is left of its landmarks cannot be aligned; that is the signal.
  const Landmarks points = engine.landmarks(photo, background, EmbedOptions{});
  EXPECT_THROW(engine.align(photo, points), std::invalid_argument);

  const DetectOptions kiosk{DetectorKind::Tiny, 416, 0.4f, 320};
  std::vector<FaceAnalysis> faces;
  ASSERT_NO_THROW(faces = engine.analyze(photo, kiosk, {}, EmbedOptions{}));
  ASSERT_FALSE(faces.empty());
  EXPECT_GT(faces[0].detection.box.width, 90.f) << "the real face, largest first";
}
