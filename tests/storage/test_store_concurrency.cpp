// Store under concurrency and crashes: many threads, two stores on one
// file, and a process killed right after a check-in was acknowledged.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "store_test_support.h"

using namespace facecheck::storage;
using namespace facecheck::storage::testing;

namespace {

constexpr int kPeople = 40;

class ConcurrencyTest : public StoreTest {
 protected:
  void SetUp() override {
    event_ = store_.create_event(event_named("并发"));
    for (int i = 0; i < kPeople; ++i) {
      const Person p = store_.create_person(person_named("人" + std::to_string(i)));
      store_.add_attendee(event_.id, p.id);
      store_.add_template(template_for(p.id, 0.01f * i));
      people_.push_back(p.id);
    }
    kiosk_ = store_.create_kiosk(event_.id, "Gate");
  }

  // Each writer tries to check in everybody; each reader keeps reading.
  void hammer(Store& store, int writers, int readers, std::atomic<int>& recorded,
              std::atomic<int>& failures) {
    std::vector<std::jthread> threads;
    for (int w = 0; w < writers; ++w)
      threads.emplace_back([&, w] {
        for (Id person : people_) {
          try {
            if (!store.record_checkin(checkin_for(event_.id, person, 1000 + w)).already) ++recorded;
          } catch (const std::exception& e) {
            ADD_FAILURE() << "writer: " << e.what();
            ++failures;
          }
        }
      });
    for (int r = 0; r < readers; ++r)
      threads.emplace_back([&] {
        for (int i = 0; i < 30; ++i) {
          try {
            EXPECT_EQ(store.list_attendees(event_.id).size(), size_t{kPeople});
            EXPECT_EQ(store.list_event_templates(event_.id).size(), size_t{kPeople});
            EXPECT_TRUE(store.authenticate_kiosk(kiosk_.token).has_value());
            const auto stats = store.event_stats(event_.id);
            EXPECT_LE(stats.checked_in, kPeople);
          } catch (const std::exception& e) {
            ADD_FAILURE() << "reader: " << e.what();
            ++failures;
          }
        }
      });
  }

  Event event_;
  std::vector<Id> people_;
  IssuedKiosk kiosk_;
};

}  // namespace

TEST_F(ConcurrencyTest, ManyThreadsCheckInEachPersonExactlyOnce) {
  std::atomic<int> recorded = 0, failures = 0;
  hammer(store_, 8, 4, recorded, failures);
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(recorded, kPeople);
  EXPECT_EQ(raw_count("check_ins"), kPeople);
  EXPECT_EQ(store_.event_stats(event_.id).checked_in, kPeople);
}

TEST_F(ConcurrencyTest, TwoStoresOnOneFileNeverSurfaceBusy) {
  // Two stores stand for two processes (server and CLI, or on PostgreSQL two
  // servers): their writers contend for SQLite's lock, which busy_timeout
  // must absorb, or PostgreSQL's serializable transactions conflict and are
  // retried.
  Store other = Store::open(location());
  std::atomic<int> recorded = 0, failures = 0;
  {
    std::jthread a([&] { hammer(store_, 4, 2, recorded, failures); });
    std::jthread b([&] { hammer(other, 4, 2, recorded, failures); });
  }
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(recorded, kPeople);
  EXPECT_EQ(raw_count("check_ins"), kPeople);
}

TEST(Durability, AnAcknowledgedCheckInSurvivesKill9) {
  TempDir dir;
  const auto path = new_store_location(dir);
  Id event_id = 0, person_id = 0;
  {
    Store store = Store::open(path);
    event_id = store.create_event(event_named("E")).id;
    person_id = store.create_person(person_named("P")).id;
    store.add_attendee(event_id, person_id);
  }
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child records a check-in and dies without closing anything, as if
    // killed right after the kiosk showed "welcome".
    try {
      Store store = Store::open(path);
      store.record_checkin(checkin_for(event_id, person_id, 4242));
      ::kill(::getpid(), SIGKILL);
    } catch (...) {
    }
    ::_exit(1);  // reached only when the check-in failed
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  Store store = Store::open(path);
  const auto checkins = store.list_checkins(event_id);
  ASSERT_EQ(checkins.size(), 1u);
  EXPECT_EQ(checkins[0].checked_in_at, 4242);
}
