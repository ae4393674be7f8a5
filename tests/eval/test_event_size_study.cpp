// study_event_size on hand-made embeddings, where every count is known.
#include <gtest/gtest.h>

#include <cmath>

#include "eval/event_size_study.h"

using namespace facecheck::eval;
using facecheck::vision::Embedding;

namespace {

// People A, B, C with one template each on their own axis. A's photo is 0.1
// from A, B's 0.3 from B, C's is far from everyone; one never-enrolled
// stranger sits 0.2 from A.
struct Fixture {
  IdentifyProtocol protocol;
  std::vector<Embedding> embeddings;
  Fixture() {
    protocol.images = {"a", "b", "c", "a-photo", "b-photo", "c-photo", "stranger"};
    protocol.gallery = {{"A", {0}}, {"B", {1}}, {"C", {2}}};
    protocol.mated = {{3, 0}, {4, 1}, {5, 2}};
    protocol.nonmated = {6};
    embeddings.resize(7);
    for (auto& e : embeddings) e.assign(128, 0.f);
    embeddings[0][0] = embeddings[1][1] = embeddings[2][2] = 1;
    embeddings[3][0] = 0.9f;  // 0.1 from A
    embeddings[4][1] = 0.7f;  // 0.3 from B
    embeddings[5][9] = 1;     // sqrt(2) from everyone
    embeddings[6][0] = 1.2f;  // 0.2 from A
  }
};

}  // namespace

TEST(EventSizeStudy, WholeGalleryGivesTheExactCounts) {
  Fixture f;
  size_t asked_for = 0;
  EventSizeStudy study;
  study.event_size = 3;
  study.events = 4;  // every event is the whole gallery
  study.threshold_for = [&](size_t templates) {
    asked_for = templates;
    return 0.25f;
  };
  const auto o = study_event_size(f.protocol, search_distances(f.protocol, f.embeddings), study);
  EXPECT_EQ(asked_for, 3u);
  EXPECT_FLOAT_EQ(o.threshold, 0.25f);
  EXPECT_EQ(o.attendee_searches, 12u);
  EXPECT_EQ(o.attendees, 12u);
  EXPECT_NEAR(o.photos_checked_in, 1.0 / 3, 1e-9);  // A only: B's photo is at 0.3
  EXPECT_NEAR(o.attendees_checked_in, 1.0 / 3, 1e-9);
  EXPECT_EQ(o.photos_as_someone_else, 0);
  EXPECT_EQ(o.stranger_searches, 4u);
  EXPECT_EQ(o.fpir, 1);  // the stranger at 0.2 from A gets in every time
}

TEST(EventSizeStudy, PeopleLeftOutOfAnEventSearchAsStrangers) {
  Fixture f;
  EventSizeStudy study;
  study.event_size = 1;
  study.events = 60;
  study.seed = 5;
  study.threshold_for = [](size_t) { return 0.25f; };
  const auto o = study_event_size(f.protocol, search_distances(f.protocol, f.embeddings), study);
  // Each event: its one attendee searches for themself; the other two
  // people's photos and the stranger are strangers to it.
  EXPECT_EQ(o.attendee_searches, 60u);
  EXPECT_EQ(o.stranger_searches, 180u);
  // A is checked in exactly in the events A was drawn into, and the stranger
  // near A gets in exactly there too -- nobody else is within 0.25 of anyone.
  const double events_with_a = o.attendees_checked_in * 60;
  EXPECT_GT(events_with_a, 5);  // drawn about 20 times in 60
  EXPECT_LT(events_with_a, 40);
  EXPECT_NEAR(o.fpir * 180, events_with_a, 1e-6);
  EXPECT_NEAR(o.photos_checked_in * 60, events_with_a, 1e-6);
  // The same seed draws the same events.
  EXPECT_EQ(study_event_size(f.protocol, search_distances(f.protocol, f.embeddings), study).fpir,
            o.fpir);
}

TEST(EventSizeStudy, RefusesImpossibleStudies) {
  Fixture f;
  EventSizeStudy study;
  study.threshold_for = [](size_t) { return 0.5f; };
  study.event_size = 4;  // only 3 people enrolled
  EXPECT_THROW(study_event_size(f.protocol, search_distances(f.protocol, f.embeddings), study),
               std::invalid_argument);
  study.event_size = 0;
  EXPECT_THROW(study_event_size(f.protocol, search_distances(f.protocol, f.embeddings), study),
               std::invalid_argument);
  study.event_size = 2;
  study.threshold_for = nullptr;
  EXPECT_THROW(study_event_size(f.protocol, search_distances(f.protocol, f.embeddings), study),
               std::invalid_argument);
  study.threshold_for = [](size_t) { return 0.5f; };
  auto distances = search_distances(f.protocol, f.embeddings);
  distances.nonmated.pop_back();  // not the protocol's searches
  EXPECT_THROW(study_event_size(f.protocol, distances, study), std::invalid_argument);
  f.embeddings.pop_back();
  EXPECT_THROW(search_distances(f.protocol, f.embeddings), std::invalid_argument);
}
