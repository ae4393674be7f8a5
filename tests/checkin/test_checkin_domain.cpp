// The check-in domain in-process: a real (in-memory) SQLite store and faces
// prepared once from real photos by the real engine (prepared_faces.h), so
// these run in well under a second each and load no model. The same
// behaviour on the real engine: test_checkin_service.cpp.
#include "checkin/checkin_service.h"
#include "checkin/invitations.h"
#include "support/prepared_faces.h"
#include "test_support.h"
#include "vision/liveness_detector.h"

using namespace facecheck;
using checkin::FaceStatus;
using checkin::Reason;

namespace {

std::string photo(const std::string& rel) {
  return facecheck::testing::read_bytes(facecheck::testing::data_dir() / rel);
}
const std::string kAkhmed1 = "lfw/images/Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg";
const std::string kAkhmed2 = "lfw/images/Akhmed_Zakayev/Akhmed_Zakayev_0002.jpg";
const std::string kAkhmed3 = "lfw/images/Akhmed_Zakayev/Akhmed_Zakayev_0003.jpg";
const std::string kAbel1 = "lfw/images/Abel_Pacheco/Abel_Pacheco_0001.jpg";
const std::string kAbel4 = "lfw/images/Abel_Pacheco/Abel_Pacheco_0004.jpg";
const std::string kWhite = "conformance/face-api/images/white.png";
const std::string kGroup = "conformance/face-api/images/faces.jpg";

// The reason of the DomainError f throws, or nullopt.
std::optional<Reason> refusal(const std::function<void()>& f) {
  try {
    f();
  } catch (const checkin::DomainError& e) {
    return e.reason;
  }
  return std::nullopt;
}

class CheckinDomainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_DATA();
    store = std::make_unique<storage::Store>(storage::Store::open(":memory:"));
    engines = std::make_unique<checkin::EnginePool>(
        [] { return std::make_unique<facecheck::testing::PreparedAnalyzer>(); }, 1, 8);
    service = std::make_unique<checkin::CheckinService>(
        *store, *engines, checkin::CheckinSettings{}, [this] { return now; });
    storage::Event e;
    e.name = "Award ceremony";
    e.starts_at = now;
    e.ends_at = now + 3600;
    e.status = storage::EventStatus::kOpen;
    event = store->create_event(e).id;
  }

  storage::Id attendee(const std::string& name) {
    storage::Person p;
    p.name = name;
    const auto id = store->create_person(p).id;
    service->add_attendee(event, id);
    return id;
  }
  checkin::EnrolResult enrol(storage::Id person, const std::string& rel, bool allow = false) {
    return service->enrol({person, "", std::nullopt, allow}, photo(rel));
  }

  storage::Timestamp now = 1'800'000'000;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<checkin::EnginePool> engines;
  std::unique_ptr<checkin::CheckinService> service;
  storage::Id event = 0;
};

}  // namespace

TEST_F(CheckinDomainTest, EnrolCheckInAlreadyThenDeletedIsNotRecognised) {
  const auto akhmed = attendee("Akhmed Zakayev");
  const auto enrolled = enrol(akhmed, kAkhmed1);
  EXPECT_GT(enrolled.template_id, 0);
  EXPECT_EQ(enrolled.templates, 1u);
  EXPECT_EQ(enrolled.person.name, "Akhmed Zakayev");
  EXPECT_TRUE(enrolled.quality.acceptable());
  EXPECT_FALSE(enrolled.photo_stored);
  ASSERT_TRUE(store->list_templates(akhmed).at(0).quality.has_value());
  EXPECT_EQ(*store->list_templates(akhmed).at(0).quality, enrolled.quality);

  auto r = service->check_in(event, std::nullopt, photo(kAkhmed3));
  ASSERT_EQ(r.faces.size(), 1u);
  EXPECT_EQ(r.faces[0].status, FaceStatus::kCheckedIn);
  EXPECT_EQ(r.faces[0].person->id, akhmed);
  EXPECT_EQ(r.faces[0].liveness.method, "none");
  EXPECT_LT(*r.faces[0].distance, r.thresholds.front().value);
  EXPECT_EQ(std::string(r.threshold_basis), "event size");

  now += 60;
  r = service->check_in(event, std::nullopt, photo(kAkhmed3));
  EXPECT_EQ(r.faces[0].status, FaceStatus::kAlreadyCheckedIn);
  EXPECT_EQ(*r.faces[0].checked_in_at, now - 60);
  EXPECT_EQ(service->stats(event).counts.checked_in, 1);

  service->delete_person(akhmed);
  r = service->check_in(event, std::nullopt, photo(kAkhmed3));
  EXPECT_EQ(r.faces[0].status, FaceStatus::kNotRecognised);
  EXPECT_FALSE(r.faces[0].person.has_value());
}

