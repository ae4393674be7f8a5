// Each file in src/cli/ adds one family of subcommands to the `facecheck`
// command line; main.cpp only wires them together.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

#include "vision/face_types.h"

namespace facecheck::cli {

void add_inspect_commands(CLI::App& app);  // detect, embed, landmarks, compare
void add_eval_pairs_command(CLI::App& app);
void add_eval_identify_command(CLI::App& app);
void add_eval_detect_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_bench_search_command(CLI::App& app);  // approximate gallery search
void add_liveness_commands(CLI::App& app);     // liveness, eval-liveness
void add_track_command(CLI::App& app);
void add_serve_command(CLI::App& app);         // serve
void add_enrol_folder_command(CLI::App& app);  // bulk enrolment through the API
void add_admin_command(CLI::App& app);         // admin create-key, create-kiosk, reembed
void add_backup_commands(CLI::App& app);       // backup, restore
void add_reembed_command(CLI::App& admin);

// Adds `--model ID` (a recognition model id, vision/recognizer_model.h;
// default: the default model) writing into `model`.
CLI::Option* add_model_option(CLI::App& cmd, std::string& model);
// Adds `--metric euclidean|cosine` (benchmarks only: how to compare the
// model's embeddings; empty = the model's own metric).
CLI::Option* add_metric_option(CLI::App& cmd, std::string& metric);
// The metric `--metric` chose, or the model's own.
vision::ScoreMetric chosen_metric(const std::string& metric, std::string_view model);

// Thrown by a command for a user error (bad file, no face): main prints the
// message and exits with `exit_code`, without a stack of noise.
struct CommandError : std::runtime_error {
  CommandError(const std::string& message, int exit_code = 2)
      : std::runtime_error(message), exit_code(exit_code) {}
  int exit_code;
};

}  // namespace facecheck::cli
