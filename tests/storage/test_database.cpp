// The SQLite wrapper and the schema migrations.
#include <sys/stat.h>

#include <memory>

#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/store_internal.h"
#include "store_test_support.h"

using namespace facecheck::storage;
using facecheck::storage::testing::TempDir;

namespace {

Database table_db() {
  Database db(":memory:");
  db.exec(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE CHECK (name != 'bad'),"
      " data BLOB, parent INTEGER REFERENCES t (id)) STRICT;"
      "PRAGMA foreign_keys = ON;");
  return db;
}

}  // namespace

TEST(SqliteDb, BindsAndReadsEveryType) {
  Database db = table_db();
  const Bytes blob = {0, 1, 2, 255};
  db.prepare("INSERT INTO t (name, data) VALUES (?, ?)").bind_all("张伟", blob).run();
  db.prepare("INSERT INTO t (name, data) VALUES (?, ?)").bind_all("empty", Bytes{}).run();
  db.prepare("INSERT INTO t (name) VALUES (?)").bind_all(std::string("null")).run();
  Statement s = db.prepare("SELECT id, name, data, ? , ? FROM t ORDER BY id");
  s.bind_all(2.5, std::optional<std::int64_t>());
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.int64(0), 1);
  EXPECT_EQ(s.text(1), "张伟");
  EXPECT_EQ(s.blob(2), blob);
  EXPECT_DOUBLE_EQ(s.real(3), 2.5);
  EXPECT_FALSE(s.optional_int64(4).has_value());
  ASSERT_TRUE(s.step());
  EXPECT_FALSE(s.is_null(2)) << "an empty blob is a blob, not NULL";
  ASSERT_TRUE(s.step());
  EXPECT_TRUE(s.is_null(2));
  EXPECT_FALSE(s.optional_text(2).has_value());
  EXPECT_FALSE(s.step());

  Statement empty = db.prepare("SELECT ?");
  empty.bind(1, std::string_view{}).expect_row("no row");
  EXPECT_FALSE(empty.is_null(0)) << "an empty string_view is '', not NULL";
}

TEST(SqliteDb, MapsConstraintFailuresToTheirExceptions) {
  Database db = table_db();
  db.exec("INSERT INTO t (name) VALUES ('a')");
  EXPECT_THROW(db.exec("INSERT INTO t (name) VALUES ('a')"), Conflict);
  EXPECT_THROW(db.exec("INSERT INTO t (id, name) VALUES (1, 'b')"), Conflict);
  EXPECT_THROW(db.exec("INSERT INTO t (name) VALUES ('bad')"), Invalid);
  EXPECT_THROW(db.exec("INSERT INTO t (name) VALUES (NULL)"), Invalid);
  EXPECT_THROW(db.exec("INSERT INTO t (name, parent) VALUES ('c', 99)"), NotFound);
  try {
    db.exec("SELECT * FROM no_such_table");
    FAIL() << "no error";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("no_such_table"), std::string::npos);
    EXPECT_NE(e.sqlite_code(), 0);
  }
}

TEST(SqliteDb, RejectsTrailingStatementsInPrepare) {
  Database db = table_db();
  EXPECT_THROW(db.prepare("SELECT 1; DELETE FROM t"), StorageError);
  EXPECT_NO_THROW(db.prepare("SELECT 1;  \n"));
}

TEST(SqliteDb, TransactionRollsBackUnlessCommitted) {
  Database db = table_db();
  try {
    Transaction tx(db);
    db.exec("INSERT INTO t (name) VALUES ('lost')");
    throw std::runtime_error("boom");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(db.in_transaction());
  EXPECT_EQ(db.query_int64("SELECT count(*) FROM t"), 0);
  {
    Transaction tx(db);
    db.exec("INSERT INTO t (name) VALUES ('kept')");
    tx.commit();
  }
  EXPECT_EQ(db.query_int64("SELECT count(*) FROM t"), 1);
}

TEST(SqliteDb, OpeningAMissingFileWithoutCreateFails) {
  TempDir dir;
  EXPECT_THROW(Database((dir / "absent.db").string(), Database::Mode::kReadWrite), StorageError);
}

TEST(Migrations, VersionsAreContiguousFromOne) {
  int expected = 1;
  for (const Migration& m : migrations()) EXPECT_EQ(m.version, expected++);
  EXPECT_EQ(latest_schema_version(), expected - 1);
}

TEST(Migrations, MigrateIsIdempotent) {
  Database db(":memory:");
  EXPECT_EQ(schema_version(db), 0);
  migrate(db);
  EXPECT_EQ(schema_version(db), latest_schema_version());
  const auto tables = db.query_int64("SELECT count(*) FROM sqlite_schema");
  migrate(db);
  EXPECT_EQ(schema_version(db), latest_schema_version());
  EXPECT_EQ(db.query_int64("SELECT count(*) FROM sqlite_schema"), tables);
}

TEST(Migrations, ReopeningAStoreKeepsSchemaAndData) {
  TempDir dir;
  const auto path = dir / "db" / "nested" / "facecheck.db";  // directories are created
  {
    Store store = Store::open(path);
    store.create_person(facecheck::storage::testing::person_named("李娜", "E1"));
  }
  Store store = Store::open(path);
  Database raw(path.string());
  EXPECT_EQ(schema_version(raw), latest_schema_version());
  EXPECT_EQ(store.list_people().total, 1);
}

TEST(Migrations, RefusesADatabaseFromANewerBuild) {
  TempDir dir;
  const auto path = dir / "facecheck.db";
  Store::open(path);
  Database(path.string()).exec("PRAGMA user_version = 999");
  try {
    Store::open(path);
    FAIL() << "newer schema accepted";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("999"), std::string::npos);
  }
}

