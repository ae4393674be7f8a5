// The --model option every command that embeds faces shares.
#include "cli/commands.h"
#include "vision/recognizer_model.h"

namespace facecheck::cli {

CLI::Option* add_model_option(CLI::App& cmd, std::string& model) {
  if (model.empty()) model = std::string(vision::kDefaultModelId);
  return cmd
      .add_option("--model", model,
                  "Recognition model: " + vision::recognizer_model_ids() + " (default " +
                      std::string(vision::kDefaultModelId) + ")")
      ->check([](const std::string& id) {
        try {
          vision::recognizer_model(id);
          return std::string();
        } catch (const std::invalid_argument& e) {
          return std::string(e.what());
        }
      });
}

}  // namespace facecheck::cli
