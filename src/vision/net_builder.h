// Builds a cv::dnn::Net layer by layer from TensorFlow-style weights.
//
// face-api's networks exist only as tfjs weights, so we describe each graph
// in code. This class hides OpenCV's LayerParams plumbing and converts TF's
// layouts (HWIO filters, NHWC thinking) to OpenCV's (OIHW, NCHW). Every
// method returns the id of the layer it added; pass it on as the next input.
#pragma once

#include <array>
#include <opencv2/dnn.hpp>
#include <string>
#include <vector>

#include "vision/tfjs_weights.h"

namespace facecheck::vision {

enum class Padding { Same, Valid };  // TensorFlow's meaning of each

class NetBuilder {
 public:
  using Id = int;
  NetBuilder();

  Id input() const { return 0; }

  // tf.conv2d: filters [kh, kw, in, out], optional bias [out].
  Id conv(Id in, const std::string& name, const Tensor& filters, const std::vector<float>* bias,
          int stride, Padding padding);
  // tf.depthwiseConv2d with multiplier 1: filters [kh, kw, channels, 1].
  Id depthwise(Id in, const std::string& name, const Tensor& filters,
               const std::vector<float>* bias, int stride, Padding padding);
  // Per-channel y = x * mul + add (add may be empty).
  Id scale(Id in, const std::string& name, const std::vector<float>& mul,
           const std::vector<float>& add);
  Id relu(Id in, const std::string& name);
  Id relu6(Id in, const std::string& name);
  Id leaky_relu(Id in, const std::string& name, float slope);
  Id sigmoid(Id in, const std::string& name);
  // TF pooling: no ceil mode; average pooling ignores padded cells.
  Id max_pool(Id in, const std::string& name, int kernel, int stride, Padding padding);
  Id avg_pool(Id in, const std::string& name, int kernel, int stride, Padding padding);
  Id global_avg_pool(Id in, const std::string& name);
  Id add(Id a, Id b, const std::string& name);
  // Zero padding of an NCHW blob: {n_before, n_after, c_before, c_after,
  // h_before, h_after, w_before, w_after}.
  Id zero_pad(Id in, const std::string& name, const std::array<int, 8>& pads);
  // Fully connected layer on the flattened input: weights [in, out].
  Id dense(Id in, const std::string& name, const Tensor& weights, const std::vector<float>* bias);
  // NCHW -> NHWC, so flattening matches TensorFlow's order.
  Id to_nhwc(Id in, const std::string& name);

  // Hands over the finished network (the builder is spent afterwards).
  cv::dnn::Net finish();

 private:
  Id add_layer(const std::string& name, const std::string& type, cv::dnn::LayerParams& params,
               const std::vector<Id>& inputs);
  cv::dnn::Net net_;
};

// Convenience: a tensor's values as a vector (for biases and scales).
inline const std::vector<float>& values(const Tensor& t) { return t.values; }

}  // namespace facecheck::vision
