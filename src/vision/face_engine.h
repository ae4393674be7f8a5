// The vision engine's front door: detect, align, embed and compare faces.
//
// FaceEngine strings the single-purpose classes together in the order the
// domain reads: find faces, locate their landmarks, judge their quality, cut
// an aligned chip, turn it into an embedding. Each capability stays usable on
// its own (SsdDetector, TinyDetector, FaceLandmarker, FaceAligner,
// FaceRecognizer, assess_face_quality).
//
// Threading: a FaceEngine owns its cv::dnn networks, which keep per-forward
// state, so one engine must not run two images at once. Give every worker
// thread its own engine (see EnginePool in the check-in layer); engines are
// independent and share nothing mutable.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "vision/face_quality.h"
#include "vision/face_types.h"

namespace facecheck::vision {

enum class DetectorKind { Ssd, Tiny };

// Parses "ssd" / "tiny"; throws std::invalid_argument otherwise.
DetectorKind parse_detector_kind(const std::string& name);
const char* detector_kind_name(DetectorKind kind);

struct DetectOptions {
  DetectorKind detector = DetectorKind::Ssd;
  int input_size = 416;    // tiny detector only: multiple of 32 in [128, 608]
  float min_score = 0.5f;  // faces scoring lower are dropped
};

// Everything the engine knows about one face in a photo.
struct FaceAnalysis {
  FaceBox detection;
  Landmarks landmarks{};
  FaceQuality quality;
  Embedding embedding{};
};

// The distance below which two embeddings are taken as the same person.
// Calibrated on LFW (docs/accuracy.md); the tutorial's 0.3 would reject most
// genuine pairs for this network.
inline constexpr float kDefaultMatchThreshold = 0.6f;

class FaceEngine {
 public:
  explicit FaceEngine(std::filesystem::path models_dir);
  ~FaceEngine();
  FaceEngine(FaceEngine&&) noexcept;
  FaceEngine& operator=(FaceEngine&&) noexcept;

  // Loads every network now instead of on first use (servers warm up here).
  void preload();

  std::vector<FaceBox> detect(const cv::Mat& image, const DetectOptions& options = {});
  Landmarks landmarks(const cv::Mat& image, const cv::Rect2f& box);
  // The whole image is the face (face-api's per-net test convention).
  Landmarks landmarks_whole(const cv::Mat& face_crop);
  cv::Mat align(const cv::Mat& image, const Landmarks& landmarks) const;
  Embedding embed_chip(const cv::Mat& chip);

  // Landmarks, quality and embedding of one detected face.
  FaceAnalysis analyze_face(const cv::Mat& image, const FaceBox& face,
                            const QualityThresholds& quality = {});
  // The full pipeline on every face found, largest first.
  std::vector<FaceAnalysis> analyze(const cv::Mat& image, const DetectOptions& options = {},
                                    const QualityThresholds& quality = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Index of the largest face, or nullopt when there is none.
std::optional<size_t> largest_face(const std::vector<FaceBox>& faces);
// Index of the face whose centre lies nearest the image centre.
std::optional<size_t> most_central_face(const std::vector<FaceBox>& faces, cv::Size image);

}  // namespace facecheck::vision
