#include "eval/labelled_face.h"

namespace facecheck::eval {
namespace {

// LFW's deep-funneled 250x250 photos hold the face in roughly the middle 45%
// of the frame: the box used when no face is found.
cv::Rect2f central_square(const cv::Mat& image) {
  const float side = 0.45f * std::min(image.cols, image.rows);
  return {(image.cols - side) / 2, (image.rows - side) / 2, side, side};
}

}  // namespace

LabelledFace embed_labelled_face(vision::FaceEngine& engine, const cv::Mat& image,
                                 const vision::DetectOptions& options, bool align,
                                 const vision::EmbedOptions& embed) {
  LabelledFace result;
  auto faces = engine.detect(image, options);
  if (faces.empty() && options.min_score > kRetryMinScore) {
    // LFW's funneled photos are warped at the edges, which costs the SSD
    // detector confidence; a second, lenient pass finds most of those faces
    // and the central pick keeps background faces out.
    vision::DetectOptions lenient = options;
    lenient.min_score = kRetryMinScore;
    faces = engine.detect(image, lenient);
    if (faces.empty()) {
      // The two detectors fail on different photos: on LFW the tiny detector
      // finds the face in most photos SSD misses even at the low score (see
      // docs/accuracy.md), and a real box beats the blind central square.
      lenient.detector = options.detector == vision::DetectorKind::Ssd ? vision::DetectorKind::Tiny
                                                                       : vision::DetectorKind::Ssd;
      faces = engine.detect(image, lenient);
      result.second_detector = !faces.empty();
    }
  }
  if (const auto central = vision::most_central_face(faces, image.size())) {
    result.box = faces[*central];
    result.detected = true;
  } else {
    result.box.box = central_square(image);
  }
  if (!align) {
    const cv::Rect crop = cv::Rect(result.box.box) & cv::Rect(0, 0, image.cols, image.rows);
    result.embedding = engine.embed_chip(image(crop), embed);
    return result;
  }
  try {
    const auto landmarks = engine.landmarks(image, result.box.box, embed);
    result.embedding = engine.embed_chip(engine.align(image, landmarks), embed);
  } catch (const std::invalid_argument&) {
    // The landmarks collapsed: the box (from a lenient pass) held no face.
    // Count the photo as one without a face, as when nothing was detected.
    result.detected = false;
    result.second_detector = false;
    result.box = vision::FaceBox{central_square(image), 0.f};
    const auto landmarks = engine.landmarks(image, result.box.box, embed);
    result.embedding = engine.embed_chip(engine.align(image, landmarks), embed);
  }
  return result;
}

}  // namespace facecheck::eval
