// `facecheck detect | embed | landmarks | compare`: look at single photos.
// Their JSON output is a contract that scripts rely on: keep it stable.
#include <iostream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>

#include "cli/commands.h"
#include "vision/face_engine.h"
#include "vision/image_decoder.h"
#include "vision/model_store.h"
#include "vision/recognizer_model.h"
#include "wire/face_json.h"

namespace facecheck::cli {
namespace {

using nlohmann::json;
using vision::FaceEngine;

struct DetectArgs {
  std::string image;
  std::string detector = "ssd";
  int input_size = 416;
  float min_score = 0.5f;
  std::string draw;
};

void draw_faces(cv::Mat canvas, const std::vector<vision::FaceAnalysis>& faces,
                const std::string& path) {
  const int thickness = std::max(1, std::min(canvas.cols, canvas.rows) / 300);
  for (const auto& face : faces) {
    cv::rectangle(canvas, face.detection.box, cv::Scalar(0, 200, 0), thickness);
    for (const cv::Point2f& p : face.landmarks)
      cv::circle(canvas, p, thickness + 1, cv::Scalar(0, 0, 255), cv::FILLED);
  }
  if (!cv::imwrite(path, canvas)) throw CommandError("could not write " + path);
}

void run_detect(const DetectArgs& args) {
  const cv::Mat image = vision::read_image_file(args.image);
  vision::DetectOptions options;
  options.detector = vision::parse_detector_kind(args.detector);
  options.input_size = args.input_size;
  options.min_score = args.min_score;
  FaceEngine engine(vision::default_models_dir());
  std::vector<vision::FaceAnalysis> faces;
  json out = {{"width", image.cols}, {"height", image.rows}, {"faces", json::array()}};
  for (const vision::FaceBox& box : engine.detect(image, options)) {
    vision::FaceAnalysis face;
    face.detection = box;
    face.landmarks = engine.landmarks(image, box.box);
    face.quality = vision::assess_face_quality(image, box.box, face.landmarks);
    out["faces"].push_back(wire::face_json(face));
    faces.push_back(face);
  }
  if (!args.draw.empty()) draw_faces(image.clone(), faces, args.draw);
  std::cout << out.dump() << "\n";
}

void run_embed(const std::string& path, bool whole, const std::string& model) {
  const cv::Mat image = vision::read_image_file(path);
  FaceEngine engine(vision::default_models_dir(), model);
  json faces = json::array();
  if (whole) {
    faces.push_back({{"box", wire::box_json(cv::Rect2f(0, 0, image.cols, image.rows))},
                     {"embedding", wire::embedding_json(engine.embed_chip(image))},
                     {"model", engine.default_model()}});
  } else {
    for (const auto& face : engine.analyze(image))
      faces.push_back({{"box", wire::box_json(face.detection.box)},
                       {"score", face.detection.score},
                       {"embedding", wire::embedding_json(face.embedding)},
                       {"model", face.model}});
  }
  std::cout << json{{"faces", faces}}.dump() << "\n";
}

void run_landmarks(const std::string& path, bool whole) {
  const cv::Mat image = vision::read_image_file(path);
  FaceEngine engine(vision::default_models_dir());
  json faces = json::array();
  if (whole) {
    faces.push_back({{"box", wire::box_json(cv::Rect2f(0, 0, image.cols, image.rows))},
                     {"landmarks", wire::landmarks_json(engine.landmarks_whole(image))}});
  } else {
    for (const auto& box : engine.detect(image))
      faces.push_back({{"box", wire::box_json(box.box)},
                       {"landmarks", wire::landmarks_json(engine.landmarks(image, box.box))}});
  }
  std::cout << json{{"faces", faces}}.dump() << "\n";
}

vision::FaceAnalysis largest_face_of(FaceEngine& engine, const std::string& path) {
  const cv::Mat image = vision::read_image_file(path);
  auto faces = engine.analyze(image);  // largest first
  if (faces.empty()) throw CommandError("no face found in " + path, 4);
  return faces.front();
}

void run_compare(const std::string& a, const std::string& b, std::optional<float> given,
                 const std::string& model) {
  FaceEngine engine(vision::default_models_dir(), model);
  const auto& card = vision::recognizer_model(model);
  const float threshold = given.value_or(card.match_threshold);
  const auto face_a = largest_face_of(engine, a);
  const auto face_b = largest_face_of(engine, b);
  const float distance =
      vision::embedding_distance(face_a.embedding, face_b.embedding, card.metric);
  const bool same = distance < threshold;
  std::cout << json{{"distance", distance},
                    {"model", card.id},
                    {"threshold", threshold},
                    {"same_person", same},
                    {"verdict", same ? "same person" : "different people"},
                    {"box_a", wire::box_json(face_a.detection.box)},
                    {"box_b", wire::box_json(face_b.detection.box)}}
                   .dump()
            << "\n";
}

}  // namespace

void add_inspect_commands(CLI::App& app) {
  auto args = std::make_shared<DetectArgs>();
  auto* detect = app.add_subcommand("detect", "Find faces: boxes, scores, 68 landmarks, quality");
  detect->add_option("image", args->image, "Photo (JPEG, PNG, BMP, WebP)")->required();
  detect->add_option("--detector", args->detector, "ssd (accurate) or tiny (fast)")
      ->check(CLI::IsMember({"ssd", "tiny"}));
  detect->add_option("--input-size", args->input_size, "Tiny detector input (32k, 128-608)");
  detect->add_option("--min-score", args->min_score, "Minimum detection score")
      ->check(CLI::Range(0.0f, 1.0f));
  detect->add_option("--draw", args->draw, "Write the photo with boxes and landmarks here");
  detect->callback([args] { run_detect(*args); });

  auto embed_path = std::make_shared<std::string>();
  auto embed_whole = std::make_shared<bool>(false);
  auto embed_model = std::make_shared<std::string>();
  auto* embed = app.add_subcommand("embed", "Embedding of each face (512-d ArcFace by default)");
  embed->add_option("image", *embed_path, "Photo")->required();
  embed->add_flag("--whole", *embed_whole, "The whole image is one face crop (no detection)");
  add_model_option(*embed, *embed_model);
  embed->callback([=] { run_embed(*embed_path, *embed_whole, *embed_model); });

  auto lm_path = std::make_shared<std::string>();
  auto lm_whole = std::make_shared<bool>(false);
  auto* landmarks = app.add_subcommand("landmarks", "68 landmarks of each face");
  landmarks->add_option("image", *lm_path, "Photo")->required();
  landmarks->add_flag("--whole", *lm_whole, "The whole image is one face crop (no detection)");
  landmarks->callback([=] { run_landmarks(*lm_path, *lm_whole); });

  auto a = std::make_shared<std::string>();
  auto b = std::make_shared<std::string>();
  auto threshold = std::make_shared<std::optional<float>>();
  auto compare_model = std::make_shared<std::string>();
  auto* compare = app.add_subcommand("compare", "Distance between the largest faces of A and B");
  compare->add_option("a", *a, "First photo")->required();
  compare->add_option("b", *b, "Second photo")->required();
  compare->add_option("--threshold", *threshold,
                      "Same person below this distance (default: the model's 1:1 threshold)");
  add_model_option(*compare, *compare_model);
  compare->callback([=] { run_compare(*a, *b, *threshold, *compare_model); });
}

}  // namespace facecheck::cli
