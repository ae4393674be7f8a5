#include "vision/rfb_detector.h"

#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>

#include "vision/model_error.h"
#include "vision/model_store.h"
#include "vision/nms.h"

namespace facecheck::vision {
namespace {

constexpr const char* kRfbFile = "fr_detect.onnx";
constexpr int kInputWidth = 320;
constexpr int kInputHeight = 240;
// Priors of the four heads: 40x30x3 + 20x15x2 + 10x8x2 + 5x4x3.
constexpr int kPriorCount = 4420;
// The package's JavaScript suppresses at 0.4 IoU.
constexpr float kIouThreshold = 0.4f;

cv::Mat to_bgr(const cv::Mat& image) {
  if (image.empty()) throw std::invalid_argument("RfbDetector: empty image");
  if (image.depth() != CV_8U) throw std::invalid_argument("RfbDetector: expected an 8-bit image");
  if (image.channels() == 3) return image;
  if (image.channels() != 1 && image.channels() != 4)
    throw std::invalid_argument("RfbDetector: expected 1, 3 or 4 channels");
  cv::Mat bgr;
  cv::cvtColor(image, bgr, image.channels() == 1 ? cv::COLOR_GRAY2BGR : cv::COLOR_BGRA2BGR);
  return bgr;
}

}  // namespace

struct RfbDetector::Impl {
  cv::dnn::Net net;
  std::vector<cv::String> outputs{"boxes", "scores"};
};

RfbDetector::RfbDetector(const std::filesystem::path& models_dir)
    : impl_(std::make_unique<Impl>()) {
  const auto file = verified_model_file(models_dir, kRfbFile);
  try {
    impl_->net = cv::dnn::readNetFromONNX(file.string());
  } catch (const cv::Exception& e) {
    throw model_file_error(file.string(), std::string("cannot be loaded: ") + e.what());
  }
}

RfbDetector::~RfbDetector() = default;
RfbDetector::RfbDetector(RfbDetector&&) noexcept = default;
RfbDetector& RfbDetector::operator=(RfbDetector&&) noexcept = default;

std::vector<FaceBox> RfbDetector::detect(const cv::Mat& image_bgr, float min_score,
                                         int max_results) {
  const cv::Mat bgr = to_bgr(image_bgr);
  if (max_results <= 0) return {};
  // The whole frame stretched to 320x240 (the network was trained on
  // stretched frames), RGB, (v - 127) / 128. Boxes then map back to the
  // frame by its own width and height, whatever its aspect ratio.
  cv::Mat input;
  const bool shrinking = bgr.cols > 2 * kInputWidth || bgr.rows > 2 * kInputHeight;
  cv::resize(bgr, input, {kInputWidth, kInputHeight}, 0, 0,
             shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  impl_->net.setInput(cv::dnn::blobFromImage(input, 1.0 / 128, {}, cv::Scalar::all(127),
                                             /*swapRB=*/true));
  std::vector<cv::Mat> out;
  impl_->net.forward(out, impl_->outputs);
  if (out.size() != 2 || out[0].total() != 4 * kPriorCount || out[1].total() != 2 * kPriorCount)
    throw std::logic_error("RfbDetector: unexpected output shape");
  const float* boxes = out[0].ptr<float>();
  const float* scores = out[1].ptr<float>();
  const float w = static_cast<float>(bgr.cols), h = static_cast<float>(bgr.rows);
  std::vector<FaceBox> candidates;
  for (int i = 0; i < kPriorCount; ++i) {
    const float score = scores[2 * i + 1];
    if (!(score >= min_score)) continue;
    const float* b = boxes + 4 * i;
    const cv::Rect2f box(b[0] * w, b[1] * h, (b[2] - b[0]) * w, (b[3] - b[1]) * h);
    if (box.width <= 0 || box.height <= 0) continue;
    candidates.push_back({box, score});
  }
  std::vector<FaceBox> faces =
      non_max_suppression(std::move(candidates), kIouThreshold, max_results);
  const cv::Rect2f bounds(0.f, 0.f, w, h);
  for (FaceBox& f : faces) f.box &= bounds;
  return faces;
}

}  // namespace facecheck::vision
