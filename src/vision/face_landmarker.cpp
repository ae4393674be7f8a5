#include "vision/face_landmarker.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>

#include "vision/model_store.h"
#include "vision/net_builder.h"

namespace facecheck::vision {
namespace {

constexpr int kInputSize = 112;
// face-api subtracts these per-channel means (RGB order) and then divides by 255.
const cv::Scalar kMeanRgb(122.782, 117.001, 104.298);

// face-api's depthwise-separable conv: depthwise 3x3 (no bias), pointwise
// 1x1, then the bias; always 'same' padding.
NetBuilder::Id separable(NetBuilder& b, const TfjsWeights& w, NetBuilder::Id in,
                         const std::string& prefix, int stride) {
  const auto dw = b.depthwise(in, prefix + "/depthwise", w.get(prefix + "/depthwise_filter"),
                              nullptr, stride, Padding::Same);
  return b.conv(dw, prefix + "/pointwise", w.get(prefix + "/pointwise_filter"),
                &values(w.get(prefix + "/bias")), 1, Padding::Same);
}

// One dense block: four convs where each conv's input is the relu of the
// sum of all earlier conv outputs (not a concatenation), and the block's
// output is the relu of the sum of all four. The first conv halves the size.
NetBuilder::Id dense_block(NetBuilder& b, const TfjsWeights& w, NetBuilder::Id in,
                           const std::string& name, bool first) {
  NetBuilder::Id out1;
  if (first) {
    out1 = b.conv(in, name + "/conv0", w.get(name + "/conv0/filters"),
                  &values(w.get(name + "/conv0/bias")), 2, Padding::Same);
  } else {
    out1 = separable(b, w, in, name + "/conv0", 2);
  }
  out1 = b.relu(out1, name + "/relu0");
  NetBuilder::Id sum = out1;
  for (int i = 1; i <= 3; ++i) {
    const std::string conv = name + "/conv" + std::to_string(i);
    const auto in_i = i == 1 ? out1 : b.relu(sum, conv + "/in_relu");
    const auto out_i = separable(b, w, in_i, conv, 1);
    sum = b.add(sum, out_i, conv + "/sum");
  }
  return b.relu(sum, name + "/out_relu");
}

cv::dnn::Net build_net(const TfjsWeights& w) {
  NetBuilder b;
  auto x = dense_block(b, w, b.input(), "dense0", true);
  x = dense_block(b, w, x, "dense1", false);
  x = dense_block(b, w, x, "dense2", false);
  x = dense_block(b, w, x, "dense3", false);  // 7x7x256
  x = b.avg_pool(x, "avg_pool", 7, 2, Padding::Valid);
  // 1x1 spatially, so NCHW and NHWC flatten alike: no to_nhwc needed.
  b.dense(x, "fc", w.get("fc/weights", {256, 136}), &values(w.get("fc/bias", {136})));
  return b.finish();
}

cv::Mat to_rgb_float(const cv::Mat& image) {
  if (image.empty()) throw std::invalid_argument("FaceLandmarker: empty image");
  if (image.depth() != CV_8U)
    throw std::invalid_argument("FaceLandmarker: expected an 8-bit image");
  cv::Mat rgb;
  switch (image.channels()) {
    case 1:
      cv::cvtColor(image, rgb, cv::COLOR_GRAY2RGB);
      break;
    case 3:
      cv::cvtColor(image, rgb, cv::COLOR_BGR2RGB);
      break;
    case 4:
      cv::cvtColor(image, rgb, cv::COLOR_BGRA2RGB);
      break;
    default:
      throw std::invalid_argument("FaceLandmarker: expected 1, 3 or 4 channels");
  }
  // Interpolate in float, as face-api's tensor path does, rather than
  // rounding the resized pixels to 8 bits.
  cv::Mat f;
  rgb.convertTo(f, CV_32F);
  return f;
}

}  // namespace

struct FaceLandmarker::Impl {
  cv::dnn::Net net;
};

FaceLandmarker::FaceLandmarker(const std::filesystem::path& models_dir)
    : impl_(std::make_unique<Impl>()) {
  impl_->net = build_net(load_model(models_dir, kLandmarkModel));
}

FaceLandmarker::~FaceLandmarker() = default;
FaceLandmarker::FaceLandmarker(FaceLandmarker&&) noexcept = default;
FaceLandmarker& FaceLandmarker::operator=(FaceLandmarker&&) noexcept = default;

Landmarks FaceLandmarker::locate(const cv::Mat& crop_bgr) {
  const cv::Mat rgb = to_rgb_float(crop_bgr);
  const float w = static_cast<float>(rgb.cols), h = static_cast<float>(rgb.rows);
  // face-api scales the longer side to 112 and pads the shorter one with
  // black equally on both sides.
  const float s = kInputSize / std::max(w, h);
  const float pad_x = w < h ? (kInputSize - w * s) / 2 : 0.f;
  const float pad_y = h < w ? (kInputSize - h * s) / 2 : 0.f;

  const char* mode_env = std::getenv("LM_MODE");
  const int mode = mode_env ? std::atoi(mode_env) : 0;
  cv::Mat square;
  if (mode == 2) {
    cv::Mat resized;
    cv::resize(rgb, resized,
               cv::Size(static_cast<int>(std::lround(w * s)), static_cast<int>(std::lround(h * s))),
               0, 0, cv::INTER_AREA);
    square = cv::Mat::zeros(kInputSize, kInputSize, CV_32FC3);
    const int ox = (kInputSize - resized.cols) / 2, oy = (kInputSize - resized.rows) / 2;
    resized.copyTo(square(cv::Rect(ox, oy, resized.cols, resized.rows)));
  } else {
    // Pixel centres map to pixel centres (mode 0) or corners (mode 1, TF legacy).
    const float c = mode == 0 ? 0.5f * s - 0.5f : 0.f;
    const cv::Matx23f m(s, 0, pad_x + c, 0, s, pad_y + c);
    cv::warpAffine(rgb, square, m, cv::Size(kInputSize, kInputSize), cv::INTER_LINEAR,
                   cv::BORDER_CONSTANT, cv::Scalar::all(0));
  }

  const cv::Mat blob = cv::dnn::blobFromImage(square, 1.0 / 255, cv::Size(), kMeanRgb, false);
  impl_->net.setInput(blob);
  const cv::Mat out = impl_->net.forward();
  if (out.total() != 2 * kLandmarkCount)
    throw std::runtime_error("FaceLandmarker: unexpected output size");

  // Outputs are fractions of the padded square; undo the padding and scale.
  Landmarks points;
  const float* v = out.ptr<float>();
  for (int i = 0; i < kLandmarkCount; ++i) {
    points[i] = {(v[2 * i] * kInputSize - pad_x) / s, (v[2 * i + 1] * kInputSize - pad_y) / s};
  }
  return points;
}

Landmarks FaceLandmarker::locate(const cv::Mat& image_bgr, const cv::Rect2f& box) {
  if (image_bgr.empty()) throw std::invalid_argument("FaceLandmarker: empty image");
  const cv::Rect2f clipped =
      box & cv::Rect2f(0.f, 0.f, static_cast<float>(image_bgr.cols), static_cast<float>(image_bgr.rows));
  const int x0 = static_cast<int>(std::lround(clipped.x));
  const int y0 = static_cast<int>(std::lround(clipped.y));
  const int x1 = static_cast<int>(std::lround(clipped.x + clipped.width));
  const int y1 = static_cast<int>(std::lround(clipped.y + clipped.height));
  if (clipped.empty() || x1 <= x0 || y1 <= y0)
    throw std::invalid_argument("FaceLandmarker: face box is empty after clipping to the image");
  Landmarks points = locate(image_bgr(cv::Rect(x0, y0, x1 - x0, y1 - y0)));
  for (auto& p : points) p += cv::Point2f(static_cast<float>(x0), static_cast<float>(y0));
  return points;
}

}  // namespace facecheck::vision
