#include "eval/labelled_face.h"

namespace facecheck::eval {

LabelledFace embed_labelled_face(vision::FaceEngine& engine, const cv::Mat& image,
                                 const vision::DetectOptions& options) {
  LabelledFace result;
  const auto faces = engine.detect(image, options);
  if (const auto central = vision::most_central_face(faces, image.size())) {
    result.box = faces[*central];
    result.detected = true;
  } else {
    // LFW's deep-funneled 250x250 photos hold the face in roughly the middle
    // 45% of the frame.
    const float side = 0.45f * std::min(image.cols, image.rows);
    result.box.box = cv::Rect2f((image.cols - side) / 2, (image.rows - side) / 2, side, side);
  }
  const auto landmarks = engine.landmarks(image, result.box.box);
  result.embedding = engine.embed_chip(engine.align(image, landmarks));
  return result;
}

}  // namespace facecheck::eval
