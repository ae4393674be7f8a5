// `facecheck admin reembed --model ID`: recompute face templates with another
// recognition model from the enrolment photos kept with --store-photos, so an
// upgrade to a better model does not mean asking every guest for a new photo.
// Templates without a photo cannot be recomputed; the report counts them
// (docs/identification.md says how to plan their re-enrolment).
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "checkin/checkin_service.h"
#include "cli/commands.h"
#include "cli/serve_setup.h"
#include "cli/worker_pool.h"
#include "vision/image_decoder.h"
#include "vision/recognizer_model.h"

namespace facecheck::cli {
namespace {

using nlohmann::json;

struct ReembedArgs {
  std::string data_dir = "facecheck-data";
  std::string model;
  int threads = 1;
};

// The face of the photo that the old template was made from: the only one,
// or with several, the one the old model finds nearest to the old template.
std::optional<vision::FaceAnalysis> enrolled_face(vision::FaceEngine& engine, const cv::Mat& photo,
                                                  const storage::FaceTemplate& old,
                                                  const checkin::CheckinSettings& settings) {
  auto faces =
      engine.analyze(photo, settings.enrol_detector, settings.enrol_quality, settings.enrol_embed);
  if (faces.size() <= 1) return faces.empty() ? std::nullopt : std::optional(faces.front());
  const auto& old_card = vision::recognizer_model(old.model);
  size_t best = 0;
  float best_distance = 1e9f;
  for (size_t i = 0; i < faces.size(); ++i) {
    const auto e =
        engine.embed_face(photo, faces[i].landmarks, settings.enrol_embed.with_model(old_card.id));
    const float d = vision::embedding_distance(e, old.embedding, old_card.metric);
    if (d < best_distance) best_distance = d, best = i;
  }
  return faces[best];
}

void reembed(const ReembedArgs& args) {
  const auto& card = vision::recognizer_model(args.model);
  auto store = open_data_dir(args.data_dir);
  const std::string model(card.id);
  const auto todo = store.list_reembeddable(model);
  const auto without_photo = store.count_not_reembeddable(model);
  std::cerr << "reembed: " << todo.size() << " template(s) with a stored photo to recompute with "
            << model << "; " << without_photo << " without a photo need re-enrolment\n";
  checkin::CheckinSettings settings;
  settings.enrol_embed.model = card.id;
  std::mutex mutex;
  json failures = json::array();
  size_t done = 0;
  for_each_with_engine(
      todo.size(), args.threads, "reembedding",
      [&](vision::FaceEngine& engine, size_t i) {
        const storage::FaceTemplate& old = todo[i];
        std::string problem;
        try {
          const auto photo = store.template_photo(old.id);
          if (!photo) return;  // deleted meanwhile
          const cv::Mat image = vision::decode_image(
              std::string_view(reinterpret_cast<const char*>(photo->data()), photo->size()));
          if (const auto face = enrolled_face(engine, image, old, settings)) {
            storage::FaceTemplate replacement = old;
            replacement.model = model;
            replacement.embedding = face->embedding;
            store.replace_template(old.id, replacement);
            std::lock_guard lock(mutex);
            ++done;
            return;
          }
          problem = "no face found in the stored photo";
        } catch (const std::exception& e) {
          problem = e.what();  // one bad photo must not stop the others
        }
        std::lock_guard lock(mutex);
        failures.push_back(
            {{"template_id", old.id}, {"person_id", old.person_id}, {"problem", problem}});
      },
      card.id);
  std::cout << json{{"model", model},
                    {"reembedded", done},
                    {"failed", failures},
                    {"without_photo", without_photo}}
                   .dump()
            << "\n";
  if (!failures.empty())
    throw CommandError(std::to_string(failures.size()) + " template(s) could not be recomputed");
}

}  // namespace

void add_reembed_command(CLI::App& admin) {
  auto args = std::make_shared<ReembedArgs>();
  auto* cmd = admin.add_subcommand(
      "reembed",
      "Recompute face templates with another model from stored enrolment photos (run it with "
      "the server stopped, or restart the server afterwards)");
  cmd->add_option("--data", args->data_dir, "Data folder of the server (default ./facecheck-data)")
      ->envname("FACECHECK_DATA_DIR");
  add_model_option(*cmd, args->model);
  cmd->add_option("--threads", args->threads, "Worker threads, one engine each")
      ->check(CLI::Range(1, 64));
  cmd->callback([args] { reembed(*args); });
}

}  // namespace facecheck::cli
