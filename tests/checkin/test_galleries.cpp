// The in-memory galleries follow every change made through them without a
// reload, and a large one keeps its index's snapshot across a restart.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

#include "checkin/galleries.h"
#include "storage/store.h"
#include "vision/recognizer_model.h"

namespace fs = std::filesystem;
using namespace facecheck;

namespace {

vision::Embedding face(uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  vision::Embedding e(512);
  for (float& v : e) v = normal(rng);
  vision::l2_normalise(e);
  return e;
}

class GalleriesTest : public ::testing::Test {
 protected:
  storage::Store store = storage::Store::open(":memory:");
  storage::Id event = 0;

  void SetUp() override {
    storage::Event e;
    e.name = "Open day";
    e.starts_at = 1000;
    e.ends_at = 5000;
    event = store.create_event(e).id;
  }

  storage::Id person(const std::string& name) {
    storage::Person p;
    p.name = name;
    return store.create_person(p).id;
  }

  storage::FaceTemplate enrol(storage::Id person_id, uint32_t seed) {
    storage::FaceTemplate t;
    t.person_id = person_id;
    t.model = std::string(vision::kArcFaceModelId);
    t.embedding = face(seed);
    return store.add_template(t);
  }

  static storage::Id best(const gallery::GallerySet& set, uint32_t seed) {
    const gallery::Gallery* g = set.find(vision::kArcFaceModelId);
    if (!g) return 0;
    const auto found = g->search(face(seed), 1);
    return found.empty() || found[0].distance > 0.01f ? 0 : found[0].person_id;
  }
};

TEST_F(GalleriesTest, ALoadedEventFollowsTemplatesAndAttendance) {
  checkin::Galleries galleries(store);
  const storage::Id ann = person("Ann"), bob = person("Bob");
  store.add_attendee(event, ann);
  const auto loaded = galleries.event(event);  // loaded before any template exists

  galleries.template_added(enrol(ann, 1));
  EXPECT_EQ(best(*loaded, 1), ann);
  galleries.template_added(enrol(bob, 2));  // not an attendee: not in the event
  EXPECT_EQ(best(*loaded, 2), 0);
  EXPECT_EQ(best(*galleries.everyone(), 2), bob);

  store.add_attendee(event, bob);
  galleries.attendee_added(event, bob);
  EXPECT_EQ(best(*loaded, 2), bob);
  store.remove_attendee(event, bob);
  galleries.attendee_removed(event, bob);
  EXPECT_EQ(best(*loaded, 2), 0);
  // The same set object throughout: nothing was reloaded.
  EXPECT_EQ(galleries.event(event).get(), loaded.get());
}

TEST_F(GalleriesTest, ALargeEventIsIndexedAndItsSnapshotOutlivesTheProcess) {
  const fs::path dir =
      fs::temp_directory_path() / ("facecheck-galleries-" + std::to_string(getpid()));
  fs::remove_all(dir);
  checkin::GalleriesConfig config;
  config.gallery.index_from = 300;
  config.snapshot_dir = dir;
  config.index_threads = 2;
  std::vector<storage::Id> people;
  for (uint32_t i = 0; i < 320; ++i) {
    people.push_back(
        person(std::to_string(i) + " guest"));  // not "P" + s: GCC 12 -Wrestrict false positive
    store.add_attendee(event, people.back());
    enrol(people.back(), 100 + i);
  }
  {
    checkin::Galleries galleries(store, config);
    const auto set = galleries.event(event);
    ASSERT_TRUE(set->find(vision::kArcFaceModelId)->indexed());
    EXPECT_EQ(best(*set, 150), people[50]);
    galleries.template_added(enrol(people[0], 9000));  // after the build: into the index
    EXPECT_EQ(best(*set, 9000), people[0]);
    galleries.save_indexes();
  }
  const std::string file = "event-" + std::to_string(event) + "-arcface-fp-512.hnsw";
  ASSERT_TRUE(fs::exists(dir / file));
  {
    checkin::Galleries galleries(store, config);  // a restart
    const auto set = galleries.event(event);
    ASSERT_TRUE(set->find(vision::kArcFaceModelId)->indexed());
    EXPECT_EQ(best(*set, 9000), people[0]);
    EXPECT_EQ(best(*set, 419), people[319]);
  }
  fs::remove_all(dir);
}

}  // namespace
