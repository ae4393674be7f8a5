// The constructors behind FaceRecognizer::create, one per model. Internal to
// the vision layer.
#pragma once

#include <filesystem>
#include <memory>

#include "vision/face_recognizer.h"

namespace facecheck::vision {

std::unique_ptr<FaceRecognizer> make_dlib_recognizer(const std::filesystem::path& models_dir);
std::unique_ptr<FaceRecognizer> make_arcface_recognizer(const std::filesystem::path& models_dir);

}  // namespace facecheck::vision
