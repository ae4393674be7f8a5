// `facecheck eval-detect`: face counts found vs expected on a labelled set
// (../shared/data/faces/detection_labels.csv). See docs/accuracy.md.
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "checkin/csv.h"
#include "cli/commands.h"
#include "cli/worker_pool.h"
#include "vision/image_decoder.h"

namespace facecheck::cli {
namespace {

using nlohmann::json;

struct EvalDetectArgs {
  std::string labels;
  std::string root;
  std::string detector = "ssd";
  int input_size = 416;
  float min_score = 0.5f;
  int threads = 2;
};

struct LabelRow {
  std::string path;
  int expected = 0;
  std::string certainty;
};

// Certainties whose count comes from the source's own annotations, not from
// counting by eye (the acceptance bar is measured on these).
bool is_annotated(const std::string& certainty) {
  return certainty == "annotated_boxes" || certainty == "annotated_nose_points" ||
         certainty == "repo_test_expectation";
}

std::vector<LabelRow> read_labels(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CommandError("cannot read labels file " + path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto table = checkin::parse_csv(text);
  if (table.empty() || table[0].size() < 3 || table[0][0] != "path" || table[0][1] != "n_faces")
    throw CommandError(path + ": expected a header path,n_faces,certainty,...");
  std::vector<LabelRow> rows;
  for (size_t i = 1; i < table.size(); ++i) {
    const auto& r = table[i];
    if (r.size() < 3 || r[1].empty()) continue;  // unknown count (crowd) or broken file
    try {
      rows.push_back({r[0], std::stoi(r[1]), r[2]});
    } catch (const std::exception&) {
      throw CommandError(path + ": row " + std::to_string(i + 1) + ": n_faces is not a number");
    }
  }
  return rows;
}

struct Tally {
  size_t images = 0, exact = 0, within_one = 0;
  void add(int expected, int found) {
    ++images;
    exact += expected == found;
    within_one += std::abs(expected - found) <= 1;
  }
  json to_json() const {
    return {{"images", images},
            {"exact", exact},
            {"within_one", within_one},
            {"within_one_rate", images ? double(within_one) / images : 0.0}};
  }
};

void run_eval_detect(const EvalDetectArgs& args) {
  const auto rows = read_labels(args.labels);
  vision::DetectOptions options;
  options.detector = vision::parse_detector_kind(args.detector);
  options.input_size = args.input_size;
  options.min_score = args.min_score;
  std::vector<int> found(rows.size(), -1);
  std::vector<std::string> errors(rows.size());
  for_each_with_engine(rows.size(), args.threads, "detecting", [&](auto& engine, size_t i) {
    try {
      const cv::Mat image =
          vision::read_image_file(std::filesystem::path(args.root) / rows[i].path);
      found[i] = static_cast<int>(engine.detect(image, options).size());
    } catch (const vision::ImageError& e) {
      errors[i] = e.what();
    }
  });

  Tally all, annotated_groups, visual;
  size_t empty_images = 0, false_on_empty = 0;
  std::map<std::string, Tally> by_certainty;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (found[i] < 0) {
      std::cout << r.path << ": unreadable (" << errors[i] << ")\n";
      continue;
    }
    std::cout << r.path << ": expected " << r.expected << ", found " << found[i] << "  ["
              << r.certainty << "]" << (std::abs(found[i] - r.expected) > 1 ? "  MISS" : "")
              << "\n";
    all.add(r.expected, found[i]);
    by_certainty[r.certainty].add(r.expected, found[i]);
    if (r.expected == 0) {
      ++empty_images;
      false_on_empty += found[i] > 0;
    } else if (is_annotated(r.certainty)) {
      annotated_groups.add(r.expected, found[i]);
    } else if (r.certainty.rfind("visual_count", 0) == 0) {
      visual.add(r.expected, found[i]);
    }
  }
  json certainty = json::object();
  for (const auto& [name, tally] : by_certainty) certainty[name] = tally.to_json();
  json out = all.to_json();
  out["false_on_empty"] = false_on_empty;
  out["empty_images"] = empty_images;
  out["annotated"] = annotated_groups.to_json();
  out["visual_count"] = visual.to_json();
  out["by_certainty"] = certainty;
  out["detector"] = args.detector;
  out["min_score"] = args.min_score;
  std::cout << "annotated photos within one face: " << annotated_groups.within_one << "/"
            << annotated_groups.images << "; faces found in " << false_on_empty << " of "
            << empty_images << " photos without a face\n";
  std::cout << out.dump() << "\n";
}

}  // namespace

void add_eval_detect_command(CLI::App& app) {
  auto args = std::make_shared<EvalDetectArgs>();
  auto* cmd = app.add_subcommand("eval-detect", "Face counts found vs expected on labelled photos");
  cmd->add_option("--labels", args->labels, "CSV: path,n_faces,certainty,...")->required();
  cmd->add_option("--root", args->root, "Folder the paths are relative to")->required();
  cmd->add_option("--detector", args->detector, "ssd, tiny or rfb")
      ->check(CLI::IsMember({"ssd", "tiny"}));
  cmd->add_option("--input-size", args->input_size, "Tiny detector input size");
  cmd->add_option("--min-score", args->min_score, "Minimum detection score");
  cmd->add_option("--threads", args->threads, "Worker threads")->check(CLI::Range(1, 64));
  cmd->callback([args] { run_eval_detect(*args); });
}

}  // namespace facecheck::cli
