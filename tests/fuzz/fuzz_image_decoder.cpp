// The whole decode path (header checks, then OpenCV's codecs, then EXIF
// orientation) on arbitrary bytes: ImageError or an 8-bit BGR image whose
// size is the one probe_image announced from the header.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "vision/image_decoder.h"

namespace {

// Smaller than the product's 40 MP so that one input decodes in
// milliseconds; the limit logic is the same whatever the numbers.
facecheck::vision::ImageLimits fuzz_limits() {
  facecheck::vision::ImageLimits limits;
  limits.max_pixels = 1'000'000;
  limits.max_side = 4000;
  return limits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace facecheck::vision;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  static const ImageLimits limits = fuzz_limits();
  try {
    const cv::Mat image = decode_image(bytes, limits);
    FUZZ_CHECK(!image.empty() && image.type() == CV_8UC3);
    const ImageInfo info = probe_image(bytes, limits);  // cannot throw once decode succeeded
    FUZZ_CHECK(image.cols == info.width && image.rows == info.height);
    FUZZ_CHECK(static_cast<int64_t>(image.cols) * image.rows <= limits.max_pixels);
  } catch (const ImageError&) {
  }
  return 0;
}
