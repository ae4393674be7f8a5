#include <cmath>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <regex>
#include <stdexcept>

#include "test_support.h"
#include "vision/face_aligner.h"
#include "vision/face_quality.h"

using namespace facecheck::vision;
namespace fs = std::filesystem;

namespace {

// Faces from dlib's PASCAL VOC annotations, 68 points by dlib's predictor.
struct AnnotatedFace {
  fs::path image;
  cv::Rect box;
  Landmarks landmarks{};
};

std::vector<AnnotatedFace> load_dlib_faces() {
  const fs::path dir = facecheck::testing::data_dir() / "faces" / "dlib" / "faces";
  const std::regex image_re(R"(<image file='([^']+)')");
  const std::regex box_re(R"(<box top='(-?\d+)' left='(-?\d+)' width='(\d+)' height='(\d+)')");
  const std::regex part_re(R"(<part name='(\d+)' x='(-?\d+)' y='(-?\d+)')");
  std::vector<AnnotatedFace> faces;
  for (const char* xml : {"training_with_face_landmarks.xml", "testing_with_face_landmarks.xml"}) {
    std::ifstream in(dir / xml);
    fs::path image;
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (std::regex_search(line, m, image_re)) {
        image = dir / m[1].str();
      } else if (std::regex_search(line, m, box_re)) {
        faces.push_back(
            {image, cv::Rect(std::stoi(m[2]), std::stoi(m[1]), std::stoi(m[3]), std::stoi(m[4]))});
      } else if (std::regex_search(line, m, part_re) && !faces.empty()) {
        faces.back().landmarks.at(std::stoi(m[1])) = cv::Point2f(std::stof(m[2]), std::stof(m[3]));
      }
    }
  }
  return faces;
}

// LFW's Giuseppe_Morchio_0001.jpg (250x250): a frontal, evenly lit news
// photo. Box from the SSD detector; landmarks located by face-api's 68-point
// net (the project's landmarker) and checked by eye.
const char* const kLfwPhoto = "lfw/images/Giuseppe_Morchio/Giuseppe_Morchio_0001.jpg";
const cv::Rect2f kLfwBox(77.6f, 69.3f, 98.3f, 115.6f);
const Landmarks kLfwLandmarks = {
    {{73.7, 116.8},  {75.2, 130.5},  {77.2, 143.2},  {79.6, 154.1},  {83.4, 166.0},  {90.0, 174.2},
     {98.2, 178.8},  {108.6, 183.4}, {124.9, 186.5}, {140.8, 183.1}, {151.4, 178.8}, {159.4, 173.7},
     {166.6, 164.4}, {171.1, 152.7}, {172.9, 141.2}, {175.2, 128.6}, {175.9, 115.2}, {84.8, 102.1},
     {90.6, 98.0},   {97.7, 96.4},   {104.5, 96.3},  {110.7, 98.0},  {136.2, 98.2},  {142.1, 96.5},
     {148.8, 95.9},  {156.7, 97.7},  {162.7, 101.1}, {123.6, 111.0}, {123.6, 118.9}, {123.5, 126.4},
     {123.1, 133.6}, {116.1, 139.8}, {119.4, 140.9}, {123.4, 141.6}, {128.0, 140.6}, {131.4, 140.0},
     {94.5, 110.7},  {98.8, 108.8},  {104.7, 108.5}, {110.5, 111.3}, {105.9, 113.4}, {99.4, 113.2},
     {136.5, 110.8}, {142.0, 107.6}, {148.2, 107.8}, {152.7, 110.6}, {148.1, 112.9}, {141.6, 112.3},
     {107.2, 158.7}, {112.6, 154.1}, {119.7, 150.9}, {123.5, 151.6}, {127.0, 150.7}, {134.7, 154.4},
     {140.8, 158.8}, {134.9, 163.0}, {129.7, 165.7}, {123.7, 166.4}, {118.1, 165.7}, {112.5, 163.6},
     {107.8, 158.6}, {118.1, 155.7}, {123.4, 155.6}, {128.7, 156.0}, {139.5, 158.6}, {129.1, 159.6},
     {123.9, 160.3}, {118.5, 160.0}}};

cv::Mat lfw_photo() { return cv::imread((facecheck::testing::data_dir() / kLfwPhoto).string()); }

