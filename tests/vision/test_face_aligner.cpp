#include <algorithm>
#include <cmath>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <regex>
#include <stdexcept>

#include "test_support.h"
#include "vision/face_aligner.h"

using namespace facecheck::vision;
namespace fs = std::filesystem;

namespace {

// A face from dlib's PASCAL VOC annotations: 68 points located by dlib's own
// shape predictor, so they are what get_face_chip_details is fed in dlib.
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

cv::Point2d map_point(const cv::Mat& m, cv::Point2d p) {
  return {m.at<double>(0, 0) * p.x + m.at<double>(0, 1) * p.y + m.at<double>(0, 2),
          m.at<double>(1, 0) * p.x + m.at<double>(1, 1) * p.y + m.at<double>(1, 2)};
}

Landmarks map_landmarks(const cv::Mat& m, const Landmarks& lm) {
  Landmarks out;
  for (int i = 0; i < kLandmarkCount; ++i) out[i] = map_point(m, lm[i]);
  return out;
}

// Where dlib's template puts a unit-square point in a 150 px chip with
// padding 0.25: (padding + m) / (1 + 2 * padding) * size.
cv::Point2d dlib_chip_point(cv::Point2d unit) {
  return (unit + cv::Point2d(0.25, 0.25)) * (150.0 / 1.5);
}

cv::Point2d template_eye(int first) {
  cv::Point2d s;
  for (int i = first; i < first + 6; ++i) s += kDlibMeanFace[i - kTemplateFirstLandmark];
  return s / 6.0;
}

double mean_abs_diff(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat d;
  cv::absdiff(a, b, d);
  const cv::Scalar s = cv::mean(d);
  double total = 0;
  for (int c = 0; c < a.channels(); ++c) total += s[c];
  return total / a.channels();
}

// The annotated faces large enough for a meaningful pixel comparison.
std::vector<AnnotatedFace> large_faces() {
  std::vector<AnnotatedFace> out;
  for (auto& f : load_dlib_faces())
    if (f.box.width >= 75) out.push_back(f);
  return out;
}

}  // namespace

TEST(FaceAligner, MeanFaceLandsOnDlibTemplate) {
  // dlib's mean face itself, 180 px wide, rotated 20 degrees: the fit is exact,
  // so every template point must land where dlib's formula puts it. The
  // tolerance is dlib's own resampling convention: it maps a (150 * scale - 1)
  // px span onto chip pixels 0..149, centred on 74.5 rather than 75.
  Landmarks lm{};
  const double a = 20 * CV_PI / 180, s = 180;
  for (int i = kTemplateFirstLandmark; i < kLandmarkCount; ++i) {
    const cv::Point2d m = kDlibMeanFace[i - kTemplateFirstLandmark];
    lm[i] = cv::Point2f(static_cast<float>(300 + s * (std::cos(a) * m.x - std::sin(a) * m.y)),
                        static_cast<float>(120 + s * (std::sin(a) * m.x + std::cos(a) * m.y)));
  }
  const cv::Mat m = FaceAligner().transform(lm);
  ASSERT_EQ(m.size(), cv::Size(3, 2));
  ASSERT_EQ(m.type(), CV_64F);
  for (int i = kTemplateFirstLandmark; i < kLandmarkCount; ++i) {
    const cv::Point2d got = map_point(m, lm[i]);
    const cv::Point2d want = dlib_chip_point(kDlibMeanFace[i - kTemplateFirstLandmark]);
    EXPECT_NEAR(got.x, want.x, 0.75) << "landmark " << i;
    EXPECT_NEAR(got.y, want.y, 0.75) << "landmark " << i;
  }
  // A similarity: equal scale on both axes, no shear.
  EXPECT_NEAR(m.at<double>(0, 0), m.at<double>(1, 1), 1e-12);
  EXPECT_NEAR(m.at<double>(0, 1), -m.at<double>(1, 0), 1e-12);
}

TEST(FaceAligner, RealEyeCentresLandWhereDlibTemplateSays) {
  REQUIRE_DATA();
  const auto faces = load_dlib_faces();
  ASSERT_EQ(faces.size(), 43u);
  const FaceAligner aligner;
  const cv::Point2d want_right = dlib_chip_point(template_eye(36));  // ~(59, 47)
  const cv::Point2d want_left = dlib_chip_point(template_eye(42));   // ~(91, 47)
  cv::Point2d sum_right, sum_left;
  std::vector<double> errors;
  for (const auto& f : faces) {
    const cv::Mat m = aligner.transform(f.landmarks);
    cv::Point2d right, left;
    for (int i = 36; i < 42; ++i) right += map_point(m, f.landmarks[i]) / 6.0;
    for (int i = 42; i < 48; ++i) left += map_point(m, f.landmarks[i]) / 6.0;
    errors.push_back(cv::norm(right - want_right));
    errors.push_back(cv::norm(left - want_left));
    sum_right += right;
    sum_left += left;
  }
  // Real faces differ from the mean shape, and a least-squares fit of a
  // turned face compromises between its near and far side, so single eyes
  // scatter: median 3 px, 10 px for the most turned face (yaw ~45 degrees)...
  std::sort(errors.begin(), errors.end());
  EXPECT_LT(errors[errors.size() / 2], 4.0);
  EXPECT_LT(errors.back(), 12.0);
  // ... but on average they sit on the template (measured: 0.8 px).
  const double n = static_cast<double>(faces.size());
  EXPECT_LT(cv::norm(sum_right / n - want_right), 1.5);
  EXPECT_LT(cv::norm(sum_left / n - want_left), 1.5);
}

