#include "vision/tiny_detector.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>

#include "vision/model_store.h"
#include "vision/net_builder.h"
#include "vision/nms.h"

namespace facecheck::vision {
namespace {

constexpr int kMinInputSize = 128;
constexpr int kMaxInputSize = 608;
constexpr int kDefaultInputSize = 416;
constexpr int kCellSize = 32;  // five stride-2 poolings
constexpr int kAnchorCount = 5;
constexpr int kBoxEncoding = 5;  // tx, ty, tw, th, objectness (one class: no class scores)
constexpr float kIouThreshold = 0.4f;
// face-api computes relu(0.9 x) + 0.1 x: a leaky ReLU with slope 0.1 (float32).
constexpr float kLeakySlope = 0.1f;

// Anchor sizes in grid cells, in the order of the output channels.
constexpr std::array<std::array<float, 2>, kAnchorCount> kAnchors = {{
    {1.603231f, 2.094468f},
    {6.041143f, 7.080126f},
    {2.882459f, 3.518061f},
    {4.266906f, 5.178857f},
    {9.041765f, 10.66308f},
}};

// The training set's mean colour (R, G, B), subtracted before scaling by 1/255.
constexpr std::array<float, 3> kMeanRgb = {117.001f, 114.697f, 97.404f};

float sigmoid(float x) { return 1.f / (1.f + std::exp(-x)); }

// The graph of face-api's TinyYolov2 "mobilenet" variant with a plain first
// convolution. face-api pads each separable conv by 1 explicitly and then
// convolves 'valid', which for a 3x3 stride-1 kernel is exactly SAME; the
// first conv really is unpadded (416 -> 414), and the grid is still 13 cells
// because the SAME poolings round 207 up to 104.
cv::dnn::Net build_net(const TfjsWeights& w) {
  NetBuilder b;
  auto x = b.conv(b.input(), "conv0", w.get("conv0/filters", {3, 3, 3, 16}),
                  &values(w.get("conv0/bias", {16})), 1, Padding::Valid);
  x = b.leaky_relu(x, "conv0/leaky", kLeakySlope);
  x = b.max_pool(x, "pool0", 2, 2, Padding::Same);

  const int channels[] = {16, 32, 64, 128, 256, 512};
  for (int i = 1; i <= 5; ++i) {
    const std::string n = "conv" + std::to_string(i);
    const int in = channels[i - 1], out = channels[i];
    x = b.depthwise(x, n + "/depthwise", w.get(n + "/depthwise_filter", {3, 3, in, 1}), nullptr, 1,
                    Padding::Same);
    x = b.conv(x, n + "/pointwise", w.get(n + "/pointwise_filter", {1, 1, in, out}),
               &values(w.get(n + "/bias", {out})), 1, Padding::Valid);
    x = b.leaky_relu(x, n + "/leaky", kLeakySlope);
    // The last pooling keeps the grid size (stride 1, padded at the end).
    x = b.max_pool(x, "pool" + std::to_string(i), 2, i < 5 ? 2 : 1, Padding::Same);
  }
  // The model has no conv6/conv7 (face-api's 7-filter configuration).
  b.conv(x, "conv8", w.get("conv8/filters", {1, 1, 512, kAnchorCount * kBoxEncoding}),
         &values(w.get("conv8/bias", {kAnchorCount * kBoxEncoding})), 1, Padding::Valid);
  return b.finish();
}

// `image` as 3-channel BGR, converted into `scratch` when needed.
const cv::Mat& to_bgr(const cv::Mat& image, cv::Mat& scratch) {
  if (image.empty()) throw std::invalid_argument("TinyDetector: empty image");
  if (image.depth() != CV_8U) throw std::invalid_argument("TinyDetector: image must be 8-bit");
  switch (image.channels()) {
    case 1:
      cv::cvtColor(image, scratch, cv::COLOR_GRAY2BGR);
      return scratch;
    case 3:
      return image;
    case 4:
      cv::cvtColor(image, scratch, cv::COLOR_BGRA2BGR);
      return scratch;
    default:
      throw std::invalid_argument("TinyDetector: image must have 1, 3 or 4 channels");
  }
}

// NCHW RGB blob of (pixel - mean) / 255 from a square BGR image, written into
// `blob` so that its memory is reused from call to call.
void to_blob(const cv::Mat& bgr, cv::Mat& blob) {
  const int side = bgr.rows;
  const int shape[] = {1, 3, side, side};
  blob.create(4, shape, CV_32F);
  // BGR pixel channel c goes to RGB plane 2 - c.
  float* const planes[] = {blob.ptr<float>(0, 2), blob.ptr<float>(0, 1), blob.ptr<float>(0, 0)};
  for (int y = 0; y < side; ++y) {
    const uchar* px = bgr.ptr<uchar>(y);
    for (int x = 0; x < side; ++x, px += 3)
      for (int c = 0; c < 3; ++c)
        planes[c][y * side + x] = (px[c] - kMeanRgb[2 - c]) * (1.f / 255.f);
  }
}

}  // namespace

struct TinyDetector::Impl {
  explicit Impl(TfjsWeights w) : weights(std::move(w)) {}

