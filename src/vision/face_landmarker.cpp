#include "vision/face_landmarker.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "vision/model_store.h"
#include "vision/net_builder.h"

namespace facecheck::vision {
namespace {

constexpr int kInputSize = 112;
// face-api subtracts these per-channel means (RGB order) and then divides by 255.
constexpr float kMeanRgb[3] = {122.782f, 117.001f, 104.298f};

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

// The crop as 8-bit RGB, whatever its channel layout.
cv::Mat to_rgb(const cv::Mat& image) {
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
  return rgb;
}

// Source taps of TF's legacy bilinear resize (align_corners = false,
// half_pixel_centers = false): output index o samples input o * in / out.
struct Tap {
  int i0, i1;
  float frac;
};

std::vector<Tap> resize_taps(int in, int out) {
  const float ratio = static_cast<float>(in) / static_cast<float>(out);
  std::vector<Tap> taps(out);
  for (int o = 0; o < out; ++o) {
    const float src = static_cast<float>(o) * ratio;
    const int i0 = static_cast<int>(std::floor(src));
    taps[o] = {i0, std::min(i0 + 1, in - 1), src - static_cast<float>(i0)};
  }
  return taps;
}

// The square network input: the crop padded with black to a square (the
// shorter side equally on both sides), resized to 112x112, mean-subtracted
// and divided by 255, as NCHW. Done by hand to reproduce face-api's tensor
// path exactly (pad first, then TF's legacy resize): the network is very
// sensitive to sub-pixel shifts of its input (on face_rectangular.png half
// a pixel moves jaw points by up to 10 px), and cv::resize's half-pixel
// centres shift the input by a fraction of a pixel.
cv::Mat make_blob(const cv::Mat& rgb, int pad_x, int pad_y) {
  const int side = std::max(rgb.cols, rgb.rows);
  const auto taps = resize_taps(side, kInputSize);
  // The padded square's pixel (y, x) as float, zero outside the crop.
  const auto at = [&](int y, int x, int c) {
    const int cy = y - pad_y, cx = x - pad_x;
    if (cy < 0 || cx < 0 || cy >= rgb.rows || cx >= rgb.cols) return 0.f;
    return static_cast<float>(rgb.ptr<uint8_t>(cy)[cx * 3 + c]);
  };
  const int dims[] = {1, 3, kInputSize, kInputSize};
  cv::Mat blob(4, dims, CV_32F);
  for (int c = 0; c < 3; ++c) {
    float* plane = blob.ptr<float>(0, c);
    for (int oy = 0; oy < kInputSize; ++oy) {
      const Tap ty = taps[oy];
      for (int ox = 0; ox < kInputSize; ++ox) {
        const Tap tx = taps[ox];
        const float top =
            at(ty.i0, tx.i0, c) + (at(ty.i0, tx.i1, c) - at(ty.i0, tx.i0, c)) * tx.frac;
        const float bottom =
            at(ty.i1, tx.i0, c) + (at(ty.i1, tx.i1, c) - at(ty.i1, tx.i0, c)) * tx.frac;
        const float v = top + (bottom - top) * ty.frac;
        plane[oy * kInputSize + ox] = (v - kMeanRgb[c]) / 255.f;
      }
    }
  }
  return blob;
}

// The box clipped to the image with every field floored, as face-api does
// when it cuts out faces; empty if nothing of it is inside.
cv::Rect crop_rect(const cv::Mat& image, const cv::Rect2f& box) {
  const float x = std::max(box.x, 0.f), y = std::max(box.y, 0.f);
  const float w = std::min(box.x + box.width, static_cast<float>(image.cols)) - x;
  const float h = std::min(box.y + box.height, static_cast<float>(image.rows)) - y;
  if (!(w > 0 && h > 0)) return {};
  return {static_cast<int>(std::floor(x)), static_cast<int>(std::floor(y)),
          static_cast<int>(std::floor(w)), static_cast<int>(std::floor(h))};
}

// SSD boxes relative to the landmarks' bounding square (side = the larger
// extent of all 68 points): mean over LFW faces, where the spread of each
// ratio is under 0.1.
constexpr float kBoxWidth = 1.02f, kBoxHeight = 1.22f, kBoxCentreDy = -0.126f;

}  // namespace

// clang-format off
const std::array<int, kLandmarkCount> kMirroredLandmark = {
    16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,  // jaw
    26, 25, 24, 23, 22, 21, 20, 19, 18, 17,                    // brows
    27, 28, 29, 30, 35, 34, 33, 32, 31,                        // nose
    45, 44, 43, 42, 47, 46, 39, 38, 37, 36, 41, 40,            // eyes
    54, 53, 52, 51, 50, 49, 48, 59, 58, 57, 56, 55,            // outer lips
    64, 63, 62, 61, 60, 67, 66, 65};                           // inner lips
// clang-format on

Landmarks mirror_landmarks(const Landmarks& landmarks, float width) {
  // Points are continuous coordinates with the image spanning [0, width], so
  // the mirror of x is width - x.
  Landmarks out;
  for (int i = 0; i < kLandmarkCount; ++i) {
    const cv::Point2f p = landmarks[kMirroredLandmark[i]];
    out[i] = {width - p.x, p.y};
  }
  return out;
}

cv::Rect2f box_from_landmarks(const Landmarks& landmarks) {
  float x0 = landmarks[0].x, x1 = x0, y0 = landmarks[0].y, y1 = y0;
  for (const auto& p : landmarks) {
    x0 = std::min(x0, p.x), x1 = std::max(x1, p.x);
    y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
  }
  const float extent = std::max(x1 - x0, y1 - y0);
  const float w = kBoxWidth * extent, h = kBoxHeight * extent;
  const cv::Point2f centre((x0 + x1) / 2, (y0 + y1) / 2 + kBoxCentreDy * extent);
  return {centre.x - w / 2, centre.y - h / 2, w, h};
}

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
  const cv::Mat rgb = to_rgb(crop_bgr);
  // face-api puts the odd pixel of padding after the crop, so the padding
  // before it is the floor of half the difference.
  const int side = std::max(rgb.cols, rgb.rows);
  const int pad_x = (side - rgb.cols) / 2, pad_y = (side - rgb.rows) / 2;
  impl_->net.setInput(make_blob(rgb, pad_x, pad_y));
  const cv::Mat out = impl_->net.forward();
  if (out.total() != 2 * kLandmarkCount)
    throw std::runtime_error("FaceLandmarker: unexpected output size");

