// The PostgreSQL backend of database.h and the change feed, on a real
// throwaway cluster (tests/support/postgres_cluster.h).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/change_feed.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/store.h"
#include "store_test_support.h"
#include "support/postgres_cluster.h"

using namespace facecheck::storage;
using facecheck::testing::PostgresCluster;

namespace {

Database table_db(const std::string& uri) {
  Database db = Database::connect_postgres(uri);
  db.exec(
      "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE CHECK (name <> 'bad'),"
      " data BYTEA, score DOUBLE PRECISION, parent BIGINT REFERENCES t (id))");
  return db;
}

// Waits up to two seconds for `done`.
template <typename F>
bool eventually(F&& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace

TEST(PostgresDb, BindsAndReadsEveryTypeExactly) {
  Database db = table_db(PostgresCluster::shared().create_database());
  EXPECT_EQ(db.dialect(), Dialect::kPostgres);
  EXPECT_EQ(db.handle(), nullptr);
  const Bytes blob = {0, 1, 2, 255, '\\', '\''};
  const double third = 1.0 / 3.0;
  db.prepare("INSERT INTO t (name, data, score) VALUES (?, ?, ?)")
      .bind_all("张伟", blob, third)
      .run();
  db.prepare("INSERT INTO t (name, data) VALUES (?2, ?1)").bind_all(Bytes{}, "empty").run();
  db.prepare("INSERT INTO t (name) VALUES (?)")
      .bind_all(std::string("it's ? not a parameter"))
      .run();
  EXPECT_EQ(db.changes(), 1);
  Statement s = db.prepare("SELECT id, name, data, score, '?' FROM t ORDER BY id");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.int64(0), 1);
  EXPECT_EQ(s.text(1), "张伟");
  EXPECT_EQ(s.blob(2), blob);
  EXPECT_EQ(s.real(3), third) << "a double survives the text round trip bit for bit";
  EXPECT_EQ(s.text(4), "?");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.text(1), "empty");
  EXPECT_FALSE(s.is_null(2)) << "an empty bytea is not NULL";
  EXPECT_TRUE(s.blob(2).empty());
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.text(1), "it's ? not a parameter");
  EXPECT_TRUE(s.is_null(2));
  EXPECT_FALSE(s.optional_real(3).has_value());
  EXPECT_FALSE(s.step());
  EXPECT_EQ(db.query_int64("SELECT count(*) FROM t"), 3);
}

TEST(PostgresDb, MapsErrorsToTheSameExceptionsAsSqlite) {
  Database db = table_db(PostgresCluster::shared().create_database());
  db.exec("INSERT INTO t (name) VALUES ('a')");
  EXPECT_THROW(db.exec("INSERT INTO t (name) VALUES ('a')"), Conflict);
  EXPECT_THROW(db.exec("INSERT INTO t (name) VALUES ('bad')"), Invalid);
  EXPECT_THROW(db.exec("INSERT INTO t (name) VALUES (NULL)"), Invalid);
  EXPECT_THROW(db.exec("INSERT INTO t (name, parent) VALUES ('c', 99)"), NotFound);
  EXPECT_THROW(db.exec("SELECT * FROM no_such_table"), StorageError);
  // SQLite refuses at prepare, PostgreSQL when the statement runs.
  EXPECT_THROW(db.prepare("SELECT 1; SELECT 2").step(), StorageError) << "one statement only";
  EXPECT_THROW(Database::connect_postgres("postgresql://x@127.0.0.1:1/nope"), Unavailable);
}

TEST(PostgresDb, TransactionsRollBackAndSavepointsKeepTheRest) {
  Database db = table_db(PostgresCluster::shared().create_database());
  {
    Transaction tx(db);
    db.exec("INSERT INTO t (name) VALUES ('gone')");
  }
  EXPECT_EQ(db.query_int64("SELECT count(*) FROM t"), 0);
  {
    Transaction tx(db);
    db.exec("INSERT INTO t (name) VALUES ('kept')");
    Savepoint row(db);
    EXPECT_THROW(db.exec("INSERT INTO t (name) VALUES ('kept')"), Conflict);
    row.rollback();
    db.exec("INSERT INTO t (name) VALUES ('after')");  // the transaction is still usable
    tx.commit();
  }
  EXPECT_EQ(db.query_int64("SELECT count(*) FROM t"), 2);
}

TEST(PostgresDb, ConcurrentSerializableWritesRaiseRetryable) {
  const std::string uri = PostgresCluster::shared().create_database();
  Database a = table_db(uri);
  Database b = Database::connect_postgres(uri);
  a.exec("INSERT INTO t (name, score) VALUES ('x', 0), ('y', 0)");
  // Write skew: each reads what the other writes. SERIALIZABLE must refuse
  // one of them, and say so with Retryable.
  a.begin(TransactionKind::kImmediate);
  b.begin(TransactionKind::kImmediate);
  a.query_int64("SELECT count(*) FROM t WHERE name = 'y' AND score = 0");
  b.query_int64("SELECT count(*) FROM t WHERE name = 'x' AND score = 0");
  a.exec("UPDATE t SET score = 1 WHERE name = 'x'");
  b.exec("UPDATE t SET score = 1 WHERE name = 'y'");
  a.commit();
  EXPECT_THROW(b.commit(), Retryable);
  b.rollback();
  EXPECT_FALSE(b.in_transaction());
}

