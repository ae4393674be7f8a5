// The database schema, as an ordered list of versions.
//
// The version a file is at lives in PRAGMA user_version (a field of the file
// header, so it is written in the same transaction as the schema change).
// migrate() applies every version above it, each in its own transaction: a
// crash mid-upgrade leaves the file at the last complete version, never
// between two. Released versions are never edited; a change is a new entry.
#pragma once

#include <span>

#include "storage/database.h"

namespace facecheck::storage {

struct Migration {
  int version;
  const char* description;
  const char* sql;
  // The same change on PostgreSQL; versions up to 6 are its baseline
  // (postgres_schema.cpp), so they need none.
  const char* postgres_sql = nullptr;
};

// All versions, in ascending order, starting at 1.
std::span<const Migration> migrations();

int latest_schema_version();

int schema_version(Database& db);

// Brings `db` to latest_schema_version(). Throws StorageError when the file
// was written by a newer build (its version is above ours): guessing at a
// schema we do not know could corrupt it.
void migrate(Database& db);

}  // namespace facecheck::storage
