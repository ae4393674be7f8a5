// Reads a tfjs weight manifest (`<model>-weights_manifest.json` + its `.bin`
// shards) into named float tensors.
//
// The face-api models store most tensors uint8-quantized: each byte q stands
// for q * scale + min. We dequantize once at load time so the networks run in
// float32, and check every shape so a wrong or corrupted file fails loudly
// here instead of producing silent garbage later.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace facecheck::vision {

struct Tensor {
  std::vector<int> shape;     // as in the manifest (TF layout, e.g. HWIO)
  std::vector<float> values;  // dequantized; int32 tensors are converted too

  size_t size() const { return values.size(); }
};

class TfjsWeights {
 public:
  // Loads `<dir>/<model>-weights_manifest.json` and its shards.
  // Throws ModelError naming the file and the fetch command on any problem.
  static TfjsWeights load(const std::filesystem::path& dir, const std::string& model);

  // Parses a manifest already in memory; `read_shard` returns a shard's bytes.
  static TfjsWeights parse(const std::string& manifest_json,
                           const std::map<std::string, std::string>& shards,
                           const std::string& model);

  bool has(const std::string& name) const { return tensors_.count(name) != 0; }
  // The tensor called `name`; throws ModelError if it is missing or if
  // `expected_shape` is given and differs.
  const Tensor& get(const std::string& name, const std::vector<int>& expected_shape = {}) const;
  size_t count() const { return tensors_.size(); }

 private:
  std::string model_;
  std::map<std::string, Tensor> tensors_;
};

}  // namespace facecheck::vision