Landmarks transformed(const Landmarks& lm, const cv::Matx23d& m) {
  Landmarks out;
  for (int i = 0; i < kLandmarkCount; ++i)
    out[i] = cv::Point2f(static_cast<float>(m(0, 0) * lm[i].x + m(0, 1) * lm[i].y + m(0, 2)),
                         static_cast<float>(m(1, 0) * lm[i].x + m(1, 1) * lm[i].y + m(1, 2)));
  return out;
}

// The same face seen in a mirror: x flips and left/right landmarks swap.
Landmarks mirrored(const Landmarks& lm) {
  static const int kMirror[kLandmarkCount] = {
      16, 15, 14, 13, 12, 11, 10, 9,  8,  7,  6,  5,  4,  3,  2,  1,  0,  26, 25, 24, 23, 22, 21,
      20, 19, 18, 17, 27, 28, 29, 30, 35, 34, 33, 32, 31, 45, 44, 43, 42, 47, 46, 39, 38, 37, 36,
      41, 40, 54, 53, 52, 51, 50, 49, 48, 59, 58, 57, 56, 55, 64, 63, 62, 61, 60, 67, 66, 65};
  Landmarks out;
  for (int i = 0; i < kLandmarkCount; ++i)
    out[i] = cv::Point2f(1000.f - lm[kMirror[i]].x, lm[kMirror[i]].y);
  return out;
}

double angle_diff(double a, double b) { return std::remainder(a - b, 360.0); }

using Codes = std::vector<std::string>;

}  // namespace

TEST(HeadPose, DlibMeanFaceLooksStraightAhead) {
  Landmarks lm{};
  for (int i = kTemplateFirstLandmark; i < kLandmarkCount; ++i)
    lm[i] = kDlibMeanFace[i - kTemplateFirstLandmark] * 120 + cv::Point2d(40, 60);
  const HeadPose p = estimate_head_pose(lm);
  EXPECT_NEAR(p.yaw, 0, 0.5);
  EXPECT_NEAR(p.pitch, 0, 0.5);
  EXPECT_NEAR(p.roll, 0, 0.5);
}

TEST(HeadPose, RollFollowsInPlaneRotation) {
  REQUIRE_DATA();
  const auto faces = load_dlib_faces();
  ASSERT_EQ(faces.size(), 43u);
  for (const auto& f : faces) {
    const HeadPose base = estimate_head_pose(f.landmarks);
    for (double angle : {-40.0, -12.0, 7.0, 33.0}) {
      // Positive angles turn the picture clockwise on screen (y points down).
      const double a = angle * CV_PI / 180;
      const cv::Matx23d r(std::cos(a), -std::sin(a), 250, std::sin(a), std::cos(a), -80);
      const HeadPose p = estimate_head_pose(transformed(f.landmarks, r));
      EXPECT_NEAR(angle_diff(p.roll, base.roll), angle, 0.25) << f.image << " " << angle;
      EXPECT_NEAR(p.yaw, base.yaw, 0.25) << f.image << " " << angle;
      EXPECT_NEAR(p.pitch, base.pitch, 0.25) << f.image << " " << angle;
    }
  }
}

TEST(HeadPose, YawAndRollFlipForMirroredFace) {
  REQUIRE_DATA();
  const auto faces = load_dlib_faces();
  ASSERT_EQ(faces.size(), 43u);
  int turned = 0;
  for (const auto& f : faces) {
    const HeadPose p = estimate_head_pose(f.landmarks);
    const HeadPose m = estimate_head_pose(mirrored(f.landmarks));
    // The model is symmetric, so only the solver's tolerance remains.
    EXPECT_NEAR(m.yaw, -p.yaw, 0.25) << f.image;
    EXPECT_NEAR(m.roll, -p.roll, 0.25) << f.image;
    EXPECT_NEAR(m.pitch, p.pitch, 0.25) << f.image;
    turned += std::abs(p.yaw) > 15;
  }
  EXPECT_GE(turned, 10);  // the sign flip was tested on clearly turned faces
}

