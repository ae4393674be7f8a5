// Issue 9, finding 5: decode amplification. A 1 KB JPEG whose header claims
// 6000x6000 used to be decoded in full (108 MB of BGR). Within a decode
// budget, a sequential single-scan JPEG is decoded at 1/2, 1/4 or 1/8 by
// libjpeg itself, so a huge claimed size costs little memory; anything else
// over the budget is refused from its header. Peak memory is measured as
// the process's VmHWM, reset before each decode (/proc/self/clear_refs).
#include <fstream>
#include <functional>
#include <iostream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "test_support.h"
#include "vision/image_decoder.h"

using namespace facecheck::vision;

namespace {

std::string encode(const cv::Mat& image, std::vector<int> params = {}) {
  std::vector<uchar> out;
  EXPECT_TRUE(cv::imencode(".jpg", image, out, params));
  return {out.begin(), out.end()};
}

// A small real JPEG whose frame header (SOF0 or SOF2) is rewritten to claim
// width x height: what the review sent. libjpeg fills the rows the data
// does not cover with gray, so it decodes as a whole image of that size.
std::string claiming(std::string jpeg, int width, int height) {
  for (size_t at = 2; at + 9 < jpeg.size(); ++at) {
    const auto marker = static_cast<uint8_t>(jpeg[at + 1]);
    if (static_cast<uint8_t>(jpeg[at]) == 0xFF && (marker == 0xC0 || marker == 0xC2)) {
      jpeg[at + 5] = char(height >> 8), jpeg[at + 6] = char(height);
      jpeg[at + 7] = char(width >> 8), jpeg[at + 8] = char(width);
      return jpeg;
    }
  }
  ADD_FAILURE() << "no frame header";
  return jpeg;
}

cv::Mat gradient(int width, int height) {
  cv::Mat image(height, width, CV_8UC3);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      image.at<cv::Vec3b>(y, x) = {uchar(x * 255 / width), uchar(y * 255 / height), 128};
  return image;
}

long status_kib(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
  return -1;
}

// How far the peak resident memory rises while `f` runs, in MiB.
template <class F>
double peak_growth_mib(F&& f) {
  std::ofstream("/proc/self/clear_refs") << "5";  // VmHWM := VmRSS
  const long before = status_kib("VmHWM");
  EXPECT_LE(before, status_kib("VmRSS") + 64) << "VmHWM was not reset";
  f();
  return (status_kib("VmHWM") - before) / 1024.0;
}

std::string code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ImageError& e) {
    return e.code_name();
  }
  return "no error";
}

const std::string kAttack = claiming(encode(gradient(64, 64)), 6000, 6000);

TEST(ImageDecodeBudget, AHugeClaimedJpegIsDecodedAtReducedScaleInLittleMemory) {
  ASSERT_LT(kAttack.size(), 8000u);
  DecodedImage frame;
  const double reduced = peak_growth_mib(
      [&] { frame = decode_image_within(kAttack, ImageLimits::with_budget(kFramePixels)); });
  EXPECT_EQ(frame.scale, 4);
  EXPECT_EQ(frame.pixels.cols, 1500);
  EXPECT_EQ(frame.pixels.rows, 1500);
  frame = {};
  // The old behaviour, for comparison: the whole 6000x6000 bitmap.
  const double full = peak_growth_mib([&] { decode_image(kAttack, ImageLimits{}); });
  std::cout << "peak memory of one decode: full " << full << " MiB, at 1/4 " << reduced << " MiB\n";
  EXPECT_GT(full, 100.0) << "the measurement does not see a full decode";
  EXPECT_LT(reduced, 16.0);
}

