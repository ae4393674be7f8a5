// Face quality signals: is this face good enough to enrol or to check in
// with, and if not, what should the user do about it?
//
// Every signal is measured on the face itself (located by its 68 landmarks),
// not on the whole photo, and at a fixed scale, so the numbers mean the same
// for a webcam frame and a 12-megapixel photo.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "vision/face_types.h"

namespace facecheck::vision {

// Head orientation in degrees, relative to looking straight into the camera.
//   yaw   > 0: the subject turned to their left (the nose points to the image's right).
//   pitch > 0: the subject looks up (chin up).
//   roll  > 0: the head leans toward the subject's left shoulder (the face turns
//              clockwise on screen; the eye on the image's right is lower).
// The angles compose as R = Rz(roll) * Ry(yaw) * Rx(pitch) in camera axes, so
// an in-plane rotation of the image changes roll only.
struct HeadPose {
  float yaw = 0, pitch = 0, roll = 0;
  bool operator==(const HeadPose&) const = default;
};

// Defaults calibrated on 355 LFW photos (one per person, every 8th person;
// landmarks from face-api's 68-point net), the photos themselves and altered
// copies. LFW is the benchmark dlib's net scores 99.38% on, so its faces are
// good enough by definition and should pass.
struct QualityThresholds {
  // LFW: 1st percentile 76 px, median 97 px. At 80 px the recognition chip
  // is upsampled 1.6x; smaller faces lose the detail the net relies on.
  float min_face_px = 80;
  // LFW originals: min 13.5, 1st percentile 15.8, median 49. Gaussian blur
  // sigma 2 px (the photo is 250 px): median 5.3, 95th percentile 13; sigma
  // 3 px: median 3.1, 99th percentile 10.7. 10 passes every original and
  // fails 91% of the sigma-2 and 99% of the sigma-3 copies. A kiosk camera
  // shows faces larger than LFW's, which are sharper at the chip's scale, so
  // this is lenient there.
  float min_sharpness = 10;
  // LFW originals: 63 to 194 (1st/99th percentiles 68 and 183). Darkened to
  // 15%: at most 29; to 30%: median 38. 40 keeps a margin below the darkest
  // well-lit LFW faces, so dark skin in normal light is not called dark.
  float min_brightness = 40;
  // Brightened 2x (clipping): median 216; 2.5x: median 233. Above 220 most of
  // the skin is near clipping and the features wash out.
  float max_brightness = 220;
  // Degrees. LFW 5th/95th percentiles: yaw -24/26, pitch -16/17, roll -5/2;
  // 5% of LFW's (news) photos are turned beyond these limits.
  float max_yaw = 30;
  float max_pitch = 25;
  float max_roll = 25;  // alignment undoes roll, so this one is lenient
};

struct FaceQuality {
  // Face width (jaw to jaw) in image pixels, from the landmarks: 1.25 x the
  // side of dlib's mean-face unit square (eyebrow end to eyebrow end, brow
  // top to lower lip) fitted to them by least squares. Robust to single bad
  // points and independent of which detector drew the box, yet close to a
  // detector box's width. dlib's 150 px chip shows the unit square at 100 px,
  // i.e. a face_px of 125 is recognised without upsampling.
  float face_px = 0;
  // Variance of the Laplacian of the inner face, resampled so the unit square
  // is 100 px wide (the recognition chip's own scale) and with its mean luma
  // normalised to 128, so it depends neither on resolution nor on exposure.
  float sharpness = 0;
  float brightness = 0;  // mean luma (BT.601) of the inner face, 0-255
  HeadPose pose;
  // Machine codes: "too_small", "blurry", "too_dark", "too_bright",
  // "turned_away" (yaw or pitch), "tilted" (roll), "out_of_frame".
  std::vector<std::string> problems;
  // The same problems, in the same order, in words a user can act on.
  std::vector<std::string> reasons;
  bool acceptable() const { return problems.empty(); }
  bool operator==(const FaceQuality&) const = default;
};

// Head pose from the landmarks alone: a perspective fit (perspective-n-point,
// solved by Levenberg-Marquardt) of OpenFace's mean 3D face, made symmetric,
// to 23 nose, eye and mouth-corner landmarks, with the camera assumed ~60 cm
// away. The fit uses all 23 points at once, so one misplaced landmark moves
// the angles little, and yaw, pitch and roll come out as separate rotations;
// 2D rules of thumb (the nose's offset between the eyes, the eye line's
// angle) rest on a few points each and mix the angles once the head both
// turns and tilts. Zero is dlib's mean face, the pose the aligner maps
// without distortion. Deterministic and thread-safe. Throws
// std::invalid_argument on degenerate or non-finite landmarks.
HeadPose estimate_head_pose(const Landmarks& landmarks);

// Measures one face. image: 8-bit gray, BGR or BGRA; box: the detector's box
// (used to tell a face that runs off the picture); landmarks in image pixels.
// Throws std::invalid_argument on an empty or non-8-bit image and on
// degenerate landmarks.
FaceQuality assess_face_quality(const cv::Mat& image, const cv::Rect2f& box,
                                const Landmarks& landmarks, const QualityThresholds& t = {});

}  // namespace facecheck::vision
