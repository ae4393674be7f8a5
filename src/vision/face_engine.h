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
#include <string_view>
#include <vector>

#include "vision/face_quality.h"
#include "vision/face_recognizer.h"
#include "vision/face_types.h"
#include "vision/recognizer_model.h"

namespace facecheck::vision {

// Ssd: face-api's SSD MobileNetV1 (512x512; enrolment, group photos).
// Tiny: face-api's tiny YOLO (kiosk frames). Rfb: faceplugin's RFB-320
// (320x240; finds turned and half-covered faces that SSD misses).
enum class DetectorKind { Ssd, Tiny, Rfb };

// Parses "ssd" / "tiny" / "rfb"; throws std::invalid_argument otherwise.
DetectorKind parse_detector_kind(const std::string& name);
const char* detector_kind_name(DetectorKind kind);

struct DetectOptions {
  DetectorKind detector = DetectorKind::Ssd;
  int input_size = 416;    // tiny detector only: multiple of 32 in [128, 608]
  float min_score = 0.5f;  // faces scoring lower are dropped
  // Tiny detector only, 0 = off: when nothing is found at input_size, look
  // again at this (smaller) size. A face that fills most of the frame is
  // larger than the 416 grid's biggest anchor and is often missed there but
  // found on a coarser grid: on 100 LFW photos (faces ~60% of the frame)
  // tiny@416 missed 9, tiny@320 missed 1. The retry costs ~60% of a first
  // pass, and only on frames without a face.
  int retry_input_size = 0;
};

// How a detected face becomes an embedding. Each step trades a forward pass
// for accuracy; the defaults are the most accurate combination measured on
// LFW (docs/accuracy.md has each option's effect). Costs are per face on one
// core: landmark pass ~5 ms, embedding pass ~13 ms.
struct EmbedOptions {
  // Second landmark pass on a box placed from the first pass's landmarks
  // (box_from_landmarks): the points stop depending on the detector's box,
  // which differs between detectors and jitters between frames. +1 landmark pass.
  bool refine_landmarks = true;
  // Landmarks as the mean of the crop's and its mirror image's. +1 landmark
  // pass (+2 with refine_landmarks).
  bool mirror_landmarks = true;
  // Embed the aligned chip and its mirror image and average the embeddings:
  // the network is not exactly left-right symmetric, and the mean cancels
  // part of its pose- and lighting-dependent noise. +1 embedding pass.
  bool flip_average = true;
  // Extra embedding passes on slightly shifted, scaled and rotated copies of
  // the aligned chip (a fixed set, each with its mirror when flip_average),
  // all averaged: dlib's "jitter". Worth it where time does not count. There
  // are kMaxJitter distinct warps; a larger value uses them all, once.
  static constexpr int kMaxJitter = 8;
  int jitter = 0;
  // The recognition model (recognizer_model.h); empty = the engine's default.
  std::string_view model = {};

