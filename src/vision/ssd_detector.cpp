#include "vision/ssd_detector.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>

#include "vision/model_error.h"
#include "vision/model_store.h"
#include "vision/net_builder.h"
#include "vision/nms.h"

namespace facecheck::vision {
namespace {

constexpr int kInputSize = 512;
constexpr int kAnchorCount = 5118;
// TF's batch-norm epsilon as face-api passes it (0.001 rounded to float).
constexpr float kBatchNormEpsilon = 0.0010000000474974513f;
// face-api suppresses a box overlapping a better one by more than this.
constexpr float kIouThreshold = 0.5f;
// Box encodings are (ty, tx, th, tw) divided by these scales, as in the TF
// Object Detection API's box coder that trained the model.
constexpr float kCenterScale = 10.f;
constexpr float kSizeScale = 5.f;

// The six feature maps the box predictors read, coarsest last. The anchors
// in the weights are ordered map by map, then row, column and anchor.
struct PredictorSpec {
  int grid;     // feature map side at a 512 input
  int anchors;  // anchors per cell
};
constexpr std::array<PredictorSpec, 6> kPredictors = {
    {{32, 3}, {16, 6}, {8, 6}, {4, 6}, {2, 6}, {1, 6}}};
constexpr int predictor_anchor_count() {
  int n = 0;
  for (const auto& p : kPredictors) n += p.grid * p.grid * p.anchors;
  return n;
}
static_assert(predictor_anchor_count() == kAnchorCount, "predictors must cover every anchor");
constexpr int kClasses = 3;    // background, face, and an unused class
constexpr int kFaceClass = 1;  // face-api takes the first class after background

// Depthwise strides of MobileNetV1's 13 separable blocks (index 0 unused).
int depthwise_stride(int block) {
  return block == 2 || block == 4 || block == 6 || block == 12 ? 2 : 1;
}

std::string box_output(int i) { return "box_predictor_" + std::to_string(i) + "/box"; }
std::string class_output(int i) { return "box_predictor_" + std::to_string(i) + "/class"; }

class GraphBuilder {
 public:
  explicit GraphBuilder(const TfjsWeights& w) : w_(w) {}

  cv::dnn::Net build() {
    // MobileNetV1: a full 3x3 conv, then 13 depthwise-separable blocks.
    NetBuilder::Id x = pointwise(b_.input(), "MobilenetV1/Conv2d_0_pointwise", 2);
    NetBuilder::Id conv11 = x;
    for (int block = 1; block <= 13; ++block) {
      x = depthwise(x, "MobilenetV1/Conv2d_" + std::to_string(block) + "_depthwise",
                    depthwise_stride(block));
      x = pointwise(x, "MobilenetV1/Conv2d_" + std::to_string(block) + "_pointwise", 1);
      if (block == 11) conv11 = x;
    }
    // Extra SSD feature layers: pairs of 1x1 then strided 3x3 convolutions.
    std::array<NetBuilder::Id, 6> maps{conv11, x};
    NetBuilder::Id y = x;
    for (int i = 0; i < 8; ++i) {
      y = pointwise(y, "Prediction/Conv2d_" + std::to_string(i) + "_pointwise", i % 2 ? 2 : 1);
      if (i % 2) maps[2 + i / 2] = y;
    }
    for (int i = 0; i < 6; ++i) {
      const std::string prefix = "Prediction/BoxPredictor_" + std::to_string(i);
      const int a = kPredictors[i].anchors;
      predictor(maps[i], prefix + "/BoxEncodingPredictor", box_output(i), a * 4);
      predictor(maps[i], prefix + "/ClassPredictor", class_output(i), a * kClasses);
    }
    return b_.finish();
  }

 private:
  // conv (face-api calls even the first 3x3 conv "pointwise") + the folded
  // batch-norm offset + relu6.
  NetBuilder::Id pointwise(NetBuilder::Id in, const std::string& name, int stride) {
    const Tensor& filters = w_.get(name + "/weights");
    const Tensor& offset = w_.get(name + "/convolution_bn_offset", {filters.shape.at(3)});
    const auto conv = b_.conv(in, name, filters, &offset.values, stride, Padding::Same);
    return b_.relu6(conv, name + "/relu6");
  }

