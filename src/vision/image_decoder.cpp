#include "vision/image_decoder.h"

#include <climits>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <system_error>

namespace facecheck::vision {
namespace {

namespace fs = std::filesystem;
using Code = ImageErrorCode;

std::string size_text(int64_t width, int64_t height) {
  return std::to_string(width) + "x" + std::to_string(height);
}

void check_size_limits(const ImageHeader& h, const ImageLimits& limits) {
  if (h.width > limits.max_side || h.height > limits.max_side)
    throw ImageError(Code::TooLarge, "image is " + size_text(h.width, h.height) +
                                         " pixels; the limit is " +
                                         std::to_string(limits.max_side) + " per side");
  // Both sides are at most max_side (an int) here, so the product fits.
  if (h.width * h.height > limits.max_pixels)
    throw ImageError(Code::TooLarge, "image is " + size_text(h.width, h.height) + " = " +
                                         std::to_string(h.width * h.height) +
                                         " pixels; the limit is " +
                                         std::to_string(limits.max_pixels));
}

// Everything that can be judged without decoding, in the order a client
// would want to hear it: size limits come before structural damage.
ImageHeader checked_header(std::string_view bytes, const ImageLimits& limits) {
  // cv::Mat sizes are int, whatever limit the caller set.
  if (bytes.size() > limits.max_bytes || bytes.size() > static_cast<size_t>(INT_MAX))
    throw ImageError(Code::TooLarge, "image file is " + std::to_string(bytes.size()) +
                                         " bytes; the limit is " +
                                         std::to_string(limits.max_bytes));
  ImageHeader h = parse_image_header(bytes);
  check_size_limits(h, limits);
  if (h.defect) throw *h.defect;
  return h;
}

int64_t ceil_div(int64_t value, int divisor) { return (value + divisor - 1) / divisor; }

// The least reduction (1, 2, 4 or 8) that brings the image within the decode
// budget; throws TooLarge when none can.
int decode_scale(const ImageHeader& h, const ImageLimits& limits) {
  if (h.width * h.height <= limits.max_decoded_pixels) return 1;
  if (h.format == "jpeg" && h.reducible)
    for (int scale : {2, 4, 8})
      if (ceil_div(h.width, scale) * ceil_div(h.height, scale) <= limits.max_decoded_pixels)
        return scale;
  const std::string why = h.format != "jpeg" ? " (only JPEGs can be decoded at reduced size)"
                          : !h.reducible
                              ? " (a progressive or multi-scan JPEG cannot be decoded at "
                                "reduced size; send a baseline JPEG or a smaller photo)"
                              : " even at 1/8 scale";
  throw ImageError(Code::TooLarge, "image is " + size_text(h.width, h.height) + " = " +
                                       std::to_string(h.width * h.height) +
                                       " pixels; this upload takes at most " +
                                       std::to_string(limits.max_decoded_pixels) + why);
}

int imread_flags(int scale) {
  const int reduced = scale == 2   ? cv::IMREAD_REDUCED_COLOR_2
                      : scale == 4 ? cv::IMREAD_REDUCED_COLOR_4
                      : scale == 8 ? cv::IMREAD_REDUCED_COLOR_8
                                   : cv::IMREAD_COLOR;
  return reduced | cv::IMREAD_IGNORE_ORIENTATION;
}

// The stored pixels, without EXIF orientation: we apply the tag ourselves
// (see apply_orientation) so that the result can be checked against the
// header's size, and so that one parsed tag rules every format and OpenCV
// version (4.6 honours EXIF only in JPEG; later versions add PNG and WebP).
// At scale > 1 libjpeg decodes straight to the reduced size (scale_denom),
// never holding the full-size bitmap.
cv::Mat decode_stored_pixels(std::string_view bytes, const ImageHeader& h, int scale) {
  // Wraps the caller's bytes without copying; imdecode only reads them.
  const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8U, const_cast<char*>(bytes.data()));
  cv::Mat image;
  try {
    image = cv::imdecode(buffer, imread_flags(scale));
  } catch (const cv::Exception& e) {
    throw ImageError(Code::Corrupt, h.format + " image data is damaged: " + e.err);
  }
  if (image.empty()) throw ImageError(Code::Corrupt, h.format + " image data is damaged");
  // The limits were checked on the header's size; never pass on anything else.
  const int64_t width = ceil_div(h.width, scale), height = ceil_div(h.height, scale);
  if (image.cols != width || image.rows != height || image.type() != CV_8UC3)
    throw ImageError(Code::Corrupt, h.format + " image decoded to " +
                                        size_text(image.cols, image.rows) +
                                        " but its header says " + size_text(width, height));
  return image;
}

// EXIF orientation 1-8: how to turn the stored pixels to display them.
cv::Mat apply_orientation(const cv::Mat& stored, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2:  // mirrored left-right
      cv::flip(stored, out, 1);
      break;
    case 3:
      cv::rotate(stored, out, cv::ROTATE_180);
      break;
    case 4:  // mirrored top-bottom
      cv::flip(stored, out, 0);
      break;
    case 5:  // mirrored along the main diagonal
      cv::transpose(stored, out);
      break;
    case 6:
      cv::rotate(stored, out, cv::ROTATE_90_CLOCKWISE);
      break;
    case 7:  // mirrored along the other diagonal
      cv::transpose(stored, out);
      cv::flip(out, out, -1);
      break;
    case 8:
      cv::rotate(stored, out, cv::ROTATE_90_COUNTERCLOCKWISE);
      break;
    default:
      return stored;
  }
  return out;
}

// Reads at most max_bytes: the size is checked before reading, and a file
// that grows meanwhile is only read up to the size seen.
std::string read_limited(const fs::path& path, size_t max_bytes) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) throw ImageError(Code::Unreadable, "no such image file");
  const uintmax_t size = fs::file_size(path, error);
  if (error) throw ImageError(Code::Unreadable, "cannot read image file: " + error.message());
  if (size > max_bytes)
    throw ImageError(Code::TooLarge, "image file is " + std::to_string(size) +
                                         " bytes; the limit is " + std::to_string(max_bytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ImageError(Code::Unreadable, "cannot open image file");
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (in.bad()) throw ImageError(Code::Unreadable, "cannot read image file");
  bytes.resize(static_cast<size_t>(in.gcount()));
  return bytes;
}

}  // namespace

ImageInfo probe_image(std::string_view bytes, const ImageLimits& limits) {
  const ImageHeader h = checked_header(bytes, limits);
  decode_scale(h, limits);  // refuses what decode_image_within would
  const bool swap = orientation_swaps_axes(h.orientation);
  return {h.format, static_cast<int>(swap ? h.height : h.width),
          static_cast<int>(swap ? h.width : h.height)};
}

DecodedImage decode_image_within(std::string_view bytes, const ImageLimits& limits) {
  const ImageHeader h = checked_header(bytes, limits);
  const int scale = decode_scale(h, limits);
  return {apply_orientation(decode_stored_pixels(bytes, h, scale), h.orientation), scale};
}

cv::Mat read_image_file(const fs::path& path, const ImageLimits& limits) {
  try {
    return decode_image(read_limited(path, limits.max_bytes), limits);
  } catch (const ImageError& e) {
    throw ImageError(e.code(), path.string() + ": " + e.what());
  }
}

}  // namespace facecheck::vision