TEST(StoreFile, UsesWalAndIsPrivateToItsOwner) {
  TempDir dir;
  const auto path = dir / "facecheck.db";
  Store store = Store::open(path);
  Database raw(path.string(), Database::Mode::kReadWrite);
  EXPECT_EQ(raw.query_text("PRAGMA journal_mode"), "wal");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(StoreFile, InMemoryStoreWorks) {
  Store store = Store::open(":memory:");
  const Event e = store.create_event(facecheck::storage::testing::event_named("内存"));
  EXPECT_EQ(store.get_event(e.id).name, "内存");
}

// A database made by schema version 1 (before templates named their model)
// upgrades in place: its templates become dlib's, embeddings unchanged, and
// new templates of either model can be added beside them.
TEST(Migrations, Version1TemplatesBecomeDlibTemplates) {
  TempDir dir;
  const auto path = dir / "facecheck.db";
  Bytes v1_embedding;
  {
    Database db(path.string());
    Transaction tx(db);
    db.exec(migrations()[0].sql);
    db.exec("PRAGMA user_version = 1");
    db.exec("INSERT INTO people (id, name, created_at) VALUES (1, '王芳', 1)");
    facecheck::vision::Embedding values(128);
    for (int i = 0; i < 128; ++i) values[i] = 0.01f * i;
    v1_embedding = internal::encode_embedding(values);  // v1 stored the same bytes
    db.prepare(
          "INSERT INTO face_templates (person_id, embedding, label, created_at) VALUES (1, ?, "
          "'front', 2)")
        .bind_all(v1_embedding)
        .run();
    tx.commit();
  }
  Store store = Store::open(path);
  Database reopened(path.string());
  EXPECT_EQ(schema_version(reopened), latest_schema_version());
  const auto templates = store.list_templates(1);
  ASSERT_EQ(templates.size(), 1u);
  EXPECT_EQ(templates[0].model, "dlib-resnet34-128");
  ASSERT_EQ(templates[0].embedding.size(), 128u);
  EXPECT_FLOAT_EQ(templates[0].embedding[100], 1.0f);
  EXPECT_EQ(templates[0].label, "front");

  FaceTemplate arcface;
  arcface.person_id = 1;
  arcface.model = "arcface-fp-512";
  arcface.embedding.assign(512, 0.044f);
  EXPECT_EQ(store.add_template(arcface).embedding.size(), 512u);
  EXPECT_EQ(store.list_templates(1).size(), 2u);
}

// The blob must fit the model it claims: a 512-d vector filed as dlib's (or
// any vector filed under an unknown model) is refused and nothing is written.
TEST(Migrations, TemplatesMustFitTheirModel) {
  TempDir dir;
  Store store = Store::open(dir / "facecheck.db");
  const Id person = store.create_person(facecheck::storage::testing::person_named("张伟", "E9")).id;
  FaceTemplate t;
  t.person_id = person;
  t.model = "dlib-resnet34-128";
  t.embedding.assign(512, 0.1f);
  EXPECT_THROW(store.add_template(t), Invalid);
  t.model = "no-such-model";
  EXPECT_THROW(store.add_template(t), Invalid);
  EXPECT_TRUE(store.list_templates(person).empty());
  // The schema itself refuses a blob whose length disagrees with dim.
  Database raw((dir / "facecheck.db").string());
  EXPECT_THROW(raw.prepare("INSERT INTO face_templates (person_id, model, dim, embedding, "
                           "created_at) VALUES (?, 'arcface-fp-512', 512, ?, 1)")
                   .bind_all(person, Bytes(100, 0))
                   .run(),
               StorageError);
}

TEST(Retrying, RunsAgainOnRetryableUpToFiveTimesThenGivesUp) {
  int attempts = 0;
  const int result = internal::retrying([&] {
    if (++attempts < 3) throw Retryable("serialization failure");
    return 42;
  });
  EXPECT_EQ(result, 42);
  EXPECT_EQ(attempts, 3);

  attempts = 0;
  EXPECT_THROW(internal::retrying([&]() -> int {
                 ++attempts;
                 throw Retryable("still conflicting");
               }),
               Retryable);
  EXPECT_EQ(attempts, internal::kWriteAttempts);

  attempts = 0;  // other errors are not retried
  EXPECT_THROW(internal::retrying([&]() -> int {
                 ++attempts;
                 throw Conflict("duplicate");
               }),
               Conflict);
  EXPECT_EQ(attempts, 1);
}
