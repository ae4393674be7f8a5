#include "vision/face_engine.h"

#include <algorithm>
#include <map>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "vision/eye_state_detector.h"
#include "vision/face_landmarker.h"
#include "vision/face_recognizer.h"
#include "vision/liveness_detector.h"
#include "vision/rfb_detector.h"
#include "vision/ssd_detector.h"
#include "vision/tiny_detector.h"

namespace facecheck::vision {

DetectorKind parse_detector_kind(const std::string& name) {
  if (name == "ssd") return DetectorKind::Ssd;
  if (name == "tiny") return DetectorKind::Tiny;
  if (name == "rfb") return DetectorKind::Rfb;
  throw std::invalid_argument("unknown detector '" + name + "' (expected ssd, tiny or rfb)");
}

const char* detector_kind_name(DetectorKind kind) {
  switch (kind) {
    case DetectorKind::Ssd:
      return "ssd";
    case DetectorKind::Tiny:
      return "tiny";
    case DetectorKind::Rfb:
      return "rfb";
  }
  return "?";
}

// Networks are created on first use: a kiosk worker that only ever runs the
// tiny detector never pays for loading the SSD one.
struct FaceEngine::Impl {
  std::filesystem::path models_dir;
  std::unique_ptr<SsdDetector> ssd;
  std::unique_ptr<TinyDetector> tiny;
  std::unique_ptr<RfbDetector> rfb;
  std::unique_ptr<FaceLandmarker> landmarker;
  std::string_view default_model;
  std::map<std::string_view, std::unique_ptr<FaceRecognizer>> recognizers;
  std::unique_ptr<LivenessDetector> liveness;
  std::unique_ptr<EyeStateDetector> eyes;

