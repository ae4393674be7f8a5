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

CLI::Option* add_metric_option(CLI::App& cmd, std::string& metric) {
  return cmd
      .add_option("--metric", metric,
                  "Compare embeddings by euclidean or cosine distance (default: the model's own)")
      ->check(CLI::IsMember({"euclidean", "cosine"}));
}

vision::ScoreMetric chosen_metric(const std::string& metric, std::string_view model) {
  if (metric == "cosine") return vision::ScoreMetric::Cosine;
  if (metric == "euclidean") return vision::ScoreMetric::Euclidean;
  return vision::recognizer_model(model).metric;
}

}  // namespace facecheck::cli
