// Where the pretrained models live and how they are loaded.
//
// The folder comes from FACECHECK_MODELS, else `models/` in the current
// directory, else `models/` next to the executable's parent (the build tree
// layout). Each model's files are checked against SHA-256 sums pinned in the
// code, so a corrupted or swapped file is named in a clear error instead of
// producing wrong faces.
#pragma once

#include <filesystem>
#include <string>

#include "vision/tfjs_weights.h"

namespace facecheck::vision {

// The four face-api networks facecheck uses, by their file name stem.
inline constexpr const char* kSsdModel = "ssd_mobilenetv1_model";
inline constexpr const char* kTinyModel = "tiny_face_detector_model";
inline constexpr const char* kLandmarkModel = "face_landmark_68_model";
inline constexpr const char* kRecognitionModel = "face_recognition_model";

// The default models folder (see above); does not check that it exists.
std::filesystem::path default_models_dir();

// The ONNX networks of faceplugin-face-recognition-js@0.0.1.
inline constexpr const char* kArcFaceFile = "fr_feature.onnx";

// `dir / file` after checking the file against its pinned SHA-256. Throws
// ModelError naming the bad file and the fetch command.
std::filesystem::path verified_model_file(const std::filesystem::path& dir,
                                          const std::string& file);

// Verifies the pinned checksums of `model`'s files and loads its weights.
// Throws ModelError naming the bad file and the fetch command.
TfjsWeights load_model(const std::filesystem::path& dir, const std::string& model);

}  // namespace facecheck::vision