TEST(FaceAligner, RotatedAndScaledCopyGivesTheSameChip) {
  REQUIRE_DATA();
  const auto faces = large_faces();
  ASSERT_GE(faces.size(), 8u);
  const FaceAligner aligner;
  for (const auto& f : faces) {
    const cv::Mat image = cv::imread(f.image.string());
    ASSERT_FALSE(image.empty()) << f.image;
    const cv::Mat chip = aligner.align(image, f.landmarks);
    ASSERT_EQ(chip.size(), cv::Size(150, 150));
    ASSERT_EQ(chip.type(), CV_8UC3);
    for (const auto& [angle, scale] : {std::pair{25.0, 1.6}, std::pair{-40.0, 1.0}}) {
      // Rotate about the face and move it into a larger canvas.
      cv::Mat a = cv::getRotationMatrix2D(
          cv::Point2f(f.box.x + f.box.width / 2.f, f.box.y + f.box.height / 2.f), angle, scale);
      a.at<double>(0, 2) += 150;
      a.at<double>(1, 2) += 100;
      cv::Mat moved;
      const cv::Size canvas(static_cast<int>(image.cols * scale) + 300,
                            static_cast<int>(image.rows * scale) + 200);
      cv::warpAffine(image, moved, a, canvas, cv::INTER_CUBIC);
      const cv::Mat chip2 = aligner.align(moved, map_landmarks(a, f.landmarks));
      // Only resampling differs: bilinear twice vs once (measured: 0.4 to 1.3
      // grey levels; up to 3.3 where the chip runs off the photo's edge).
      EXPECT_LT(mean_abs_diff(chip, chip2), 4.0) << f.image << " angle " << angle;
    }
  }
}

TEST(FaceAligner, LargeFacesAreLowPassedBeforeSampling) {
  REQUIRE_DATA();
  const auto faces = large_faces();
  ASSERT_FALSE(faces.empty());
  const auto& f = faces.front();
  const cv::Mat image = cv::imread(f.image.string());
  // The same photo 6x larger, as from a high-resolution camera: the chip is
  // then sampled at ~0.2 chip px per image px. A one-pixel checkerboard stands
  // for the fine texture (skin, hair, sensor noise) such a photo has and
  // bilinear sampling would alias into the chip.
  const double up = 6;
  cv::Mat big;
  cv::resize(image, big, cv::Size(), up, up, cv::INTER_CUBIC);
  big.convertTo(big, -1, 0.7, 38);  // room for the texture without clipping
  cv::Mat texture(big.size(), CV_16SC3);
  for (int y = 0; y < texture.rows; ++y)
    for (int x = 0; x < texture.cols; ++x)
      texture.at<cv::Vec3s>(y, x) = cv::Vec3s::all(((x + y) % 2) ? 35 : -35);
  cv::Mat textured;
  cv::add(big, texture, textured, cv::noArray(), CV_8UC3);
  Landmarks lm;
  for (int i = 0; i < kLandmarkCount; ++i) lm[i] = f.landmarks[i] * up;

  const FaceAligner aligner;
  const cv::Mat plain = aligner.align(big, lm);
  const cv::Mat chip = aligner.align(textured, lm);
  // The pyramid's 5-tap Gaussian cancels a one-pixel checkerboard exactly.
  EXPECT_LT(mean_abs_diff(plain, chip), 0.5);
  // Direct bilinear sampling keeps it as noise (measured: 8.8 grey levels).
  cv::Mat naive;
  cv::warpAffine(textured, naive, aligner.transform(lm), cv::Size(150, 150), cv::INTER_LINEAR);
  EXPECT_GT(mean_abs_diff(plain, naive), 5.0);
  // And the large photo gives the chip the small one does.
  cv::Mat small = aligner.align(image, f.landmarks);
  small.convertTo(small, -1, 0.7, 38);
  EXPECT_LT(mean_abs_diff(plain, small), 3.0);  // measured: 2.2
}

TEST(FaceAligner, KeepsChannelsAndSizeAndRejectsBadInput) {
  Landmarks lm{};
  for (int i = kTemplateFirstLandmark; i < kLandmarkCount; ++i)
    lm[i] = kDlibMeanFace[i - kTemplateFirstLandmark] * 100 + cv::Point2d(50, 50);
  const FaceAligner aligner(112, 0.1);
  for (int type : {CV_8UC1, CV_8UC3, CV_8UC4}) {
    const cv::Mat image(200, 200, type, cv::Scalar::all(90));
    const cv::Mat chip = aligner.align(image, lm);
    EXPECT_EQ(chip.size(), cv::Size(112, 112));
    EXPECT_EQ(chip.type(), type);
    // Inside the image: the uniform grey comes through untouched.
    EXPECT_EQ(chip.at<uchar>(56, 56 * chip.channels()), 90);
  }
  // Parts of the chip beyond the image are black, as in dlib.
  const cv::Mat corner = aligner.align(cv::Mat(100, 100, CV_8UC1, cv::Scalar(200)), lm);
  EXPECT_EQ(corner.at<uchar>(111, 111), 0);
  EXPECT_EQ(corner.at<uchar>(20, 20), 200);

  EXPECT_THROW(aligner.align(cv::Mat(), lm), std::invalid_argument);
  EXPECT_THROW(aligner.align(cv::Mat(50, 50, CV_16UC1), lm), std::invalid_argument);
  EXPECT_THROW(aligner.transform(Landmarks{}), std::invalid_argument);
  Landmarks nan = lm;
  nan[30].x = std::nanf("");
  EXPECT_THROW(aligner.transform(nan), std::invalid_argument);
  EXPECT_THROW(FaceAligner(1, 0.25), std::invalid_argument);
  EXPECT_THROW(FaceAligner(150, -0.1), std::invalid_argument);
}
