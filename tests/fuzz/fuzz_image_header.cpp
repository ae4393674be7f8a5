// The image header parser on arbitrary bytes: it must throw ImageError or
// return a header that the decoder's size checks can trust.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "vision/image_header.h"

using facecheck::vision::ImageError;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    const auto h = facecheck::vision::parse_image_header(bytes);
    FUZZ_CHECK(h.width > 0 && h.height > 0);
    FUZZ_CHECK(h.orientation >= 1 && h.orientation <= 8);
    FUZZ_CHECK(h.format == "jpeg" || h.format == "png" || h.format == "bmp" || h.format == "webp");
  } catch (const ImageError&) {
    // Refusing is the expected outcome for most inputs; any other exception
    // escapes and libFuzzer reports it as a crash.
  }
  return 0;
}