TEST(HeadPose, SignsFollowTheDocumentedConvention) {
  REQUIRE_DATA();
  const auto faces = load_dlib_faces();
  ASSERT_EQ(faces.size(), 43u);
  // In 2007_007763.jpg the man at (381, 89) looks far to his right (the
  // image's left), his nose pointing past his cheek: yaw clearly negative.
  const auto& turned = faces[2];
  ASSERT_EQ(turned.box, cv::Rect(381, 89, 45, 44));
  EXPECT_LT(estimate_head_pose(turned.landmarks).yaw, -30);
  EXPECT_GT(estimate_head_pose(mirrored(turned.landmarks)).yaw, 30);
  // In 2008_002506.jpg the man on the left throws his head back, chin up.
  const auto& up = faces[26];
  ASSERT_EQ(up.box, cv::Rect(125, 65, 90, 91));
  EXPECT_GT(estimate_head_pose(up.landmarks).pitch, 15);
  // The LFW portrait faces the camera.
  const HeadPose lfw = estimate_head_pose(kLfwLandmarks);
  EXPECT_LT(std::abs(lfw.yaw), 10);
  EXPECT_LT(std::abs(lfw.pitch), 10);
  EXPECT_LT(std::abs(lfw.roll), 5);
}

TEST(FaceQuality, LfwPhotoPasses) {
  REQUIRE_DATA();
  const cv::Mat image = lfw_photo();
  ASSERT_FALSE(image.empty());
  const FaceQuality q = assess_face_quality(image, kLfwBox, kLfwLandmarks);
  EXPECT_TRUE(q.acceptable()) << (q.reasons.empty() ? "" : q.reasons.front());
  EXPECT_TRUE(q.reasons.empty());
  EXPECT_NEAR(q.face_px, 100, 10);  // about the detector box's width
  EXPECT_GT(q.sharpness, 3 * QualityThresholds{}.min_sharpness);
  EXPECT_GT(q.brightness, 90);
  EXPECT_LT(q.brightness, 150);
  // Gray input measures the same as colour.
  cv::Mat gray;
  cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  EXPECT_NEAR(assess_face_quality(gray, kLfwBox, kLfwLandmarks).brightness, q.brightness, 1.0);
}

TEST(FaceQuality, StrongBlurIsBlurry) {
  REQUIRE_DATA();
  cv::Mat blurred;
  cv::GaussianBlur(lfw_photo(), blurred, cv::Size(), 3.0);
  const FaceQuality q = assess_face_quality(blurred, kLfwBox, kLfwLandmarks);
  EXPECT_EQ(q.problems, Codes{"blurry"});
  ASSERT_EQ(q.reasons.size(), 1u);
  EXPECT_NE(q.reasons[0].find("blurry"), std::string::npos) << q.reasons[0];
}

TEST(FaceQuality, DarkenedPhotoIsTooDarkNotBlurry) {
  REQUIRE_DATA();
  cv::Mat dark;
  lfw_photo().convertTo(dark, -1, 0.15);
  const FaceQuality q = assess_face_quality(dark, kLfwBox, kLfwLandmarks);
  EXPECT_EQ(q.problems, Codes{"too_dark"});
  ASSERT_EQ(q.reasons.size(), 1u);
  EXPECT_NE(q.reasons[0].find("dark"), std::string::npos) << q.reasons[0];
}

TEST(FaceQuality, OverexposedPhotoIsTooBright) {
  REQUIRE_DATA();
  cv::Mat bright;
  lfw_photo().convertTo(bright, -1, 2.5);
  const FaceQuality q = assess_face_quality(bright, kLfwBox, kLfwLandmarks);
  ASSERT_FALSE(q.problems.empty());
  EXPECT_NE(std::find(q.problems.begin(), q.problems.end(), "too_bright"), q.problems.end());
}

