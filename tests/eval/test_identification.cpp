#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "eval/identification.h"
#include "eval/identify_protocol.h"

using namespace facecheck::eval;

namespace {
constexpr float kInf = std::numeric_limits<float>::infinity();
}

TEST(Identification, MatedSearchRanksTheMateAmongTheOthers) {
  const auto s = mated_search({0.7f, 0.4f, 0.5f, 0.3f}, 1);
  EXPECT_FLOAT_EQ(s.mate_distance, 0.4f);
  EXPECT_FLOAT_EQ(s.best_other_distance, 0.3f);
  EXPECT_EQ(s.mate_rank, 2u);  // only 0.3 is nearer
  EXPECT_EQ(mated_search({0.2f, 0.4f}, 0).mate_rank, 1u);
  // A tie is not a win: the gallery could return either person.
  EXPECT_EQ(mated_search({0.4f, 0.4f}, 0).mate_rank, 2u);
  // Alone in the gallery there is nobody else to be confused with.
  EXPECT_EQ(mated_search({0.4f}, 0).best_other_distance, kInf);
  EXPECT_THROW(mated_search({0.4f}, 1), std::invalid_argument);
  EXPECT_FLOAT_EQ(nonmated_search({0.9f, 0.35f, 0.6f}).best_distance, 0.35f);
  EXPECT_EQ(nonmated_search({0.9f, 0.35f, 0.6f}).nearest, 1u);
}

TEST(Identification, FnirCountsMissesAndWrongPeopleNearer) {
  const std::vector<MatedSearch> mated = {
      {0.30f, 0.80f, 1},  // hit below any threshold over 0.30
      {0.50f, 0.90f, 1},  // mate too far at T = 0.45
      {0.35f, 0.20f, 2},  // a wrong person nearer: a miss at every threshold
      {0.40f, 0.60f, 1},
  };
  EXPECT_DOUBLE_EQ(fnir_at(mated, 0.45f), 0.5);   // #2 and #3
  EXPECT_DOUBLE_EQ(fnir_at(mated, 0.60f), 0.25);  // only #3
  EXPECT_DOUBLE_EQ(fnir_at(mated, 0.30f), 1.0);   // strict: 0.30 is not < 0.30
  EXPECT_DOUBLE_EQ(rank1_rate(mated), 0.75);
  // #3 returns somebody else below 0.45: the wrong attendee is checked in.
  EXPECT_DOUBLE_EQ(misidentification_at(mated, 0.45f), 0.25);
  EXPECT_DOUBLE_EQ(misidentification_at(mated, 0.15f), 0.0);
  EXPECT_DOUBLE_EQ(fnir_at({}, 0.5f), 0.0);
}

TEST(Identification, FpirCountsStrangersBelowTheThreshold) {
  const std::vector<NonMatedSearch> strangers = {{0.3f}, {0.5f}, {0.7f}, {0.9f}};
  EXPECT_DOUBLE_EQ(fpir_at(strangers, 0.5f), 0.25);  // strict: 0.5 itself is out
  EXPECT_DOUBLE_EQ(fpir_at(strangers, 0.51f), 0.5);
  EXPECT_DOUBLE_EQ(fpir_at(strangers, 0.1f), 0.0);
}

TEST(Identification, ThresholdIsTheLargestKeepingTheRateAtTarget) {
  std::vector<float> d;
  for (int i = 0; i < 1000; ++i) d.push_back(0.2f + i * 0.001f);  // 0.200 .. 1.199
  // 1% of 1000 = 10 accepted: T = the 11th smallest, 0.210.
  const float t = largest_threshold_at_rate(d, 0.01);
  EXPECT_FLOAT_EQ(t, d[10]);
  EXPECT_DOUBLE_EQ(pair_fmr_at(d, t), 0.01);
  EXPECT_GT(pair_fmr_at(d, std::nextafter(t, 2.0f)), 0.01);  // any larger T overshoots
  // 0.1% = 1 sample.
  EXPECT_FLOAT_EQ(largest_threshold_at_rate(d, 0.001), d[1]);
  // Fewer samples than the target can resolve: nothing may be accepted.
  EXPECT_FLOAT_EQ(largest_threshold_at_rate({0.6f, 0.4f, 0.5f}, 0.01), 0.4f);
  // Rate 1: everything accepted, strictly.
  const float all = largest_threshold_at_rate({0.6f, 0.4f}, 1.0);
  EXPECT_GT(all, 0.6f);
  EXPECT_THROW(largest_threshold_at_rate({}, 0.01), std::invalid_argument);
  EXPECT_THROW(largest_threshold_at_rate({0.5f}, 1.5), std::invalid_argument);
}

