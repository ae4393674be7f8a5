// Retention with an injected clock on a real SQLite store: faces stay until
// every event a person attends is past its retention period, then go in one
// transaction with an audit row; the galleries hear of it before and after.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "checkin/retention.h"

namespace facecheck::checkin {
namespace {

using storage::Id;
using storage::Timestamp;

constexpr Timestamp kDay = 86400;
constexpr Timestamp kStart = 1'780'000'000;

class Retention : public ::testing::Test {
 protected:
  Id event(Timestamp ends_at, int retain_days) {
    storage::Event e;
    e.name = "Event";
    e.starts_at = ends_at - 3600;
    e.ends_at = ends_at;
    e.checkin_closes_after_min = 30;
    e.retain_faces_days = retain_days;
    return store.create_event(e).id;
  }
  Id enrolled(const std::string& name, std::vector<Id> events) {
    storage::Person p;
    p.name = name;
    const Id id = store.create_person(p).id;
    storage::FaceTemplate t;
    t.person_id = id;
    t.embedding.assign(128, 0.5f);
    store.add_template(t);
    for (Id e : events) store.add_attendee(e, id);
    return id;
  }
  size_t templates(Id person) { return store.list_templates(person).size(); }

  storage::Store store = storage::Store::open(":memory:");
  Timestamp now = kStart;
  std::vector<Id> forgotten;
  RetentionJob job{store, [this] { return now; }, [this](Id p) { forgotten.push_back(p); }};
};

TEST_F(Retention, FacesGoWhenTheLastEventsPeriodEnds) {
  const Id past = event(kStart, 30);
  const Id later = event(kStart + 10 * kDay, 30);
  const Id ann = enrolled("Ann", {past});
  const Id bob = enrolled("Bob", {past, later});
  const Id solo = enrolled("Not attending", {});
  const Timestamp window_end = kStart + 30 * 60;

  now = window_end + 30 * kDay - 1;
  EXPECT_EQ(job.run_once(), 0u);
  EXPECT_EQ(templates(ann), 1u);

  now = window_end + 30 * kDay;
  EXPECT_EQ(job.run_once(), 1u);
  EXPECT_EQ(templates(ann), 0u);
  EXPECT_EQ(templates(bob), 1u);  // a later event still needs his face
  EXPECT_EQ(forgotten, (std::vector<Id>{ann, ann}));
  const auto audit = store.list_audit(past);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "faces_purged");
  EXPECT_EQ(audit[0].actor, "system");
  EXPECT_EQ(audit[0].person_id, ann);
  EXPECT_EQ(audit[0].details.at("templates"), storage::AuditValue(std::int64_t{1}));

  now = window_end + 40 * kDay;
  EXPECT_EQ(job.run_once(), 1u);
  EXPECT_EQ(templates(bob), 0u);
  EXPECT_EQ(store.list_audit(later).size(), 1u);  // logged against the event that ended last
  EXPECT_EQ(templates(solo), 1u);
  EXPECT_EQ(job.run_once(), 0u);  // nothing left to do
}

TEST_F(Retention, EachEventChoosesItsPeriodAndZeroMeansAtTheWindowsEnd) {
  const Id brief = event(kStart, 0);
  const Id ann = enrolled("Ann", {brief});
  now = kStart + 30 * 60 - 1;
  EXPECT_EQ(job.run_once(), 0u);
  now = kStart + 30 * 60;
  EXPECT_EQ(job.run_once(), 1u);
  EXPECT_EQ(templates(ann), 0u);

  storage::Event invalid = store.get_event(brief);
  invalid.retain_faces_days = 3651;
  EXPECT_THROW(store.update_event(invalid), storage::Invalid);
}

TEST_F(Retention, TheBackgroundThreadPurgesAtStartAndStopsPromptly) {
  const Id ann = enrolled("Ann", {event(kStart, 1)});
  now = kStart + 2 * kDay;
  job.start(std::chrono::hours(1));
  for (int i = 0; i < 200 && templates(ann) != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(templates(ann), 0u);
  const auto before = std::chrono::steady_clock::now();
  job.stop();  // not an hour
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(2));
}

}  // namespace
}  // namespace facecheck::checkin
