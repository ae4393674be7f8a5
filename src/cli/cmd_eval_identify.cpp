// `facecheck eval-identify`: open-set 1:N identification on LFW through the
// full pipeline, reported as NIST FRVT does (FNIR at a fixed FPIR), plus the
// threshold a 1,000-person event needs. See docs/identification.md.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "checkin/checkin_service.h"
#include "cli/commands.h"
#include "cli/eval_identify_report.h"
#include "cli/worker_pool.h"
#include "eval/identification.h"
#include "eval/identify_protocol.h"
#include "eval/labelled_face.h"
#include "vision/image_decoder.h"
#include "vision/recognizer_model.h"

namespace facecheck::cli {
namespace {

using nlohmann::json;

// The event size the default check-in threshold is set for; the JSON keys
// (`..._n1000`) name it, so it is fixed rather than an option.
constexpr size_t kPlannedEventSize = 1000;
constexpr double kPlannedFpir = 0.01;
constexpr size_t kClosestShown = 10;

struct EvalIdentifyArgs {
  std::string list;
  std::string images;
  std::string people;  // default: people.tsv beside the list
  size_t unknown = 0;
  size_t templates = 1;
  size_t first_probe = 0;
  uint32_t seed = 1;
  std::string detector = "ssd";
  std::string probe_detector;  // default: --detector
  bool checkin_pipeline = false;
  std::string checkin_embed;  // with --checkin-pipeline: fastest, flip or full
  int threads = 2;
  float min_score = 0.5f;
  std::string embeddings_out;       // optional TSV of every embedding, for offline study
  int enrol_jitter = 0;             // extra jittered embedding passes for enrolled photos
  std::vector<size_t> event_sizes;  // random events of these sizes at the server's default
  size_t events = 100;
  std::string model;
  std::string metric;
};

// How one kind of photo (enrolled template or searched probe) is embedded.
struct Stage {
  vision::DetectOptions detect;
  vision::EmbedOptions embed;
  // Refuse photos as check-in's enrolment does (eval::try_enrol).
  std::optional<vision::QualityThresholds> enrol_gate;

