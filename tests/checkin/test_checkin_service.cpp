// The check-in domain on the real engine and a real (in-memory) SQLite store.
#include "checkin/checkin_service.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/store_internal.h"
#include "test_support.h"

using namespace facecheck;

namespace {

std::string photo(const std::string& rel) {
  return facecheck::testing::read_bytes(facecheck::testing::data_dir() / "lfw/images" / rel);
}

class CheckinServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_DATA();
    REQUIRE_MODELS();
    store = std::make_unique<storage::Store>(storage::Store::open(":memory:"));
    engines = std::make_unique<checkin::EnginePool>(facecheck::testing::models_dir(), 1, 8);
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

  storage::Timestamp now = 1'800'000'000;
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<checkin::EnginePool> engines;
  std::unique_ptr<checkin::CheckinService> service;
  storage::Id event = 0;
};

// The reason's code of the DomainError (or the ImageError's code) f throws;
// "" when it throws neither.
std::string refusal(const std::function<void()>& f) {
  try {
    f();
  } catch (const checkin::DomainError& e) {
    return std::string(checkin::reason_code(e.reason));
  } catch (const vision::ImageError& e) {
    return e.code_name();
  }
  return "";
}

using checkin::FaceStatus;

}  // namespace

TEST_F(CheckinServiceTest, EnrolmentCountsThePersonsTemplates) {
  const auto akhmed = attendee("Akhmed Zakayev");
  const auto first = service->enrol({akhmed, "front", std::nullopt, false},
                                    photo("Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg"));
  EXPECT_EQ(first.templates, 1u);
  const auto second = service->enrol({akhmed, "another day", std::nullopt, false},
                                     photo("Akhmed_Zakayev/Akhmed_Zakayev_0002.jpg"));
  EXPECT_EQ(second.templates, 2u);
  EXPECT_NE(second.template_id, first.template_id);
}

TEST_F(CheckinServiceTest, EnrolThenCheckInThenAlreadyThenDeleted) {
  const auto abel = attendee("Akhmed Zakayev");
  const auto enrolled = service->enrol({abel, "front", std::nullopt, false},
                                       photo("Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg"));
  EXPECT_GT(enrolled.template_id, 0);
  EXPECT_FALSE(enrolled.photo_stored);

  auto r = service->check_in(event, std::nullopt, photo("Akhmed_Zakayev/Akhmed_Zakayev_0003.jpg"));
  ASSERT_EQ(r.faces.size(), 1u);
  EXPECT_EQ(r.faces[0].status, FaceStatus::kCheckedIn);
  EXPECT_EQ(r.faces[0].person->id, abel);

  now += 60;
  r = service->check_in(event, std::nullopt, photo("Akhmed_Zakayev/Akhmed_Zakayev_0003.jpg"));
  EXPECT_EQ(r.faces[0].status, FaceStatus::kAlreadyCheckedIn);
  EXPECT_EQ(*r.faces[0].checked_in_at, now - 60);  // the original time
  EXPECT_EQ(service->stats(event).counts.checked_in, 1);

  service->delete_person(abel);
  r = service->check_in(event, std::nullopt, photo("Akhmed_Zakayev/Akhmed_Zakayev_0003.jpg"));
  EXPECT_EQ(r.faces[0].status, FaceStatus::kNotRecognised);
}

TEST_F(CheckinServiceTest, StrangerIsNotRecognised) {
  const auto abel = attendee("Abel Pacheco");
  service->enrol({abel, "", std::nullopt, false}, photo("Abel_Pacheco/Abel_Pacheco_0001.jpg"));
  const auto r =
      service->check_in(event, std::nullopt, photo("Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg"));
  ASSERT_EQ(r.faces.size(), 1u);
  EXPECT_EQ(r.faces[0].status, FaceStatus::kNotRecognised);
  EXPECT_GT(*r.faces[0].distance, r.thresholds.front().value);
  EXPECT_EQ(service->stats(event).counts.checked_in, 0);
}