TEST(Identification, TiesAtTheThresholdAreNotOverAccepted) {
  // Three strangers at exactly 0.4: accepting any of them accepts all three.
  const std::vector<NonMatedSearch> s = {{0.4f}, {0.4f}, {0.4f}, {0.8f}, {0.9f}};
  const float t = threshold_at_fpir(s, 0.4);  // may accept 2 of 5
  EXPECT_FLOAT_EQ(t, 0.4f);
  EXPECT_DOUBLE_EQ(fpir_at(s, t), 0.0);
}

TEST(Identification, GalleryGrowthFormulaAndItsInverse) {
  EXPECT_NEAR(fpir_for_gallery_size(0.001, 1), 0.001, 1e-15);
  EXPECT_NEAR(fpir_for_gallery_size(0.001, 1000), 1 - std::pow(0.999, 1000), 1e-12);  // ~0.632
  // Small N*p: about linear in N.
  EXPECT_NEAR(fpir_for_gallery_size(1e-6, 1000), 1e-3, 1e-6);
  EXPECT_DOUBLE_EQ(fpir_for_gallery_size(1.0, 5), 1.0);
  const double p = pair_fmr_for_fpir(0.01, 1000);
  EXPECT_NEAR(p, 1.00503e-5, 1e-9);
  EXPECT_NEAR(fpir_for_gallery_size(p, 1000), 0.01, 1e-12);
  EXPECT_NEAR(pair_fmr_for_fpir(0.01, 1), 0.01, 1e-15);
  EXPECT_THROW(pair_fmr_for_fpir(0.01, 0), std::invalid_argument);
}

TEST(Identification, LargerGalleryNeedsATighterThreshold) {
  std::mt19937 rng(3);
  std::normal_distribution<float> impostor(0.80f, 0.08f);
  std::vector<float> d(200000);
  for (auto& x : d) x = impostor(rng);
  const float t10 = threshold_for_gallery_size(d, 10, 0.01);
  const float t1000 = threshold_for_gallery_size(d, 1000, 0.01);
  EXPECT_LT(t1000, t10);
  // At N=1000 the per-pair rate is ~1e-5: 2 of 200,000 distances below T.
  EXPECT_LE(pair_fmr_at(d, t1000), pair_fmr_for_fpir(0.01, 1000));
  EXPECT_LE(fpir_for_gallery_size(pair_fmr_at(d, t1000), 1000), 0.01);
  // ~4.3 sigma below the mean for a normal tail of 1e-5.
  EXPECT_NEAR(t1000, 0.80f - 4.26f * 0.08f, 0.04f);
}

TEST(Identification, FormulaPredictsFpirForIndependentStrangers) {
  // Strangers whose distances to each of 50 people are drawn independently:
  // exactly the case 1-(1-p)^N describes, so prediction and measurement agree.
  std::mt19937 rng(11);
  std::normal_distribution<float> impostor(0.80f, 0.10f);
  const size_t people = 50;
  std::vector<NonMatedSearch> strangers;
  std::vector<float> pairs;
  for (int s = 0; s < 4000; ++s) {
    std::vector<float> d(people);
    for (auto& x : d) x = impostor(rng);
    strangers.push_back(nonmated_search(d));
    pairs.insert(pairs.end(), d.begin(), d.end());
  }
  const std::vector<MatedSearch> mated = {{0.3f, 0.7f, 1}};
  const auto r = evaluate_identification(mated, strangers, pairs, people);
  EXPECT_LE(r.at_fpir_1pct.fpir, 0.01);
  EXPECT_NEAR(r.predicted_fpir_1pct_here, r.at_fpir_1pct.fpir, 0.003);
  EXPECT_LE(r.planned_fpir_estimate, 0.01);
  EXPECT_LT(r.at_planned_size.threshold, r.at_fpir_1pct.threshold);
}