  // depthwise conv + batch norm + relu6. The batch norm is folded into the
  // filters and a bias, which saves a full pass over each feature map.
  NetBuilder::Id depthwise(NetBuilder::Id in, const std::string& name, int stride) {
    Tensor filters = w_.get(name + "/depthwise_weights");
    if (filters.shape.size() != 4) throw model_file_error(name, "depthwise filters are not 4-d");
    const int c = filters.shape[2];
    const auto& gamma = w_.get(name + "/BatchNorm/gamma", {c}).values;
    const auto& beta = w_.get(name + "/BatchNorm/beta", {c}).values;
    const auto& mean = w_.get(name + "/BatchNorm/moving_mean", {c}).values;
    const auto& var = w_.get(name + "/BatchNorm/moving_variance", {c}).values;
    std::vector<float> bias(c);
    std::vector<float> mul(c);
    for (int i = 0; i < c; ++i) {
      mul[i] = gamma[i] / std::sqrt(var[i] + kBatchNormEpsilon);
      bias[i] = beta[i] - mean[i] * mul[i];
    }
    // HWC1 layout: the channel is the fastest-varying index.
    for (size_t k = 0; k < filters.values.size(); ++k) filters.values[k] *= mul[k % c];
    const auto conv = b_.depthwise(in, name, filters, &bias, stride, Padding::Same);
    return b_.relu6(conv, name + "/relu6");
  }

  void predictor(NetBuilder::Id in, const std::string& name, const std::string& layer,
                 int outputs) {
    const Tensor& filters = w_.get(name + "/weights");
    if (filters.shape.size() != 4 || filters.shape[3] != outputs)
      throw model_file_error(name + "/weights", "unexpected predictor shape");
    const Tensor& bias = w_.get(name + "/biases", {outputs});
    b_.conv(in, layer, filters, &bias.values, 1, Padding::Same);
  }

  const TfjsWeights& w_;
  NetBuilder b_;
};

// 8-bit BGR from any supported input.
cv::Mat to_bgr(const cv::Mat& image) {
  if (image.empty()) throw std::invalid_argument("SsdDetector: empty image");
  if (image.depth() != CV_8U) throw std::invalid_argument("SsdDetector: expected an 8-bit image");
  cv::Mat bgr;
  switch (image.channels()) {
    case 1:
      cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR);
      break;
    case 3:
      bgr = image;
      break;
    case 4:
      cv::cvtColor(image, bgr, cv::COLOR_BGRA2BGR);
      break;
    default:
      throw std::invalid_argument("SsdDetector: expected 1, 3 or 4 channels");
  }
  return bgr;
}

float sigmoid(float v) { return 1.f / (1.f + std::exp(-v)); }

}  // namespace

struct SsdDetector::Impl {
  cv::dnn::Net net;
  std::vector<cv::String> outputs;  // box then class blob of each predictor
  std::vector<float> anchors;       // [kAnchorCount][ymin, xmin, ymax, xmax], 0..1
  cv::Mat square;                   // reused 512x512 letterbox buffer
};

SsdDetector::SsdDetector(const std::filesystem::path& models_dir)
    : impl_(std::make_unique<Impl>()) {
  const TfjsWeights weights = load_model(models_dir, kSsdModel);
  impl_->net = GraphBuilder(weights).build();
  impl_->anchors = weights.get("Output/extra_dim", {1, kAnchorCount, 4}).values;
  for (int i = 0; i < static_cast<int>(kPredictors.size()); ++i) {
    impl_->outputs.push_back(box_output(i));
    impl_->outputs.push_back(class_output(i));
  }
}

SsdDetector::~SsdDetector() = default;
SsdDetector::SsdDetector(SsdDetector&&) noexcept = default;
SsdDetector& SsdDetector::operator=(SsdDetector&&) noexcept = default;

