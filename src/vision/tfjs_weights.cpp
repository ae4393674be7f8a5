#include "vision/tfjs_weights.h"

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "vision/model_error.h"

namespace facecheck::vision {
namespace {

using nlohmann::json;

std::string read_file_or_throw(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw model_file_error(path.string(), "missing or unreadable");
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

size_t element_count(const std::vector<int>& shape) {
  size_t n = 1;
  for (int d : shape) {
    if (d < 0) throw ModelError("negative dimension in tensor shape");
    n *= static_cast<size_t>(d);
  }
  return n;
}

std::string shape_text(const std::vector<int>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

// Decodes one tensor starting at `bytes[offset]`; returns the bytes consumed.
size_t decode_tensor(const json& spec, const std::string& bytes, size_t offset, Tensor& out,
                     const std::string& file) {
  const size_t n = element_count(out.shape);
  out.values.resize(n);
  const std::string dtype = spec.at("dtype").get<std::string>();
  auto need = [&](size_t width) {
    if (offset + n * width > bytes.size())
      throw model_file_error(file, "truncated: tensor " + spec.at("name").get<std::string>() +
                                       " runs past the end of the weights");
  };
  if (spec.contains("quantization")) {
    const json& q = spec["quantization"];
    const std::string qtype = q.at("dtype").get<std::string>();
    const float scale = q.at("scale").get<float>();
    const float min = q.at("min").get<float>();
    if (qtype == "uint8") {
      need(1);
      for (size_t i = 0; i < n; ++i)
        out.values[i] = static_cast<uint8_t>(bytes[offset + i]) * scale + min;
      return n;
    }
    if (qtype == "uint16") {
      need(2);
      for (size_t i = 0; i < n; ++i) {
        uint16_t v;
        std::memcpy(&v, bytes.data() + offset + 2 * i, 2);
        out.values[i] = v * scale + min;
      }
      return 2 * n;
    }
    throw model_file_error(file, "unsupported quantization " + qtype);
  }
  need(4);
  if (dtype == "float32") {
    std::memcpy(out.values.data(), bytes.data() + offset, 4 * n);
  } else if (dtype == "int32") {
    for (size_t i = 0; i < n; ++i) {
      int32_t v;
      std::memcpy(&v, bytes.data() + offset + 4 * i, 4);
      out.values[i] = static_cast<float>(v);
    }
  } else {
    throw model_file_error(file, "unsupported dtype " + dtype);
  }
  return 4 * n;
}

}  // namespace

TfjsWeights TfjsWeights::parse(const std::string& manifest_json,
                               const std::map<std::string, std::string>& shards,
                               const std::string& model) {
  const std::string manifest_file = model + "-weights_manifest.json";
  json manifest;
  try {
    manifest = json::parse(manifest_json);
  } catch (const json::exception& e) {
    throw model_file_error(manifest_file, std::string("not valid JSON: ") + e.what());
  }
  if (!manifest.is_array()) throw model_file_error(manifest_file, "expected a JSON array");

  TfjsWeights weights;
  weights.model_ = model;
  try {
    for (const json& group : manifest) {
      // Shards of one group are one contiguous byte stream.
      std::string bytes;
      std::string file;
      for (const json& p : group.at("paths")) {
        const std::string name = p.get<std::string>();
        auto it = shards.find(name);
        if (it == shards.end()) throw model_file_error(name, "missing");
        bytes += it->second;
        file = name;
      }
      size_t offset = 0;
      for (const json& spec : group.at("weights")) {
        Tensor t;
        t.shape = spec.at("shape").get<std::vector<int>>();
        offset += decode_tensor(spec, bytes, offset, t, file);
        weights.tensors_[spec.at("name").get<std::string>()] = std::move(t);
      }
      if (offset != bytes.size())
        throw model_file_error(file, "size " + std::to_string(bytes.size()) +
                                         " bytes does not match the manifest's " +
                                         std::to_string(offset));
    }
  } catch (const json::exception& e) {
    throw model_file_error(manifest_file, std::string("malformed manifest: ") + e.what());
  }
  return weights;
}

TfjsWeights TfjsWeights::load(const std::filesystem::path& dir, const std::string& model) {
  const auto manifest_path = dir / (model + "-weights_manifest.json");
  const std::string manifest_text = read_file_or_throw(manifest_path);
  std::map<std::string, std::string> shards;
  try {
    for (const auto& group : nlohmann::json::parse(manifest_text))
      for (const auto& p : group.at("paths")) {
        const std::string name = p.get<std::string>();
        if (name.find('/') != std::string::npos || name.find("..") != std::string::npos)
          throw model_file_error(manifest_path.string(), "shard path escapes the model folder");
        shards[name] = read_file_or_throw(dir / name);
      }
  } catch (const nlohmann::json::exception& e) {
    throw model_file_error(manifest_path.string(), std::string("malformed manifest: ") + e.what());
  }
  return parse(manifest_text, shards, model);
}

const Tensor& TfjsWeights::get(const std::string& name,
                               const std::vector<int>& expected_shape) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end())
    throw model_file_error(model_ + "-weights_manifest.json", "has no tensor " + name);
  if (!expected_shape.empty() && it->second.shape != expected_shape)
    throw model_file_error(model_ + "-weights_manifest.json",
                           "tensor " + name + " has shape " + shape_text(it->second.shape) +
                               ", expected " + shape_text(expected_shape));
  return it->second;
}

}  // namespace facecheck::vision
