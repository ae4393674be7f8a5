#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>

#include "test_support.h"
#include "vision/image_decoder.h"

using namespace facecheck::vision;
using facecheck::testing::data_dir;
using facecheck::testing::read_bytes;
namespace fs = std::filesystem;

namespace {

fs::path imgtools(const std::string& name) {
  return data_dir() / "faces" / "compreface" / "imgtools_test" / name;
}

// The stable name of the ImageError that `f` throws, or "no error".
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ImageError& e) {
    return e.code_name();
  }
  return "no error";
}

// How the bytes are refused; probe_image and decode_image must agree.
std::string rejection(std::string_view bytes, const ImageLimits& limits = {}) {
  const std::string probed = error_of([&] { probe_image(bytes, limits); });
  const std::string decoded = error_of([&] { decode_image(bytes, limits); });
  EXPECT_EQ(probed, decoded) << "probe_image and decode_image disagree";
  return decoded;
}

std::string encode(const cv::Mat& image, const std::string& ext) {
  std::vector<uchar> out;
  EXPECT_TRUE(cv::imencode(ext, image, out));
  return {out.begin(), out.end()};
}

std::string be32(uint32_t v) { return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; }
std::string le16(uint32_t v) { return {char(v), char(v >> 8)}; }
std::string le32(uint32_t v) { return le16(v) + le16(v >> 16); }

// PNG chunks carry a CRC-32 of type and data; hand-made ones get a real one
// so that only the property under test is wrong.
uint32_t crc32(std::string_view bytes) {
  uint32_t c = 0xFFFFFFFFu;
  for (char ch : bytes) {
    c ^= static_cast<uint8_t>(ch);
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return ~c;
}

std::string png_chunk(const std::string& type, const std::string& data) {
  return be32(static_cast<uint32_t>(data.size())) + type + data + be32(crc32(type + data));
}

// 64x32, one colour per quadrant, so that every flip and turn is visible.
const cv::Scalar kRed(0, 0, 255), kGreen(0, 255, 0), kBlue(255, 0, 0), kWhite(255, 255, 255);

cv::Mat quadrants() {
  cv::Mat m(32, 64, CV_8UC3);
  m(cv::Rect(0, 0, 32, 16)).setTo(kRed);
  m(cv::Rect(32, 0, 32, 16)).setTo(kGreen);
  m(cv::Rect(0, 16, 32, 16)).setTo(kBlue);
  m(cv::Rect(32, 16, 32, 16)).setTo(kWhite);
  return m;
}

// True when the centre of quadrant (col, row) of `m` has roughly `colour`.
bool quadrant_is(const cv::Mat& m, int col, int row, const cv::Scalar& colour) {
  const cv::Vec3b px = m.at<cv::Vec3b>(m.rows * (2 * row + 1) / 4, m.cols * (2 * col + 1) / 4);
  for (int c = 0; c < 3; ++c)
    if (std::abs(px[c] - colour[c]) > 40) return false;
  return true;
}

// A TIFF-structured EXIF block whose only IFD entry is the orientation.
std::string exif_block(uint32_t orientation, bool little_endian, uint32_t ifd_offset = 8) {
  std::string t = little_endian ? "II" : "MM";
  auto put = [&](uint32_t v, int n) {
    for (int i = 0; i < n; ++i) t += char(v >> (8 * (little_endian ? i : n - 1 - i)));
  };
  put(42, 2);          // TIFF magic
  put(ifd_offset, 4);  // IFD0, normally right after this header
  put(1, 2);           // one entry: Orientation (0x0112), type SHORT, count 1
  put(0x0112, 2);
  put(3, 2);
  put(1, 4);
  put(orientation, 2);
  put(0, 2);  // pads the 4-byte value field
  put(0, 4);  // no next IFD
  return t;
}

// Inserts an APP1 EXIF segment right after SOI, where cameras write it.
std::string jpeg_with_exif(const std::string& jpeg, const std::string& tiff) {
  const std::string payload = std::string("Exif\0\0", 6) + tiff;
  const size_t length = payload.size() + 2;
  return jpeg.substr(0, 2) + "\xFF\xE1" + char(length >> 8) + char(length & 0xFF) + payload +
         jpeg.substr(2);
}

std::string jpeg_with_orientation(int orientation) {
  return jpeg_with_exif(encode(quadrants(), ".jpg"), exif_block(orientation, false));
}

// --- Hand-made headers claiming 30000x30000 (2.7 GB as BGR) -----------------

constexpr uint32_t kHuge = 30000;

std::string huge_png() {
  const std::string ihdr = be32(kHuge) + be32(kHuge) + std::string("\x08\x02\0\0\0", 5);
  const std::string empty_zlib("\x78\x9C\x03\x00\x00\x00\x00\x01", 8);
  return "\x89PNG\r\n\x1A\n" + png_chunk("IHDR", ihdr) + png_chunk("IDAT", empty_zlib) +
         png_chunk("IEND", "");
}

// A real JPEG whose frame header (SOF0) is patched to claim the huge size.
std::string huge_jpeg() {
  std::string jpeg = encode(quadrants(), ".jpg");
  const size_t sof = jpeg.find("\xFF\xC0");
  EXPECT_NE(sof, std::string::npos);
  const std::string size = {char(kHuge >> 8), char(kHuge & 0xFF)};
  jpeg.replace(sof + 5, 2, size);  // height
  jpeg.replace(sof + 7, 2, size);  // width
  return jpeg;
}

std::string huge_bmp() {
  const std::string info =
      le32(40) + le32(kHuge) + le32(kHuge) + le16(1) + le16(24) + le32(0) + std::string(20, '\0');
  return "BM" + le32(54) + le32(0) + le32(54) + info;
}

std::string huge_webp() {
  const std::string vp8x = "VP8X" + le32(10) + std::string(4, '\0') + le32(kHuge - 1).substr(0, 3) +
                           le32(kHuge - 1).substr(0, 3);
  return "RIFF" + le32(static_cast<uint32_t>(4 + vp8x.size())) + "WEBP" + vp8x;
}

}  // namespace

