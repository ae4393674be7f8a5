// `facecheck liveness PHOTO`: is each face live or an attack (print, screen,
// mask)? `facecheck eval-liveness`: BPCER and APCER on labelled photos.
// See docs/liveness.md for what was measured and the limits.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <opencv2/videoio.hpp>

#include "checkin/csv.h"
#include "cli/commands.h"
#include "cli/worker_pool.h"
#include "eval/presentation_attack.h"
#include "vision/image_decoder.h"
#include "vision/liveness_detector.h"
#include "wire/face_json.h"

namespace facecheck::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

void run_liveness(const std::string& path, float threshold) {
  const cv::Mat image = vision::read_image_file(path);
  vision::FaceEngine engine(vision::default_models_dir());
  const auto faces = engine.detect(image);
  if (faces.empty()) throw CommandError("no face found in " + path, 4);
  json out = json::array();
  for (const auto& face : faces) {
    const float score = engine.live_probability(image, face.box);
    out.push_back(
        {{"box", wire::box_json(face.box)}, {"live", score >= threshold}, {"score", score}});
  }
  std::cout << json{{"faces", out}, {"threshold", threshold}}.dump() << "\n";
}

struct EvalLivenessArgs {
  std::string labels;
  std::vector<std::string> live_videos;
  int every = 15;
  std::string live_lfw;
  int lfw_count = 300;
  bool rgb = false;
  float crop_scale = 2.7f;
  double target_bpcer = 0.05;
  std::optional<float> threshold;
  std::string scores_out;
  int threads = 2;
};

// A sample to score: a photo file, or a frame already decoded from a video.
struct Item {
  std::string name, kind, source;
  fs::path file;
  cv::Mat frame;
};

std::vector<Item> spoof_items(const std::string& labels) {
  std::ifstream in(labels, std::ios::binary);
  if (!in) throw CommandError("cannot read labels file " + labels);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto table = checkin::parse_csv(text);
  if (table.empty() || table[0].size() < 2 || table[0][0] != "path" || table[0][1] != "label")
    throw CommandError(labels + ": expected a header path,label,...");
  std::vector<Item> items;
  const fs::path root = fs::path(labels).parent_path();
  for (size_t i = 1; i < table.size(); ++i) {
    const auto& r = table[i];
    if (r.size() < 2 || r[0].empty()) continue;
    const std::string source = r[0].substr(0, r[0].find('/'));
    items.push_back({r[0], r[1], "spoof/" + source, root / r[0], {}});
  }
  return items;
}

void add_video_frames(std::vector<Item>& items, const std::string& path, int every) {
  cv::VideoCapture video(path);
  if (!video.isOpened()) throw CommandError("cannot open video " + path);
  cv::Mat frame;
  const std::string stem = fs::path(path).filename().string();
  for (int n = 0; video.read(frame); ++n)
    if (n % every == 0)
      items.push_back({stem + "#" + std::to_string(n), "live", "video/" + stem, {}, frame.clone()});
}

// The first image of each of `count` LFW people in people.tsv order: news
// photos, bona fide faces under varied light and cameras.
void add_lfw_images(std::vector<Item>& items, const std::string& lfw, int count) {
  const fs::path images = fs::path(lfw) / "images";
  if (!fs::is_directory(images)) throw CommandError("no images/ folder in " + lfw);
  std::vector<fs::path> people;
  for (const auto& entry : fs::directory_iterator(images)) people.push_back(entry.path());
  std::sort(people.begin(), people.end());
  for (const auto& person : people) {
    if (count-- <= 0) break;
    std::vector<fs::path> files;
    for (const auto& f : fs::directory_iterator(person)) files.push_back(f.path());
    if (files.empty()) continue;
    std::sort(files.begin(), files.end());
    items.push_back({"lfw/" + files[0].filename().string(), "live", "lfw", files[0], {}});
  }
}

json rates_json(const eval::PadRates& r) {
  json apcer = json::object();
  for (const auto& [kind, c] : r.apcer)
    apcer[kind] = {{"accepted", c.errors}, {"of", c.total}, {"rate", c.rate()}};
  json out = {
      {"bpcer", {{"rejected", r.bpcer.errors}, {"of", r.bpcer.total}, {"rate", r.bpcer.rate()}}},
      {"apcer", apcer},
      {"apcer_all",
       {{"accepted", r.apcer_all.errors}, {"of", r.apcer_all.total}, {"rate", r.apcer_all.rate()}}},
      {"worst_apcer", r.worst_apcer()}};
  if (!std::isnan(r.threshold)) out["threshold"] = r.threshold;
  return out;
}

