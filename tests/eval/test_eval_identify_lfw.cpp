// The identification benchmark end to end on a small slice of real LFW
// photos: the same protocol, embedding and metric code as
// `facecheck eval-identify`, sized to run in well under a minute. The full
// numbers are in docs/identification.md.
#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <thread>

#include "checkin/checkin_service.h"
#include "eval/identification.h"
#include "eval/identify_protocol.h"
#include "eval/labelled_face.h"
#include "test_support.h"
#include "vision/image_decoder.h"

using namespace facecheck;
namespace fct = facecheck::testing;

namespace {

constexpr size_t kPeople = 20;
constexpr size_t kPhotosPerPerson = 4;  // 1 enrolled + up to 3 probes
constexpr size_t kUnknowns = 40;

// The first kPeople identities of the list, each cut to kPhotosPerPerson
// photos so a person with 70 photos does not dominate the run time.
std::vector<eval::LabelledImage> small_list(const std::vector<eval::LabelledImage>& full) {
  std::vector<eval::LabelledImage> kept;
  std::map<std::string, size_t> seen;
  for (const auto& row : full) {
    if (!seen.count(row.identity) && seen.size() == kPeople) continue;
    if (seen[row.identity]++ < kPhotosPerPerson) kept.push_back(row);
  }
  return kept;
}

// job(engine, i) for i in [0, count) on two engines and two threads, as the
// CLI does with --threads 2.
template <typename Job>
void on_two_engines(size_t count, Job job) {
  constexpr size_t kThreads = 2;
  cv::setNumThreads(1);
  std::vector<std::thread> pool;
  for (size_t t = 0; t < kThreads; ++t)
    pool.emplace_back([&, t] {
      vision::FaceEngine engine(fct::models_dir());
      for (size_t i = t; i < count; i += kThreads) job(engine, i);
    });
  for (auto& th : pool) th.join();
}

cv::Mat lfw_image(const std::string& path) {
  return vision::read_image_file(fct::data_dir() / "lfw" / "images" / path);
}

}  // namespace

// Like `eval-identify --checkin-pipeline`: templates are enrolled under
// check-in's enrolment rules and settings, searches go through the kiosk's,
// so the threshold checked below is applied to exactly the embeddings the
// service compares.
TEST(EvalIdentifyLfw, SmallGalleryIdentifiesAndKeepsStrangersOut) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  const auto lfw = fct::data_dir() / "lfw";
  const checkin::CheckinSettings product;
  const auto list = small_list(eval::read_identity_list(lfw / "identify_ge5.tsv"));
  const auto unknowns =
      eval::pick_unknowns(eval::read_people(lfw / "people.tsv"),
                          eval::read_identity_list(lfw / "identify_ge5.tsv"), kUnknowns, 1);

  // Enrol: each person's photos in order until one is accepted.
  const auto people = eval::group_by_identity(list);
  std::vector<eval::EnrolAttempts> tried(people.size());
  on_two_engines(people.size(), [&](vision::FaceEngine& engine, size_t i) {
    tried[i] =
        eval::enrol_in_order(engine, people[i].second, lfw / "images", 1, product.enrol_detector,
                             product.enrol_quality, product.enrol_embed);
  });
  const auto gated = eval::sort_attempts(tried);
  const auto& enrolled = gated.enrolled;
  eval::ProtocolOptions options;
  for (const auto& r : gated.refused) options.not_enrollable.insert(r.first);
  const auto protocol = eval::build_protocol(list, unknowns, options);
  ASSERT_EQ(protocol.gallery.size(), kPeople);
  ASSERT_EQ(protocol.nonmated.size(), kUnknowns);
  EXPECT_LE(options.not_enrollable.size(), 3u) << "LFW photos should mostly pass enrolment";

  // Search: every other photo through the kiosk settings.
  std::vector<eval::LabelledFace> faces(protocol.images.size());
  on_two_engines(protocol.images.size(), [&](vision::FaceEngine& engine, size_t i) {
    const auto& path = protocol.images[i];
    if (const auto it = enrolled.find(path); it != enrolled.end()) {
      faces[i].embedding = it->second;
      faces[i].detected = true;
    } else {
      faces[i] = eval::embed_labelled_face(engine, lfw_image(path), product.checkin_detector, true,
                                           product.checkin_embed);
    }
  });
  std::vector<vision::Embedding> embeddings;
  size_t detected = 0;
  for (const auto& f : faces) {
    embeddings.push_back(f.embedding);
    detected += f.detected;
  }
  EXPECT_GT(detected, faces.size() * 95 / 100) << "the detectors should find most LFW faces";

  const auto& card = vision::recognizer_model(vision::kDefaultModelId);
  const auto s = eval::score_protocol(protocol, embeddings, card.metric);
  EXPECT_EQ(s.impostor.size(), s.mated.size() * (kPeople - 1) + s.nonmated.size() * kPeople);
  const auto report = eval::evaluate_identification(s.mated, s.nonmated, s.impostor, kPeople);
  EXPECT_GT(report.rank1, 0.9);

  // The default check-in threshold for a 20-person event aims at FPIR <= 1%,
  // so at most one of these 40 strangers may be taken for an attendee.
  const float t = checkin::open_set_threshold(kPeople, card);
  const auto at_default = eval::operating_point(s.mated, s.nonmated, t);
  std::cout << "rank-1 " << report.rank1 << "; at " << t << ": FNIR " << at_default.fnir
            << ", FPIR " << at_default.fpir << ", wrong person " << at_default.misidentification
            << "\n";
  EXPECT_LE(at_default.fpir, 1.0 / kUnknowns) << "strangers accepted at " << t;
  // LFW's searches are news photos taken years apart: the full benchmark
  // misses many at strict thresholds (docs/identification.md). A small event
  // gets a looser threshold, and most attendees must get in.
  EXPECT_LT(at_default.fnir, 0.2) << "attendees missed at " << t;
  EXPECT_LE(at_default.misidentification, 0.02);

  // The extrapolated threshold for 1,000 people is stricter than the one
  // that keeps FPIR at 1% for these 20 people.
  EXPECT_LE(report.at_planned_size.threshold, report.at_fpir_1pct.threshold);
}
