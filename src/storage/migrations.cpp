#include "storage/migrations.h"

#include <string>

namespace facecheck::storage {

extern const char* const kPostgresBaselineSql;  // postgres_schema.cpp

namespace {

// Conventions of the schema:
// - Times are INTEGER unix seconds, UTC. They compare and bucket with plain
//   arithmetic; formatting as ISO-8601 is the HTTP layer's job.
// - Tables are STRICT so a wrongly typed value fails instead of being stored
//   as whatever it happened to be.
// - Every foreign key cascades on delete. Deleting a person must remove all
//   of their biometric data (templates, photos) and everything that points at
//   them, in one statement that cannot forget a table.
// - Child columns of foreign keys are indexed: without an index each cascade
//   would scan the whole child table.
// - A check-in references the attendance row (event_id, person_id), not the
//   event and the person separately: a check-in can only exist for an
//   attendee, and removing someone from an event removes their check-in.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  venue TEXT NOT NULL DEFAULT '',
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
  checkin_opens_before_min INTEGER NOT NULL CHECK (checkin_opens_before_min >= 0),
  checkin_closes_after_min INTEGER NOT NULL CHECK (checkin_closes_after_min >= 0),
  match_threshold REAL CHECK (match_threshold IS NULL OR match_threshold > 0),
  created_at INTEGER NOT NULL,
  CHECK (ends_at >= starts_at)
) STRICT;

CREATE TABLE people (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  organisation TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  external_id TEXT UNIQUE CHECK (external_id IS NULL OR length(external_id) > 0),
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX people_name ON people (name);

CREATE TABLE event_attendees (
  event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  added_at INTEGER NOT NULL,
  PRIMARY KEY (event_id, person_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX event_attendees_person ON event_attendees (person_id);

CREATE TABLE face_templates (
  id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  embedding BLOB NOT NULL CHECK (length(embedding) = 512),  -- 128 float32, little-endian
  quality TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(quality)),
  label TEXT NOT NULL DEFAULT '',
  photo BLOB,  -- only when the operator enabled photo storage
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX face_templates_person ON face_templates (person_id);

CREATE TABLE kiosks (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  token_hash BLOB NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;
CREATE INDEX kiosks_event ON kiosks (event_id);

CREATE TABLE check_ins (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL,
  person_id INTEGER NOT NULL,
  checked_in_at INTEGER NOT NULL,
  distance REAL NOT NULL CHECK (distance >= 0),
  kiosk_id INTEGER REFERENCES kiosks (id) ON DELETE SET NULL,
  quality TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(quality)),
  UNIQUE (event_id, person_id),
  FOREIGN KEY (event_id, person_id)
    REFERENCES event_attendees (event_id, person_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX check_ins_kiosk ON check_ins (kiosk_id);

CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(trim(name)) > 0),
  key_hash BLOB NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;
)sql";

// Face templates belong to a recognition model. SQLite cannot alter a CHECK,
// so the table is rebuilt; every template made before this version came
// from dlib's 128-d net. Nothing references face_templates, so the swap
// cannot break a foreign key.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE face_templates_v2 (
  id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  model TEXT NOT NULL CHECK (length(model) > 0),
  dim INTEGER NOT NULL CHECK (dim > 0 AND dim <= 4096),
  embedding BLOB NOT NULL CHECK (length(embedding) = 4 * dim),  -- float32, little-endian
  quality TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(quality)),
  label TEXT NOT NULL DEFAULT '',
  photo BLOB,  -- only when the operator enabled photo storage
  created_at INTEGER NOT NULL
) STRICT;
INSERT INTO face_templates_v2 (id, person_id, model, dim, embedding, quality, label, photo,
                               created_at)
  SELECT id, person_id, 'dlib-resnet34-128', 128, embedding, quality, label, photo, created_at
  FROM face_templates;
DROP TABLE face_templates;
ALTER TABLE face_templates_v2 RENAME TO face_templates;
CREATE INDEX face_templates_person ON face_templates (person_id);
CREATE INDEX face_templates_model ON face_templates (model);
)sql";

// Liveness: each event says how a check-in proves a live person is at the
// kiosk, and each check-in records how it was proved (docs/liveness.md).
// Events made before this version keep working as they did ('off').
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE events ADD COLUMN liveness TEXT NOT NULL DEFAULT 'off'
  CHECK (liveness IN ('off', 'passive', 'active'));
ALTER TABLE check_ins ADD COLUMN liveness TEXT NOT NULL DEFAULT '{}'
  CHECK (json_valid(liveness));
)sql";

// The guest's side (docs/privacy.md): each event's consent text and its
// version, whether kiosks may register walk-ups, invitation codes, the
// guests' consent answers (every answer kept: what was agreed to, and
// when), how each check-in was made, and an audit log of what guests and
// staff did. Walk-up self-registration becomes opt-in per event.
//
// Invitation codes are kept in clear, unlike kiosk tokens: the organiser
// prints and re-exports them, and a code reaches only its guest's own
// record (consent, their own face, QR check-in at that event).
constexpr const char* kSchemaV4 = R"sql(
ALTER TABLE events ADD COLUMN consent_text TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN consent_version INTEGER NOT NULL DEFAULT 1
  CHECK (consent_version >= 1);
ALTER TABLE events ADD COLUMN self_register INTEGER NOT NULL DEFAULT 0
  CHECK (self_register IN (0, 1));
ALTER TABLE check_ins ADD COLUMN method TEXT NOT NULL DEFAULT 'face'
  CHECK (method IN ('face', 'qr', 'manual'));