TEST(Identification, AttendeeIsCheckedInByAnyOfTheirFirstPhotos) {
  // Attendee 7: missed, then found. Attendee 3: missed twice, found on the
  // third photo (beyond photos=2). Attendee 5: another person returned below
  // T once, then found.
  const std::vector<MatedSearch> mated = {
      {0.55f, 0.70f, 1}, {0.40f, 0.70f, 1},                     // 7
      {0.56f, 0.70f, 1}, {0.57f, 0.70f, 1}, {0.30f, 0.70f, 1},  // 3
      {0.45f, 0.42f, 2}, {0.44f, 0.60f, 1},                     // 5
  };
  const std::vector<size_t> attendee = {7, 7, 3, 3, 3, 5, 5};
  const auto two = attendee_outcome(mated, attendee, 0.5f, 2);
  EXPECT_EQ(two.attendees, 3u);
  EXPECT_DOUBLE_EQ(two.checked_in, 2.0 / 3);
  EXPECT_DOUBLE_EQ(two.as_someone_else, 1.0 / 3);
  const auto one = attendee_outcome(mated, attendee, 0.5f, 1);
  EXPECT_DOUBLE_EQ(one.checked_in, 0.0);
  EXPECT_DOUBLE_EQ(one.as_someone_else, 1.0 / 3);
  EXPECT_DOUBLE_EQ(attendee_outcome(mated, attendee, 0.5f, 3).checked_in, 1.0);
  // A stricter threshold: the wrong person at 0.42 is no longer returned.
  EXPECT_DOUBLE_EQ(attendee_outcome(mated, attendee, 0.41f, 3).as_someone_else, 0.0);
  EXPECT_THROW(attendee_outcome(mated, {7, 7}, 0.5f, 2), std::invalid_argument);
  EXPECT_THROW(attendee_outcome(mated, attendee, 0.5f, 0), std::invalid_argument);
}

TEST(Identification, ReportOnSeparatedBells) {
  std::mt19937 rng(7);
  std::normal_distribution<float> genuine(0.40f, 0.06f), stranger(0.75f, 0.05f);
  std::vector<MatedSearch> mated;
  for (int i = 0; i < 2000; ++i) mated.push_back({genuine(rng), 0.7f, 1});
  std::vector<NonMatedSearch> strangers;
  std::vector<float> pairs;
  for (int i = 0; i < 2000; ++i) {
    strangers.push_back({stranger(rng)});
    pairs.push_back(strangers.back().best_distance);
  }
  const auto r = evaluate_identification(mated, strangers, pairs, 1);
  EXPECT_EQ(r.mated_searches, 2000u);
  EXPECT_EQ(r.nonmated_searches, 2000u);
  EXPECT_DOUBLE_EQ(r.rank1, 1.0);
  EXPECT_LE(r.at_fpir_1pct.fpir, 0.01);
  EXPECT_LE(r.at_fpir_0_1pct.fpir, 0.001);
  EXPECT_LT(r.at_fpir_0_1pct.threshold, r.at_fpir_1pct.threshold);
  EXPECT_GE(r.at_fpir_0_1pct.fnir, r.at_fpir_1pct.fnir);  // stricter costs misses
  EXPECT_NEAR(r.at_fpir_1pct.threshold, 0.75f - 2.33f * 0.05f, 0.02f);
  EXPECT_LT(r.at_fpir_1pct.fnir, 0.01);
}

TEST(IdentifyProtocol, EnrolsFirstPhotosAndProbesTheRest) {
  const std::vector<LabelledImage> list = {{"A", "A/1"}, {"A", "A/2"}, {"A", "A/3"}, {"B", "B/1"},
                                           {"B", "B/2"}, {"C", "C/1"}, {"A", "A/4"}};
  const std::vector<LabelledImage> unknowns = {{"U", "U/1"}};
  const auto p = build_protocol(list, unknowns, {});
  ASSERT_EQ(p.gallery.size(), 2u);  // C has nothing to probe with
  EXPECT_EQ(p.gallery[0].identity, "A");
  EXPECT_EQ(p.images[p.gallery[0].templates.at(0)], "A/1");
  EXPECT_EQ(p.mated.size(), 4u);  // A/2, A/3, A/4, B/2
  EXPECT_EQ(p.images[p.mated.back().image], "B/2");
  EXPECT_EQ(p.mated.back().mate, 1u);
  ASSERT_EQ(p.nonmated.size(), 1u);
  EXPECT_EQ(p.images[p.nonmated[0]], "U/1");
  EXPECT_EQ(p.images.size(), 7u);  // C/1 is not used

  // Two templates each, probes from photo 4: only A qualifies.
  const auto k2 = build_protocol(list, unknowns, {2, 4, {}});
  ASSERT_EQ(k2.gallery.size(), 1u);
  EXPECT_EQ(k2.gallery[0].templates.size(), 2u);
  ASSERT_EQ(k2.mated.size(), 1u);
  EXPECT_EQ(k2.images[k2.mated[0].image], "A/4");
  EXPECT_THROW(build_protocol(list, unknowns, {2, 2, {}}), std::invalid_argument);
  EXPECT_THROW(build_protocol(list, {{"A", "A/9"}}, {}), std::invalid_argument);
}