TEST(ImageDecoder, DecodesTheSamePhotoInEverySupportedFormat) {
  REQUIRE_DATA();
  const cv::Mat reference = decode_image(read_bytes(imgtools("einstein.bmp")));
  for (const std::string format : {"jpeg", "png", "bmp", "webp"}) {
    SCOPED_TRACE(format);
    const std::string bytes = read_bytes(imgtools("einstein." + format));
    const ImageInfo info = probe_image(bytes);
    EXPECT_EQ(info.format, format);
    EXPECT_EQ(info.width, 256);
    EXPECT_EQ(info.height, 256);
    const cv::Mat image = decode_image(bytes);
    ASSERT_EQ(image.type(), CV_8UC3);
    ASSERT_EQ(image.size(), cv::Size(256, 256));
    // JPEG and WebP are lossy and the PNG is palette-quantized: close, not equal.
    const double mean_abs_diff = cv::norm(image, reference, cv::NORM_L1) / (256.0 * 256 * 3);
    EXPECT_LT(mean_abs_diff, 4.0);
  }
}

TEST(ImageDecoder, RefusesGifTiffAndIcoAsUnsupported) {
  REQUIRE_DATA();
  for (const std::string name : {"einstein.gif", "einstein.tiff", "einstein.ico"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(rejection(read_bytes(imgtools(name))), "image_unsupported_format");
  }
  try {
    decode_image(read_bytes(imgtools("einstein.gif")));
    FAIL() << "GIF accepted";
  } catch (const ImageError& e) {
    EXPECT_EQ(e.code(), ImageErrorCode::UnsupportedFormat);
    EXPECT_NE(std::string(e.what()).find("GIF"), std::string::npos) << e.what();
  }
}

TEST(ImageDecoder, RefusesTheBrokenSampleFiles) {
  REQUIRE_DATA();
  // corrupted.png has a stray byte inside its IHDR chunk.
  EXPECT_EQ(rejection(read_bytes(imgtools("corrupted.png"))), "image_corrupt");
  // libjpeg alone "decodes" truncated.jpg, filling the missing rows with gray.
  EXPECT_EQ(rejection(read_bytes(imgtools("truncated.jpg"))), "image_truncated");
  // empty.png is really the text "test\n".
  EXPECT_EQ(rejection(read_bytes(imgtools("empty.png"))), "not_an_image");
}

TEST(ImageDecoder, RefusesEveryFormatCutInHalf) {
  REQUIRE_DATA();
  for (const std::string format : {"jpeg", "png", "bmp", "webp"}) {
    SCOPED_TRACE(format);
    const std::string bytes = read_bytes(imgtools("einstein." + format));
    EXPECT_EQ(rejection(std::string_view(bytes).substr(0, bytes.size() / 2)), "image_truncated");
  }
  // Just the end marker missing is enough.
  const std::string jpeg = encode(quadrants(), ".jpg");
  EXPECT_EQ(rejection(std::string_view(jpeg).substr(0, jpeg.size() - 2)), "image_truncated");
  const std::string png = encode(quadrants(), ".png");
  EXPECT_EQ(rejection(std::string_view(png).substr(0, png.size() - 12)), "image_truncated");
}

TEST(ImageDecoder, RefusesEmptyInputTextAndRandomBytes) {
  EXPECT_EQ(rejection(""), "image_empty");
  EXPECT_EQ(rejection("hello, this is not a picture\n"), "not_an_image");
  EXPECT_EQ(rejection(std::string("RIFF\x10\0\0\0WAVEfmt ", 16)),
            "not_an_image");  // RIFF, but audio
  std::mt19937 rng(7);
  for (int i = 0; i < 20; ++i) {
    std::string noise(4096, '\0');
    for (char& c : noise) c = static_cast<char>(rng());
    EXPECT_EQ(rejection(noise), "not_an_image");
  }
  // A signature followed by garbage is a broken image, not "not an image".
  EXPECT_EQ(rejection("\x89PNG\r\n\x1A\n" + std::string(100, 'x')), "image_corrupt");
  EXPECT_EQ(rejection("\xFF\xD8\xFF"), "image_truncated");
}

TEST(ImageDecoder, RefusesTheSharedDataReadmeAsText) {
  REQUIRE_DATA();
  EXPECT_EQ(rejection(read_bytes(data_dir() / "README.md")), "not_an_image");
}

TEST(ImageDecoder, RefusesHugeHeadersFastAndBeforeDecoding) {
  for (const auto& [name, bytes] : {std::pair{"png", huge_png()}, std::pair{"jpeg", huge_jpeg()},
                                    std::pair{"bmp", huge_bmp()}, std::pair{"webp", huge_webp()}}) {
    SCOPED_TRACE(name);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(rejection(bytes), "image_too_large");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
  }
}

// Runs in a child process: caps its address space at its current size plus
// 256 MB, then decodes the huge headers. Had anything tried to allocate the
// claimed 2.7 GB bitmap (even without touching it), the allocation would
// fail under the cap and the image would come back with another error.
[[noreturn]] void decode_under_memory_cap(const std::vector<std::string>& files) {
  long vm_pages = 0;
  std::ifstream("/proc/self/statm") >> vm_pages;
  const rlim_t cap = static_cast<rlim_t>(vm_pages) * sysconf(_SC_PAGESIZE) + (256u << 20);
  const rlimit limit{cap, cap};
  if (setrlimit(RLIMIT_AS, &limit) != 0) std::_Exit(3);
  // The cap is real: the claimed bitmap can't be allocated here.
  void* bitmap = std::malloc(size_t{kHuge} * kHuge * 3);
  if (bitmap != nullptr) std::_Exit(2);
  for (const std::string& bytes : files)
    if (error_of([&] { decode_image(bytes); }) != "image_too_large") std::_Exit(1);
  std::_Exit(0);
}

TEST(ImageDecoderDeathTest, HugeHeadersAllocateNothing) {
#ifdef __SANITIZE_ADDRESS__
  // ASan reserves terabytes of address space for its shadow memory, so an
  // RLIMIT_AS cap cannot work under it (and its allocator aborts instead of
  // returning null). The normal build runs this test.
  GTEST_SKIP() << "an address-space cap cannot be set under AddressSanitizer";
#endif
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const std::vector<std::string> files = {huge_png(), huge_jpeg(), huge_bmp(), huge_webp()};
  EXPECT_EXIT(decode_under_memory_cap(files), ::testing::ExitedWithCode(0), "");
}

TEST(ImageDecoder, EnforcesEachLimit) {
  REQUIRE_DATA();
  const std::string bytes = read_bytes(imgtools("einstein.jpeg"));
  EXPECT_EQ(rejection(bytes, {.max_pixels = 256 * 256 - 1}), "image_too_large");
  EXPECT_EQ(rejection(bytes, {.max_pixels = 256 * 256}), "no error");
  EXPECT_EQ(rejection(bytes, {.max_side = 255}), "image_too_large");
  EXPECT_EQ(rejection(bytes, {.max_bytes = bytes.size() - 1}), "image_too_large");
  EXPECT_EQ(rejection(bytes, {.max_bytes = bytes.size()}), "no error");
  // Size limits win over structural damage: a client should hear "too large".
  const std::string huge = huge_png();
  EXPECT_EQ(rejection(std::string_view(huge).substr(0, 40)), "image_too_large");
}

TEST(ImageDecoder, DecodesWebpDespiteItsJpgName) {
  REQUIRE_DATA();
  const std::string bytes = read_bytes(data_dir() / "faces" / "deepface" / "img47.jpg");
  const ImageInfo info = probe_image(bytes);
  EXPECT_EQ(info.format, "webp");
  const cv::Mat image = decode_image(bytes);
  EXPECT_EQ(image.type(), CV_8UC3);
  EXPECT_EQ(image.size(), cv::Size(1350, 1800));
  EXPECT_EQ(image.size(), cv::Size(info.width, info.height));
}

TEST(ImageDecoder, DropsAlphaOfTheRgbaSample) {
  REQUIRE_DATA();
  const fs::path path = data_dir() / "faces" / "face_recognition" / "tests" / "32bit.png";
  const cv::Mat image = decode_image(read_bytes(path));
  ASSERT_EQ(image.type(), CV_8UC3);
  ASSERT_EQ(image.size(), cv::Size(626, 1200));
  EXPECT_EQ(cv::norm(image, cv::imread(path.string(), cv::IMREAD_COLOR), cv::NORM_INF), 0);
}

TEST(ImageDecoder, ExpandsGrayAndReducesSixteenBitToEightBitBgr) {
  cv::Mat gray(16, 24, CV_8UC1);
  for (int y = 0; y < gray.rows; ++y)
    for (int x = 0; x < gray.cols; ++x) gray.at<uint8_t>(y, x) = static_cast<uint8_t>(10 * x + y);
  cv::Mat gray3;
  cv::cvtColor(gray, gray3, cv::COLOR_GRAY2BGR);
  EXPECT_EQ(cv::norm(decode_image(encode(gray, ".png")), gray3, cv::NORM_INF), 0);
  EXPECT_EQ(decode_image(encode(gray, ".jpg")).type(), CV_8UC3);
  cv::Mat gray16;
  gray.convertTo(gray16, CV_16U, 256);
  EXPECT_EQ(cv::norm(decode_image(encode(gray16, ".png")), gray3, cv::NORM_INF), 0);
  cv::Mat bgra;
  cv::cvtColor(quadrants(), bgra, cv::COLOR_BGR2BGRA);
  bgra(cv::Rect(0, 0, 8, 8)).setTo(cv::Scalar(0, 0, 255, 0));  // transparent red
  EXPECT_EQ(cv::norm(decode_image(encode(bgra, ".png")), quadrants(), cv::NORM_INF), 0);
}

TEST(ImageDecoder, ExifOrientation6TurnsClockwise) {
  const std::string plain = encode(quadrants(), ".jpg");
  for (const bool little_endian : {false, true}) {
    SCOPED_TRACE(little_endian ? "II" : "MM");
    const std::string bytes = jpeg_with_exif(plain, exif_block(6, little_endian));
    const ImageInfo info = probe_image(bytes);
    EXPECT_EQ(info.width, 32);
    EXPECT_EQ(info.height, 64);
    const cv::Mat image = decode_image(bytes);
    ASSERT_EQ(image.size(), cv::Size(32, 64));
    // The left column of the stored image becomes the top row, read right to left.
    EXPECT_TRUE(quadrant_is(image, 0, 0, kBlue));
    EXPECT_TRUE(quadrant_is(image, 1, 0, kRed));
    EXPECT_TRUE(quadrant_is(image, 0, 1, kWhite));
    EXPECT_TRUE(quadrant_is(image, 1, 1, kGreen));
  }
}

// OpenCV 4.6 applies JPEG orientation itself in imdecode; we ask it not to
// and apply our own parsed tag, so the two must agree exactly.
TEST(ImageDecoder, EveryExifOrientationMatchesOpenCv) {
  for (int orientation = 1; orientation <= 8; ++orientation) {
    SCOPED_TRACE(orientation);
    const std::string bytes = jpeg_with_orientation(orientation);
    const cv::Mat ours = decode_image(bytes);
    const cv::Mat opencv =
        cv::imdecode(std::vector<uchar>(bytes.begin(), bytes.end()), cv::IMREAD_COLOR);
    ASSERT_EQ(ours.size(), opencv.size());
    EXPECT_EQ(cv::norm(ours, opencv, cv::NORM_INF), 0);
    const ImageInfo info = probe_image(bytes);
    EXPECT_EQ(cv::Size(info.width, info.height), ours.size());
  }
}

TEST(ImageDecoder, IgnoresBrokenExif) {
  const std::string plain = encode(quadrants(), ".jpg");
  const cv::Mat upright = decode_image(plain);
  for (const std::string& tiff : {exif_block(9, false),                // no such orientation
                                  exif_block(6, true, 5000),           // IFD beyond the block
                                  exif_block(6, false).substr(0, 12),  // cut inside the IFD
                                  std::string("XX*\0garbage", 11)}) {
    EXPECT_EQ(cv::norm(decode_image(jpeg_with_exif(plain, tiff)), upright, cv::NORM_INF), 0);
  }
}

TEST(ImageDecoder, HonoursPngExifOrientation) {
  const std::string png = encode(quadrants(), ".png");
  const size_t after_ihdr = 8 + 25;
  const std::string bytes =
      png.substr(0, after_ihdr) + png_chunk("eXIf", exif_block(8, true)) + png.substr(after_ihdr);
  const cv::Mat image = decode_image(bytes);
  ASSERT_EQ(image.size(), cv::Size(32, 64));
  // Orientation 8 turns counter-clockwise: the top row becomes the left column.
  EXPECT_TRUE(quadrant_is(image, 0, 0, kGreen));
  EXPECT_TRUE(quadrant_is(image, 0, 1, kRed));
  EXPECT_TRUE(quadrant_is(image, 1, 1, kBlue));
}

TEST(ImageDecoder, ReadsFilesAndNamesThePathInErrors) {
  REQUIRE_DATA();
  EXPECT_EQ(read_image_file(imgtools("einstein.png")).size(), cv::Size(256, 256));
  EXPECT_EQ(error_of([] { read_image_file(imgtools("no_such_file.jpg")); }), "image_unreadable");
  EXPECT_EQ(error_of([] { read_image_file(imgtools("")); }), "image_unreadable");  // a directory
  EXPECT_EQ(error_of([] { read_image_file(imgtools("einstein.png"), {.max_bytes = 1000}); }),
            "image_too_large");
  try {
    read_image_file(imgtools("truncated.jpg"));
    FAIL() << "truncated file accepted";
  } catch (const ImageError& e) {
    EXPECT_EQ(e.code(), ImageErrorCode::Truncated);
    EXPECT_NE(std::string(e.what()).find("truncated.jpg"), std::string::npos) << e.what();
  }
}

TEST(ImageDecoder, ErrorCodesHaveStableNames) {
  const std::vector<std::pair<ImageErrorCode, std::string>> names = {
      {ImageErrorCode::Empty, "image_empty"},
      {ImageErrorCode::TooLarge, "image_too_large"},
      {ImageErrorCode::UnsupportedFormat, "image_unsupported_format"},
      {ImageErrorCode::NotAnImage, "not_an_image"},
      {ImageErrorCode::Corrupt, "image_corrupt"},
      {ImageErrorCode::Truncated, "image_truncated"},
      {ImageErrorCode::Unreadable, "image_unreadable"}};
  for (const auto& [code, name] : names) EXPECT_EQ(ImageError(code, "x").code_name(), name);
}
