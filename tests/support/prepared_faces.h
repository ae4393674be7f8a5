// Faces prepared from real photos once, by the real FaceEngine
// (tests/support/prepare_faces.cpp, run by CTest as the fixture
// "prepared_faces"), and replayed through the vision::FaceAnalyzer seam: the
// check-in domain and the HTTP routes are then tested in-process, in
// seconds, without loading a model.
//
// A frame is recognised by a hash of its decoded pixels, so a test sends the
// real photo's bytes and the domain decodes them as usual. What was not
// prepared throws std::logic_error: a test never silently sees "no face".
// Embeddings exist for the model and options CheckinSettings{} uses for
// enrolment (SSD) and kiosk frames (tiny detector); another model throws.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "vision/face_engine.h"
#include "wire/face_json.h"

namespace facecheck::testing {

inline std::string pixel_key(const cv::Mat& image) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a over size, type and pixels
  auto mix = [&h](const unsigned char* p, size_t n) {
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  };
  const int header[3] = {image.cols, image.rows, image.type()};
  mix(reinterpret_cast<const unsigned char*>(header), sizeof header);
  for (int r = 0; r < image.rows; ++r) mix(image.ptr(r), image.cols * image.elemSize());
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

inline const char* detector_name(vision::DetectorKind kind) {
  return kind == vision::DetectorKind::Ssd ? "ssd" : "tiny";
}

struct PreparedFace {
  vision::FaceAnalysis analysis;
  std::string model;
  float live = 0, eyes_closed = 0;
};

// The prepared file, read once per test binary.
class PreparedFaces {
 public:
  static std::filesystem::path default_file() {
    if (const char* f = std::getenv("FACECHECK_PREPARED_FACES")) return f;
#ifdef FACECHECK_PREPARED_FACES
    return FACECHECK_PREPARED_FACES;
#else
    return "prepared_faces.json";
#endif
  }
  static const PreparedFaces& load() {
    static const PreparedFaces faces(default_file());
    return faces;
  }
  explicit PreparedFaces(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in)
      throw std::runtime_error("no prepared faces at " + file.string() +
                               " (CTest's prepared_faces fixture writes them)");
    const nlohmann::json doc = nlohmann::json::parse(in);
    for (const auto& frame : doc.at("frames")) {
      auto& by_detector = frames_[frame.at("key").get<std::string>()];
      for (const auto& [detector, faces] : frame.at("detectors").items()) {
        auto& prepared = by_detector[detector];  // exists even with no face
        for (const auto& f : faces) prepared.push_back(face_from(f));
      }
    }
    models_ = doc.at("model").get<std::string>();
  }
  const std::vector<PreparedFace>& faces(const cv::Mat& image, vision::DetectorKind kind) const {
    const auto frame = frames_.find(pixel_key(image));
    if (frame == frames_.end())
      throw std::logic_error("this frame was not prepared (add it to prepare_faces' list)");
    const auto found = frame->second.find(detector_name(kind));
    if (found == frame->second.end())
      throw std::logic_error(std::string("frame not prepared for detector ") + detector_name(kind));
    return found->second;
  }
  // Every face of the frame, under either detector.
  std::vector<const PreparedFace*> all_faces(const cv::Mat& image) const {
    std::vector<const PreparedFace*> out;
    const auto frame = frames_.find(pixel_key(image));
    if (frame == frames_.end()) throw std::logic_error("this frame was not prepared");
    for (const auto& [detector, faces] : frame->second)
      for (const auto& f : faces) out.push_back(&f);
    return out;
  }
  const std::string& model() const { return models_; }

