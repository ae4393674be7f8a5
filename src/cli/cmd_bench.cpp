// `facecheck bench`: how long each stage of the pipeline takes on real
// photos, for the kiosk pipeline (640x480 JPEG frames, tiny detector) and the
// enrolment pipeline (SSD detector). Numbers go to docs/performance.md.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "checkin/checkin_service.h"
#include "cli/commands.h"
#include "cli/percentile.h"
#include "cli/worker_pool.h"
#include "vision/image_decoder.h"
#include "vision/recognizer_model.h"

namespace facecheck::cli {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

struct BenchArgs {
  std::string images = "../shared/data/lfw/images";
  int threads = 1;
  int count = 100;
  std::string model;
};

const char* kStages[] = {"decode", "detect", "landmarks", "align", "embed", "total"};

struct Samples {
  std::mutex mutex;
  std::map<std::string, std::vector<double>> ms;
  void add(const std::map<std::string, double>& one) {
    std::lock_guard lock(mutex);
    for (const auto& [stage, value] : one) ms[stage].push_back(value);
  }
};

// Every JPEG under `dir`, in a stable order, at most `count` of them.
std::vector<fs::path> pick_images(const std::string& dir, int count) {
  if (!fs::is_directory(dir)) throw CommandError("--images: no such folder " + dir);
  std::vector<fs::path> all;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".jpg") all.push_back(e.path());
  std::sort(all.begin(), all.end());
  if (all.empty()) throw CommandError("no .jpg photos under " + dir);
  // Spread the picks over the whole set instead of taking one person's photos.
  std::vector<fs::path> picked;
  const size_t step = std::max<size_t>(1, all.size() / count);
  for (size_t i = 0; i < all.size() && picked.size() < size_t(count); i += step)
    picked.push_back(all[i]);
  return picked;
}

// A kiosk-like frame: the photo scaled to 480 px high on a 640x480 canvas.
std::string kiosk_frame(const fs::path& path) {
  const cv::Mat photo = vision::read_image_file(path);
  cv::Mat scaled, frame(480, 640, CV_8UC3, cv::Scalar(90, 90, 90));
  cv::resize(photo, scaled, cv::Size(480 * photo.cols / photo.rows, 480), 0, 0, cv::INTER_LINEAR);
  const int w = std::min(scaled.cols, 640);
  scaled(cv::Rect(0, 0, w, 480)).copyTo(frame(cv::Rect((640 - w) / 2, 0, w, 480)));
  std::vector<uchar> jpeg;
  cv::imencode(".jpg", frame, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
  return std::string(jpeg.begin(), jpeg.end());
}

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

double since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// Wall time and this thread's CPU time since a point. With one worker and
// OpenCV's own threads off, all of a stage's work runs on the calling thread,
// so its CPU time is what the stage costs even when other processes compete
// for the cores (wall time then includes waiting for a core).
struct Stamp {
  Clock::time_point wall = Clock::now();
  double cpu = thread_cpu_ms();
  static double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
  }
};

void record(std::map<std::string, double>& ms, const std::string& stage, const Stamp& from) {
  ms[stage] = since(from.wall);
  ms["cpu:" + stage] = Stamp::thread_cpu_ms() - from.cpu;
}

// Runs the whole pipeline on one encoded image, timing each stage.
std::map<std::string, double> time_pipeline(vision::FaceEngine& engine, const std::string& bytes,
                                            const vision::DetectOptions& options,
                                            const vision::EmbedOptions& embed) {
  std::map<std::string, double> ms;
  const Stamp start;
  Stamp t;
  const cv::Mat image = vision::decode_image(bytes);
  record(ms, "decode", t);
  t = Stamp();
  const auto faces = engine.detect(image, options);
  record(ms, "detect", t);
  if (const auto i = vision::largest_face(faces)) {
    t = Stamp();
    const auto landmarks = engine.landmarks(image, faces[*i].box, embed);
    record(ms, "landmarks", t);
    t = Stamp();
    const cv::Mat chip = engine.align(image, landmarks, embed.model);
    record(ms, "align", t);
    t = Stamp();
    engine.embed_chip(chip, embed);
    record(ms, "embed", t);
  }
  record(ms, "total", start);
  return ms;
}

