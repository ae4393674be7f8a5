// The ArcFace-family recognizer shipped as fr_feature.onnx by npm
// faceplugin-face-recognition-js@0.0.1: a ResNet that maps the 112x112
// five-point chip to a 512-d embedding compared by cosine similarity.
//
// Facts from the package: input 1x3x112x112, (pixel - 127) / 128, NCHW;
// output 1x512. The package's JavaScript feeds R, G, B; measured, the net
// wants B, G, R: on `eval-identify --checkin-pipeline` (198 LFW people, 1,000
// strangers) FNIR at FPIR 1% is 2.1% with BGR input and 5.4% with RGB, and
// FNIR at FPIR 0.1% 4.0% against 12.2% (docs/identification.md).
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "vision/five_point_aligner.h"
#include "vision/model_error.h"
#include "vision/model_store.h"
#include "vision/recognizer_factories.h"

namespace facecheck::vision {
namespace {

constexpr int kDimension = 512;
constexpr double kMean = 127.0;
constexpr double kScale = 1.0 / 128.0;

class ArcFaceRecognizer final : public FaceRecognizer {
 public:
  explicit ArcFaceRecognizer(const std::filesystem::path& models_dir) {
    const auto file = verified_model_file(models_dir, kArcFaceFile);
    try {
      net_ = cv::dnn::readNetFromONNX(file.string());
    } catch (const cv::Exception& e) {
      throw model_file_error(file.string(), std::string("cannot be loaded: ") + e.what());
    }
  }

  const RecognizerModel& model() const override { return recognizer_model(kArcFaceModelId); }

  cv::Mat align(const cv::Mat& image, const Landmarks& landmarks) const override {
    return aligner_.align(image, landmarks);
  }

  std::vector<Embedding> embed_batch(const std::vector<cv::Mat>& chips_bgr) override {
    std::vector<Embedding> embeddings;
    embeddings.reserve(chips_bgr.size());
    // The graph's input is fixed at batch 1, so one pass per chip.
    for (const cv::Mat& chip : chips_bgr) embeddings.push_back(embed_one(chip));
    return embeddings;
  }

 private:
  Embedding embed_one(const cv::Mat& chip) {
    cv::Mat bgr = chip_as_bgr(chip, "ArcFace recognizer");
    if (bgr.rows != FivePointAligner::kChipSize || bgr.cols != FivePointAligner::kChipSize) {
      cv::Mat resized;
      cv::resize(bgr, resized, {FivePointAligner::kChipSize, FivePointAligner::kChipSize}, 0, 0,
                 bgr.cols > FivePointAligner::kChipSize ? cv::INTER_AREA : cv::INTER_LINEAR);
      bgr = resized;
    }
    // No channel swap: the net wants BGR (see the header comment).
    net_.setInput(cv::dnn::blobFromImage(bgr, kScale, {}, cv::Scalar::all(kMean), false, false));
    const cv::Mat out = net_.forward();
    if (out.total() != size_t(kDimension))
      throw std::logic_error("ArcFace recognizer: network produced an unexpected output size");
    const float* p = out.ptr<float>();
    Embedding e(p, p + kDimension);
    l2_normalise(e);
    return e;
  }

  cv::dnn::Net net_;
  FivePointAligner aligner_;
};

}  // namespace

std::unique_ptr<FaceRecognizer> make_arcface_recognizer(const std::filesystem::path& models_dir) {
  return std::make_unique<ArcFaceRecognizer>(models_dir);
}

}  // namespace facecheck::vision