TEST(FaceQuality, DistantFaceIsTooSmall) {
  REQUIRE_DATA();
  cv::Mat small;
  cv::resize(lfw_photo(), small, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
  // Pixel centres: x_small = (x + 0.5) * 0.5 - 0.5.
  const Landmarks lm = transformed(kLfwLandmarks, cv::Matx23d(0.5, 0, -0.25, 0, 0.5, -0.25));
  const cv::Rect2f box(kLfwBox.x / 2, kLfwBox.y / 2, kLfwBox.width / 2, kLfwBox.height / 2);
  const FaceQuality q = assess_face_quality(small, box, lm);
  ASSERT_FALSE(q.problems.empty());
  EXPECT_EQ(q.problems.front(), "too_small");
  EXPECT_NEAR(q.face_px, 50, 6);
  EXPECT_NE(q.reasons.front().find(std::to_string(std::lround(q.face_px)) + " px"),
            std::string::npos)
      << q.reasons.front();
}

TEST(FaceQuality, TurnedFaceIsTurnedAway) {
  REQUIRE_DATA();
  const auto faces = load_dlib_faces();
  ASSERT_EQ(faces.size(), 43u);
  const auto& f = faces[2];  // yaw about -47 degrees, see above
  const FaceQuality q = assess_face_quality(cv::imread(f.image.string()), f.box, f.landmarks);
  EXPECT_NE(std::find(q.problems.begin(), q.problems.end(), "turned_away"), q.problems.end());
  // Small (a 45 px box) as well; every problem has its own reason.
  EXPECT_NE(std::find(q.problems.begin(), q.problems.end(), "too_small"), q.problems.end());
  EXPECT_EQ(q.reasons.size(), q.problems.size());
}

TEST(FaceQuality, TiltedHeadIsTiltedOnly) {
  REQUIRE_DATA();
  const cv::Mat image = lfw_photo();
  // Turn the photo 40 degrees about the face, on a canvas big enough to keep it.
  cv::Matx23d r = cv::getRotationMatrix2D(cv::Point2f(125, 140), -40, 1.0);
  r(0, 2) += 50;
  r(1, 2) += 50;
  cv::Mat tilted;
  cv::warpAffine(image, tilted, r, cv::Size(350, 350), cv::INTER_CUBIC, cv::BORDER_REPLICATE);
  const Landmarks lm = transformed(kLfwLandmarks, r);
  const FaceQuality q = assess_face_quality(tilted, cv::Rect2f(), lm);
  EXPECT_EQ(q.problems, Codes{"tilted"});
  EXPECT_GT(q.pose.roll, 35);  // clockwise on screen
  EXPECT_LT(q.pose.roll, 45);
}

TEST(FaceQuality, FaceRunningOffThePictureIsOutOfFrame) {
  REQUIRE_DATA();
  // Keep only the right half of the photo: the face is cut through the nose.
  const cv::Mat half = lfw_photo()(cv::Rect(125, 0, 125, 250)).clone();
  const Landmarks lm = transformed(kLfwLandmarks, cv::Matx23d(1, 0, -125, 0, 1, 0));
  const cv::Rect2f box(kLfwBox.x - 125, kLfwBox.y, kLfwBox.width, kLfwBox.height);
  const FaceQuality q = assess_face_quality(half, box, lm);
  EXPECT_NE(std::find(q.problems.begin(), q.problems.end(), "out_of_frame"), q.problems.end());
}

TEST(FaceQuality, SharpnessAndBrightnessDoNotDependOnResolutionOrExposure) {
  REQUIRE_DATA();
  const cv::Mat image = lfw_photo();
  const FaceQuality base = assess_face_quality(image, kLfwBox, kLfwLandmarks);
  // The same photo at 4x the pixels (as from a better camera).
  cv::Mat big;
  cv::resize(image, big, cv::Size(), 4, 4, cv::INTER_CUBIC);
  const Landmarks lm = transformed(kLfwLandmarks, cv::Matx23d(4, 0, 1.5, 0, 4, 1.5));
  const FaceQuality q = assess_face_quality(big, kLfwBox, lm);
  EXPECT_NEAR(q.face_px, 4 * base.face_px, 0.5);
  EXPECT_NEAR(q.sharpness, base.sharpness, 0.35 * base.sharpness);
  EXPECT_NEAR(q.brightness, base.brightness, 2);
  // Half the light: darker, but no blurrier.
  cv::Mat dim;
  image.convertTo(dim, -1, 0.5);
  const FaceQuality d = assess_face_quality(dim, kLfwBox, kLfwLandmarks);
  EXPECT_NEAR(d.brightness, base.brightness / 2, 2);
  EXPECT_NEAR(d.sharpness, base.sharpness, 0.2 * base.sharpness);
}

TEST(FaceQuality, RejectsBadInput) {
  EXPECT_THROW(assess_face_quality(cv::Mat(), {}, kLfwLandmarks), std::invalid_argument);
  EXPECT_THROW(assess_face_quality(cv::Mat(250, 250, CV_16UC1), {}, kLfwLandmarks),
               std::invalid_argument);
  EXPECT_THROW(assess_face_quality(cv::Mat(250, 250, CV_8UC1), {}, Landmarks{}),
               std::invalid_argument);
  EXPECT_THROW(estimate_head_pose(Landmarks{}), std::invalid_argument);
}
