// Finds the face a benchmark photo is labelled with. LFW labels the face in
// the centre of each photo, and many photos show other people behind it, so
// the detected face nearest the centre is taken, not the largest.
#pragma once

#include <string>

#include "vision/face_engine.h"

namespace facecheck::eval {

struct LabelledFace {
  vision::Embedding embedding{};
  vision::FaceBox box;
  bool detected = false;  // false: no face found, the central region was used
  // The face was found only by the other detector (tiny, when the requested
  // detector is SSD); still counts as detected.
  bool second_detector = false;
};

// Detection score of the second pass when the first finds nothing.
inline constexpr float kRetryMinScore = 0.1f;

// The embedding of the labelled face: of the detections centred in the
// middle half of the photo, the one nearest the centre. When the detector
// finds none there, the other detector (tiny for SSD and vice versa) is asked at its usual score;
// failing that, each detector again at a low minimum score; failing that, the central
// square (LFW's faces sit there) is handed to the landmark net and aligned
// as usual; callers report those photos.
// With `align` false the detection box itself is the face crop (padded to
// a square and resized, face-api's default): the baseline alignment beats.
LabelledFace embed_labelled_face(vision::FaceEngine& engine, const cv::Mat& image,
                                 const vision::DetectOptions& options, bool align = true,
                                 const vision::EmbedOptions& embed = {});

// What is done when no face is found, in words for reports.
inline constexpr const char* kFallbackDescription =
    "no face detected: landmarks located on the central square of the photo and aligned as usual";

}  // namespace facecheck::eval
