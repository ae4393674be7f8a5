// Issue 9, finding 10: deleting biometric data while another connection
// holds a read transaction. The deletion must not wait for the reader (it
// used to wait the whole 10 s busy timeout, holding up every other write),
// must say that the scrub is pending, and must finish the scrub by itself
// once the reader is gone. Real SQLite files; the reader is a second
// connection, as a backup or a sqlite3 shell would be.
#include <chrono>
#include <future>

#include "storage/store_test_support.h"
#include "test_support.h"

namespace facecheck::storage::testing {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// A photo that starts with `marker` and spills into overflow pages.
Bytes marked_photo(const std::string& marker) {
  Bytes photo(marker.begin(), marker.end());
  photo.resize(20000, static_cast<std::uint8_t>(marker.back()));
  return photo;
}

// Whether the database file or its WAL still holds `marker`.
bool in_files(const fs::path& dir, const std::string& marker) {
  for (const auto& entry : fs::directory_iterator(dir))
    if (facecheck::testing::read_bytes(entry.path()).find(marker) != std::string::npos) return true;
  return false;
}

// A connection that holds a read snapshot from construction to release().
class Reader {
 public:
  explicit Reader(const fs::path& db) : db_(db.string(), Database::Mode::kReadWrite) {
    db_.exec("BEGIN");
    db_.query_int64("SELECT count(*) FROM face_templates");  // the snapshot starts here
  }
  void release() { db_.exec("COMMIT"); }

 private:
  Database db_;
};

class StoreScrub : public StoreTest {};

TEST_F(StoreScrub, ADeletionDoesNotWaitForAReaderAndScrubsOnceItEnds) {
  const Person p = store_.create_person(person_named("P"));
  store_.add_template(template_for(p.id, 0.1f), marked_photo("PENDING-SCRUB-MARKER"));
  Reader reader(db_path());

  const auto start = Clock::now();
  const Scrub scrub = store_.delete_person(p.id);
  const auto took = Clock::now() - start;
  EXPECT_LT(took, 1s) << "the deletion waited for the reader";
  EXPECT_EQ(scrub, Scrub::kPending);
  EXPECT_TRUE(store_.scrub_pending());
  EXPECT_THROW(store_.get_person(p.id), NotFound) << "the rows are gone at once";

  reader.release();
  for (int i = 0; i < 50 && store_.scrub_pending(); ++i) std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(store_.scrub_pending()) << "the scrub did not finish after the reader left";
  EXPECT_FALSE(in_files(dir_.path(), "PENDING-SCRUB-MARKER"));
}

TEST_F(StoreScrub, WritesGoOnWhileAScrubIsPending) {
  const Event e = store_.create_event(event_named("E"));
  const Person p = store_.create_person(person_named("P"));
  const Person q = store_.create_person(person_named("Q"));
  store_.add_attendee(e.id, q.id);
  store_.add_template(template_for(p.id, 0.1f), marked_photo("WRITES-GO-ON-MARKER"));
  Reader reader(db_path());
  EXPECT_EQ(store_.delete_person(p.id), Scrub::kPending);

  const auto start = Clock::now();
  store_.record_checkin(checkin_for(e.id, q.id, 1000));
  EXPECT_LT(Clock::now() - start, 1s) << "a check-in stalled behind the pending scrub";
  EXPECT_EQ(store_.list_checkins(e.id).size(), 1u);
  reader.release();
}

TEST_F(StoreScrub, WithoutReadersTheScrubIsCompleteAtOnce) {
  const Person p = store_.create_person(person_named("P"));
  const auto t = store_.add_template(template_for(p.id, 0.1f), marked_photo("NO-READER-MARKER"));
  EXPECT_EQ(store_.delete_template(t.id), Scrub::kComplete);
  EXPECT_FALSE(store_.scrub_pending());
  EXPECT_FALSE(in_files(dir_.path(), "NO-READER-MARKER"));
}

}  // namespace
}  // namespace facecheck::storage::testing
