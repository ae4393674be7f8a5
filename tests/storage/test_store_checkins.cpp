// Store: check-ins, event statistics and the bulk import of attendees.
#include "store_test_support.h"

using namespace facecheck::storage;
using namespace facecheck::storage::testing;

namespace {

class CheckInTest : public StoreTest {
 protected:
  Event event_ = store_.create_event(event_named("签到测试"));
  Person alice_ = store_.create_person(person_named("Alice"));
  Person bob_ = store_.create_person(person_named("Bob"));

  void SetUp() override {
    store_.add_attendee(event_.id, alice_.id);
    store_.add_attendee(event_.id, bob_.id);
  }
};

using ImportTest = StoreTest;

std::vector<Person> rows(std::initializer_list<std::pair<const char*, const char*>> list) {
  std::vector<Person> result;
  for (const auto& [name, external_id] : list)
    result.push_back(
        person_named(name, external_id ? std::optional<std::string>(external_id) : std::nullopt));
  return result;
}

}  // namespace

TEST_F(CheckInTest, RecordsACheckIn) {
  CheckIn c = checkin_for(event_.id, alice_.id, event_.starts_at - 120, 0.38);
  const auto kiosk = store_.create_kiosk(event_.id, "Gate 1");
  c.kiosk_id = kiosk.kiosk.id;
  const CheckInResult r = store_.record_checkin(c);
  EXPECT_FALSE(r.already);
  EXPECT_GT(r.check_in.id, 0);
  EXPECT_EQ(r.check_in.checked_in_at, event_.starts_at - 120);
  EXPECT_DOUBLE_EQ(r.check_in.distance, 0.38);
  EXPECT_EQ(r.check_in.kiosk_id, kiosk.kiosk.id);
  EXPECT_EQ(r.check_in.quality, c.quality);
}

TEST_F(CheckInTest, DuplicateReturnsTheOriginalAndWritesNothing) {
  const auto first = store_.record_checkin(checkin_for(event_.id, alice_.id, 1000, 0.30));
  const auto second = store_.record_checkin(checkin_for(event_.id, alice_.id, 2000, 0.20));
  EXPECT_TRUE(second.already);
  EXPECT_EQ(second.check_in.id, first.check_in.id);
  EXPECT_EQ(second.check_in.checked_in_at, 1000) << "the original time";
  EXPECT_DOUBLE_EQ(second.check_in.distance, 0.30);
  EXPECT_EQ(raw_count("check_ins"), 1);
  EXPECT_EQ(raw().query_int64("SELECT checked_in_at FROM check_ins"), 1000);
}

TEST_F(CheckInTest, RejectsNonAttendeesAndBadValues) {
  const Person stranger = store_.create_person(person_named("Stranger"));
  EXPECT_THROW(store_.record_checkin(checkin_for(event_.id, stranger.id, 1)), NotFound);
  EXPECT_THROW(store_.record_checkin(checkin_for(999, alice_.id, 1)), NotFound);
  CheckIn c = checkin_for(event_.id, alice_.id, 1);
  c.kiosk_id = 999;
  EXPECT_THROW(store_.record_checkin(c), NotFound);
  EXPECT_THROW(store_.record_checkin(checkin_for(event_.id, alice_.id, 1, -0.1)), Invalid);
  EXPECT_THROW(store_.record_checkin(checkin_for(event_.id, alice_.id, 1, std::nan(""))), Invalid);
  EXPECT_EQ(raw_count("check_ins"), 0);
}

TEST_F(CheckInTest, ListsCheckInsByTime) {
  store_.record_checkin(checkin_for(event_.id, bob_.id, 2000));
  store_.record_checkin(checkin_for(event_.id, alice_.id, 1000));
  const auto list = store_.list_checkins(event_.id);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].person_id, alice_.id);
  EXPECT_EQ(list[1].person_id, bob_.id);
  EXPECT_THROW(store_.list_checkins(999), NotFound);
}