  // Outputs are (x, y) fractions of the padded square. face-api subtracts
  // half the size difference, which is the real padding when it is even; we
  // subtract the real padding so odd differences are not off by half a pixel.
  Landmarks points;
  const float* v = out.ptr<float>();
  const float s = static_cast<float>(side);
  for (int i = 0; i < kLandmarkCount; ++i)
    points[i] = {v[2 * i] * s - static_cast<float>(pad_x),
                 v[2 * i + 1] * s - static_cast<float>(pad_y)};
  return points;
}

Landmarks FaceLandmarker::locate(const cv::Mat& image_bgr, const cv::Rect2f& box) {
  if (image_bgr.empty()) throw std::invalid_argument("FaceLandmarker: empty image");
  const cv::Rect r = crop_rect(image_bgr, box);
  if (r.width <= 0 || r.height <= 0)
    throw std::invalid_argument("FaceLandmarker: face box is empty after clipping to the image");
  Landmarks points = locate(image_bgr(r));
  for (auto& p : points) p += cv::Point2f(static_cast<float>(r.x), static_cast<float>(r.y));
  return points;
}

Landmarks FaceLandmarker::locate_mirror_averaged(const cv::Mat& image_bgr, const cv::Rect2f& box) {
  if (image_bgr.empty()) throw std::invalid_argument("FaceLandmarker: empty image");
  const cv::Rect r = crop_rect(image_bgr, box);
  if (r.width <= 0 || r.height <= 0)
    throw std::invalid_argument("FaceLandmarker: face box is empty after clipping to the image");
  // Mirroring just the crop (not the photo) keeps a large photo cheap and
  // gives the net exactly the mirror of what the first pass saw.
  const cv::Mat crop = image_bgr(r);
  cv::Mat flipped;
  cv::flip(crop, flipped, 1);
  const Landmarks direct = locate(crop);
  const Landmarks mirrored = mirror_landmarks(locate(flipped), static_cast<float>(r.width));
  Landmarks points;
  const cv::Point2f origin(static_cast<float>(r.x), static_cast<float>(r.y));
  for (int i = 0; i < kLandmarkCount; ++i) points[i] = (direct[i] + mirrored[i]) * 0.5f + origin;
  return points;
}

}  // namespace facecheck::vision