TEST_F(CheckinDomainTest, AStrangerIsNotRecognisedAndTheNearMissIsKept) {
  enrol(attendee("Abel Pacheco"), kAbel1);
  const auto r = service->check_in(event, std::nullopt, photo(kAkhmed1));
  ASSERT_EQ(r.faces.size(), 1u);
  EXPECT_EQ(r.faces[0].status, FaceStatus::kNotRecognised);
  ASSERT_TRUE(r.faces[0].distance.has_value());  // the HTTP layer shows it to admins only
  EXPECT_GT(*r.faces[0].distance, r.thresholds.front().value);
  EXPECT_EQ(service->stats(event).counts.checked_in, 0);
}

TEST_F(CheckinDomainTest, EnrolmentRefusalsCarryTheirFactsAndWriteNothing) {
  const auto abel = attendee("Abel Pacheco");
  EXPECT_EQ(refusal([&] { enrol(abel, kWhite); }), Reason::kNoFace);
  try {
    enrol(abel, kGroup);
    ADD_FAILURE() << "a group photo was enrolled";
  } catch (const checkin::DomainError& e) {
    EXPECT_EQ(e.reason, Reason::kSeveralFaces);
    const auto* found = std::get_if<checkin::FacesFound>(&e.details);
    ASSERT_NE(found, nullptr);
    EXPECT_GT(found->boxes.size(), 1u);
  }
  EXPECT_EQ(refusal([&] {
              service->enrol({abel, "", 99, false}, photo(kGroup));
            }),
            Reason::kBadFaceIndex);
  EXPECT_EQ(refusal([&] {
              service->enrol({abel, "", std::nullopt, false}, "");
            }),
            Reason::kMissingImage);
  EXPECT_THROW(service->enrol({abel, "", std::nullopt, false}, "not an image"), vision::ImageError);
  EXPECT_TRUE(store->list_templates(abel).empty());

  // The same face under a second name: a possible duplicate, naming whom.
  const auto akhmed = attendee("Akhmed Zakayev");
  enrol(akhmed, kAkhmed1);
  const auto other = attendee("Someone Else");
  try {
    enrol(other, kAkhmed3);
    ADD_FAILURE() << "a duplicate was enrolled";
  } catch (const checkin::DomainError& e) {
    EXPECT_EQ(e.reason, Reason::kPossibleDuplicate);
    const auto* like = std::get_if<checkin::LooksLike>(&e.details);
    ASSERT_NE(like, nullptr);
    EXPECT_EQ(like->person_id, akhmed);
  }
  EXPECT_TRUE(store->list_templates(other).empty());
  enrol(other, kAkhmed3, /*allow=*/true);  // the operator confirmed it
  EXPECT_EQ(store->list_templates(other).size(), 1u);
}

TEST_F(CheckinDomainTest, CheckInOnlyInsideTheWindow) {
  now -= 3 * 3600;
  EXPECT_EQ(refusal([&] { service->check_in(event, std::nullopt, photo(kAbel4)); }),
            Reason::kCheckinNotYetOpen);
  now += 10 * 3600;
  EXPECT_EQ(refusal([&] { service->check_in(event, std::nullopt, photo(kAbel4)); }),
            Reason::kCheckinClosed);
}

TEST_F(CheckinDomainTest, PassiveLivenessRecordsTheScore) {
  storage::Event e = store->get_event(event);
  e.liveness = storage::LivenessPolicy::kPassive;
  store->update_event(e);
  const auto abel = attendee("Abel Pacheco");
  enrol(abel, kAbel1);
  const auto r = service->check_in(event, std::nullopt, photo(kAbel4));
  ASSERT_EQ(r.faces.size(), 1u);
  const float live = facecheck::testing::PreparedFaces::load()
                         .faces(vision::decode_image(photo(kAbel4)), vision::DetectorKind::Tiny)
                         .at(0)
                         .live;
  if (live >= vision::kDefaultLiveThreshold) {
    EXPECT_EQ(r.faces[0].status, FaceStatus::kCheckedIn);
    EXPECT_EQ(r.faces[0].liveness.method, "passive");
    EXPECT_NEAR(*r.faces[0].liveness.score, live, 1e-6);
    EXPECT_EQ(store->list_checkins(event).at(0).liveness.method, "passive");
  } else {
    EXPECT_EQ(r.faces[0].status, FaceStatus::kLivenessFailed);
    EXPECT_NEAR(*r.faces[0].live_score, live, 1e-6);
    EXPECT_EQ(service->stats(event).liveness_failures, 1u);
  }
}

