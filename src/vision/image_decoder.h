// The one way images enter facecheck (uploads, CLI files): JPEG, PNG, BMP and
// WebP decoded to 8-bit BGR, the right way up, or a clear ImageError.
//
// Untrusted bytes never reach OpenCV before their header has been parsed
// here (image_header.h): the size limits are enforced on the header's claim,
// so a tiny file claiming 30000x30000 fails before anything is allocated.
// OpenCV's own guard (CV_IO_MAX_IMAGE_PIXELS, 2^30 pixels by default) would
// still let one request allocate 3 GB.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <opencv2/core.hpp>
#include <string>
#include <string_view>

#include "vision/image_header.h"

namespace facecheck::vision {

struct ImageLimits {
  int64_t max_pixels = 40'000'000;  // what a header may claim; a 40 MP photo is 120 MB of BGR
  int max_side = 20000;             // also bounds strips like 100000x10
  size_t max_bytes = 20u << 20;     // the encoded file
  // What a decode may allocate. A larger JPEG that libjpeg can scale
  // (ImageHeader::reducible) is decoded at 1/2, 1/4 or 1/8, the least
  // reduction that fits; any other image over it is TooLarge. Check-in
  // frames get a much smaller budget than enrolment photos (CheckinSettings).
  int64_t max_decoded_pixels = 40'000'000;

  static ImageLimits with_budget(int64_t decoded_pixels) {
    ImageLimits limits;
    limits.max_decoded_pixels = decoded_pixels;
    return limits;
  }
};

// The budgets of the server's two kinds of upload. A kiosk frame needs far
// fewer pixels than an enrolment photo: the detector works at 416 px.
inline constexpr int64_t kFramePixels = 4'000'000;   // 1920x1080 fits whole
inline constexpr int64_t kPhotoPixels = 16'000'000;  // a 12 MP phone photo fits whole

struct ImageInfo {
  std::string format;  // "jpeg", "png", "bmp" or "webp"
  int width = 0;       // as decode_image returns it, i.e. after EXIF orientation
  int height = 0;
};

// Reads only headers and container structure, never pixels: the format and
// size, checked against `limits`. Throws the same ImageError that
// decode_image would for anything visible without decoding (including a
// missing end marker), so an upload can be refused before the decode.
ImageInfo probe_image(std::string_view bytes, const ImageLimits& limits = {});

// Decodes to 8-bit BGR (CV_8UC3): alpha dropped, gray expanded, 16-bit
// reduced, EXIF orientation applied, within limits.max_decoded_pixels.
// `scale` is how many original pixels one decoded pixel spans (1, 2, 4, 8).
// Throws ImageError.
struct DecodedImage {
  cv::Mat pixels;
  int scale = 1;
};
DecodedImage decode_image_within(std::string_view bytes, const ImageLimits& limits = {});
inline cv::Mat decode_image(std::string_view bytes, const ImageLimits& limits = {}) {
  return decode_image_within(bytes, limits).pixels;
}

// Convenience for the CLI: reads a file (refusing one over limits.max_bytes
// before reading it) and decodes it. Throws ImageError, with code
// Unreadable for a missing or unreadable file; messages name the path.
cv::Mat read_image_file(const std::filesystem::path& path, const ImageLimits& limits = {});

}  // namespace facecheck::vision
