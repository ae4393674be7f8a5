// `facecheck eval-pairs`: the LFW verification protocol through the full
// pipeline (detect, landmarks, align, embed). See docs/accuracy.md.
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli/commands.h"
#include "cli/worker_pool.h"
#include "eval/labelled_face.h"
#include "eval/verification.h"
#include "vision/image_decoder.h"
#include "vision/recognizer_model.h"

namespace facecheck::cli {
namespace {

using nlohmann::json;

struct EvalPairsArgs {
  std::string pairs;
  std::string images;
  std::string folds;
  std::string detector = "ssd";
  int threads = 2;
  float min_score = 0.5f;
  bool no_align = false;
  bool no_flip = false;
  bool no_refine = false;
  bool no_mirror_landmarks = false;
  std::string errors;  // TSV of the pairs each fold got wrong
  std::string model;
  std::string metric;
};

struct PairRow {
  std::string a, b;
  bool same;
  int fold;
};

std::set<int> parse_folds(const std::string& text) {
  std::set<int> folds;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    try {
      folds.insert(std::stoi(item));
    } catch (const std::exception&) {
      throw CommandError("--folds: '" + item + "' is not a fold number");
    }
  }
  return folds;
}

std::vector<PairRow> read_pairs(const std::string& path, const std::set<int>& folds) {
  std::ifstream in(path);
  if (!in) throw CommandError("cannot read pairs file " + path);
  std::vector<PairRow> rows;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::stringstream fields(line);
    PairRow row;
    int same = 0;
    if (!(fields >> row.a >> row.b >> same >> row.fold))
      throw CommandError(path + ":" + std::to_string(line_no) + ": expected img_a img_b same fold");
    row.same = same == 1;
    if (folds.empty() || folds.count(row.fold)) rows.push_back(row);
  }
  if (rows.empty()) throw CommandError("no pairs selected from " + path);
  return rows;
}

// How one photo's face was found, for reading the errors by eye.
std::string detection_note(const eval::LabelledFace& face) {
  if (!face.detected) return "none";
  if (face.second_detector) return "other-detector";
  std::ostringstream out;
  out << std::setprecision(2) << face.box.score;
  return out.str();
}

// The pairs each fold classifies wrongly at its own (cross-validated)
// threshold: fold, same, distance, threshold, both photos and their detections.
void write_errors(const std::string& path, const std::vector<PairRow>& rows,
                  std::map<std::string, size_t>& index,
                  const std::vector<eval::LabelledFace>& faces,
                  const std::vector<eval::ScoredPair>& scored,
                  const eval::VerificationReport& report) {
  std::ofstream out(path);
  if (!out) throw CommandError("cannot write " + path);
  out << "fold\tsame\tdistance\tthreshold\timg_a\tdetection_a\timg_b\tdetection_b\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    float threshold = 0;
    for (const auto& f : report.folds)
      if (f.fold == rows[i].fold) threshold = f.threshold;
    if ((scored[i].distance < threshold) == rows[i].same) continue;
    const auto& a = faces[index[rows[i].a]];
    const auto& b = faces[index[rows[i].b]];
    out << rows[i].fold << '\t' << rows[i].same << '\t' << scored[i].distance << '\t' << threshold
        << '\t' << rows[i].a << '\t' << detection_note(a) << '\t' << rows[i].b << '\t'
        << detection_note(b) << '\n';
  }
}