  SsdDetector& ssd_detector() {
    if (!ssd) ssd = std::make_unique<SsdDetector>(models_dir);
    return *ssd;
  }
  TinyDetector& tiny_detector() {
    if (!tiny) tiny = std::make_unique<TinyDetector>(models_dir);
    return *tiny;
  }
  RfbDetector& rfb_detector() {
    if (!rfb) rfb = std::make_unique<RfbDetector>(models_dir);
    return *rfb;
  }
  FaceLandmarker& face_landmarker() {
    if (!landmarker) landmarker = std::make_unique<FaceLandmarker>(models_dir);
    return *landmarker;
  }
  LivenessDetector& liveness_detector() {
    if (!liveness) liveness = LivenessDetector::create(models_dir);
    return *liveness;
  }
  EyeStateDetector& eye_state_detector() {
    if (!eyes) eyes = EyeStateDetector::create(models_dir);
    return *eyes;
  }
  FaceRecognizer& face_recognizer(std::string_view model) {
    if (model.empty()) model = default_model;
    auto it = recognizers.find(model);
    if (it == recognizers.end()) {
      auto made = FaceRecognizer::create(model, models_dir);
      it = recognizers.emplace(made->model().id, std::move(made)).first;
    }
    return *it->second;
  }
};

FaceEngine::FaceEngine(std::filesystem::path models_dir, std::string_view default_model)
    : impl_(std::make_unique<Impl>()) {
  impl_->models_dir = std::move(models_dir);
  impl_->default_model = recognizer_model(default_model).id;  // validates; static storage
}
FaceEngine::~FaceEngine() = default;
FaceEngine::FaceEngine(FaceEngine&&) noexcept = default;
FaceEngine& FaceEngine::operator=(FaceEngine&&) noexcept = default;

void FaceEngine::preload(const std::vector<std::string_view>& also) {
  impl_->ssd_detector();
  impl_->tiny_detector();
  impl_->face_landmarker();
  impl_->face_recognizer({});
  for (std::string_view model : also) impl_->face_recognizer(model);
  impl_->liveness_detector();
  impl_->eye_state_detector();
}

float FaceEngine::live_probability(const cv::Mat& image, const cv::Rect2f& box) {
  return impl_->liveness_detector().live_probability(image, box);
}

float FaceEngine::eyes_closed(const cv::Mat& image, const Landmarks& landmarks) {
  return impl_->eye_state_detector().closed_probability(image, landmarks);
}

std::string_view FaceEngine::default_model() const { return impl_->default_model; }

std::vector<FaceBox> FaceEngine::detect(const cv::Mat& image, const DetectOptions& options) {
  if (options.detector == DetectorKind::Tiny) {
    TinyDetector& tiny = impl_->tiny_detector();
    auto faces = tiny.detect(image, options.input_size, options.min_score);
    if (faces.empty() && options.retry_input_size > 0 &&
        options.retry_input_size != options.input_size)
      faces = tiny.detect(image, options.retry_input_size, options.min_score);
    return faces;
  }
  if (options.detector == DetectorKind::Rfb)
    return impl_->rfb_detector().detect(image, options.min_score);
  return impl_->ssd_detector().detect(image, options.min_score);
}

Landmarks FaceEngine::landmarks(const cv::Mat& image, const cv::Rect2f& box) {
  return impl_->face_landmarker().locate(image, box);
}

Landmarks FaceEngine::landmarks(const cv::Mat& image, const cv::Rect2f& box,
                                const EmbedOptions& options) {
  FaceLandmarker& net = impl_->face_landmarker();
  auto locate = [&](const cv::Rect2f& b) {
    return options.mirror_landmarks ? net.locate_mirror_averaged(image, b) : net.locate(image, b);
  };
  if (!options.refine_landmarks) return locate(box);
  // The first pass only has to place the box, so one view is enough.
  const cv::Rect2f refined = box_from_landmarks(net.locate(image, box));
  // On a box around something that is not a face the points bunch up, and a
  // box placed from them shrinks towards a dot (a second pass there can
  // collapse all 68 points); keep the detector's box then.
  const float ratio = refined.width / std::max(box.width, 1.f);
  if (!(ratio > 0.5f && ratio < 2.f)) return locate(box);
  return locate(refined);
}

Landmarks FaceEngine::landmarks_whole(const cv::Mat& face_crop) {
  return impl_->face_landmarker().locate(face_crop);
}

cv::Mat FaceEngine::align(const cv::Mat& image, const Landmarks& landmarks,
                          std::string_view model) {
  return impl_->face_recognizer(model).align(image, landmarks);
}

Embedding FaceEngine::embed_chip(const cv::Mat& chip) {
  return impl_->face_recognizer({}).embed(chip);
}

namespace {

// The k-th jittered copy of a chip: a fixed cycle of small similarity
// transforms about the chip's centre (scale +-3%, rotation +-3 degrees,
// shift +-2 px), edges replicated. k < EmbedOptions::kMaxJitter.
cv::Mat jittered(const cv::Mat& chip, int k) {
  static constexpr float kScale[] = {1.03f, 0.97f, 1.0f, 1.0f, 1.03f, 0.97f, 1.0f, 1.0f};
  static constexpr float kAngle[] = {0.f, 0.f, 3.f, -3.f, 0.f, 0.f, 2.f, -2.f};
  static constexpr float kDx[] = {0.f, 0.f, 0.f, 0.f, 2.f, -2.f, -2.f, 2.f};
  static constexpr float kDy[] = {0.f, 0.f, 0.f, 0.f, -2.f, 2.f, -2.f, 2.f};
  static_assert(std::size(kScale) == EmbedOptions::kMaxJitter);
  const int i = k;
  cv::Mat m =
      cv::getRotationMatrix2D(cv::Point2f(chip.cols / 2.f, chip.rows / 2.f), kAngle[i], kScale[i]);
  m.at<double>(0, 2) += kDx[i];
  m.at<double>(1, 2) += kDy[i];
  cv::Mat out;
  cv::warpAffine(chip, out, m, chip.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  return out;
}

}  // namespace

Embedding FaceEngine::embed_chip(const cv::Mat& chip, const EmbedOptions& options) {
  FaceRecognizer& recognizer = impl_->face_recognizer(options.model);
  if (!options.flip_average && options.jitter <= 0) return recognizer.embed(chip);
  std::vector<cv::Mat> views{chip};
  const int warps = std::min(options.jitter, EmbedOptions::kMaxJitter);
  for (int k = 0; k < warps; ++k) views.push_back(jittered(chip, k));
  if (options.flip_average) {
    const size_t n = views.size();
    for (size_t i = 0; i < n; ++i) {
      cv::Mat mirrored;
      cv::flip(views[i], mirrored, 1);
      views.push_back(mirrored);
    }
  }
  // One batch: cheaper than a pass per view.
  const auto all = recognizer.embed_batch(views);
  // dlib: the plain mean, not renormalised (its embeddings are not unit
  // length and its thresholds are calibrated on these means). Cosine
  // models: the mean direction, back on the unit sphere.
  Embedding e(all.front().size(), 0.f);
  for (const auto& v : all)
    for (size_t i = 0; i < e.size(); ++i) e[i] += v[i];
  for (auto& x : e) x /= static_cast<float>(all.size());
  if (recognizer.model().metric == ScoreMetric::Cosine) l2_normalise(e);
  return e;
}

Embedding FaceEngine::embed_face(const cv::Mat& image, const Landmarks& landmarks,
                                 const EmbedOptions& options) {
  return embed_chip(align(image, landmarks, options.model), options);
}

FaceAnalysis FaceEngine::analyze_face(const cv::Mat& image, const FaceBox& face,
                                      const QualityThresholds& quality, const EmbedOptions& embed) {
  FaceAnalysis result;
  result.detection = face;
  result.landmarks = landmarks(image, face.box, embed);
  result.quality = assess_face_quality(image, face.box, result.landmarks, quality);
  result.embedding = embed_face(image, result.landmarks, embed);
  result.model = impl_->face_recognizer(embed.model).model().id;
  return result;
}

std::vector<FaceAnalysis> FaceEngine::analyze(const cv::Mat& image, const DetectOptions& options,
                                              const QualityThresholds& quality,
                                              const EmbedOptions& embed) {
  std::vector<FaceBox> faces = detect(image, options);
  std::sort(faces.begin(), faces.end(),
            [](const FaceBox& a, const FaceBox& b) { return a.box.area() > b.box.area(); });
  std::vector<FaceAnalysis> results;
  results.reserve(faces.size());
  for (const FaceBox& face : faces) {
    try {
      results.push_back(analyze_face(image, face, quality, embed));
    } catch (const std::invalid_argument&) {
      // Landmarks that collapse to a point cannot be aligned: the box held no
      // face (a false detection), and one such box must not sink the frame's
      // real faces.
    }
  }
  return results;
}

std::optional<size_t> largest_face(const std::vector<FaceBox>& faces) {
  if (faces.empty()) return std::nullopt;
  auto it = std::max_element(faces.begin(), faces.end(), [](const FaceBox& a, const FaceBox& b) {
    return a.box.area() < b.box.area();
  });
  return static_cast<size_t>(it - faces.begin());
}

std::optional<size_t> most_central_face(const std::vector<FaceBox>& faces, cv::Size image) {
  if (faces.empty()) return std::nullopt;
  const cv::Point2f centre(image.width / 2.f, image.height / 2.f);
  auto distance = [&](const FaceBox& f) {
    const cv::Point2f c = (f.box.tl() + f.box.br()) * 0.5f;
    return cv::norm(c - centre);
  };
  auto it = std::min_element(faces.begin(), faces.end(), [&](const FaceBox& a, const FaceBox& b) {
    return distance(a) < distance(b);
  });
  return static_cast<size_t>(it - faces.begin());
}

}  // namespace facecheck::vision