 private:
  static PreparedFace face_from(const nlohmann::json& f) {
    PreparedFace out;
    const auto& b = f.at("box");
    out.analysis.detection.box = cv::Rect2f(b[0], b[1], b[2], b[3]);
    out.analysis.detection.score = f.at("score");
    for (size_t i = 0; i < out.analysis.landmarks.size(); ++i)
      out.analysis.landmarks[i] = {f.at("landmarks")[i][0], f.at("landmarks")[i][1]};
    out.analysis.quality = wire::quality_from_json(f.at("quality"));
    out.analysis.embedding = f.at("embedding").get<vision::Embedding>();
    out.model = f.at("model");
    out.live = f.at("live");
    out.eyes_closed = f.at("eyes_closed");
    return out;
  }
  std::map<std::string, std::map<std::string, std::vector<PreparedFace>>> frames_;
  std::string models_;
};

// The analyzer a test's EnginePool runs.
class PreparedAnalyzer : public vision::FaceAnalyzer {
 public:
  explicit PreparedAnalyzer(const PreparedFaces& faces = PreparedFaces::load()) : faces_(faces) {}

  std::vector<vision::FaceBox> detect(const cv::Mat& image,
                                      const vision::DetectOptions& options) override {
    std::vector<vision::FaceBox> boxes;
    for (const auto& f : faces_.faces(image, options.detector))
      boxes.push_back(f.analysis.detection);
    return boxes;
  }
  std::vector<vision::FaceAnalysis> analyze(const cv::Mat& image,
                                            const vision::DetectOptions& options,
                                            const vision::QualityThresholds&,
                                            const vision::EmbedOptions& embed) override {
    require_model(embed);  // also for a frame without a face
    std::vector<vision::FaceAnalysis> out;
    for (const auto& f : faces_.faces(image, options.detector)) {
      out.push_back(f.analysis);
      out.back().model = model_id();
    }
    return out;
  }
  vision::Landmarks landmarks(const cv::Mat& image, const cv::Rect2f& box) override {
    return nearest_box(image, box).analysis.landmarks;
  }
  vision::Embedding embed_face(const cv::Mat& image, const vision::Landmarks& landmarks,
                               const vision::EmbedOptions& options) override {
    require_model(options);
    const PreparedFace* best = nullptr;
    float best_d = 0;
    for (const auto* f : faces_.all_faces(image)) {
      const float d = static_cast<float>(cv::norm(f->analysis.landmarks[30] - landmarks[30]));
      if (!best || d < best_d) best = f, best_d = d;
    }
    if (!best) throw std::logic_error("embed_face on a frame with no prepared face");
    return best->analysis.embedding;
  }
  float live_probability(const cv::Mat& image, const cv::Rect2f& box) override {
    return nearest_box(image, box).live;
  }
  float eyes_closed(const cv::Mat& image, const vision::Landmarks& landmarks) override {
    const cv::Point2f nose = landmarks[30];
    for (const auto* f : faces_.all_faces(image))
      if (cv::norm(f->analysis.landmarks[30] - nose) < 5) return f->eyes_closed;
    throw std::logic_error("eyes_closed for a face that was not prepared");
  }

 private:
  std::string_view model_id() const { return vision::recognizer_model(faces_.model()).id; }
  void require_model(const vision::EmbedOptions& embed) const {
    if (!embed.model.empty() && embed.model != faces_.model())
      throw std::logic_error("faces were prepared for " + faces_.model() + " only");
  }
  const PreparedFace& nearest_box(const cv::Mat& image, const cv::Rect2f& box) {
    const PreparedFace* best = nullptr;
    float best_d = 0;
    const cv::Point2f c(box.x + box.width / 2, box.y + box.height / 2);
    for (const auto* f : faces_.all_faces(image)) {
      const auto& b = f->analysis.detection.box;
      const float d =
          static_cast<float>(cv::norm(cv::Point2f(b.x + b.width / 2, b.y + b.height / 2) - c));
      if (!best || d < best_d) best = f, best_d = d;
    }
    if (!best) throw std::logic_error("no prepared face near this box");
    return *best;
  }
  const PreparedFaces& faces_;
};

}  // namespace facecheck::testing