  // One landmark pass and one embedding pass: the original pipeline, for
  // the tightest latency budgets.
  static constexpr EmbedOptions fastest() { return {false, false, false, 0, {}}; }
  EmbedOptions with_model(std::string_view id) const {
    EmbedOptions o = *this;
    o.model = id;
    return o;
  }
};

// Everything the engine knows about one face in a photo.
struct FaceAnalysis {
  FaceBox detection;
  Landmarks landmarks{};
  FaceQuality quality;
  Embedding embedding{};
  std::string_view model;  // the recognizer that made `embedding`
};

// What the check-in domain asks of face inference, and nothing more: the
// seam between the domain and the models. FaceEngine is the real one; the
// domain's tests substitute faces prepared from real photos once
// (tests/support/prepared_faces.h), so they run in seconds without models.
// An instance is used by one thread at a time.
class FaceAnalyzer {
 public:
  virtual ~FaceAnalyzer() = default;
  virtual std::vector<FaceBox> detect(const cv::Mat& image, const DetectOptions& options) = 0;
  // The full pipeline on every face found, largest first.
  virtual std::vector<FaceAnalysis> analyze(const cv::Mat& image, const DetectOptions& options,
                                            const QualityThresholds& quality,
                                            const EmbedOptions& embed) = 0;
  virtual Landmarks landmarks(const cv::Mat& image, const cv::Rect2f& box) = 0;
  virtual Embedding embed_face(const cv::Mat& image, const Landmarks& landmarks,
                               const EmbedOptions& options) = 0;
  // Passive liveness: probability in [0, 1] that the face at `box` is live.
  virtual float live_probability(const cv::Mat& image, const cv::Rect2f& box) = 0;
  // Probability that the eyes of the face at `landmarks` are closed.
  virtual float eyes_closed(const cv::Mat& image, const Landmarks& landmarks) = 0;
};

class FaceEngine : public FaceAnalyzer {
 public:
  // `default_model` embeds whenever EmbedOptions::model is empty; throws
  // std::invalid_argument on an unknown id.
  explicit FaceEngine(std::filesystem::path models_dir,
                      std::string_view default_model = kDefaultModelId);
  ~FaceEngine();
  FaceEngine(FaceEngine&&) noexcept;
  FaceEngine& operator=(FaceEngine&&) noexcept;

  // Loads the detectors, the landmark net, the default recognizer (and
  // `also` recognizers) and the liveness nets now instead of on first use (servers warm up here).
  void preload(const std::vector<std::string_view>& also = {});

  std::string_view default_model() const;

  std::vector<FaceBox> detect(const cv::Mat& image, const DetectOptions& options = {}) override;
  // One pass of the landmark net on `box`.
  Landmarks landmarks(const cv::Mat& image, const cv::Rect2f& box) override;
  // Landmarks with the refinements `options` asks for (refine / mirror).
  Landmarks landmarks(const cv::Mat& image, const cv::Rect2f& box, const EmbedOptions& options);
  // The whole image is the face (face-api's per-net test convention).
  Landmarks landmarks_whole(const cv::Mat& face_crop);
  // The chip `model`'s recognizer expects (empty = default).
  cv::Mat align(const cv::Mat& image, const Landmarks& landmarks, std::string_view model = {});
  // One embedding pass of the default recognizer on the chip.
  Embedding embed_chip(const cv::Mat& chip);
  // With options.flip_average, the mean of the chip's and its mirror's
  // embeddings (renormalised for cosine models); options.model chooses the
  // recognizer.
  Embedding embed_chip(const cv::Mat& chip, const EmbedOptions& options);
  // align + embed_chip for the face at `landmarks`.
  Embedding embed_face(const cv::Mat& image, const Landmarks& landmarks,
                       const EmbedOptions& options) override;

  // Landmarks, quality and embedding of one detected face.
  FaceAnalysis analyze_face(const cv::Mat& image, const FaceBox& face,
                            const QualityThresholds& quality = {}, const EmbedOptions& embed = {});
  // Passive liveness of the face at `box` (LivenessDetector, loaded on
  // first use): probability in [0, 1] that it is live.
  float live_probability(const cv::Mat& image, const cv::Rect2f& box) override;
  // Probability that the eyes of the face at `landmarks` are closed
  // (EyeStateDetector, loaded on first use).
  float eyes_closed(const cv::Mat& image, const Landmarks& landmarks) override;

  // The full pipeline on every face found, largest first.
  std::vector<FaceAnalysis> analyze(const cv::Mat& image, const DetectOptions& options = {},
                                    const QualityThresholds& quality = {},
                                    const EmbedOptions& embed = {}) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Index of the largest face, or nullopt when there is none.
std::optional<size_t> largest_face(const std::vector<FaceBox>& faces);
// Index of the face whose centre lies nearest the image centre.
std::optional<size_t> most_central_face(const std::vector<FaceBox>& faces, cv::Size image);

}  // namespace facecheck::vision
