// fr_liveness.onnx from npm faceplugin-face-recognition-js@0.0.1: a small
// CNN on a 128x128 crop 2.7 face boxes wide, raw 0-255 pixels in NCHW,
// three logits (softmax). Which class means live and which colour order it
// wants were measured on ../shared/data/spoof (see kLiveClass and
// docs/liveness.md), not taken from the package's JavaScript.
#include "vision/liveness_detector.h"

#include <algorithm>
#include <cmath>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "vision/model_error.h"
#include "vision/model_store.h"

namespace facecheck::vision {
namespace {

constexpr const char* kLivenessFile = "fr_liveness.onnx";
constexpr int kInputSize = 128;

cv::Mat as_bgr(const cv::Mat& image) {
  if (image.empty() || image.depth() != CV_8U)
    throw std::invalid_argument("liveness detector: expected a non-empty 8-bit image");
  if (image.channels() == 3) return image;
  cv::Mat bgr;
  cv::cvtColor(image, bgr, image.channels() == 1 ? cv::COLOR_GRAY2BGR : cv::COLOR_BGRA2BGR);
  return bgr;
}

cv::Vec3f softmax(const float* logits) {
  const float top = std::max({logits[0], logits[1], logits[2]});
  cv::Vec3f p;
  float sum = 0.f;
  for (int i = 0; i < 3; ++i) sum += p[i] = std::exp(logits[i] - top);
  return p / sum;
}

class OnnxLivenessDetector final : public LivenessDetector {
 public:
  OnnxLivenessDetector(const std::filesystem::path& models_dir, const LivenessInput& input)
      : input_(input) {
    const auto file = verified_model_file(models_dir, kLivenessFile);
    try {
      net_ = cv::dnn::readNetFromONNX(file.string());
    } catch (const cv::Exception& e) {
      throw model_file_error(file.string(), std::string("cannot be loaded: ") + e.what());
    }
  }

  float live_probability(const cv::Mat& image, const cv::Rect2f& box) override {
    return class_probabilities(image, box)[kLiveClass];
  }

  cv::Vec3f class_probabilities(const cv::Mat& image, const cv::Rect2f& box) override {
    const cv::Mat bgr = as_bgr(image);
    const cv::Rect crop = liveness_crop(box, bgr.size(), input_.crop_scale);
    if (crop.empty()) throw std::invalid_argument("liveness detector: face box outside the image");
    cv::Mat chip;
    cv::resize(bgr(crop), chip, {kInputSize, kInputSize}, 0, 0,
               crop.width > kInputSize ? cv::INTER_AREA : cv::INTER_LINEAR);
    net_.setInput(cv::dnn::blobFromImage(chip, 1.0, {}, {}, input_.rgb, false));
    const cv::Mat out = net_.forward();
    if (out.total() != 3)
      throw std::logic_error("liveness detector: network produced an unexpected output size");
    return softmax(out.ptr<float>());
  }

 private:
  LivenessInput input_;
  cv::dnn::Net net_;
};

}  // namespace

cv::Rect liveness_crop(const cv::Rect2f& box, cv::Size frame, float crop_scale) {
  if (box.width <= 0 || box.height <= 0 || frame.width < 2 || frame.height < 2) return {};
  if ((box & cv::Rect2f(0, 0, frame.width, frame.height)).area() <= 0) return {};
  // As large as asked, but no larger than the frame allows in either axis,
  // keeping the box's aspect ratio.
  const float scale =
      std::min({crop_scale, (frame.height - 1) / box.height, (frame.width - 1) / box.width});
  const float w = box.width * scale, h = box.height * scale;
  float x = box.x + box.width / 2 - w / 2, y = box.y + box.height / 2 - h / 2;
  x = std::clamp(x, 0.f, frame.width - 1 - w);
  y = std::clamp(y, 0.f, frame.height - 1 - h);
  const cv::Rect crop{int(x), int(y), int(w), int(h)};
  return crop & cv::Rect(0, 0, frame.width, frame.height);
}

std::unique_ptr<LivenessDetector> LivenessDetector::create(const std::filesystem::path& models_dir,
                                                           const LivenessInput& input) {
  return std::make_unique<OnnxLivenessDetector>(models_dir, input);
}

}  // namespace facecheck::vision
