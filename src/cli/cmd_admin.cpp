// `facecheck admin create-key | create-kiosk`: credentials from the command
// line, for scripts, tests and a locked-out administrator. The secret alone
// goes to stdout, so `KEY=$(facecheck admin create-key ...)` works.
#include <iostream>

#include "cli/commands.h"
#include "cli/serve_setup.h"

namespace facecheck::cli {
namespace {

struct AdminArgs {
  std::string data_dir = "facecheck-data";
  std::string database;  // postgresql:// URI; empty: the data folder's file
  std::string name;
  int64_t event_id = 0;
};

void add_data_option(CLI::App& cmd, AdminArgs& args) {
  cmd.add_option("--data", args.data_dir, "Data folder of the server (default ./facecheck-data)")
      ->envname("FACECHECK_DATA_DIR");
  cmd.add_option("--database", args.database,
                 "PostgreSQL URI of the servers (default: DIR/facecheck.db)")
      ->envname("FACECHECK_DATABASE");
}

void create_key(const AdminArgs& args) {
  auto store = open_data_dir(args.data_dir, args.database);
  const auto issued = store.create_api_key(args.name.empty() ? "command line" : args.name);
  std::cerr << "admin key " << issued.key.id << " (\"" << issued.key.name << "\")\n";
  std::cout << issued.secret << std::endl;
}

void create_kiosk(const AdminArgs& args) {
  auto store = open_data_dir(args.data_dir, args.database);
  const auto issued = store.create_kiosk(args.event_id, args.name);
  std::cerr << "kiosk " << issued.kiosk.id << " (\"" << issued.kiosk.name << "\") for event "
            << issued.kiosk.event_id << "\n";
  std::cout << issued.token << std::endl;
}

}  // namespace

void add_admin_command(CLI::App& app) {
  auto args = std::make_shared<AdminArgs>();
  auto* admin = app.add_subcommand("admin", "Credentials and maintenance without the HTTP API");
  admin->require_subcommand(1);

  auto* key = admin->add_subcommand("create-key", "Print a new admin API key");
  add_data_option(*key, *args);
  key->add_option("--name", args->name, "Who or what the key is for");
  key->callback([args] { create_key(*args); });

  auto* kiosk = admin->add_subcommand("create-kiosk", "Print a new kiosk token for an event");
  add_data_option(*kiosk, *args);
  kiosk->add_option("--event", args->event_id, "Event id")->required();
  kiosk->add_option("--name", args->name, "Kiosk name, e.g. \"Hall A door\"")->required();
  kiosk->callback([args] { create_kiosk(*args); });

  add_reembed_command(*admin);
}

}  // namespace facecheck::cli