void run_eval_pairs(const EvalPairsArgs& args) {
  const auto rows = read_pairs(args.pairs, parse_folds(args.folds));
  std::vector<std::string> images;
  std::map<std::string, size_t> index;
  for (const auto& r : rows)
    for (const auto* name : {&r.a, &r.b})
      if (index.emplace(*name, images.size()).second) images.push_back(*name);

  vision::DetectOptions options;
  options.detector = vision::parse_detector_kind(args.detector);
  options.min_score = args.min_score;
  vision::EmbedOptions embed;
  embed.flip_average = !args.no_flip;
  embed.refine_landmarks = !args.no_refine;
  embed.mirror_landmarks = !args.no_mirror_landmarks;
  std::vector<eval::LabelledFace> faces(images.size());
  for_each_with_engine(
      images.size(), args.threads, "embedding",
      [&](auto& engine, size_t i) {
        const cv::Mat image =
            vision::read_image_file(std::filesystem::path(args.images) / images[i]);
        faces[i] = eval::embed_labelled_face(engine, image, options, !args.no_align, embed);
      },
      args.model);
  const auto& card = vision::recognizer_model(args.model);

  std::vector<eval::ScoredPair> scored;
  for (const auto& r : rows)
    scored.push_back(
        {vision::embedding_distance(faces[index[r.a]].embedding, faces[index[r.b]].embedding,
                                    chosen_metric(args.metric, card.id)),
         r.same, r.fold});
  const auto report = eval::evaluate_verification(scored, card.match_threshold);

  if (!args.errors.empty()) write_errors(args.errors, rows, index, faces, scored, report);

  std::cout << std::fixed << std::setprecision(4);
  std::cout << "pairs " << rows.size() << ", images " << images.size() << ", detector "
            << args.detector << ", model " << card.id << "\n";
  for (const auto& f : report.folds)
    std::cout << "fold " << f.fold << ": " << f.pairs << " pairs, threshold " << f.threshold
              << ", accuracy " << f.accuracy << "\n";
  std::cout << "mean accuracy " << report.mean_accuracy << " +- " << report.accuracy_std << "\n";
  std::cout << "best single threshold " << report.best_threshold << " (accuracy "
            << report.best_threshold_accuracy << ")\n";
  std::cout << "TAR " << report.tar_at_far_0_1pct << " at FAR 0.1% (threshold "
            << report.far_0_1pct_threshold << ")\n";
  json failures = json::array(), second = json::array();
  for (size_t i = 0; i < images.size(); ++i) {
    if (!faces[i].detected) failures.push_back(images[i]);
    if (faces[i].second_detector) second.push_back(images[i]);
  }
  std::cout << "found only by the other detector: " << second.size() << " images\n";
  std::cout << "no face detected in " << failures.size() << " images";
  if (!failures.empty()) std::cout << " (" << eval::kFallbackDescription << ")";
  std::cout << "\n";
  for (const auto& f : failures) std::cout << "  " << f.get<std::string>() << "\n";

  json folds = json::array();
  for (const auto& f : report.folds)
    folds.push_back({{"fold", f.fold}, {"threshold", f.threshold}, {"accuracy", f.accuracy}});
  std::cout << json{{"pairs", rows.size()},
                    {"accuracy", report.mean_accuracy},
                    {"accuracy_std", report.accuracy_std},
                    {"threshold", report.best_threshold},
                    {"tar_at_far_0_1pct", report.tar_at_far_0_1pct},
                    {"far_0_1pct_threshold", report.far_0_1pct_threshold},
                    {"detect_failures", failures.size()},
                    {"detect_failure_images", failures},
                    {"other_detector_images", second},
                    {"flip_average", embed.flip_average},
                    {"refine_landmarks", embed.refine_landmarks},
                    {"mirror_landmarks", embed.mirror_landmarks},
                    {"folds", folds},
                    {"detector", args.detector},
                    {"model", card.id},
                    {"aligned", !args.no_align}}
                   .dump()
            << "\n";
}

}  // namespace

void add_eval_pairs_command(CLI::App& app) {
  auto args = std::make_shared<EvalPairsArgs>();
  auto* cmd = app.add_subcommand("eval-pairs", "LFW verification protocol on a pairs file");
  cmd->add_option("--pairs", args->pairs, "TSV: img_a img_b same fold")->required();
  cmd->add_option("--images", args->images, "Folder the image paths are relative to")->required();
  cmd->add_option("--folds", args->folds, "Comma-separated folds to run (default: all)");
  cmd->add_option("--detector", args->detector, "ssd, tiny or rfb")
      ->check(CLI::IsMember({"ssd", "tiny"}));
  cmd->add_option("--min-score", args->min_score, "Minimum detection score");
  cmd->add_flag("--no-align", args->no_align,
                "Embed the plain detection box instead of the aligned chip (baseline)");
  cmd->add_flag("--no-flip", args->no_flip, "Embed the chip only, not also its mirror image");
  cmd->add_flag("--no-refine", args->no_refine,
                "One landmark pass on the detection box (no second pass on a landmark box)");
  cmd->add_flag("--no-mirror-landmarks", args->no_mirror_landmarks,
                "Do not average landmarks with those of the mirrored crop");
  cmd->add_option("--errors", args->errors,
                  "Write the misclassified pairs (at each fold's threshold) to this TSV");
  add_model_option(*cmd, args->model);
  add_metric_option(*cmd, args->metric);
  cmd->add_option("--threads", args->threads, "Worker threads, one engine each")
      ->check(CLI::Range(1, 64));
  cmd->callback([args] { run_eval_pairs(*args); });
}

}  // namespace facecheck::cli
