// Face recognizers: turn an aligned face chip into an embedding.
//
// One interface, one implementation per model (dlib_recognizer.cpp,
// arcface_recognizer.cpp), made by FaceRecognizer::create from a model id
// (recognizer_model.h). Each model cuts its own chip from the 68 landmarks,
// because each was trained on a different alignment: dlib's 150x150 chip or
// the 112x112 five-point ArcFace warp.
#pragma once

#include <filesystem>
#include <memory>
#include <opencv2/core.hpp>
#include <string_view>
#include <vector>

#include "vision/face_types.h"
#include "vision/recognizer_model.h"

namespace facecheck::vision {

// Not thread-safe: one instance per worker thread (a cv::dnn::Net keeps
// per-forward state).
class FaceRecognizer {
 public:
  // Loads and verifies the model's files from `models_dir`; throws
  // ModelError (missing or corrupt files) or std::invalid_argument (unknown id).
  static std::unique_ptr<FaceRecognizer> create(std::string_view model_id,
                                                const std::filesystem::path& models_dir);
  virtual ~FaceRecognizer() = default;

  virtual const RecognizerModel& model() const = 0;

  // The chip this model expects, cut from `image` (8-bit) at the face whose
  // 68 landmarks are given. Throws std::invalid_argument on an empty or
  // non-8-bit image or degenerate landmarks.
  virtual cv::Mat align(const cv::Mat& image, const Landmarks& landmarks) const = 0;

  // chips: 8-bit BGR (gray and BGRA are converted) face chips, one forward
  // pass for all. A chip of another size is resized (dlib: padded to a square
  // first, as face-api does). Throws std::invalid_argument on an empty or
  // non-8-bit chip. Cosine models return unit vectors.
  virtual std::vector<Embedding> embed_batch(const std::vector<cv::Mat>& chips_bgr) = 0;
  Embedding embed(const cv::Mat& chip_bgr) { return embed_batch({chip_bgr}).front(); }
};

// Any chip as 3-channel BGR; throws std::invalid_argument otherwise.
cv::Mat chip_as_bgr(const cv::Mat& chip, const char* who);

}  // namespace facecheck::vision
