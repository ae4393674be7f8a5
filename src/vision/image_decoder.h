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
  int64_t max_pixels = 40'000'000;  // a 40 MP photo decodes to 120 MB of BGR
  int max_side = 20000;             // also bounds strips like 100000x10
  size_t max_bytes = 20u << 20;     // the encoded file
};

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
// reduced, EXIF orientation applied. Throws ImageError.
cv::Mat decode_image(std::string_view bytes, const ImageLimits& limits = {});

// Convenience for the CLI: reads a file (refusing one over limits.max_bytes
// before reading it) and decodes it. Throws ImageError, with code
// Unreadable for a missing or unreadable file; messages name the path.
cv::Mat read_image_file(const std::filesystem::path& path, const ImageLimits& limits = {});

}  // namespace facecheck::vision