  TfjsWeights weights;
  // One net per input size: OpenCV re-plans every layer and re-allocates all
  // blobs when the input shape changes (a frame's worth of time), so
  // alternating sizes would pay that on every call. At most 16 sizes exist
  // and the weights are small (~190 KB).
  std::map<int, cv::dnn::Net> nets;
  // Per-call buffers, kept because a fresh multi-megabyte allocation is
  // mmap'ed and page-faulted anew each frame: measured ~1000 page faults and
  // twice the CPU time per call at 416 with cv::dnn::blobFromImage.
  cv::Mat converted, canvas, blob;

  cv::dnn::Net& net_for(int input_size) {
    auto it = nets.find(input_size);
    if (it == nets.end()) it = nets.emplace(input_size, build_net(weights)).first;
    return it->second;
  }
};

TinyDetector::TinyDetector(const std::filesystem::path& models_dir)
    : impl_(std::make_unique<Impl>(load_model(models_dir, kTinyModel))) {
  // Run the default size once: a bad graph fails here rather than on the
  // first frame, and that frame does not pay the layer set-up.
  detect(cv::Mat(kCellSize, kCellSize, CV_8UC3, cv::Scalar::all(0)), kDefaultInputSize);
}

TinyDetector::~TinyDetector() = default;
TinyDetector::TinyDetector(TinyDetector&&) noexcept = default;
TinyDetector& TinyDetector::operator=(TinyDetector&&) noexcept = default;

std::vector<FaceBox> TinyDetector::detect(const cv::Mat& image_bgr, int input_size,
                                          float min_score) {
  if (input_size < kMinInputSize || input_size > kMaxInputSize || input_size % kCellSize != 0)
    throw std::invalid_argument("TinyDetector: input size must be a multiple of 32 in [128, 608]");
  const cv::Mat& bgr = to_bgr(image_bgr, impl_->converted);

  // Scale the longer side to input_size and pad the rest with black at the
  // bottom/right (face-api does not centre here); the padding is black
  // *before* mean subtraction, as in face-api.
  const double scale = static_cast<double>(input_size) / std::max(bgr.cols, bgr.rows);
  const int width = std::clamp(static_cast<int>(std::lround(bgr.cols * scale)), 1, input_size);
  const int height = std::clamp(static_cast<int>(std::lround(bgr.rows * scale)), 1, input_size);
  cv::Mat& canvas = impl_->canvas;
  canvas.create(input_size, input_size, CV_8UC3);
  canvas.setTo(cv::Scalar::all(0));
  // Plain bilinear, like the browser canvas face-api draws into: INTER_AREA
  // looks better for downscaling but moved scores by up to 0.07 at size 320.
  cv::resize(bgr, canvas(cv::Rect(0, 0, width, height)), cv::Size(width, height), 0, 0,
             cv::INTER_LINEAR);
  to_blob(canvas, impl_->blob);

  cv::dnn::Net& net = impl_->net_for(input_size);
  net.setInput(impl_->blob);
  const cv::Mat out = net.forward();  // [1, anchors * 5, cells, cells]
  const int cells = input_size / kCellSize;
  if (out.dims != 4 || out.size[1] != kAnchorCount * kBoxEncoding || out.size[2] != cells ||
      out.size[3] != cells)
    throw std::logic_error("TinyDetector: unexpected output shape");

  // Predictions are relative to the padded square; boxes are measured in
  // units of the resized image instead, then in original pixels.
  const float to_px_x = static_cast<float>(input_size) / width * bgr.cols;
  const float to_px_y = static_cast<float>(input_size) / height * bgr.rows;
  const float* data = out.ptr<float>();
  const auto at = [&](int anchor, int k, int row, int col) {
    return data[((anchor * kBoxEncoding + k) * cells + row) * cells + col];
  };
  std::vector<FaceBox> candidates;
  for (int row = 0; row < cells; ++row) {
    for (int col = 0; col < cells; ++col) {
      for (int a = 0; a < kAnchorCount; ++a) {
        const float score = sigmoid(at(a, 4, row, col));
        if (!(score > min_score)) continue;
        const float cx = (col + sigmoid(at(a, 0, row, col))) / cells;
        const float cy = (row + sigmoid(at(a, 1, row, col))) / cells;
        const float w = std::exp(at(a, 2, row, col)) * kAnchors[a][0] / cells;
        const float h = std::exp(at(a, 3, row, col)) * kAnchors[a][1] / cells;
        candidates.push_back(
            {cv::Rect2f((cx - w / 2) * to_px_x, (cy - h / 2) * to_px_y, w * to_px_x, h * to_px_y),
             score});
      }
    }
  }

  // IoU is unchanged by scaling each axis, so suppressing in pixels matches
  // face-api suppressing in input-size units. Clip only afterwards, as
  // clipping first would change which overlapping boxes survive.
  const int max_results = static_cast<int>(candidates.size());
  std::vector<FaceBox> faces =
      non_max_suppression(std::move(candidates), kIouThreshold, max_results);
  const cv::Rect2f bounds(0.f, 0.f, static_cast<float>(bgr.cols), static_cast<float>(bgr.rows));
  std::vector<FaceBox> clipped;
  clipped.reserve(faces.size());
  for (FaceBox& f : faces) {
    f.box &= bounds;
    if (f.box.width > 0.f && f.box.height > 0.f) clipped.push_back(f);
  }
  return clipped;
}

}  // namespace facecheck::vision