TEST_F(CheckinServiceTest, EnrolmentRefusalsWriteNothing) {
  const auto abel = attendee("Abel Pacheco");
  const auto other = attendee("Someone Else");
  const auto white = facecheck::testing::read_bytes(facecheck::testing::data_dir() /
                                                    "conformance/face-api/images/white.png");
  EXPECT_EQ(refusal([&] { service->enrol({abel, "", std::nullopt, false}, white); }), "no_face");
  const auto group = facecheck::testing::read_bytes(facecheck::testing::data_dir() /
                                                    "conformance/face-api/images/faces.jpg");
  EXPECT_EQ(refusal([&] {
              service->enrol({abel, "", std::nullopt, false}, group);
            }),
            "several_faces");
  const auto truncated = facecheck::testing::read_bytes(
      facecheck::testing::data_dir() / "faces/compreface/imgtools_test/truncated.jpg");
  EXPECT_EQ(refusal([&] {
              service->enrol({abel, "", std::nullopt, false}, truncated);
            }),
            "image_truncated");
  EXPECT_THROW(service->enrol({999, "", std::nullopt, false}, group), storage::NotFound);
  EXPECT_TRUE(store->list_templates(abel).empty());

  // The same face under a second name is a possible duplicate registration.
  service->enrol({abel, "", std::nullopt, false}, photo("Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg"));
  EXPECT_EQ(refusal([&] {
              service->enrol({other, "", std::nullopt, false},
                             photo("Akhmed_Zakayev/Akhmed_Zakayev_0003.jpg"));
            }),
            "possible_duplicate");
  EXPECT_TRUE(store->list_templates(other).empty());
}

TEST_F(CheckinServiceTest, CheckInOnlyInsideTheWindow) {
  now -= 3 * 3600;  // long before the doors open
  EXPECT_EQ(refusal([&] {
              service->check_in(event, std::nullopt, photo("Abel_Pacheco/Abel_Pacheco_0004.jpg"));
            }),
            "checkin_not_yet_open");
}

TEST_F(CheckinServiceTest, CsvImportIsAllOrNothingAndExportRoundTrips) {
  const std::string bad = "name,organisation,external_id\n张伟,清华大学,A1\n,Nowhere,A2\n";
  EXPECT_EQ(refusal([&] { service->import_csv(event, bad, false); }), "import_rejected");
  EXPECT_EQ(service->stats(event).counts.registered, 0);

  const std::string good =
      "姓名,单位,编号\n张伟,清华大学,A1\n\"Smith, Jane\",\"ACME \"\"Labs\"\"\",A2\n";
  const auto result = service->import_csv(event, good, false);
  EXPECT_EQ(result.imported, 2u);
  const std::string csv = service->export_csv(event);
  EXPECT_NE(csv.find("张伟"), std::string::npos);
  EXPECT_NE(csv.find("\"Smith, Jane\""), std::string::npos);
  EXPECT_NE(csv.find("\"ACME \"\"Labs\"\"\""), std::string::npos);
}

// The default threshold follows the event's gallery; the server's and the
// event's own thresholds override it, in that order.
TEST_F(CheckinServiceTest, ThresholdFollowsEventSizeUnlessSet) {
  const std::string probe = photo("Akhmed_Zakayev/Akhmed_Zakayev_0003.jpg");
  const auto akhmed = attendee("Akhmed Zakayev");
  service->enrol({akhmed, "", std::nullopt, false},
                 photo("Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg"));
  auto r = service->check_in(event, std::nullopt, probe);
  EXPECT_EQ(std::string(r.threshold_basis), "event size");
  EXPECT_FLOAT_EQ(
      r.thresholds.front().value,
      checkin::open_set_threshold(1, vision::recognizer_model(vision::kDefaultModelId)));
  const auto one_template = r.thresholds.front().value;

  // A second template makes the gallery bigger: a stricter default.
  service->enrol({akhmed, "older", std::nullopt, true},
                 photo("Akhmed_Zakayev/Akhmed_Zakayev_0002.jpg"));
  r = service->check_in(event, std::nullopt, probe);
  EXPECT_FLOAT_EQ(
      r.thresholds.front().value,
      checkin::open_set_threshold(2, vision::recognizer_model(vision::kDefaultModelId)));
  EXPECT_LE(r.thresholds.front().value, one_template);

  storage::Event e = store->get_event(event);
  e.match_threshold = 0.3;
  store->update_event(e);
  r = service->check_in(event, std::nullopt, probe);
  EXPECT_EQ(std::string(r.threshold_basis), "event");
  EXPECT_FLOAT_EQ(r.thresholds.front().value, 0.3f);

  checkin::CheckinSettings fixed;
  fixed.match_threshold = 0.35f;
  checkin::CheckinService server_wide(*store, *engines, fixed, [this] { return now; });
  e.match_threshold.reset();
  store->update_event(e);
  r = server_wide.check_in(event, std::nullopt, probe);
  EXPECT_EQ(std::string(r.threshold_basis), "server");
  EXPECT_FLOAT_EQ(r.thresholds.front().value, 0.35f);
}