void run_eval_liveness(const EvalLivenessArgs& args) {
  std::vector<Item> items = spoof_items(args.labels);
  for (const auto& v : args.live_videos) add_video_frames(items, v, args.every);
  if (!args.live_lfw.empty()) add_lfw_images(items, args.live_lfw, args.lfw_count);

  const vision::LivenessInput input{args.crop_scale, args.rgb};
  std::vector<std::optional<cv::Vec3f>> probs(items.size());
  // Detectors are not thread-safe: each job borrows one from this pool (the
  // pool grows to one per worker thread) and gives it back.
  std::mutex pool_mutex;
  std::vector<std::unique_ptr<vision::LivenessDetector>> pool;
  auto borrow = [&] {
    std::lock_guard lock(pool_mutex);
    if (pool.empty()) return vision::LivenessDetector::create(vision::default_models_dir(), input);
    auto d = std::move(pool.back());
    pool.pop_back();
    return d;
  };
  auto give_back = [&](std::unique_ptr<vision::LivenessDetector> d) {
    std::lock_guard lock(pool_mutex);
    pool.push_back(std::move(d));
  };
  for_each_with_engine(items.size(), args.threads, "scoring", [&](auto& engine, size_t i) {
    cv::Mat image;
    try {
      image = items[i].frame.empty() ? vision::read_image_file(items[i].file) : items[i].frame;
    } catch (const vision::ImageError&) {
      return;  // counted as "no face" below
    }
    const auto faces = engine.detect(image);
    const auto largest = vision::largest_face(faces);
    if (!largest) return;
    auto detector = borrow();
    probs[i] = detector->class_probabilities(image, faces[*largest].box);
    give_back(std::move(detector));
  });

  std::vector<eval::PadSample> samples;
  std::map<std::string, size_t> no_face;
  std::ofstream scores;
  if (!args.scores_out.empty()) {
    scores.open(args.scores_out);
    if (!scores) throw CommandError("cannot write " + args.scores_out);
    scores << "name,kind,source,p0,p1,p2\n";
  }
  for (size_t i = 0; i < items.size(); ++i) {
    if (!probs[i]) {
      ++no_face[items[i].kind];
      continue;
    }
    const cv::Vec3f p = *probs[i];
    samples.push_back({items[i].kind, items[i].source, p[vision::kLiveClass]});
    if (scores)
      scores << items[i].name << "," << items[i].kind << "," << items[i].source << "," << p[0]
             << "," << p[1] << "," << p[2] << "\n";
  }
  const float chosen =
      args.threshold.value_or(eval::threshold_for_bpcer(samples, args.target_bpcer));
  json out = {{"samples", samples.size()},
              {"no_face", no_face},
              {"rgb", args.rgb},
              {"crop_scale", args.crop_scale},
              {"target_bpcer", args.target_bpcer},
              {"at_threshold", rates_json(eval::pad_rates(samples, chosen))},
              {"leave_one_source_out",
               rates_json(eval::cross_validated_rates(samples, args.target_bpcer))}};
  if (!args.threshold) out["at_threshold"]["chosen_on"] = "all live samples";
  std::cout << out.dump(2) << "\n";
}

}  // namespace

void add_liveness_commands(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto threshold = std::make_shared<float>(vision::kDefaultLiveThreshold);
  auto* cmd = app.add_subcommand("liveness", "Is each face live, or a photo, screen or mask?");
  cmd->add_option("image", *path, "Photo (JPEG, PNG, BMP, WebP)")->required();
  cmd->add_option("--threshold", *threshold, "Live when the score is at least this")
      ->check(CLI::Range(0.0f, 1.0f));
  cmd->callback([path, threshold] { run_liveness(*path, *threshold); });

  auto args = std::make_shared<EvalLivenessArgs>();
  auto* eval =
      app.add_subcommand("eval-liveness", "BPCER and APCER on labelled live/attack photos");
  eval->add_option("--labels", args->labels, "spoof/labels.csv (path,label,...)")->required();
  eval->add_option("--live-video", args->live_videos, "Video of live faces (repeatable)");
  eval->add_option("--every", args->every, "Score every Nth video frame")
      ->check(CLI::Range(1, 1000));
  eval->add_option("--live-lfw", args->live_lfw, "LFW folder: first photo of each person, as live");
  eval->add_option("--lfw-count", args->lfw_count, "How many LFW people")
      ->check(CLI::Range(1, 100000));
  eval->add_flag("--rgb", args->rgb, "Feed R,G,B instead of B,G,R (to measure the choice)");
  eval->add_option("--crop-scale", args->crop_scale, "Crop size in face boxes")
      ->check(CLI::Range(1.0f, 5.0f));
  eval->add_option("--target-bpcer", args->target_bpcer, "BPCER the threshold is chosen for")
      ->check(CLI::Range(0.0, 1.0));
  eval->add_option("--threshold", args->threshold, "Score at this threshold instead");
  eval->add_option("--scores-out", args->scores_out, "CSV of every sample's class probabilities");
  eval->add_option("--threads", args->threads, "Worker threads")->check(CLI::Range(1, 64));
  eval->callback([args] { run_eval_liveness(*args); });
}

}  // namespace facecheck::cli