json run_pipeline(const std::string& name, const std::vector<std::string>& inputs,
                  const vision::DetectOptions& options, const vision::EmbedOptions& embed,
                  int threads) {
  // One untimed pass per worker loads the networks and warms OpenCV's caches.
  Samples samples;
  std::vector<bool> warmed(threads, false);
  const auto start = Clock::now();
  for_each_with_engine(
      inputs.size() + threads, threads, name,
      [&](auto& engine, size_t i) {
        const auto ms = time_pipeline(engine, inputs[i % inputs.size()], options, embed);
        if (i >= static_cast<size_t>(threads)) samples.add(ms);
      },
      embed.model);
  const double seconds = since(start) / 1000.0;
  json stages = json::object();
  std::cout << name << " pipeline (" << inputs.size() << " images, " << threads << " thread(s)):\n";
  for (const char* stage : kStages) {
    const auto& v = samples.ms[stage];
    const double p50 = percentile(v, 0.5), p95 = percentile(v, 0.95);
    std::cout << "  " << std::left << std::setw(10) << stage << " p50 " << std::fixed
              << std::setprecision(1) << std::setw(7) << p50 << " ms   p95 " << std::setw(7) << p95
              << " ms\n";
    stages[stage] = {{"p50_ms", p50}, {"p95_ms", p95}, {"samples", v.size()}};
  }
  const double throughput = (inputs.size() + threads) / seconds;
  std::cout << "  throughput " << std::setprecision(1) << throughput << " images/s\n";
  return {{"stages", stages}, {"images_per_s", throughput}};
}

void run_bench(const BenchArgs& args) {
  const auto paths = pick_images(args.images, args.count);
  std::vector<std::string> originals, frames;
  for (const auto& p : paths) {
    originals.push_back(file_bytes(p));
    frames.push_back(kiosk_frame(p));
  }
  cv::setNumThreads(args.threads == 1 ? 1 : cv::getNumThreads());
  // The kiosk pipeline as the speed budget defines it (one landmark and one
  // embedding pass), then what `facecheck serve` runs per kiosk frame and per
  // enrolment photo (CheckinSettings: the accuracy options it turns on).
  checkin::CheckinSettings product;
  product.model = vision::recognizer_model(args.model).id;
  product.checkin_embed.model = product.enrol_embed.model = product.model;
  const auto single = vision::EmbedOptions::fastest().with_model(product.model);
  vision::DetectOptions kiosk{vision::DetectorKind::Tiny, 416, 0.5f};
  json out = {{"threads", args.threads}, {"images", paths.size()}, {"model", product.model}};
  out["kiosk"] = run_pipeline("kiosk (640x480 JPEG, tiny@416, single passes)", frames, kiosk,
                              single, args.threads);
  out["kiosk"]["input"] = "640x480 JPEG, tiny detector at 416, one landmark and embedding pass";
  out["checkin"] =
      run_pipeline("check-in service (640x480 JPEG, server settings)", frames,
                   product.checkin_detector, product.kiosk_embed(product.model), args.threads);
  out["checkin"]["input"] = "640x480 JPEG, CheckinSettings::checkin_detector and checkin_embed";
  out["enrol"] = run_pipeline("enrol (original photo, SSD, single passes)", originals,
                              product.enrol_detector, single, args.threads);
  out["enrol"]["input"] = "original photo, SSD detector, one landmark and embedding pass";
  out["enrol_service"] =
      run_pipeline("enrolment service (original photo, server settings)", originals,
                   product.enrol_detector, product.enrol_embed, args.threads);
  out["enrol_service"]["input"] = "original photo, CheckinSettings::enrol_detector and enrol_embed";
  std::cout << out.dump() << "\n";
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  auto* cmd = app.add_subcommand("bench", "Time each pipeline stage on real photos");
  cmd->add_option("--images", args->images, "Folder of .jpg photos (searched recursively)");
  cmd->add_option("--threads", args->threads, "Worker threads (1 = one core)")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--count", args->count, "How many photos to use")->check(CLI::Range(1, 100000));
  add_model_option(*cmd, args->model);
  cmd->callback([args] { run_bench(*args); });
}

}  // namespace facecheck::cli
