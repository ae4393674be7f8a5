// The error every model-loading problem becomes: it names the file at fault
// and tells the user how to fetch the models again.
#pragma once

#include <stdexcept>
#include <string>

namespace facecheck::vision {

inline constexpr const char* kFetchModelsCommand = "scripts/fetch-models.sh";

class ModelError : public std::runtime_error {
 public:
  explicit ModelError(const std::string& what) : std::runtime_error(what) {}
};

// Builds the message for a missing or broken model file.
inline ModelError model_file_error(const std::string& file, const std::string& problem) {
  return ModelError("model file " + file + ": " + problem + " (run " + kFetchModelsCommand +
                    " to fetch and verify the models)");
}

}  // namespace facecheck::vision
