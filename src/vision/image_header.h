// Recognises an image's format and reads its size, EXIF orientation and
// container structure straight from the bytes, without decoding any pixels.
//
// This runs before any decoder sees untrusted data: a 40-byte file can claim
// to be 30000x30000, and a decoder allocates the whole bitmap before it
// notices the lie. It also catches damage that the decoders forgive: libjpeg
// "decodes" a truncated JPEG by filling the missing rows with gray.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace facecheck::vision {

// Why an image was refused. The HTTP layer maps these to status codes
// (TooLarge -> 413, UnsupportedFormat -> 415, Unreadable -> 500 or a CLI
// message, the rest -> 400), so each names a cause the user can act on.
enum class ImageErrorCode {
  Empty,              // zero bytes
  TooLarge,           // over ImageLimits (bytes, pixels or side), judged from the header
  UnsupportedFormat,  // a real image format we don't take (GIF, TIFF, ICO, HEIC, ...)
  NotAnImage,         // no known image signature at all (text, random bytes, ...)
  Corrupt,            // a known format whose header or data is broken
  Truncated,          // a known format that ends before its end marker
  Unreadable,         // the file itself could not be read (missing, a directory, ...)
};

class ImageError : public std::runtime_error {
 public:
  ImageError(ImageErrorCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  ImageErrorCode code() const { return code_; }
  // A stable lowercase name for APIs and logs, e.g. "image_truncated".
  const char* code_name() const;

 private:
  ImageErrorCode code_;
};

const char* image_error_code_name(ImageErrorCode code);

struct ImageHeader {
  std::string format;   // "jpeg", "png", "bmp" or "webp"
  int64_t width = 0;    // as stored, before EXIF orientation; 64-bit because
  int64_t height = 0;   // headers can claim sizes far beyond int
  int orientation = 1;  // EXIF orientation 1-8; 1 when absent or unreadable
  // A JPEG that libjpeg can decode at 1/2, 1/4 or 1/8 scale in memory
  // proportional to the reduced size: sequential (SOF0/SOF1) with a single
  // scan. Progressive and multi-scan files need a coefficient buffer for the
  // whole image (about 2 bytes a pixel) at any scale.
  bool reducible = false;
  // The first problem found once the size was known (a missing end marker, a
  // chunk running past the end, ...). It is kept rather than thrown so that
  // the caller checks its size limits first: an oversized image is reported
  // as TooLarge even when it is also cut short.
  std::optional<ImageError> defect;
};

// Reads the header and walks the container structure (segments, chunks) of
// a JPEG, PNG, BMP or WebP held in memory. Never allocates per-pixel memory.
// Throws ImageError (Empty, UnsupportedFormat, NotAnImage, or Corrupt /
// Truncated when even the size can't be read).
ImageHeader parse_image_header(std::string_view bytes);

// Orientations 5-8 turn the image by 90 degrees, so width and height swap.
inline bool orientation_swaps_axes(int orientation) { return orientation >= 5 && orientation <= 8; }

}  // namespace facecheck::vision
