#include "vision/model_store.h"

#include <sodium.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "vision/model_error.h"

namespace facecheck::vision {
namespace {

// SHA-256 of the files inside @vladmandic/face-api@1.7.15 (whose tarball
// scripts/fetch-models.sh verifies against the registry's sha512).
const std::map<std::string, std::string>& pinned_sums() {
  static const std::map<std::string, std::string> sums = {
      {"face_landmark_68_model-weights_manifest.json",
       "ca4886639f86e99b39fed0c155f81b63317225773bd9616716e887b0153389c9"},
      {"face_landmark_68_model.bin",
       "4611ef65c87d836d03d684b30eec4d195d8b219fa1dd58fc58945831c6b9299b"},
      {"face_recognition_model-weights_manifest.json",
       "cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b"},
      {"face_recognition_model.bin",
       "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589"},
      {"ssd_mobilenetv1_model-weights_manifest.json",
       "888f744dffbc84f5f060d1f8427d9742341943a2dfaaf9205d10029b7e7a2955"},
      {"ssd_mobilenetv1_model.bin",
       "2835640602d53718aa6ae9a42896327eaa21beefed056c218d32ca7d79e1e2f8"},
      {"tiny_face_detector_model-weights_manifest.json",
       "5d1af4849ac48d5b985f4a9b16010c512353ddd6fcc63d50fd0bc9e9e64296e5"},
      {"tiny_face_detector_model.bin",
       "b7503ce7df31039b1c43316a9b865cab6a70dd748cc602d3fa28b551503c3871"},
      // faceplugin-face-recognition-js@0.0.1 (model/*.onnx), tarball sha512
      // pinned in scripts/fetch-models.sh as well.
      {"fr_feature.onnx", "87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581"},
      {"fr_liveness.onnx", "afa783b7e902fdfcf323a7240cac2a1c580c25314ea4161129dc1b0d100dc32d"},
      {"fr_eye.onnx", "1afcea006abc1ccac3c517022abde0aa092bed74ff3c9fe6878483ef9e6e38de"},
      {"fr_detect.onnx", "6c0256ccd3164f844736a401faf936ec2930764a87ae39442180887d0c5c8854"},
      {"fr_landmark.onnx", "f10b0ba1d2a8a099adefede1ebf3733e44fe370715e7303dbeb7f59c02142258"},
  };
  return sums;
}

std::string sha256_hex(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw model_file_error(path.string(), "missing or unreadable");
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::array<char, 1 << 16> buf;
  while (in) {
    in.read(buf.data(), buf.size());
    crypto_hash_sha256_update(&state, reinterpret_cast<unsigned char*>(buf.data()),
                              static_cast<unsigned long long>(in.gcount()));
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

void verify_file(const std::filesystem::path& dir, const std::string& file) {
  const auto it = pinned_sums().find(file);
  if (it == pinned_sums().end()) return;  // not one of ours: shapes still get checked
  if (sha256_hex(dir / file) != it->second)
    throw model_file_error((dir / file).string(), "checksum mismatch (corrupted or replaced)");
}

std::filesystem::path executable_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

}  // namespace

std::filesystem::path default_models_dir() {
  if (const char* env = std::getenv("FACECHECK_MODELS"); env && *env) return env;
  const std::filesystem::path here = "models";
  if (std::filesystem::exists(here / "face_recognition_model.bin")) return here;
  // build/<dir>/facecheck -> <repo>/models
  for (auto dir = executable_dir(); !dir.empty() && dir != dir.root_path();
       dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / "models" / "face_recognition_model.bin"))
      return dir / "models";
  }
  // Installed: /usr/bin/facecheck -> /usr/share/facecheck/models (the .deb).
  const auto installed = executable_dir().parent_path() / "share" / "facecheck" / "models";
  if (std::filesystem::exists(installed / "face_recognition_model.bin")) return installed;
  return here;
}

std::filesystem::path verified_model_file(const std::filesystem::path& dir,
                                          const std::string& file) {
  if (sodium_init() < 0) throw ModelError("libsodium failed to initialise");
  if (pinned_sums().find(file) == pinned_sums().end())
    throw std::logic_error("model file " + file + " has no pinned checksum");
  verify_file(dir, file);
  return dir / file;
}

TfjsWeights load_model(const std::filesystem::path& dir, const std::string& model) {
  if (sodium_init() < 0) throw ModelError("libsodium failed to initialise");
  verify_file(dir, model + "-weights_manifest.json");
  verify_file(dir, model + ".bin");
  return TfjsWeights::load(dir, model);
}

}  // namespace facecheck::vision