TEST_F(CheckInTest, StatsCountRegisteredEnrolledCheckedInAndBuckets) {
  const Person carol = store_.create_person(person_named("Carol"));
  store_.add_attendee(event_.id, carol.id);
  store_.add_template(template_for(alice_.id, 0.1f));
  store_.add_template(template_for(alice_.id, 0.2f));
  store_.add_template(template_for(bob_.id, 0.3f));
  const Timestamp t0 = 1'750'000'200;  // a multiple of 600
  store_.record_checkin(checkin_for(event_.id, alice_.id, t0 + 5));
  store_.record_checkin(checkin_for(event_.id, bob_.id, t0 + 599));
  store_.record_checkin(checkin_for(event_.id, carol.id, t0 + 1800));

  const EventStats stats = store_.event_stats(event_.id);
  EXPECT_EQ(stats.registered, 3);
  EXPECT_EQ(stats.enrolled, 2) << "two templates still make one enrolled person";
  EXPECT_EQ(stats.checked_in, 3);
  ASSERT_EQ(stats.buckets.size(), 2u);
  EXPECT_EQ(stats.buckets[0].start, t0);
  EXPECT_EQ(stats.buckets[0].count, 2);
  EXPECT_EQ(stats.buckets[1].start, t0 + 1800);
  EXPECT_EQ(stats.buckets[1].count, 1);

  EXPECT_EQ(store_.event_stats(event_.id, 3600).buckets.size(), 1u);
  EXPECT_THROW(store_.event_stats(event_.id, 0), Invalid);
}

TEST_F(ImportTest, ImportsEveryRowWithChineseNames) {
  const Event e = store_.create_event(event_named("导入"));
  const auto result =
      store_.import_people(e.id, rows({{"张三", "S001"}, {"李四", nullptr}, {"王五", "S003"}}));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.created, 3);
  ASSERT_EQ(result.person_ids.size(), 3u);
  EXPECT_EQ(store_.get_person(result.person_ids[0]).name, "张三");
  EXPECT_EQ(store_.get_person(result.person_ids[1]).name, "李四");
  EXPECT_EQ(store_.find_person_by_external_id("S003")->name, "王五");
  EXPECT_EQ(store_.list_attendees(e.id).size(), 3u);
  EXPECT_EQ(raw().query_text("SELECT name FROM people WHERE external_id = 'S001'"), "张三");
}

TEST_F(ImportTest, AnyBadRowWritesNothingAndEveryErrorIsReported) {
  const Event e = store_.create_event(event_named("E"));
  store_.create_person(person_named("Existing", "DB-1"));
  const auto result = store_.import_people(e.id, rows({{"好的", "A1"},
                                                       {"  ", "A2"},
                                                       {"重复", "A1"},
                                                       {"已存在", "DB-1"},
                                                       {"bad \xFF", nullptr},
                                                       {"也好", nullptr}}));
  EXPECT_FALSE(result.ok());
  ASSERT_EQ(result.errors.size(), 4u);
  EXPECT_EQ(result.errors[0].row, 1u);
  EXPECT_NE(result.errors[0].message.find("name"), std::string::npos);
  EXPECT_EQ(result.errors[1].row, 2u);
  EXPECT_NE(result.errors[1].message.find("earlier row"), std::string::npos);
  EXPECT_EQ(result.errors[2].row, 3u);
  EXPECT_NE(result.errors[2].message.find("DB-1"), std::string::npos);
  EXPECT_EQ(result.errors[3].row, 4u);
  EXPECT_NE(result.errors[3].message.find("UTF-8"), std::string::npos);
  EXPECT_TRUE(result.person_ids.empty());
  EXPECT_EQ(result.created, 0);
  EXPECT_EQ(raw_count("people"), 1) << "only the pre-existing person";
  EXPECT_EQ(raw_count("event_attendees"), 0);
}

TEST_F(ImportTest, LinkModeAddsExistingPeopleToTheEvent) {
  const Event first = store_.create_event(event_named("First"));
  const Event second = store_.create_event(event_named("Second"));
  const auto one = store_.import_people(first.id, rows({{"老张", "P1"}}));
  ASSERT_TRUE(one.ok());
  store_.add_template(template_for(one.person_ids[0], 0.4f));

  EXPECT_FALSE(store_.import_people(second.id, rows({{"老张", "P1"}})).ok());
  const auto two = store_.import_people(second.id, rows({{"老张", "P1"}, {"新人", "P2"}}),
                                        ExistingPeople::kLink);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two.linked, 1);
  EXPECT_EQ(two.created, 1);
  EXPECT_EQ(two.person_ids[0], one.person_ids[0]);
  EXPECT_EQ(store_.list_event_templates(second.id).size(), 1u) << "enrol once, attend many";
}

TEST_F(ImportTest, UnknownEventIsNotFoundAndEmptyImportIsFine) {
  EXPECT_THROW(store_.import_people(999, rows({{"A", nullptr}})), NotFound);
  const Event e = store_.create_event(event_named("E"));
  EXPECT_TRUE(store_.import_people(e.id, {}).ok());
  EXPECT_EQ(raw_count("people"), 0);
}