  std::string describe() const {
    std::ostringstream out;
    out << vision::detector_kind_name(detect.detector) << " (min score " << std::setprecision(2)
        << detect.min_score << "), " << (embed.refine_landmarks ? "refined" : "single-pass")
        << " landmarks" << (embed.mirror_landmarks ? " + mirror" : "") << ", "
        << (embed.flip_average ? "flip-averaged" : "single") << " embedding"
        << (embed.jitter ? " + " + std::to_string(embed.jitter) + " jittered views" : "")
        << (enrol_gate ? ", enrolment quality rules" : "");
    return out.str();
  }
};

struct Stages {
  Stage enrol, probe;
};

// --checkin-embed: what the kiosk path would gain or lose with another
// EmbedOptions, before changing the product's default.
vision::EmbedOptions checkin_embed_option(const EvalIdentifyArgs& args,
                                          const checkin::CheckinSettings& product) {
  if (args.checkin_embed == "fastest") return vision::EmbedOptions::fastest();
  if (args.checkin_embed == "flip") return {false, false, true};
  if (args.checkin_embed == "full") return vision::EmbedOptions{};
  return product.kiosk_embed(vision::recognizer_model(args.model).id);
}

// The benchmark embeds every photo the same way (the most accurate embedding,
// --detector); --checkin-pipeline copies what the check-in service does
// instead: enrolment photos through the enrol settings and refusals, searched
// photos through the kiosk's (fast detector, one landmark and one embedding
// pass), read from CheckinSettings so the numbers follow the product.
Stages choose_stages(const EvalIdentifyArgs& args) {
  Stages stages;
  if (args.checkin_pipeline) {
    const checkin::CheckinSettings product;
    stages = {{product.enrol_detector, product.enrol_embed, product.enrol_quality},
              {product.checkin_detector, checkin_embed_option(args, product), std::nullopt}};
    if (args.enrol_jitter) stages.enrol.embed.jitter = args.enrol_jitter;
    return stages;
  }
  stages.enrol.detect.detector = vision::parse_detector_kind(args.detector);
  stages.enrol.detect.min_score = args.min_score;
  stages.probe = stages.enrol;
  stages.enrol.embed.jitter = args.enrol_jitter;
  if (!args.probe_detector.empty())
    stages.probe.detect.detector = vision::parse_detector_kind(args.probe_detector);
  return stages;
}

// Enrolment under check-in's rules (eval::enrol_in_order), everybody in
// parallel.
eval::GatedEnrolment enrol_with_gate(const EvalIdentifyArgs& args, const Stage& stage,
                                     const std::vector<eval::LabelledImage>& list) {
  const auto people = eval::group_by_identity(list);
  std::vector<eval::EnrolAttempts> tried(people.size());
  for_each_with_engine(
      people.size(), args.threads, "enrolling",
      [&](auto& engine, size_t i) {
        tried[i] = eval::enrol_in_order(engine, people[i].second, args.images, args.templates,
                                        stage.detect, *stage.enrol_gate, stage.embed);
      },
      args.model);
  return eval::sort_attempts(tried);
}

void run_eval_identify(const EvalIdentifyArgs& args) {
  const std::filesystem::path list_path(args.list);
  const auto people_path = args.people.empty() ? list_path.parent_path() / "people.tsv"
                                               : std::filesystem::path(args.people);
  std::vector<eval::LabelledImage> list, unknowns;
  try {
    list = eval::read_identity_list(list_path);
    unknowns = eval::pick_unknowns(eval::read_people(people_path), list, args.unknown, args.seed);
  } catch (const std::exception& e) {
    throw CommandError(e.what());
  }

  // Opened before the long work, so a path that cannot be written fails now.
  std::ofstream embeddings_file;
  if (!args.embeddings_out.empty()) {
    embeddings_file.open(args.embeddings_out);
    if (!embeddings_file) throw CommandError("cannot write " + args.embeddings_out);
  }

  const auto stages = choose_stages(args);
  eval::GatedEnrolment gated;
  if (stages.enrol.enrol_gate) gated = enrol_with_gate(args, stages.enrol, list);
  const auto& refused = gated.refused;
  const auto& enrolled = gated.enrolled;
  eval::IdentifyProtocol protocol;
  try {
    eval::ProtocolOptions options{args.templates, args.first_probe, {}};
    for (const auto& r : refused) options.not_enrollable.insert(r.first);
    protocol = eval::build_protocol(list, unknowns, options);
  } catch (const std::exception& e) {
    throw CommandError(e.what());
  }

  for (size_t size : args.event_sizes)
    if (size > protocol.gallery.size())
      throw CommandError("--event-sizes: " + std::to_string(size) + " is more than the " +
                         std::to_string(protocol.gallery.size()) + " people enrolled");

  // Every photo is embedded once: templates already enrolled above are reused.
  std::vector<bool> is_template(protocol.images.size(), false);
  for (const auto& person : protocol.gallery)
    for (size_t t : person.templates) is_template[t] = true;
  std::vector<eval::LabelledFace> faces(protocol.images.size());
  std::vector<size_t> todo;
  for (size_t i = 0; i < protocol.images.size(); ++i) {
    if (const auto it = enrolled.find(protocol.images[i]); it != enrolled.end()) {
      faces[i].embedding = it->second;
      faces[i].detected = true;
    } else {
      todo.push_back(i);
    }
  }
  for_each_with_engine(
      todo.size(), args.threads, "embedding",
      [&](auto& engine, size_t k) {
        const size_t i = todo[k];
        if (is_template[i] && stages.enrol.enrol_gate)
          throw std::logic_error("template " + protocol.images[i] + " was not enrolled");
        const cv::Mat image =
            vision::read_image_file(std::filesystem::path(args.images) / protocol.images[i]);
        const Stage& stage = is_template[i] ? stages.enrol : stages.probe;
        faces[i] = eval::embed_labelled_face(engine, image, stage.detect, true, stage.embed);
      },
      args.model);
  const auto& card = vision::recognizer_model(args.model);
  std::vector<vision::Embedding> embeddings;
  for (const auto& f : faces) embeddings.push_back(f.embedding);

  if (embeddings_file.is_open())
    identify_report::write_embeddings(embeddings_file, args.embeddings_out, protocol, embeddings);
  const auto distances =
      eval::search_distances(protocol, embeddings, chosen_metric(args.metric, card.id));
  const auto scored = eval::score_protocol(protocol, distances);
  const auto report =
      eval::evaluate_identification(scored.mated, scored.nonmated, scored.impostor,
                                    protocol.gallery.size(), kPlannedEventSize, kPlannedFpir);

  std::cout << std::fixed << std::setprecision(4);
  std::cout << "gallery " << protocol.gallery.size() << " people x " << args.templates
            << " template(s), mated probes " << scored.mated.size() << ", non-mated probes "
            << scored.nonmated.size() << ", images " << protocol.images.size() << "\n";
  std::cout << "model " << card.id << "\n";
  std::cout << "enrolled photos: " << stages.enrol.describe() << "\n";
  json refusals = json::object();
  for (const auto& [path, problem] : refused) refusals[problem] = refusals.value(problem, 0) + 1;
  if (stages.enrol.enrol_gate)
    std::cout << "enrolment refused " << refused.size() << " photos " << refusals.dump()
              << " (the next photo was enrolled); people left out: " << protocol.not_enrolled
              << "\n";
  std::cout << "searched photos: " << stages.probe.describe() << "\n";
  std::cout << "rank-1 " << report.rank1 << "\n";
  identify_report::print_point("FPIR <= 1%  ", report.at_fpir_1pct);
  identify_report::print_point("FPIR <= 0.1%", report.at_fpir_0_1pct);
  std::cout << "impostor pairs " << report.impostor_pairs << "; at the 1% threshold "
            << "1-(1-p)^N predicts FPIR " << report.predicted_fpir_1pct_here
            << " for N=" << protocol.gallery.size() << " (measured " << report.at_fpir_1pct.fpir
            << ")\n";
  std::cout << "event of " << kPlannedEventSize
            << " people, FPIR <= 1%: per-pair FMR <= " << std::setprecision(7)
            << report.planned_pair_fmr << std::setprecision(4) << ", estimated FPIR "
            << report.planned_fpir_estimate << "\n";
  identify_report::print_point("  N=1000 threshold", report.at_planned_size);
  const json attendees_1pct = identify_report::per_attendee("FPIR <= 1%  ", protocol, scored,
                                                            report.at_fpir_1pct.threshold);
  const json attendees_n1000 = identify_report::per_attendee("N=1000      ", protocol, scored,
                                                             report.at_planned_size.threshold);
  const json grid = identify_report::sweep(scored, kPlannedEventSize);
  const json by_event_size = identify_report::event_sizes(args.event_sizes, args.events, args.seed,
                                                          protocol, distances, card);

  const json closest = identify_report::closest_strangers(protocol, scored, kClosestShown);

  json failures = json::array();
  size_t second_detector = 0;
  for (size_t i = 0; i < faces.size(); ++i) {
    if (!faces[i].detected) failures.push_back(protocol.images[i]);
    second_detector += faces[i].second_detector;
  }
  std::cout << "found only by the other detector: " << second_detector << " images\n";
  std::cout << "no face detected in " << failures.size() << " of " << faces.size() << " images";
  if (!failures.empty()) std::cout << " (" << eval::kFallbackDescription << ")";
  std::cout << "\n";
  for (const auto& f : failures) std::cout << "  " << f.get<std::string>() << "\n";

  std::cout << json{{"fnir_at_fpir_1pct", report.at_fpir_1pct.fnir},
                    {"fnir_at_fpir_0_1pct", report.at_fpir_0_1pct.fnir},
                    {"rank1", report.rank1},
                    {"threshold_fpir_1pct", report.at_fpir_1pct.threshold},
                    {"threshold_fpir_0_1pct", report.at_fpir_0_1pct.threshold},
                    {"fpir_1pct_predicted_here", report.predicted_fpir_1pct_here},
                    {"threshold_fpir_1pct_n1000", report.at_planned_size.threshold},
                    {"fnir_at_threshold_n1000", report.at_planned_size.fnir},
                    {"fpir_at_threshold_n1000_here", report.at_planned_size.fpir},
                    {"fpir_estimate_n1000", report.planned_fpir_estimate},
                    {"pair_fmr_n1000", report.planned_pair_fmr},
                    {"impostor_pairs", report.impostor_pairs},
                    {"gallery_size", protocol.gallery.size()},
                    {"mated_probes", scored.mated.size()},
                    {"nonmated_probes", scored.nonmated.size()},
                    {"templates_per_person", args.templates},
                    {"first_probe", args.first_probe ? args.first_probe : args.templates + 1},
                    {"unknown_seed", args.seed},
                    {"operating_points",
                     {{"fpir_1pct", identify_report::point_json(report.at_fpir_1pct)},
                      {"fpir_0_1pct", identify_report::point_json(report.at_fpir_0_1pct)},
                      {"n1000", identify_report::point_json(report.at_planned_size)}}},
                    {"attendees_at_fpir_1pct", attendees_1pct},
                    {"attendees_at_threshold_n1000", attendees_n1000},
                    {"sweep", grid},
                    {"event_sizes", by_event_size},
                    {"closest_strangers", closest},
                    {"enrol_refusals", refusals},
                    {"enrol_refused_images", refused},
                    {"people_not_enrolled", protocol.not_enrolled},
                    {"detect_failures", failures.size()},
                    {"other_detector_images", second_detector},
                    {"detect_failure_images", failures},
                    {"checkin_pipeline", args.checkin_pipeline},
                    {"model", card.id},
                    {"enrol_pipeline", stages.enrol.describe()},
                    {"probe_pipeline", stages.probe.describe()}}
                   .dump()
            << "\n";
}

}  // namespace

void add_eval_identify_command(CLI::App& app) {
  auto args = std::make_shared<EvalIdentifyArgs>();
  auto* cmd = app.add_subcommand("eval-identify", "Open-set 1:N identification (FNIR at FPIR)");
  cmd->add_option("--list", args->list, "TSV: identity image (first photos are enrolled)")
      ->required();
  cmd->add_option("--images", args->images, "Folder the image paths are relative to")->required();
  cmd->add_option("--unknown", args->unknown, "Photos of never-enrolled people to search with")
      ->required()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--people", args->people, "people.tsv (default: beside --list)");
  cmd->add_option("--templates", args->templates, "Photos enrolled per person")
      ->check(CLI::Range(1, 100));
  cmd->add_option("--first-probe", args->first_probe,
                  "1-based photo a person's probes start at (default: templates+1)")
      ->check(CLI::Range(0, 1000));
  cmd->add_option("--seed", args->seed, "Seed choosing the never-enrolled people");
  cmd->add_option("--detector", args->detector, "ssd, tiny or rfb")
      ->check(CLI::IsMember({"ssd", "tiny"}));
  cmd->add_option("--probe-detector", args->probe_detector,
                  "Detector for searched photos (default: --detector)")
      ->check(CLI::IsMember({"ssd", "tiny"}));
  cmd->add_option("--min-score", args->min_score, "Minimum detection score");
  cmd->add_flag("--checkin-pipeline", args->checkin_pipeline,
                "Embed as check-in does: enrol settings for templates, kiosk settings for "
                "searches (overrides --detector, --probe-detector, --min-score)");
  cmd->add_option("--checkin-embed", args->checkin_embed,
                  "With --checkin-pipeline: embed searches with fastest (1 landmark + 1 "
                  "embedding pass), flip (flip-averaged embedding) or full (also refined, "
                  "mirror-averaged landmarks) instead of the product's setting")
      ->check(CLI::IsMember({"fastest", "flip", "full"}));
  add_model_option(*cmd, args->model);
  add_metric_option(*cmd, args->metric);
  cmd->add_option("--threads", args->threads, "Worker threads, one engine each")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--embeddings-out", args->embeddings_out,
                  "Write every photo's role, identity and embedding to this TSV");
  cmd->add_option("--enrol-jitter", args->enrol_jitter,
                  "Embed enrolled photos with this many extra jittered views of the chip "
                  "(vision::EmbedOptions::jitter, at most 8)")
      ->check(CLI::Range(0, vision::EmbedOptions::kMaxJitter));
  cmd->add_option("--event-sizes", args->event_sizes,
                  "Also draw random events of these sizes (people) from the gallery and report "
                  "them at the server's default threshold for their size")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);
  cmd->add_option("--events", args->events, "Random events drawn per --event-sizes size")
      ->check(CLI::Range(1, 100000));
  cmd->callback([args] { run_eval_identify(*args); });
}

}  // namespace facecheck::cli
