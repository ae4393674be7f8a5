#include "eval/labelled_face.h"

namespace facecheck::eval {
namespace {

// LFW's deep-funneled 250x250 photos hold the face in roughly the middle 45%
// of the frame: the box used when no face is found.
cv::Rect2f central_square(const cv::Mat& image) {
  const float side = 0.45f * std::min(image.cols, image.rows);
  return {(image.cols - side) / 2, (image.rows - side) / 2, side, side};
}

// Detections whose centre lies in the middle half of the photo. LFW centres
// the labelled face; a box near the edge is somebody behind (or a shoulder,
// a poster), and when it is the only one found, taking it as the labelled
// face is a sure error: the next detector, or the central square, is better.
std::vector<vision::FaceBox> near_centre(std::vector<vision::FaceBox> faces, const cv::Mat& image) {
  const cv::Rect2f middle(image.cols * 0.25f, image.rows * 0.25f, image.cols * 0.5f,
                          image.rows * 0.5f);
  std::erase_if(faces, [&](const vision::FaceBox& f) {
    return !middle.contains({f.box.x + f.box.width / 2, f.box.y + f.box.height / 2});
  });
  return faces;
}

// When the requested detector finds nothing: the other detector at its usual
// score (the two fail on different photos: the tiny detector finds most faces
// that fill LFW's frame, where SSD fails), then each detector again at a low
// score. Central boxes only, throughout.
std::vector<vision::FaceBox> second_chances(vision::FaceEngine& engine, const cv::Mat& image,
                                            const vision::DetectOptions& options,
                                            bool& other_detector) {
  using vision::DetectorKind;
  vision::DetectOptions other = options;
  other.detector = options.detector == DetectorKind::Ssd ? DetectorKind::Tiny : DetectorKind::Ssd;
  other.min_score = std::min(options.min_score, 0.4f);
  other.retry_input_size = 320;
  auto faces = near_centre(engine.detect(image, other), image);
  other_detector = !faces.empty();
  if (!faces.empty() || options.min_score <= kRetryMinScore) return faces;
  for (vision::DetectOptions lenient : {options, other}) {
    lenient.min_score = kRetryMinScore;
    faces = near_centre(engine.detect(image, lenient), image);
    if (!faces.empty()) {
      other_detector = lenient.detector != options.detector;
      return faces;
    }
  }
  return faces;
}
}  // namespace

LabelledFace embed_labelled_face(vision::FaceEngine& engine, const cv::Mat& image,
                                 const vision::DetectOptions& options, bool align,
                                 const vision::EmbedOptions& embed) {
  LabelledFace result;
  auto faces = near_centre(engine.detect(image, options), image);
  if (faces.empty()) faces = second_chances(engine, image, options, result.second_detector);
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
