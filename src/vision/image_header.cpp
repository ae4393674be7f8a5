#include "vision/image_header.h"

#include <algorithm>
#include <array>
#include <cstdlib>

namespace facecheck::vision {
namespace {

using namespace std::string_view_literals;
using Code = ImageErrorCode;

ImageError corrupt(const std::string& message) { return ImageError(Code::Corrupt, message); }

// Bounds-checked reads of header fields. Every offset in a header comes from
// the file itself, so every read goes through here: a short or lying file
// ends in an ImageError, never in a read past the buffer.
class Reader {
 public:
  Reader(std::string_view data, std::string_view format, bool little_endian)
      : data_(data), format_(format), little_(little_endian) {}

  size_t size() const { return data_.size(); }
  std::string_view bytes(size_t at, size_t count) const {
    need(at, count);
    return data_.substr(at, count);
  }
  uint32_t u8(size_t at) const { return uint(at, 1); }
  uint32_t u16(size_t at) const { return uint(at, 2); }
  uint32_t u24(size_t at) const { return uint(at, 3); }
  uint32_t u32(size_t at) const { return uint(at, 4); }

 private:
  void need(size_t at, size_t count) const {
    if (at > data_.size() || count > data_.size() - at)
      throw ImageError(Code::Truncated, std::string(format_) + " data ends early (file truncated)");
  }
  uint32_t uint(size_t at, size_t count) const {
    need(at, count);
    uint32_t value = 0;
    for (size_t i = 0; i < count; ++i) {
      const uint32_t byte = static_cast<uint8_t>(data_[at + i]);
      value |= byte << (8 * (little_ ? i : count - 1 - i));
    }
    return value;
  }