CREATE TABLE invitations (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL,
  person_id INTEGER NOT NULL,
  code TEXT NOT NULL UNIQUE CHECK (length(code) = 26),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  FOREIGN KEY (event_id, person_id)
    REFERENCES event_attendees (event_id, person_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX invitations_attendee ON invitations (event_id, person_id);

CREATE TABLE consents (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL,
  person_id INTEGER NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
  text TEXT NOT NULL,  -- the event's text as shown; '' = the clients' default text
  answered_at INTEGER NOT NULL,
  FOREIGN KEY (event_id, person_id)
    REFERENCES event_attendees (event_id, person_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX consents_attendee ON consents (event_id, person_id);

-- No foreign keys: the record of a deletion must outlive what it deleted.
-- Rows name people by id only, never by name or face.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  event_id INTEGER,
  person_id INTEGER,
  action TEXT NOT NULL CHECK (length(action) > 0),
  actor TEXT NOT NULL,
  details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
) STRICT;
CREATE INDEX audit_log_event ON audit_log (event_id, at);
)sql";

// Staff desks: event-scoped credentials in the kiosks table, told apart by
// role, so that revocation, the event's lifetime and the rate limit work
// for both exactly alike.
constexpr const char* kSchemaV5 = R"sql(
ALTER TABLE kiosks ADD COLUMN role TEXT NOT NULL DEFAULT 'kiosk' CHECK (role IN ('kiosk', 'desk'));
)sql";

// Retention: an event's faces are kept this many days after its check-in
// window closes; then the templates of attendees with no later event are
// purged (checkin/retention.h).
constexpr const char* kSchemaV6 = R"sql(
ALTER TABLE events ADD COLUMN retain_faces_days INTEGER NOT NULL DEFAULT 30
  CHECK (retain_faces_days >= 0 AND retain_faces_days <= 3650);
)sql";

constexpr Migration kMigrations[] = {
    {1, "events, people, attendance, face templates, check-ins, kiosks, admin keys", kSchemaV1},
    {2, "face templates record their recognition model and dimension", kSchemaV2},
    {3, "events choose a liveness policy; check-ins record their liveness evidence", kSchemaV3},
    {4, "invitations, consent, check-in methods and the audit log", kSchemaV4},
    {5, "staff desk credentials", kSchemaV5},
    {6, "events say how long faces are kept after them", kSchemaV6},
};

// PostgreSQL keeps the version in a table (it has no user_version); several
// servers may start at once, so migrating takes an advisory lock first.
constexpr int kPostgresBaselineVersion = 6;

// PostgreSQL's session-level advisory lock on migrating, held for a scope.
// It is taken before the transaction begins: a serializable transaction's
// snapshot dates from its first statement, so taking the lock inside it
// would leave the second server to start blind to what the first committed.
class MigrationLock {
 public:
  explicit MigrationLock(Database& db) : db_(db) { db_.exec("SELECT pg_advisory_lock(7262364)"); }
  ~MigrationLock() {
    try {
      db_.exec("SELECT pg_advisory_unlock(7262364)");
    } catch (...) {
      // A lost connection has released it already.
    }
  }
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

 private:
  Database& db_;
};

int postgres_version(Database& db) {
  if (db.query_int64("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
                     " AND tablename = 'facecheck_schema'") == 0)
    return 0;
  return static_cast<int>(db.query_int64("SELECT version FROM facecheck_schema"));
}

void migrate_postgres(Database& db) {
  MigrationLock lock(db);
  Transaction tx(db);
  int current = postgres_version(db);
  if (current > latest_schema_version())
    throw StorageError("database schema version " + std::to_string(current) +
                       " is newer than this build supports (" +
                       std::to_string(latest_schema_version()) + "); upgrade facecheck");
  if (current == 0) {
    db.exec(kPostgresBaselineSql);
    db.exec("CREATE TABLE facecheck_schema (version BIGINT NOT NULL)");
    db.exec("INSERT INTO facecheck_schema VALUES (" + std::to_string(kPostgresBaselineVersion) +
            ")");
    current = kPostgresBaselineVersion;
  }
  for (const Migration& m : migrations()) {
    if (m.version <= current) continue;
    if (!m.postgres_sql)
      throw StorageError("schema version " + std::to_string(m.version) +
                         " has no PostgreSQL migration");
    db.exec(m.postgres_sql);
    db.exec("UPDATE facecheck_schema SET version = " + std::to_string(m.version));
  }
  tx.commit();
}

void apply(Database& db, const Migration& m) {
  Transaction tx(db);
  // Re-read inside the write lock: another process may have migrated since.
  if (schema_version(db) >= m.version) return;
  db.exec(m.sql);
  db.exec("PRAGMA user_version = " + std::to_string(m.version));
  tx.commit();
}

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

int latest_schema_version() { return kMigrations[std::size(kMigrations) - 1].version; }

int schema_version(Database& db) {
  if (db.dialect() == Dialect::kPostgres) return postgres_version(db);
  return static_cast<int>(db.query_int64("PRAGMA user_version"));
}

void migrate(Database& db) {
  if (db.dialect() == Dialect::kPostgres) return migrate_postgres(db);
  const int current = schema_version(db);
  if (current > latest_schema_version())
    throw StorageError("database schema version " + std::to_string(current) +
                       " is newer than this build supports (" +
                       std::to_string(latest_schema_version()) + "); upgrade facecheck");
  for (const Migration& m : migrations())
    if (m.version > current) apply(db, m);
}

}  // namespace facecheck::storage
