#include "vision/net_builder.h"

#include <stdexcept>

namespace facecheck::vision {
namespace {

cv::Mat blob(const std::vector<int>& shape, const float* data) {
  cv::Mat m(static_cast<int>(shape.size()), shape.data(), CV_32F);
  std::copy(data, data + m.total(), m.ptr<float>());
  return m;
}

// TF HWIO [kh, kw, in, out] -> OpenCV OIHW [out, in, kh, kw].
cv::Mat hwio_to_oihw(const Tensor& t) {
  if (t.shape.size() != 4) throw std::invalid_argument("conv filters must be 4-d");
  const int kh = t.shape[0], kw = t.shape[1], ci = t.shape[2], co = t.shape[3];
  std::vector<float> out(t.size());
  for (int y = 0; y < kh; ++y)
    for (int x = 0; x < kw; ++x)
      for (int i = 0; i < ci; ++i)
        for (int o = 0; o < co; ++o)
          out[((o * ci + i) * kh + y) * kw + x] = t.values[((y * kw + x) * ci + i) * co + o];
  return blob({co, ci, kh, kw}, out.data());
}

void set_padding(cv::dnn::LayerParams& p, Padding padding) {
  p.set("pad_mode", padding == Padding::Same ? "SAME" : "VALID");
}

void set_kernel(cv::dnn::LayerParams& p, int kh, int kw, int stride) {
  p.set("kernel_h", kh);
  p.set("kernel_w", kw);
  p.set("stride_h", stride);
  p.set("stride_w", stride);
}

cv::dnn::LayerParams conv_params(const Tensor& filters, cv::Mat weights,
                                 const std::vector<float>* bias, int stride, Padding padding,
                                 int groups, int outputs) {
  cv::dnn::LayerParams p;
  set_kernel(p, filters.shape[0], filters.shape[1], stride);
  set_padding(p, padding);
  p.set("num_output", outputs);
  p.set("group", groups);
  p.set("bias_term", bias != nullptr);
  p.blobs.push_back(weights);
  if (bias) {
    if (static_cast<int>(bias->size()) != outputs)
      throw std::invalid_argument("bias size does not match the filter count");
    p.blobs.push_back(blob({1, outputs}, bias->data()));
  }
  return p;
}

}  // namespace

NetBuilder::NetBuilder() { net_.setInputsNames({"input"}); }

NetBuilder::Id NetBuilder::add_layer(const std::string& name, const std::string& type,
                                     cv::dnn::LayerParams& params, const std::vector<Id>& inputs) {
  params.name = name;
  params.type = type;
  const Id id = net_.addLayer(name, type, params);
  for (size_t i = 0; i < inputs.size(); ++i) net_.connect(inputs[i], 0, id, static_cast<int>(i));
  return id;
}

NetBuilder::Id NetBuilder::conv(Id in, const std::string& name, const Tensor& filters,
                                const std::vector<float>* bias, int stride, Padding padding) {
  auto p = conv_params(filters, hwio_to_oihw(filters), bias, stride, padding, 1, filters.shape[3]);
  return add_layer(name, "Convolution", p, {in});
}

NetBuilder::Id NetBuilder::depthwise(Id in, const std::string& name, const Tensor& filters,
                                     const std::vector<float>* bias, int stride, Padding padding) {
  if (filters.shape.size() != 4 || filters.shape[3] != 1)
    throw std::invalid_argument(name + ": depthwise filters must be [kh, kw, channels, 1]");
  const int kh = filters.shape[0], kw = filters.shape[1], c = filters.shape[2];
  std::vector<float> w(filters.size());
  for (int y = 0; y < kh; ++y)
    for (int x = 0; x < kw; ++x)
      for (int i = 0; i < c; ++i) w[(i * kh + y) * kw + x] = filters.values[(y * kw + x) * c + i];
  auto p = conv_params(filters, blob({c, 1, kh, kw}, w.data()), bias, stride, padding, c, c);
  return add_layer(name, "Convolution", p, {in});
}

NetBuilder::Id NetBuilder::scale(Id in, const std::string& name, const std::vector<float>& mul,
                                 const std::vector<float>& add) {
  cv::dnn::LayerParams p;
  const int c = static_cast<int>(mul.size());
  p.blobs.push_back(blob({1, c}, mul.data()));
  p.set("bias_term", !add.empty());
  if (!add.empty()) {
    if (add.size() != mul.size()) throw std::invalid_argument(name + ": scale/offset sizes differ");
    p.blobs.push_back(blob({1, c}, add.data()));
  }
  return add_layer(name, "Scale", p, {in});
}

NetBuilder::Id NetBuilder::relu(Id in, const std::string& name) {
  cv::dnn::LayerParams p;
  return add_layer(name, "ReLU", p, {in});
}

NetBuilder::Id NetBuilder::relu6(Id in, const std::string& name) {
  cv::dnn::LayerParams p;
  p.set("min_value", 0.f);
  p.set("max_value", 6.f);
  return add_layer(name, "ReLU6", p, {in});
}

NetBuilder::Id NetBuilder::leaky_relu(Id in, const std::string& name, float slope) {
  cv::dnn::LayerParams p;
  p.set("negative_slope", slope);
  return add_layer(name, "ReLU", p, {in});
}

NetBuilder::Id NetBuilder::sigmoid(Id in, const std::string& name) {
  cv::dnn::LayerParams p;
  return add_layer(name, "Sigmoid", p, {in});
}

NetBuilder::Id NetBuilder::max_pool(Id in, const std::string& name, int kernel, int stride,
                                    Padding padding) {
  cv::dnn::LayerParams p;
  p.set("pool", "MAX");
  set_kernel(p, kernel, kernel, stride);
  set_padding(p, padding);
  p.set("ceil_mode", false);  // TF floors; OpenCV would otherwise round up
  return add_layer(name, "Pooling", p, {in});
}

NetBuilder::Id NetBuilder::avg_pool(Id in, const std::string& name, int kernel, int stride,
                                    Padding padding) {
  cv::dnn::LayerParams p;
  p.set("pool", "AVE");
  set_kernel(p, kernel, kernel, stride);
  set_padding(p, padding);
  p.set("ceil_mode", false);
  p.set("ave_pool_padded_area", false);  // TF averages over real cells only
  return add_layer(name, "Pooling", p, {in});
}

NetBuilder::Id NetBuilder::global_avg_pool(Id in, const std::string& name) {
  cv::dnn::LayerParams p;
  p.set("pool", "AVE");
  p.set("global_pooling", true);
  return add_layer(name, "Pooling", p, {in});
}

NetBuilder::Id NetBuilder::add(Id a, Id b, const std::string& name) {
  cv::dnn::LayerParams p;
  p.set("operation", "sum");
  return add_layer(name, "Eltwise", p, {a, b});
}

NetBuilder::Id NetBuilder::zero_pad(Id in, const std::string& name,
                                    const std::array<int, 8>& pads) {
  cv::dnn::LayerParams p;
  p.set("paddings", cv::dnn::DictValue::arrayInt(pads.data(), static_cast<int>(pads.size())));
  p.set("value", 0.f);
  return add_layer(name, "Padding", p, {in});
}

NetBuilder::Id NetBuilder::dense(Id in, const std::string& name, const Tensor& weights,
                                 const std::vector<float>* bias) {
  if (weights.shape.size() != 2) throw std::invalid_argument(name + ": weights must be 2-d");
  const int ni = weights.shape[0], no = weights.shape[1];
  std::vector<float> w(weights.size());  // [in, out] -> [out, in]
  for (int i = 0; i < ni; ++i)
    for (int o = 0; o < no; ++o) w[o * ni + i] = weights.values[i * no + o];
  cv::dnn::LayerParams p;
  p.set("num_output", no);
  p.set("bias_term", bias != nullptr);
  p.set("axis", 1);
  p.blobs.push_back(blob({no, ni}, w.data()));
  if (bias) p.blobs.push_back(blob({1, no}, bias->data()));
  return add_layer(name, "InnerProduct", p, {in});
}

NetBuilder::Id NetBuilder::to_nhwc(Id in, const std::string& name) {
  cv::dnn::LayerParams p;
  const int order[] = {0, 2, 3, 1};
  p.set("order", cv::dnn::DictValue::arrayInt(order, 4));
  return add_layer(name, "Permute", p, {in});
}

cv::dnn::Net NetBuilder::finish() {
  net_.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net_.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  return std::move(net_);
}

}  // namespace facecheck::vision