TEST(ImageDecodeBudget, EnrolmentPhotosGetALargerBudgetThanFrames) {
  const DecodedImage photo = decode_image_within(kAttack, ImageLimits::with_budget(kPhotoPixels));
  EXPECT_EQ(photo.scale, 2);
  EXPECT_EQ(photo.pixels.cols, 3000);
  // A 1920x1080 kiosk frame and a 12 MP phone photo are decoded whole.
  const std::string hd = encode(gradient(1920, 1080));
  EXPECT_EQ(decode_image_within(hd, ImageLimits::with_budget(kFramePixels)).scale, 1);
  const std::string phone = claiming(encode(gradient(64, 48)), 4000, 3000);
  EXPECT_EQ(decode_image_within(phone, ImageLimits::with_budget(kPhotoPixels)).scale, 1);
  EXPECT_EQ(decode_image_within(phone, ImageLimits::with_budget(kFramePixels)).scale, 2);
}

TEST(ImageDecodeBudget, AReducedDecodeShowsTheSamePicture) {
  const cv::Mat original = gradient(2400, 1600);
  const std::string bytes = encode(original, {cv::IMWRITE_JPEG_QUALITY, 95});
  const DecodedImage reduced = decode_image_within(bytes, ImageLimits::with_budget(1'000'000));
  ASSERT_EQ(reduced.scale, 2);
  cv::Mat expected;
  cv::resize(original, expected, reduced.pixels.size(), 0, 0, cv::INTER_AREA);
  cv::Mat diff;
  cv::absdiff(reduced.pixels, expected, diff);
  EXPECT_LT(cv::mean(diff)[0], 3.0);
}

TEST(ImageDecodeBudget, OrientationIsAppliedAfterTheReduction) {
  // EXIF orientation 6 (turn 90 degrees clockwise) in an APP1 segment.
  const std::string exif = std::string("Exif\0\0MM\0\x2a\0\0\0\x08\0\x01", 16) +
                           std::string("\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0", 16);
  std::string bytes = encode(gradient(64, 32));
  const std::string app1 = std::string("\xFF\xE1", 2) + char((exif.size() + 2) >> 8) +
                           char((exif.size() + 2) & 0xFF) + exif;
  bytes = claiming(bytes.substr(0, 2) + app1 + bytes.substr(2), 4000, 2000);
  const DecodedImage image = decode_image_within(bytes, ImageLimits::with_budget(kFramePixels));
  EXPECT_EQ(image.scale, 2);
  EXPECT_EQ(image.pixels.cols, 1000);
  EXPECT_EQ(image.pixels.rows, 2000);
}

TEST(ImageDecodeBudget, WhatCannotBeReducedIsRefusedFromItsHeader) {
  const ImageLimits frames = ImageLimits::with_budget(kFramePixels);
  // Progressive: libjpeg keeps every coefficient of the image at any scale.
  const std::string progressive =
      claiming(encode(gradient(64, 64), {cv::IMWRITE_JPEG_PROGRESSIVE, 1}), 6000, 6000);
  std::string message;
  const double peak = peak_growth_mib([&] {
    try {
      decode_image(progressive, frames);
    } catch (const ImageError& e) {
      message = e.what();
    }
  });
  EXPECT_NE(message.find("progressive"), std::string::npos) << message;
  EXPECT_LT(peak, 4.0);
  EXPECT_EQ(code_of([&] { probe_image(progressive, frames); }), "image_too_large");
  // PNG has no reduced decoding.
  std::vector<uchar> png;
  ASSERT_TRUE(cv::imencode(".png", cv::Mat::zeros(2000, 2500, CV_8UC3), png));
  const std::string png_bytes(png.begin(), png.end());
  EXPECT_EQ(code_of([&] { decode_image(png_bytes, frames); }), "image_too_large");
  EXPECT_EQ(code_of([&] { probe_image(png_bytes, frames); }), "image_too_large");
  // More than 1/8 can make fit: 750x750 is still over 100,000 pixels.
  EXPECT_EQ(code_of([&] { decode_image(kAttack, ImageLimits::with_budget(100'000)); }),
            "image_too_large");
  // Within the budget, nothing changes: the same image decodes whole.
  EXPECT_EQ(decode_image_within(png_bytes, ImageLimits::with_budget(kPhotoPixels)).scale, 1);
}

}  // namespace
