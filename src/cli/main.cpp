// facecheck: face-recognition check-in. See README.md and `facecheck --help`.
#include <iostream>

#include "cli/commands.h"
#include "vision/image_decoder.h"
#include "vision/model_error.h"

int main(int argc, char** argv) {
  CLI::App app{"facecheck: self-hosted face-recognition check-in"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "facecheck 0.1.0");
  facecheck::cli::add_inspect_commands(app);
  facecheck::cli::add_eval_pairs_command(app);
  facecheck::cli::add_eval_identify_command(app);
  facecheck::cli::add_eval_detect_command(app);
  facecheck::cli::add_bench_command(app);
  facecheck::cli::add_bench_search_command(app);
  facecheck::cli::add_liveness_commands(app);
  facecheck::cli::add_track_command(app);
  facecheck::cli::add_serve_command(app);
  facecheck::cli::add_admin_command(app);
  facecheck::cli::add_backup_commands(app);
  facecheck::cli::add_enrol_folder_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const facecheck::cli::CommandError& e) {
    std::cerr << "facecheck: " << e.what() << "\n";
    return e.exit_code;
  } catch (const facecheck::vision::ImageError& e) {
    std::cerr << "facecheck: " << e.what() << "\n";
    return 2;
  } catch (const facecheck::vision::ModelError& e) {
    std::cerr << "facecheck: " << e.what() << "\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "facecheck: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