// The upgrade path: a database made by schema version 1, whose attendee was
// enrolled with dlib's model before ArcFace became the default, still checks
// that attendee in (by the dlib template) after the in-place migration; a
// new photo adds an ArcFace template and both models are searched.
TEST(CheckinUpgrade, AnEventEnrolledBeforeTheUpgradeKeepsCheckingIn) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  facecheck::testing::TempDir dir("upgrade");
  const auto path = dir.path() / "facecheck.db";
  const storage::Timestamp now = 1'800'000'000;
  {
    // What the old server stored: a dlib embedding of the enrolment photo.
    vision::FaceEngine dlib(facecheck::testing::models_dir(), vision::kDlibModelId);
    const checkin::CheckinSettings old_settings;
    const auto faces =
        dlib.analyze(vision::decode_image(photo("Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg")),
                     old_settings.enrol_detector, {}, old_settings.enrol_embed);
    ASSERT_EQ(faces.size(), 1u);
    const storage::Bytes blob = storage::internal::encode_embedding(faces[0].embedding);
    storage::Database db(path.string());
    storage::Transaction tx(db);
    db.exec(storage::migrations()[0].sql);
    db.exec("PRAGMA user_version = 1");
    db.exec(
        "INSERT INTO events (id, name, starts_at, ends_at, status, checkin_opens_before_min,"
        " checkin_closes_after_min, created_at) VALUES (1, 'Gala', " +
        std::to_string(now) + ", " + std::to_string(now + 3600) + ", 'open', 60, 60, 1)");
    db.exec("INSERT INTO people (id, name, created_at) VALUES (7, 'Akhmed Zakayev', 1)");
    db.exec("INSERT INTO event_attendees (event_id, person_id, added_at) VALUES (1, 7, 1)");
    db.prepare("INSERT INTO face_templates (person_id, embedding, created_at) VALUES (7, ?, 1)")
        .bind_all(blob)
        .run();
    tx.commit();
  }
  storage::Store store = storage::Store::open(path);  // migrates to the current schema
  checkin::EnginePool engines(facecheck::testing::models_dir(), 1, 8);
  checkin::CheckinService service(store, engines, checkin::CheckinSettings{}, [&] { return now; });
  ASSERT_EQ(service.settings().model, vision::kArcFaceModelId);
  EXPECT_EQ(store.list_attendees(1).at(0).template_models,
            std::vector<std::string>{"dlib-resnet34-128"});

  auto r = service.check_in(1, std::nullopt, photo("Akhmed_Zakayev/Akhmed_Zakayev_0003.jpg"));
  ASSERT_EQ(r.faces.size(), 1u);
  EXPECT_EQ(r.faces[0].status, FaceStatus::kCheckedIn);
  EXPECT_EQ(r.faces[0].person->id, 7);
  EXPECT_EQ(r.faces[0].model, "dlib-resnet34-128");

  // Re-enrolment with the default model: both galleries are searched now.
  const auto enrolled = service.enrol({7, "new", std::nullopt, false},
                                      photo("Akhmed_Zakayev/Akhmed_Zakayev_0002.jpg"));
  EXPECT_EQ(enrolled.model, "arcface-fp-512");
  EXPECT_EQ(enrolled.templates, 2u);
  EXPECT_EQ(store.list_attendees(1).at(0).template_models,
            (std::vector<std::string>{"arcface-fp-512", "dlib-resnet34-128"}));
  r = service.check_in(1, std::nullopt, photo("Akhmed_Zakayev/Akhmed_Zakayev_0003.jpg"));
  EXPECT_EQ(r.faces[0].status, FaceStatus::kAlreadyCheckedIn);
  EXPECT_EQ(r.thresholds.size(), 2u);
  // A stranger is recognised by neither model.
  r = service.check_in(1, std::nullopt, photo("Abel_Pacheco/Abel_Pacheco_0001.jpg"));
  EXPECT_EQ(r.faces[0].status, FaceStatus::kNotRecognised);
}