  std::string_view data_;
  std::string_view format_;
  bool little_;
};

// --- EXIF -------------------------------------------------------------------

constexpr uint32_t kOrientationTag = 0x0112;
constexpr uint32_t kTiffShort = 3;

// The orientation in a TIFF-structured EXIF block (JPEG puts "Exif\0\0" in
// front of it, PNG and WebP don't). Broken EXIF is common and leaves the
// pixels intact, so anything unreadable means "no orientation", as in
// browsers, rather than a broken image.
int exif_orientation(std::string_view exif) {
  if (exif.starts_with("Exif\0\0"sv)) exif.remove_prefix(6);
  const bool little = exif.starts_with("II*\0"sv);
  if (!little && !exif.starts_with("MM\0*"sv)) return 1;
  const Reader tiff(exif, "EXIF", little);
  try {
    const size_t ifd = tiff.u32(4);
    const uint32_t entries = tiff.u16(ifd);
    for (uint32_t i = 0; i < entries; ++i) {
      const size_t entry = ifd + 2 + size_t{12} * i;
      if (tiff.u16(entry) != kOrientationTag) continue;
      // A single SHORT sits at the start of the entry's 4-byte value field.
      const uint32_t value = tiff.u16(entry + 8);
      const bool valid = tiff.u16(entry + 2) == kTiffShort && value >= 1 && value <= 8;
      return valid ? static_cast<int>(value) : 1;
    }
  } catch (const ImageError&) {
  }
  return 1;
}

// --- JPEG -------------------------------------------------------------------

// SOF0-SOF15 frame headers; C4 (DHT), C8 (reserved) and CC (DAC) share the
// range but are not frames.
bool is_frame_marker(uint32_t marker) {
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

// TEM, RST0-7 and SOI carry no length field.
bool is_standalone_marker(uint32_t marker) {
  return marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8);
}

// Entropy-coded data never contains FF D9 (an FF there is always followed by
// 00 or a restart marker), so the first FF D9 after the first scan is the
// end-of-image marker. libjpeg fills the rows of a file without one with
// gray and reports success, so this is the only place the damage shows.
void require_jpeg_end(std::string_view data, size_t scan_start, ImageHeader& h) {
  if (data.find("\xFF\xD9"sv, scan_start) == std::string_view::npos)
    h.defect =
        ImageError(Code::Truncated, "JPEG ends before its end-of-image marker (file truncated)");
}

void parse_jpeg(std::string_view data, ImageHeader& h) {
  const Reader r(data, "JPEG", false);
  bool have_frame = false;
  bool sequential = false;
  for (size_t at = 2;;) {  // just after SOI
    if (r.u8(at) != 0xFF) throw corrupt("JPEG segment does not start with a marker");
    while (r.u8(at + 1) == 0xFF) ++at;  // fill bytes may pad any marker
    const uint32_t marker = r.u8(at + 1);
    at += 2;
    if (is_standalone_marker(marker)) continue;
    if (marker == 0xD9) throw corrupt("JPEG ends before any image data");
    const size_t length = r.u16(at);
    if (length < 2) throw corrupt("JPEG segment has an invalid length");
    if (is_frame_marker(marker) && !have_frame) {
      h.height = r.u16(at + 3);
      h.width = r.u16(at + 5);
      have_frame = true;
      sequential = marker == 0xC0 || marker == 0xC1;
    } else if (marker == 0xE1 && h.orientation == 1) {  // APP1: EXIF (or XMP)
      h.orientation = exif_orientation(r.bytes(at + 2, length - 2));
    } else if (marker == 0xDA) {  // SOS: the compressed data follows
      if (!have_frame) throw corrupt("JPEG image data comes before its frame header");
      require_jpeg_end(data, at + length, h);
      // A second SOS means a multi-scan file. FF DA cannot occur inside
      // entropy-coded data; inside a later table segment it could, which
      // only errs on the safe side.
      h.reducible = sequential && data.find("\xFF\xDA"sv, at + length) == std::string_view::npos;
      return;
    }
    at += length;
  }
}

// --- PNG --------------------------------------------------------------------

constexpr size_t kPngMaxChunk = 0x7FFFFFFF;  // the spec's limit on a chunk length

// Walks every chunk to IEND, reading only the 8-byte chunk headers; libpng
// reports a missing IEND only as a vague read failure.
void parse_png(std::string_view data, ImageHeader& h) {
  const Reader r(data, "PNG", false);
  if (r.u32(8) != 13 || r.bytes(12, 4) != "IHDR")
    throw corrupt("PNG does not start with a valid IHDR chunk");
  h.width = r.u32(16);
  h.height = r.u32(20);
  bool have_data = false;
  for (size_t at = 8;;) {
    const size_t length = r.u32(at);
    const std::string_view type = r.bytes(at + 4, 4);
    if (length > kPngMaxChunk) throw corrupt("PNG chunk has an invalid length");
    if (type == "IEND") break;
    if (type == "IDAT") have_data = true;
    if (type == "eXIf") h.orientation = exif_orientation(r.bytes(at + 8, length));
    at += 12 + length;  // length, type, data, CRC
  }
  if (!have_data) throw corrupt("PNG has no image data (IDAT chunk)");
}

// --- BMP --------------------------------------------------------------------

// Uncompressed rows have a fixed size, so the pixel array's extent is known
// from the header alone.
void check_bmp_pixels(std::string_view data, size_t pixels_at, uint32_t bits, uint32_t compression,
                      const ImageHeader& h) {
  constexpr std::array kDepths = {1u, 4u, 8u, 16u, 24u, 32u};
  if (std::find(kDepths.begin(), kDepths.end(), bits) == kDepths.end())
    throw corrupt("BMP bit depth " + std::to_string(bits) + " is invalid");
  const bool rle = compression == 1 || compression == 2;
  const bool plain = compression == 0 || compression == 3 || compression == 6;  // RGB, bitfields
  if (!rle && !plain)
    throw ImageError(Code::UnsupportedFormat,
                     "BMP compression type " + std::to_string(compression) + " is not supported");
  if (pixels_at >= data.size())
    throw ImageError(Code::Truncated, "BMP ends before its pixel data (file truncated)");
  if (rle || h.width <= 0 || h.height <= 0) return;  // RLE length depends on the content
  const uint64_t row_bytes = (static_cast<uint64_t>(h.width) * bits + 31) / 32 * 4;
  if (static_cast<uint64_t>(h.height) > (data.size() - pixels_at) / row_bytes)
    throw ImageError(Code::Truncated, "BMP pixel data ends early (file truncated)");
}

void parse_bmp(std::string_view data, ImageHeader& h) {
  const Reader r(data, "BMP", true);
  const size_t pixels_at = r.u32(10);
  const uint32_t info_size = r.u32(14);
  uint32_t bits = 0;
  uint32_t compression = 0;
  if (info_size == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit sizes
    h.width = r.u16(18);
    h.height = r.u16(20);
    bits = r.u16(24);
  } else if (info_size >= 40 && info_size <= 124) {  // BITMAPINFOHEADER up to V5
    h.width = static_cast<int32_t>(r.u32(18));
    // A negative height means the rows are stored top-down.
    h.height = std::abs(int64_t{static_cast<int32_t>(r.u32(22))});
    bits = r.u16(28);
    compression = r.u32(30);
  } else {
    throw corrupt("BMP info header has an invalid size");
  }
  check_bmp_pixels(data, pixels_at, bits, compression, h);
}

// --- WebP -------------------------------------------------------------------

constexpr uint32_t kWebpAnimationFlag = 0x02;

void read_vp8_size(const Reader& r, ImageHeader& h) {
  // Lossy key frame: a 3-byte frame tag, the start code 9D 01 2A, then two
  // 14-bit sizes (the top two bits are a scaling hint).
  if (r.u8(23) != 0x9D || r.u8(24) != 0x01 || r.u8(25) != 0x2A)
    throw corrupt("WebP (VP8) frame header is invalid");
  h.width = r.u16(26) & 0x3FFF;
  h.height = r.u16(28) & 0x3FFF;
}

void read_vp8l_size(const Reader& r, ImageHeader& h) {
  // Lossless: signature byte 2F, then width-1 and height-1 in 14 bits each.
  if (r.u8(20) != 0x2F) throw corrupt("WebP (VP8L) header is invalid");
  const uint32_t bits = r.u32(21);
  h.width = (bits & 0x3FFF) + 1;
  h.height = ((bits >> 14) & 0x3FFF) + 1;
}

void read_vp8x_size(const Reader& r, ImageHeader& h) {
  // Extended: flags, 3 reserved bytes, then canvas width-1 and height-1 in
  // 24 bits each (so a header can claim 16M x 16M).
  h.width = int64_t{r.u24(24)} + 1;
  h.height = int64_t{r.u24(27)} + 1;
  if (r.u8(20) & kWebpAnimationFlag)
    throw ImageError(Code::UnsupportedFormat, "animated WebP is not supported");
}

void parse_webp(std::string_view data, ImageHeader& h) {
  const Reader r(data, "WebP", true);
  const size_t end = size_t{r.u32(4)} + 8;  // the RIFF size counts from byte 8
  const std::string_view first = r.bytes(12, 4);
  if (first == "VP8 ") {
    read_vp8_size(r, h);
  } else if (first == "VP8L") {
    read_vp8l_size(r, h);
  } else if (first == "VP8X") {
    read_vp8x_size(r, h);
  } else {
    throw corrupt("WebP does not start with an image chunk");
  }
  for (size_t at = 12; at + 8 <= std::min(end, r.size());) {
    const std::string_view type = r.bytes(at, 4);
    const size_t length = r.u32(at + 4);
    if (type == "EXIF") h.orientation = exif_orientation(r.bytes(at + 8, length));
    at += 8 + length + (length & 1);  // chunks are padded to an even size
  }
  if (end > r.size()) throw ImageError(Code::Truncated, "WebP data ends early (file truncated)");
}

// --- Format detection -------------------------------------------------------

bool has_at(std::string_view bytes, size_t offset, std::string_view magic) {
  return bytes.size() >= offset + magic.size() && bytes.substr(offset, magic.size()) == magic;
}

struct Signature {
  size_t offset;
  std::string_view magic;
  std::string_view name;
};

// Real image formats we refuse, so that the user hears "unsupported format"
// (HTTP 415) instead of "not an image".
constexpr std::array kUnsupported = {
    Signature{0, "GIF87a"sv, "GIF"},
    Signature{0, "GIF89a"sv, "GIF"},
    Signature{0, "II*\0"sv, "TIFF"},
    Signature{0, "MM\0*"sv, "TIFF"},
    Signature{0, "\0\0\1\0"sv, "ICO"},
    Signature{0, "\0\0\2\0"sv, "CUR"},
    Signature{4, "ftyp"sv, "HEIF/AVIF"},
    Signature{0, "8BPS"sv, "PSD"},
    Signature{0, "\0\0\0\x0CjP  \r\n\x87\n"sv, "JPEG 2000"},
    Signature{0, "\xFF\x4F\xFF\x51"sv, "JPEG 2000"},
};

// Returns the supported format's name or throws UnsupportedFormat / NotAnImage.
std::string sniff_format(std::string_view bytes) {
  if (has_at(bytes, 0, "\xFF\xD8\xFF"sv)) return "jpeg";
  if (has_at(bytes, 0, "\x89PNG\r\n\x1A\n"sv)) return "png";
  if (has_at(bytes, 0, "BM"sv)) return "bmp";
  if (has_at(bytes, 0, "RIFF"sv) && has_at(bytes, 8, "WEBP"sv)) return "webp";
  for (const Signature& s : kUnsupported) {
    if (has_at(bytes, s.offset, s.magic))
      throw ImageError(Code::UnsupportedFormat, std::string(s.name) +
                                                    " images are not supported (use JPEG, PNG, "
                                                    "BMP or WebP)");
  }
  throw ImageError(Code::NotAnImage, "data is not a JPEG, PNG, BMP or WebP image");
}

void parse_format(std::string_view bytes, ImageHeader& h) {
  if (h.format == "jpeg") return parse_jpeg(bytes, h);
  if (h.format == "png") return parse_png(bytes, h);
  if (h.format == "bmp") return parse_bmp(bytes, h);
  parse_webp(bytes, h);
}

}  // namespace

const char* image_error_code_name(ImageErrorCode code) {
  switch (code) {
    case Code::Empty:
      return "image_empty";
    case Code::TooLarge:
      return "image_too_large";
    case Code::UnsupportedFormat:
      return "image_unsupported_format";
    case Code::NotAnImage:
      return "not_an_image";
    case Code::Corrupt:
      return "image_corrupt";
    case Code::Truncated:
      return "image_truncated";
    case Code::Unreadable:
      return "image_unreadable";
  }
  return "image_error";
}

const char* ImageError::code_name() const { return image_error_code_name(code_); }

ImageHeader parse_image_header(std::string_view bytes) {
  if (bytes.empty()) throw ImageError(Code::Empty, "image is empty (0 bytes)");
  ImageHeader h;
  h.format = sniff_format(bytes);
  try {
    parse_format(bytes, h);
  } catch (const ImageError& e) {
    if (h.width <= 0 || h.height <= 0) throw;  // the size was never read
    h.defect = e;
  }
  if (h.width <= 0 || h.height <= 0)
    throw corrupt(h.format + " header gives an empty size (" + std::to_string(h.width) + "x" +
                  std::to_string(h.height) + ")");
  return h;
}

}  // namespace facecheck::vision