TEST_F(CheckinDomainTest, AnActiveEventNeedsAProof) {
  storage::Event e = store->get_event(event);
  e.liveness = storage::LivenessPolicy::kActive;
  store->update_event(e);
  EXPECT_EQ(refusal([&] { service->check_in(event, std::nullopt, photo(kAbel4)); }),
            Reason::kLivenessRequired);
  EXPECT_EQ(refusal([&] { service->check_in(event, std::nullopt, photo(kAbel4), "made-up"); }),
            Reason::kLivenessProofInvalid);
}

TEST_F(CheckinDomainTest, ThresholdFollowsEventSizeUnlessSet) {
  const auto akhmed = attendee("Akhmed Zakayev");
  enrol(akhmed, kAkhmed1);
  const auto& card = vision::recognizer_model(vision::kDefaultModelId);
  auto r = service->check_in(event, std::nullopt, photo(kAkhmed3));
  EXPECT_FLOAT_EQ(r.thresholds.front().value, checkin::open_set_threshold(1, card));
  enrol(akhmed, kAkhmed2, true);
  r = service->check_in(event, std::nullopt, photo(kAkhmed3));
  EXPECT_FLOAT_EQ(r.thresholds.front().value, checkin::open_set_threshold(2, card));
  storage::Event e = store->get_event(event);
  e.match_threshold = 0.3;
  store->update_event(e);
  r = service->check_in(event, std::nullopt, photo(kAkhmed3));
  EXPECT_EQ(std::string(r.threshold_basis), "event");
  EXPECT_FLOAT_EQ(r.thresholds.front().value, 0.3f);
}

TEST_F(CheckinDomainTest, ImportRejectionNamesTheRowsAndImportsNothing) {
  const std::string bad = "name,organisation,external_id\n张伟,清华大学,A1\n,Nowhere,A2\n";
  try {
    service->import_csv(event, bad, false);
    ADD_FAILURE() << "a bad row was imported";
  } catch (const checkin::DomainError& e) {
    EXPECT_EQ(e.reason, Reason::kImportRejected);
    const auto* rows = std::get_if<checkin::RowProblems>(&e.details);
    ASSERT_NE(rows, nullptr);
    ASSERT_EQ(rows->rows.size(), 1u);
    EXPECT_EQ(rows->rows[0].row, 3u);  // the CSV line, header = 1
  }
  EXPECT_EQ(service->stats(event).counts.registered, 0);
  EXPECT_EQ(refusal([&] { service->import_csv(event, "organisation\nACME\n", false); }),
            Reason::kInvalidCsv);
  const auto ok = service->import_csv(event, "姓名,单位\n张伟,清华大学\n", false);
  EXPECT_EQ(ok.imported, 1u);
  EXPECT_EQ(ok.created, 1u);
}

TEST_F(CheckinDomainTest, TheLiveFeedHearsEachNewCheckInOnce) {
  const auto akhmed = attendee("Akhmed Zakayev");
  enrol(akhmed, kAkhmed1);
  auto subscription = service->live_feed().subscribe(event);
  service->check_in(event, std::nullopt, photo(kAkhmed3));
  service->check_in(event, std::nullopt, photo(kAkhmed3));  // already: not published
  checkin::FeedCheckIn message;
  ASSERT_TRUE(subscription->next(message, std::chrono::milliseconds(100)));
  EXPECT_EQ(message.person.id, akhmed);
  EXPECT_EQ(message.method, storage::CheckInMethod::kFace);
  EXPECT_FALSE(subscription->next(message, std::chrono::milliseconds(50)));
}

TEST_F(CheckinDomainTest, AGuestLearnsNothingAboutALookAlike) {
  const auto akhmed = attendee("Akhmed Zakayev");
  enrol(akhmed, kAkhmed1);
  const auto guest = attendee("Guest");
  checkin::InvitationService invitations(*service);
  const auto issued = invitations.invite(event, {guest});
  const std::string code = issued.invitations.at(0).invitation.code;
  EXPECT_EQ(refusal([&] { invitations.enrol_face(code, photo(kAbel1)); }),
            Reason::kConsentRequired);
  storage::Event e = store->get_event(event);
  invitations.answer_consent(code, true, e.consent_version);
  try {
    invitations.enrol_face(code, photo(kAkhmed3));
    ADD_FAILURE() << "a look-alike was enrolled";
  } catch (const checkin::DomainError& err) {
    EXPECT_EQ(err.reason, Reason::kPossibleDuplicate);
    EXPECT_TRUE(std::holds_alternative<std::monostate>(err.details));  // not who
  }
  EXPECT_EQ(invitations.enrol_face(code, photo(kAbel1)).templates, 1u);
}
