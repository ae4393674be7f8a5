#include "vision/face_recognizer.h"

#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>

#include "vision/recognizer_factories.h"

namespace facecheck::vision {

std::unique_ptr<FaceRecognizer> FaceRecognizer::create(std::string_view model_id,
                                                       const std::filesystem::path& models_dir) {
  const RecognizerModel& model = recognizer_model(model_id);  // unknown id -> invalid_argument
  if (model.id == kArcFaceModelId) return make_arcface_recognizer(models_dir);
  return make_dlib_recognizer(models_dir);
}

cv::Mat chip_as_bgr(const cv::Mat& chip, const char* who) {
  if (chip.empty()) throw std::invalid_argument(std::string(who) + ": empty image");
  if (chip.depth() != CV_8U)
    throw std::invalid_argument(std::string(who) + ": expected an 8-bit image");
  cv::Mat bgr;
  switch (chip.channels()) {
    case 1:
      cv::cvtColor(chip, bgr, cv::COLOR_GRAY2BGR);
      return bgr;
    case 3:
      return chip;
    case 4:
      cv::cvtColor(chip, bgr, cv::COLOR_BGRA2BGR);
      return bgr;
    default:
      throw std::invalid_argument(std::string(who) + ": expected 1, 3 or 4 channels");
  }
}

}  // namespace facecheck::vision
