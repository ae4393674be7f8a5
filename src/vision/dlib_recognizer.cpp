#include <algorithm>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>

#include "vision/face_aligner.h"
#include "vision/face_recognizer.h"
#include "vision/model_store.h"
#include "vision/net_builder.h"
#include "vision/recognizer_factories.h"

namespace facecheck::vision {
namespace {

constexpr int kInputSize = 150;
constexpr int kDimension = 128;
// dlib's training mean, in RGB order. dlib divides by 256 after subtracting
// it (face-api uses 255; the embeddings differ by ~0.0008, we follow dlib).
const cv::Scalar kMeanRgb(122.782, 117.001, 104.298);
constexpr double kInputScale = 1.0 / 256.0;

// Output size of a TF convolution/pooling window along one axis.
int out_size(int in, int kernel, int stride, Padding padding) {
  return padding == Padding::Valid ? (in - kernel) / stride + 1 : (in + stride - 1) / stride;
}

// Describes face-api's FaceRecognitionNet to NetBuilder, tracking the blob's
// spatial size and channel count so the shortcut fix-ups of the downsampling
// blocks can be derived instead of hard-coded for one input size.
class Graph {
 public:
  explicit Graph(const TfjsWeights& weights) : w_(weights) {}

  cv::dnn::Net build() {
    NetBuilder::Id x = conv_layer(b_.input(), "conv32_down", 2, Padding::Valid, true);
    x = b_.max_pool(x, "pool", 3, 2, Padding::Valid);
    size_ = out_size(size_, 3, 2, Padding::Valid);

    for (const char* block : {"conv32_1", "conv32_2", "conv32_3"}) x = residual(x, block);
    x = residual_down(x, "conv64_down");
    for (const char* block : {"conv64_1", "conv64_2", "conv64_3"}) x = residual(x, block);
    x = residual_down(x, "conv128_down");
    for (const char* block : {"conv128_1", "conv128_2"}) x = residual(x, block);
    x = residual_down(x, "conv256_down");
    for (const char* block : {"conv256_1", "conv256_2"}) x = residual(x, block);
    x = residual_down(x, "conv256_down_out");

    x = b_.global_avg_pool(x, "global_avg");
    // After global pooling the blob is C x 1 x 1, so flattening order is moot.
    b_.dense(x, "fc", w_.get("fc", {channels_, kDimension}), nullptr);
    return b_.finish();
  }

 private:
  // conv + bias, then dlib's affine layer (the frozen batch norm), then ReLU.
  NetBuilder::Id conv_layer(NetBuilder::Id in, const std::string& prefix, int stride,
                            Padding padding, bool with_relu) {
    const Tensor& filters = w_.get(prefix + "/conv/filters");
    if (filters.shape.size() != 4 || filters.shape[2] != channels_)
      throw std::invalid_argument(prefix + ": filters do not fit the input channels");
    const int outputs = filters.shape[3];
    const auto& bias = values(w_.get(prefix + "/conv/bias", {outputs}));
    NetBuilder::Id x = b_.conv(in, prefix, filters, &bias, stride, padding);
    x = b_.scale(x, prefix + "/scale", values(w_.get(prefix + "/scale/weights", {outputs})),
                 values(w_.get(prefix + "/scale/biases", {outputs})));
    if (with_relu) x = b_.relu(x, prefix + "/relu");
    size_ = out_size(size_, filters.shape[0], stride, padding);
    channels_ = outputs;
    return x;
  }

  NetBuilder::Id residual(NetBuilder::Id in, const std::string& prefix) {
    NetBuilder::Id x = conv_layer(in, prefix + "/conv1", 1, Padding::Same, true);
    x = conv_layer(x, prefix + "/conv2", 1, Padding::Same, false);
    return b_.relu(b_.add(x, in, prefix + "/add"), prefix + "/relu");
  }

