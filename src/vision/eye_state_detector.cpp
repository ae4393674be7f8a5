// fr_eye.onnx from npm faceplugin-face-recognition-js@0.0.1: a 24x24 grey
// eye patch scaled to [0, 1], two logits. Which one means closed was
// measured on blinks in ../shared/data/video/actions (kClosedClass).
#include "vision/eye_state_detector.h"

#include <algorithm>
#include <cmath>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "vision/model_error.h"
#include "vision/model_store.h"

namespace facecheck::vision {
namespace {

constexpr const char* kEyeFile = "fr_eye.onnx";
constexpr int kPatchSize = 24;
constexpr int kClosedClass = 0;

class OnnxEyeStateDetector final : public EyeStateDetector {
 public:
  explicit OnnxEyeStateDetector(const std::filesystem::path& models_dir) {
    const auto file = verified_model_file(models_dir, kEyeFile);
    try {
      net_ = cv::dnn::readNetFromONNX(file.string());
    } catch (const cv::Exception& e) {
      throw model_file_error(file.string(), std::string("cannot be loaded: ") + e.what());
    }
  }

  float closed_probability(const cv::Mat& image, const Landmarks& landmarks) override {
    if (image.empty() || image.depth() != CV_8U)
      throw std::invalid_argument("eye state detector: expected a non-empty 8-bit image");
    cv::Mat grey = image;
    if (image.channels() != 1)
      cv::cvtColor(image, grey, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    return (closed_one(grey, eye_patch(landmarks, 36, grey.size())) +
            closed_one(grey, eye_patch(landmarks, 42, grey.size()))) /
           2.f;
  }

 private:
  float closed_one(const cv::Mat& grey, const cv::Rect& patch) {
    if (patch.width < 2 || patch.height < 2)
      throw std::invalid_argument("eye state detector: eye outside the image");
    cv::Mat small;
    cv::resize(grey(patch), small, {kPatchSize, kPatchSize}, 0, 0,
               patch.width > kPatchSize ? cv::INTER_AREA : cv::INTER_LINEAR);
    net_.setInput(cv::dnn::blobFromImage(small, 1.0 / 255.0));
    const cv::Mat out = net_.forward();
    if (out.total() != 2)
      throw std::logic_error("eye state detector: network produced an unexpected output size");
    const float* z = out.ptr<float>();
    const float top = std::max(z[0], z[1]);
    const float e0 = std::exp(z[0] - top), e1 = std::exp(z[1] - top);
    return (kClosedClass == 0 ? e0 : e1) / (e0 + e1);
  }

  cv::dnn::Net net_;
};

}  // namespace

cv::Rect eye_patch(const Landmarks& p, int first, cv::Size frame) {
  // Centre: the mean of the four lid points; side: 1.6 corner-to-corner widths.
  const cv::Point2f centre = (p[first + 1] + p[first + 2] + p[first + 4] + p[first + 5]) / 4.f;
  const float side = float(cv::norm(p[first + 3] - p[first])) * 1.6f;
  if (!std::isfinite(side) || !std::isfinite(centre.x) || !std::isfinite(centre.y)) return {};
  const cv::Rect square(
      cv::Point(int(std::lround(centre.x - side / 2)), int(std::lround(centre.y - side / 2))),
      cv::Size(int(std::lround(side)), int(std::lround(side))));
  return square & cv::Rect({0, 0}, frame);
}

std::unique_ptr<EyeStateDetector> EyeStateDetector::create(
    const std::filesystem::path& models_dir) {
  return std::make_unique<OnnxEyeStateDetector>(models_dir);
}

}  // namespace facecheck::vision