TEST(IdentifyProtocol, RefusedPhotosAreSkippedAsTemplatesButStillSearched) {
  const std::vector<LabelledImage> list = {{"A", "A/1"}, {"A", "A/2"}, {"A", "A/3"}, {"B", "B/1"},
                                           {"B", "B/2"}, {"C", "C/1"}, {"C", "C/2"}};
  ProtocolOptions options;
  options.not_enrollable = {"A/1", "B/1", "B/2"};
  const auto p = build_protocol(list, {{"U", "U/1"}}, options);
  ASSERT_EQ(p.gallery.size(), 2u);  // A and C; B has no acceptable photo
  EXPECT_EQ(p.not_enrolled, 1u);
  EXPECT_EQ(p.images[p.gallery[0].templates.at(0)], "A/2");  // the next photo enrolled
  std::vector<std::string> searched;
  for (const auto& m : p.mated) searched.push_back(p.images[m.image]);
  // The refused A/1 is still a kiosk photo worth searching with.
  EXPECT_EQ(searched, (std::vector<std::string>{"A/1", "A/3", "C/2"}));

  // With a fixed first probe, photos before it are never searched.
  options.templates = 1;
  options.first_probe = 3;
  const auto fixed = build_protocol(list, {}, options);
  ASSERT_EQ(fixed.gallery.size(), 1u);  // C has no third photo
  ASSERT_EQ(fixed.mated.size(), 1u);
  EXPECT_EQ(fixed.images[fixed.mated[0].image], "A/3");
}

TEST(IdentifyProtocol, ScoresPersonDistanceAsTheNearestTemplate) {
  IdentifyProtocol p;
  p.images = {"a1", "a2", "b1", "probe", "stranger"};
  p.gallery = {{"A", {0, 1}}, {"B", {2}}};
  p.mated = {{3, 0}};
  p.nonmated = {4};
  std::vector<facecheck::vision::Embedding> e(5);
  for (auto& x : e) x.assign(128, 0.f);
  e[0][0] = 1;     // a1
  e[1][1] = 1;     // a2
  e[2][2] = 1;     // b1
  e[3][1] = 0.9f;  // probe: 0.1 from a2
  e[4][3] = 1;     // stranger: sqrt(2) from everyone
  const auto s = score_protocol(p, e);
  ASSERT_EQ(s.mated.size(), 1u);
  EXPECT_NEAR(s.mated[0].mate_distance, 0.1f, 1e-6);
  EXPECT_EQ(s.mated[0].mate_rank, 1u);
  EXPECT_NEAR(s.nonmated.at(0).best_distance, std::sqrt(2.0f), 1e-6);
  EXPECT_EQ(s.impostor.size(), 3u);  // probe x B, stranger x A, stranger x B
}

TEST(IdentifyProtocol, UnknownsAreDeterministicAndNeverEnrolled) {
  std::vector<PersonRow> people;
  for (int i = 0; i < 100; ++i) people.push_back({std::to_string(1000 + i), 1 + i % 3});
  const std::vector<LabelledImage> enrolled = {{"1005", "1005/1005_0001.jpg"}};
  const auto a = pick_unknowns(people, enrolled, 20, 1);
  const auto b = pick_unknowns(people, enrolled, 20, 1);
  ASSERT_EQ(a.size(), 20u);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].path, b[i].path);
    EXPECT_NE(a[i].identity, "1005");
    EXPECT_EQ(a[i].path, a[i].identity + "/" + a[i].identity + "_0001.jpg");
  }
  EXPECT_NE(pick_unknowns(people, enrolled, 20, 2)[0].path, a[0].path);
  EXPECT_EQ(pick_unknowns(people, enrolled, 99, 1).size(), 99u);
  EXPECT_THROW(pick_unknowns(people, enrolled, 100, 1), std::invalid_argument);
}
