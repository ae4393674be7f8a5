// `facecheck backup` and `facecheck restore`: a consistent copy of a
// server's SQLite database while it serves, and putting one back with the
// server stopped (storage/backup.h). PostgreSQL deployments use pg_dump.

#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/server_lock.h"
#include "storage/backup.h"
#include "storage/database.h"

namespace facecheck::cli {
namespace {

namespace fs = std::filesystem;

struct BackupArgs {
  std::string data_dir = "facecheck-data";
  std::string database;  // only to refuse a PostgreSQL URI clearly
  std::string file;
  bool replace = false;
};

void add_data_options(CLI::App& cmd, BackupArgs& args) {
  cmd.add_option("--data", args.data_dir, "Data folder of the server (default ./facecheck-data)")
      ->envname("FACECHECK_DATA_DIR");
  cmd.add_option("--database", args.database, "(PostgreSQL servers: use pg_dump instead)")
      ->envname("FACECHECK_DATABASE");
}

void refuse_postgres(const BackupArgs& args) {
  if (!args.database.empty())
    throw CommandError(
        "the servers use PostgreSQL: back it up with pg_dump and restore with pg_restore "
        "(docs/deployment.md, \"Backups\")");
}

std::string describe(const storage::BackupSummary& s) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << static_cast<double>(s.bytes) / (1024.0 * 1024.0)
      << " MiB: " << s.events << " events, " << s.people << " people, " << s.face_templates
      << " face templates, " << s.check_ins << " check-ins (schema version " << s.schema_version
      << ")";
  return out.str();
}

void run_backup(const BackupArgs& args) {
  refuse_postgres(args);
  const fs::path database = fs::path(args.data_dir) / "facecheck.db";
  try {
    const auto summary = storage::backup_database(database, args.file);
    std::cout << "backup: " << args.file << ", " << describe(summary) << std::endl;
    std::cerr << "backup: it holds face templates; keep it encrypted and delete it on the "
                 "schedule your privacy notice promises (docs/privacy.md)\n";
  } catch (const storage::StorageError& e) {
    throw CommandError(std::string("backup failed, nothing written: ") + e.what());
  }
}

void run_restore(const BackupArgs& args) {
  refuse_postgres(args);
  const fs::path dir(args.data_dir);
  std::error_code ec;
  if (!fs::exists(dir)) {
    fs::create_directories(dir, ec);
    if (ec) throw CommandError("cannot create " + dir.string() + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, ec);
  }
  const fs::path database = dir / "facecheck.db";
  if (fs::exists(database) && !args.replace)
    throw CommandError(database.string() +
                       " exists: pass --replace to overwrite it (back it up first)");
  const ServerLock lock(dir, "restore");
  try {
    const auto summary = storage::restore_database(args.file, database);
    // Index snapshots describe the old database; the server rebuilds them.
    fs::remove_all(dir / "index", ec);
    std::cout << "restore: " << database.string() << " now holds " << describe(summary)
              << std::endl;
    std::cerr << "restore: people deleted since this backup was made are in it again: delete "
                 "them again before serving (docs/privacy.md)\n";
  } catch (const storage::StorageError& e) {
    throw CommandError(std::string("restore failed, the database is unchanged: ") + e.what());
  }
}

}  // namespace

void add_backup_commands(CLI::App& app) {
  auto args = std::make_shared<BackupArgs>();
  auto* backup = app.add_subcommand(
      "backup", "Copy the server's database to a new file, consistently, while it serves");
  add_data_options(*backup, *args);
  backup->add_option("--out", args->file, "The backup file to create (must not exist)")->required();
  backup->callback([args] { run_backup(*args); });

  auto* restore = app.add_subcommand(
      "restore", "Replace the server's database by a backup (the server must be stopped)");
  add_data_options(*restore, *args);
  restore->add_option("--from", args->file, "A file written by facecheck backup")->required();
  restore->add_flag("--replace", args->replace, "Overwrite the existing database");
  restore->callback([args] { run_restore(*args); });
}

}  // namespace facecheck::cli