std::vector<FaceBox> SsdDetector::detect(const cv::Mat& image_bgr, float min_score,
                                         int max_results) {
  const cv::Mat bgr = to_bgr(image_bgr);
  if (max_results <= 0) return {};
  Impl& m = *impl_;

  // Like face-api: scale the longer side to 512 and pad the bottom or right
  // with black. Resizing before padding keeps the work proportional to 512^2.
  const int w = bgr.cols, h = bgr.rows;
  const double scale = static_cast<double>(kInputSize) / std::max(w, h);
  const int rw = std::clamp(static_cast<int>(std::lround(w * scale)), 1, kInputSize);
  const int rh = std::clamp(static_cast<int>(std::lround(h * scale)), 1, kInputSize);
  m.square.create(kInputSize, kInputSize, CV_8UC3);
  m.square.setTo(cv::Scalar::all(0));
  cv::Mat roi = m.square(cv::Rect(0, 0, rw, rh));
  // Bilinear matches face-api best (worst box error 3.4 px on faces.jpg
  // against 3.8 with area averaging), but aliases when shrinking big photos
  // by more than 2x, where area averaging is the safer filter.
  cv::resize(bgr, roi, roi.size(), 0, 0, scale < 0.5 ? cv::INTER_AREA : cv::INTER_LINEAR);

  // RGB scaled to [-1, 1]: (v - 127.5) / 127.5.
  const cv::Mat blob = cv::dnn::blobFromImage(m.square, 1.0 / 127.5, cv::Size(),
                                              cv::Scalar::all(127.5), /*swapRB=*/true);
  m.net.setInput(blob);
  std::vector<cv::Mat> out;
  m.net.forward(out, m.outputs);

  // Boxes come out relative to the padded square; this maps them to pixels
  // of the original image (the resized image covers rw x rh of the square).
  const float sx = static_cast<float>(kInputSize) * w / rw;
  const float sy = static_cast<float>(kInputSize) * h / rh;
  // Compare logits first, so that only the few candidates pay for exp(); the
  // margin leaves the exact decision to the score test below.
  const float min_logit = min_score > 0.f && min_score < 1.f
                              ? std::log(min_score / (1.f - min_score)) - 1e-3f
                              : -std::numeric_limits<float>::infinity();

  std::vector<FaceBox> candidates;
  int anchor = 0;
  for (size_t p = 0; p < kPredictors.size(); ++p) {
    const auto [grid, per_cell] = kPredictors[p];
    const cv::Mat& box = out[2 * p];
    const cv::Mat& cls = out[2 * p + 1];
    if (box.dims != 4 || box.size[1] != 4 * per_cell || box.size[2] != grid ||
        box.size[3] != grid || cls.size[1] != kClasses * per_cell)
      throw std::logic_error("SsdDetector: unexpected predictor output shape");
    const int plane = grid * grid;
    const float* bp = box.ptr<float>();
    const float* cp = cls.ptr<float>();
    for (int cell = 0; cell < plane; ++cell) {
      for (int a = 0; a < per_cell; ++a, ++anchor) {
        const float logit = cp[(a * kClasses + kFaceClass) * plane + cell];
        if (logit < min_logit) continue;
        const float score = sigmoid(logit);
        if (score < min_score) continue;
        const float* an = &m.anchors[4 * anchor];
        const float ah = an[2] - an[0], aw = an[3] - an[1];
        const float acy = an[0] + ah / 2, acx = an[1] + aw / 2;
        const float* e = bp + a * 4 * plane + cell;  // channel stride is `plane`
        const float cy = e[0] / kCenterScale * ah + acy;
        const float cx = e[plane] / kCenterScale * aw + acx;
        const float bh = std::exp(e[2 * plane] / kSizeScale) * ah;
        const float bw = std::exp(e[3 * plane] / kSizeScale) * aw;
        // The square was scaled uniformly, so IoU in pixels equals face-api's
        // IoU in square units; clip only after NMS, as face-api does.
        candidates.push_back(
            {cv::Rect2f((cx - bw / 2) * sx, (cy - bh / 2) * sy, bw * sx, bh * sy), score});
      }
    }
  }
  std::vector<FaceBox> faces =
      non_max_suppression(std::move(candidates), kIouThreshold, max_results);
  const cv::Rect2f bounds(0.f, 0.f, static_cast<float>(w), static_cast<float>(h));
  for (FaceBox& f : faces) f.box &= bounds;
  return faces;
}

}  // namespace facecheck::vision