  // Halves the resolution. The shortcut is a 2x2 average pool; face-api
  // reconciles it with the strided 'valid' conv path in two ways: when the
  // pool comes out one cell larger (odd input sizes), the conv path gets a
  // zero row and column at the bottom/right; when the conv adds channels, the
  // pooled shortcut is extended with zero channels.
  NetBuilder::Id residual_down(NetBuilder::Id in, const std::string& prefix) {
    const int in_size = size_, in_channels = channels_;
    NetBuilder::Id x = conv_layer(in, prefix + "/conv1", 2, Padding::Valid, true);
    x = conv_layer(x, prefix + "/conv2", 1, Padding::Same, false);

    NetBuilder::Id shortcut = b_.avg_pool(in, prefix + "/pool", 2, 2, Padding::Valid);
    const int pooled_size = out_size(in_size, 2, 2, Padding::Valid);
    if (pooled_size == size_ + 1) {
      x = b_.zero_pad(x, prefix + "/pad_hw", {0, 0, 0, 0, 0, 1, 0, 1});
      size_ = pooled_size;
    } else if (pooled_size != size_) {
      throw std::logic_error(prefix + ": shortcut and conv path sizes cannot be reconciled");
    }
    if (channels_ != in_channels)
      shortcut =
          b_.zero_pad(shortcut, prefix + "/pad_c", {0, 0, 0, channels_ - in_channels, 0, 0, 0, 0});
    return b_.relu(b_.add(x, shortcut, prefix + "/add"), prefix + "/relu");
  }

  const TfjsWeights& w_;
  NetBuilder b_;
  int size_ = kInputSize;
  int channels_ = 3;
};

// Any 8-bit chip -> BGR, padded to a square and resized to the net's input.
cv::Mat prepare_chip(const cv::Mat& chip) {
  const cv::Mat bgr = chip_as_bgr(chip, "dlib recognizer");
  // face-api centres the chip in a black square; for an odd difference its
  // padToSquare puts the larger half after the image (bottom/right).
  const int side = std::max(bgr.rows, bgr.cols);
  const int pad_y = side - bgr.rows, pad_x = side - bgr.cols;
  cv::Mat square;
  if (pad_x || pad_y)
    cv::copyMakeBorder(bgr, square, pad_y / 2, pad_y - pad_y / 2, pad_x / 2, pad_x - pad_x / 2,
                       cv::BORDER_CONSTANT, cv::Scalar::all(0));
  else
    square = bgr;

  if (side == kInputSize) return square;
  cv::Mat resized;
  // Area averaging when shrinking avoids aliasing from large chips.
  cv::resize(square, resized, {kInputSize, kInputSize}, 0, 0,
             side > kInputSize ? cv::INTER_AREA : cv::INTER_LINEAR);
  return resized;
}

// dlib's ResNet-34 metric net as shipped by face-api (`face_recognition_model`):
// two chips of the same person map to embeddings closer than ~0.6 (Euclidean).
class DlibRecognizer final : public FaceRecognizer {
 public:
  explicit DlibRecognizer(const std::filesystem::path& models_dir)
      : net_(Graph(load_model(models_dir, kRecognitionModel)).build()) {}

  const RecognizerModel& model() const override { return recognizer_model(kDlibModelId); }

  cv::Mat align(const cv::Mat& image, const Landmarks& landmarks) const override {
    return aligner_.align(image, landmarks);
  }

  std::vector<Embedding> embed_batch(const std::vector<cv::Mat>& chips_bgr) override {
    if (chips_bgr.empty()) return {};
    std::vector<cv::Mat> inputs;
    inputs.reserve(chips_bgr.size());
    for (const cv::Mat& chip : chips_bgr) inputs.push_back(prepare_chip(chip));
    // swapRB turns BGR into the RGB the net was trained on; the mean is then
    // given in RGB order and subtracted before scaling.
    net_.setInput(cv::dnn::blobFromImages(inputs, kInputScale, {}, kMeanRgb, true, false));
    const cv::Mat out = net_.forward();
    if (out.total() != size_t(kDimension) * inputs.size())
      throw std::logic_error("dlib recognizer: network produced an unexpected output size");
    std::vector<Embedding> embeddings;
    const float* row = out.ptr<float>();
    for (size_t i = 0; i < inputs.size(); ++i, row += kDimension)
      embeddings.emplace_back(row, row + kDimension);
    return embeddings;
  }

 private:
  cv::dnn::Net net_;
  FaceAligner aligner_;  // dlib's 150x150 chip, padding 0.25
};

}  // namespace

std::unique_ptr<FaceRecognizer> make_dlib_recognizer(const std::filesystem::path& models_dir) {
  return std::make_unique<DlibRecognizer>(models_dir);
}

}  // namespace facecheck::vision