TEST(PostgresDb, MigratesOnceUnderAnAdvisoryLock) {
  const std::string uri = PostgresCluster::shared().create_database();
  std::vector<std::thread> threads;
  std::atomic<int> failures = 0;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      try {
        Database db = Database::connect_postgres(uri);
        migrate(db);
      } catch (const std::exception&) {
        ++failures;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  Database db = Database::connect_postgres(uri);
  EXPECT_EQ(schema_version(db), latest_schema_version());
  migrate(db);  // nothing to do
  EXPECT_EQ(db.query_int64("SELECT count(*) FROM facecheck_schema"), 1);
}

TEST(PostgresDb, ALostConnectionIsUnavailableAndThePoolReconnects) {
  const std::string uri = PostgresCluster::shared().create_database();
  Store store = Store::open(uri);
  const Id event_id = store.create_event(facecheck::storage::testing::event_named("E")).id;
  PostgresCluster::shared().disconnect_all(PostgresCluster::database_name(uri));
  // The first use of each dead connection fails, the next reconnects.
  for (int attempt = 0; attempt < 3; ++attempt) {
    try {
      store.create_person(facecheck::storage::testing::person_named("P"));
      break;
    } catch (const Unavailable&) {
    }
  }
  EXPECT_EQ(store.get_event(event_id).name, "E");
  EXPECT_EQ(store.list_people({}).total, 1);
}

TEST(ChangeFeed, ParsesOnlyWhatTheTriggersSend) {
  const auto c = parse_change("t+ 12 7");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->kind, Change::Kind::kTemplateAdded);
  EXPECT_EQ(c->subject, 12);
  EXPECT_EQ(c->person_id, 7);
  EXPECT_EQ(parse_change("a- 3 4")->kind, Change::Kind::kAttendeeRemoved);
  for (const char* bad : {"", "t", "t+", "t+ 1", "x+ 1 2", "t+ 1 2 3", "t+ -1 2", "t+ 1 2x",
                          "t+ 99999999999999999999 1"})
    EXPECT_FALSE(parse_change(bad).has_value()) << bad;
}

TEST(ChangeFeed, DeliversEveryCommittedChangeAndResyncsAfterADisconnect) {
  using facecheck::storage::testing::event_named;
  using facecheck::storage::testing::person_named;
  using facecheck::storage::testing::template_for;
  const std::string uri = PostgresCluster::shared().create_database();
  Store store = Store::open(uri);
  std::mutex mutex;
  std::vector<Change> changes;
  std::atomic<int> resyncs = 0;
  ChangeFeed feed(uri,
                  {[&](const Change& c) {
                     std::lock_guard lock(mutex);
                     changes.push_back(c);
                   },
                   [&] { ++resyncs; }},
                  std::chrono::milliseconds(50));
  ASSERT_TRUE(eventually([&] { return feed.listening(); }));
  EXPECT_EQ(resyncs, 1);
  const auto count = [&] {
    std::lock_guard lock(mutex);
    return changes.size();
  };

  const Event e = store.create_event(event_named("E"));
  const Person p = store.create_person(person_named("P"));
  store.add_attendee(e.id, p.id);
  const FaceTemplate t = store.add_template(template_for(p.id, 0.1f));
  ASSERT_TRUE(eventually([&] { return count() == 2; }));
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(changes[0].kind, Change::Kind::kAttendeeAdded);
    EXPECT_EQ(changes[0].subject, e.id);
    EXPECT_EQ(changes[0].person_id, p.id);
    EXPECT_EQ(changes[1].kind, Change::Kind::kTemplateAdded);
    EXPECT_EQ(changes[1].subject, t.id);
  }
  // A rolled-back write notifies nobody.
  EXPECT_THROW(store.add_attendee(e.id, 9999), NotFound);
  store.delete_person(p.id);  // cascades: the template and the attendance go
  ASSERT_TRUE(eventually([&] { return count() == 4; }));
  {
    std::lock_guard lock(mutex);
    std::vector<Change::Kind> kinds = {changes[2].kind, changes[3].kind};
    std::sort(kinds.begin(), kinds.end());
    EXPECT_EQ(kinds, (std::vector{Change::Kind::kTemplateDeleted, Change::Kind::kAttendeeRemoved}));
  }

  PostgresCluster::shared().disconnect_all(PostgresCluster::database_name(uri));
  EXPECT_TRUE(eventually([&] { return resyncs == 2 && feed.listening(); }))
      << "after a lost connection the feed listens again and asks for a resync";
}
