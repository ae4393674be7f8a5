// Backups of a SQLite database while the server writes to it, their check,
// and their restore. PostgreSQL has its own tools (pg_dump; deployment.md).
//
// A backup is SQLite's online backup API run from one read transaction: in
// WAL mode a reader never blocks the server's writer, and sees one
// committed state, so the copy is consistent: every check-in committed
// before the backup began is in it, none is half in it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace facecheck::storage {

// What a backup holds, read from the copy itself.
struct BackupSummary {
  int schema_version = 0;
  std::int64_t events = 0;
  std::int64_t people = 0;
  std::int64_t face_templates = 0;
  std::int64_t check_ins = 0;
  std::int64_t bytes = 0;  // of the backup file
};

// Copies the database at `database` into the new file `out` (mode 0600:
// it holds biometric data), syncs it and checks it (verify_backup). `out`
// must not exist; on any failure it is removed, so a half-written backup
// is never left behind. Throws StorageError.
BackupSummary backup_database(const std::filesystem::path& database,
                              const std::filesystem::path& out);

// Checks that `file` is a whole facecheck database this build can open
// (PRAGMA integrity_check, a schema version it knows) and counts its rows.
// Throws StorageError saying what is wrong.
BackupSummary verify_backup(const std::filesystem::path& file);

// Replaces the database at `database` by the backup `file`, which is
// verified first; the caller makes sure no server uses `database`. The copy
// is written beside the database and renamed over it, so a crash leaves
// either the old database or the new one. The old database's -wal and
// -shm files go too (they belong to the old file). Throws StorageError.
BackupSummary restore_database(const std::filesystem::path& file,
                               const std::filesystem::path& database);

}  // namespace facecheck::storage
