// Store: events, people, attendance, face templates, cascades, persistence.
#include <algorithm>
#include <limits>

#include "store_test_support.h"
#include "test_support.h"

using namespace facecheck::storage;
using namespace facecheck::storage::testing;

using EventsTest = StoreTest;
using PeopleTest = StoreTest;
using AttendanceTest = StoreTest;
using TemplatesTest = StoreTest;
using CascadeTest = StoreTest;

TEST_F(EventsTest, CreateGetListUpdateDelete) {
  Event draft = event_named("年会 2025");
  draft.match_threshold = 0.45;
  const Event created = store_.create_event(draft);
  EXPECT_GT(created.id, 0);
  EXPECT_GT(created.created_at, 0);
  EXPECT_EQ(created.status, EventStatus::kDraft);
  EXPECT_EQ(created.checkin_opens_before_min, 60);

  const Event got = store_.get_event(created.id);
  EXPECT_EQ(got.name, "年会 2025");
  EXPECT_EQ(got.venue, "Hall A");
  EXPECT_EQ(got.ends_at - got.starts_at, 3 * 3600);
  ASSERT_TRUE(got.match_threshold.has_value());
  EXPECT_DOUBLE_EQ(*got.match_threshold, 0.45);

  const Event later = store_.create_event(event_named("Later", draft.starts_at + 86400));
  const auto all = store_.list_events();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, later.id) << "latest start first";

  Event changed = got;
  changed.status = EventStatus::kOpen;
  changed.match_threshold.reset();
  changed.checkin_closes_after_min = 15;
  const Event updated = store_.update_event(changed);
  EXPECT_EQ(updated.status, EventStatus::kOpen);
  EXPECT_FALSE(updated.match_threshold.has_value());
  EXPECT_EQ(updated.checkin_closes_after_min, 15);
  EXPECT_EQ(updated.created_at, created.created_at);

  store_.delete_event(created.id);
  EXPECT_THROW(store_.get_event(created.id), NotFound);
  EXPECT_EQ(store_.list_events().size(), 1u);
}

TEST_F(EventsTest, UnknownIdsAreNotFound) {
  EXPECT_THROW(store_.get_event(42), NotFound);
  Event e = event_named("x");
  e.id = 42;
  EXPECT_THROW(store_.update_event(e), NotFound);
  EXPECT_THROW(store_.delete_event(42), NotFound);
  EXPECT_THROW(store_.list_attendees(42), NotFound);
  EXPECT_THROW(store_.event_stats(42), NotFound);
}

TEST_F(EventsTest, RejectsInvalidEvents) {
  Event e = event_named("  ");
  EXPECT_THROW(store_.create_event(e), Invalid);
  e = event_named("backwards");
  e.ends_at = e.starts_at - 1;
  EXPECT_THROW(store_.create_event(e), Invalid);
  e = event_named("window");
  e.checkin_opens_before_min = -5;
  EXPECT_THROW(store_.create_event(e), Invalid);
  e = event_named("threshold");
  e.match_threshold = 0.0;
  EXPECT_THROW(store_.create_event(e), Invalid);
  EXPECT_EQ(raw_count("events"), 0);
}

TEST(EventStatusText, RoundTrips) {
  for (auto s : {EventStatus::kDraft, EventStatus::kOpen, EventStatus::kClosed})
    EXPECT_EQ(parse_event_status(to_string(s)), s);
  EXPECT_EQ(to_string(EventStatus::kOpen), "open");
  EXPECT_FALSE(parse_event_status("Open").has_value());
}

TEST_F(PeopleTest, CreateGetUpdateDeleteWithChineseNames) {
  Person p = person_named("  欧阳娜娜 ", "EMP-001");
  p.title = "总经理";
  p.email = "nana@example.cn";
  p.phone = "+86 138 0000 0000";
  const Person created = store_.create_person(p);
  EXPECT_EQ(created.name, "欧阳娜娜") << "surrounding spaces are trimmed";

  const Person got = store_.get_person(created.id);
  EXPECT_EQ(got.title, "总经理");
  EXPECT_EQ(got.external_id, "EMP-001");

  const auto found = store_.find_person_by_external_id("EMP-001");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, created.id);
  EXPECT_FALSE(store_.find_person_by_external_id("EMP-999").has_value());

  Person changed = got;
  changed.organisation = "清华大学";
  changed.external_id = "EMP-002";
  EXPECT_EQ(store_.update_person(changed).organisation, "清华大学");
  EXPECT_FALSE(store_.find_person_by_external_id("EMP-001").has_value());

  store_.delete_person(created.id);
  EXPECT_THROW(store_.get_person(created.id), NotFound);
  EXPECT_THROW(store_.delete_person(created.id), NotFound);
}

TEST_F(PeopleTest, DuplicateExternalIdIsAConflict) {
  const Person a = store_.create_person(person_named("A", "X1"));
  EXPECT_THROW(store_.create_person(person_named("B", "X1")), Conflict);
  EXPECT_THROW(store_.create_person(person_named("B", " X1 ")), Conflict);
  Person b = store_.create_person(person_named("B", "X2"));
  b.external_id = "X1";
  EXPECT_THROW(store_.update_person(b), Conflict);
  Person same = a;
  same.name = "A renamed";
  EXPECT_NO_THROW(store_.update_person(same)) << "keeping one's own external_id is fine";
}

TEST_F(PeopleTest, EmptyExternalIdsAreAbsentAndMayRepeat) {
  const Person a = store_.create_person(person_named("A", ""));
  const Person b = store_.create_person(person_named("B", "   "));
  const Person c = store_.create_person(person_named("C"));
  EXPECT_FALSE(a.external_id.has_value());
  EXPECT_FALSE(b.external_id.has_value());
  EXPECT_FALSE(c.external_id.has_value());
  EXPECT_EQ(raw().query_int64("SELECT count(*) FROM people WHERE external_id IS NULL"), 3);
}

TEST_F(PeopleTest, RejectsEmptyNamesAndInvalidUtf8) {
  EXPECT_THROW(store_.create_person(person_named(" \t")), Invalid);
  EXPECT_THROW(store_.create_person(person_named("bad \xC3\x28")), Invalid);
  EXPECT_THROW(store_.create_person(person_named("overlong \xC0\xAF")), Invalid);
  EXPECT_THROW(store_.create_person(person_named("surrogate \xED\xA0\x80")), Invalid);
  Person p = person_named("ok");
  p.email = std::string("nul\0byte", 8);
  EXPECT_THROW(store_.create_person(p), Invalid);
  EXPECT_NO_THROW(store_.create_person(person_named("emoji 🎉 and 王")));
}

TEST_F(PeopleTest, SearchesAndPages) {
  for (const char* name : {"张伟", "张敏", "王芳", "Alice Zhang", "Bob"})
    store_.create_person(person_named(name));
  Person with_email = person_named("Carol");
  with_email.email = "carol@ZHANG.example";
  store_.create_person(with_email);

  EXPECT_EQ(store_.list_people().total, 6);
  EXPECT_EQ(store_.list_people({.search = "张"}).total, 2);
  EXPECT_EQ(store_.list_people({.search = "zhang"}).total, 2) << "ASCII is case-insensitive";
  EXPECT_EQ(store_.list_people({.search = "nobody"}).total, 0);
  EXPECT_EQ(store_.list_people({.search = "100%"}).total, 0) << "no LIKE wildcards";

  std::vector<std::string> names;
  for (int offset = 0; offset < 6; offset += 4) {
    const auto page = store_.list_people({.search = "", .limit = 4, .offset = offset});
    EXPECT_EQ(page.total, 6);
    for (const auto& p : page.items) names.push_back(p.name);
  }
  ASSERT_EQ(names.size(), 6u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(store_.list_people({.search = "", .limit = 0}).items.size(), 1u)
      << "limit is clamped to >= 1";
}

TEST_F(AttendanceTest, AddListRemove) {
  const Event e = store_.create_event(event_named("E"));
  const Person a = store_.create_person(person_named("A"));
  const Person b = store_.create_person(person_named("B"));
  EXPECT_TRUE(store_.add_attendee(e.id, a.id));
  EXPECT_FALSE(store_.add_attendee(e.id, a.id)) << "adding twice is a no-op";
  EXPECT_TRUE(store_.add_attendee(e.id, b.id));
  store_.add_template(template_for(a.id, 0.1f));
  store_.record_checkin(checkin_for(e.id, a.id, e.starts_at + 60));

  const auto attendees = store_.list_attendees(e.id);
  ASSERT_EQ(attendees.size(), 2u);
  EXPECT_EQ(attendees[0].person.name, "A");
  EXPECT_EQ(attendees[0].template_count, 1);
  EXPECT_EQ(attendees[0].checked_in_at, e.starts_at + 60);
  EXPECT_EQ(attendees[1].template_count, 0);
  EXPECT_FALSE(attendees[1].checked_in_at.has_value());

  store_.remove_attendee(e.id, a.id);
  EXPECT_EQ(store_.list_attendees(e.id).size(), 1u);
  EXPECT_EQ(raw_count("check_ins"), 0) << "the check-in goes with the attendance";
  EXPECT_THROW(store_.remove_attendee(e.id, a.id), NotFound);
  EXPECT_THROW(store_.add_attendee(e.id, 999), NotFound);
  EXPECT_THROW(store_.add_attendee(999, a.id), NotFound);
}

// A new attendee is one transaction: the person and the attendance, or
// neither (no orphan person when the event is gone or the id is taken).
TEST_F(AttendanceTest, CreateAttendeeIsAllOrNothing) {
  const Id event = store_.create_event(event_named("Gala")).id;
  const Person ann = store_.create_attendee(event, person_named("Ann", "E1"));
  ASSERT_EQ(store_.list_attendees(event).size(), 1u);
  EXPECT_EQ(store_.list_attendees(event)[0].person.id, ann.id);

  EXPECT_THROW(store_.create_attendee(event + 100, person_named("Bob")), NotFound);
  EXPECT_THROW(store_.create_attendee(event, person_named("Cem", "E1")), Conflict);
  EXPECT_THROW(store_.create_attendee(event, person_named("")), Invalid);
  EXPECT_EQ(store_.list_people().total, 1);
  EXPECT_EQ(store_.list_attendees(event).size(), 1u);
}

TEST_F(AttendanceTest, APersonAttendsSeveralEvents) {
  const Event e1 = store_.create_event(event_named("E1"));
  const Event e2 = store_.create_event(event_named("E2"));
  const Person p = store_.create_person(person_named("P"));
  store_.add_template(template_for(p.id, 0.3f));
  store_.add_attendee(e1.id, p.id);
  store_.add_attendee(e2.id, p.id);
  EXPECT_EQ(store_.list_event_templates(e1.id).size(), 1u);
  EXPECT_EQ(store_.list_event_templates(e2.id).size(), 1u);
  EXPECT_FALSE(store_.record_checkin(checkin_for(e1.id, p.id, 100)).already);
  EXPECT_FALSE(store_.record_checkin(checkin_for(e2.id, p.id, 200)).already);
}

TEST_F(TemplatesTest, AddListPhotoDelete) {
  const Person p = store_.create_person(person_named("P"));
  const Bytes photo = {0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3};
  const FaceTemplate original = template_for(p.id, -0.25f);
  const FaceTemplate with_photo = store_.add_template(original, photo);
  const FaceTemplate without = store_.add_template(template_for(p.id, 0.5f, "glasses"));
  EXPECT_TRUE(with_photo.has_photo);
  EXPECT_FALSE(without.has_photo);

  const auto list = store_.list_templates(p.id);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].embedding, original.embedding) << "float32 bits round-trip exactly";
  EXPECT_EQ(list[0].quality, original.quality);
  EXPECT_EQ(list[1].label, "glasses");
  EXPECT_EQ(store_.template_photo(with_photo.id), photo);
  EXPECT_FALSE(store_.template_photo(without.id).has_value());

  EXPECT_EQ(store_.delete_all_photos(), 1);
  EXPECT_FALSE(store_.template_photo(with_photo.id).has_value());
  EXPECT_EQ(raw().query_int64("SELECT count(*) FROM face_templates WHERE photo IS NOT NULL"), 0);

  store_.delete_template(without.id);
  EXPECT_EQ(store_.list_templates(p.id).size(), 1u);
  EXPECT_THROW(store_.delete_template(without.id), NotFound);
  EXPECT_THROW(store_.template_photo(without.id), NotFound);
  EXPECT_THROW(store_.add_template(template_for(999, 0.f)), NotFound);
  EXPECT_THROW(store_.list_templates(999), NotFound);
}

TEST_F(TemplatesTest, RejectsNonFiniteEmbeddings) {
  const Person p = store_.create_person(person_named("P"));
  FaceTemplate t = template_for(p.id, 0.f);
  t.embedding[7] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(store_.add_template(t), Invalid);
  EXPECT_EQ(raw_count("face_templates"), 0);
}

TEST_F(TemplatesTest, EventTemplatesAreThoseOfItsAttendees) {
  const Event e = store_.create_event(event_named("E"));
  const Person in = store_.create_person(person_named("In"));
  const Person out = store_.create_person(person_named("Out"));
  store_.add_attendee(e.id, in.id);
  store_.add_template(template_for(in.id, 0.1f));
  store_.add_template(template_for(in.id, 0.2f));
  store_.add_template(template_for(out.id, 0.3f));
  const auto gallery = store_.list_event_templates(e.id);
  ASSERT_EQ(gallery.size(), 2u);
  for (const auto& t : gallery) EXPECT_EQ(t.person_id, in.id);
  EXPECT_THROW(store_.list_event_templates(999), NotFound);
}

TEST_F(CascadeTest, DeletingAPersonRemovesAllTheirData) {
  const Event e = store_.create_event(event_named("E"));
  const Person p = store_.create_person(person_named("P"));
  const Person other = store_.create_person(person_named("Other"));
  store_.add_attendee(e.id, p.id);
  store_.add_attendee(e.id, other.id);
  store_.add_template(template_for(p.id, 0.1f), Bytes(5000, 0x42));
  store_.add_template(template_for(other.id, 0.2f));
  store_.record_checkin(checkin_for(e.id, p.id, 1000));

  store_.delete_person(p.id);
  const std::string where = " WHERE person_id = " + std::to_string(p.id);
  Database db = raw();
  EXPECT_EQ(db.query_int64("SELECT count(*) FROM face_templates" + where), 0);
  EXPECT_EQ(db.query_int64("SELECT count(*) FROM event_attendees" + where), 0);
  EXPECT_EQ(db.query_int64("SELECT count(*) FROM check_ins" + where), 0);
  EXPECT_EQ(db.query_int64("SELECT count(*) FROM face_templates WHERE photo IS NOT NULL"), 0);
  EXPECT_EQ(raw_count("face_templates"), 1) << "other people keep theirs";
  EXPECT_EQ(raw_count("event_attendees"), 1);
}

// On PostgreSQL deleted rows' bytes stay in the table's pages until VACUUM
// reuses them (docs/privacy.md); SQLite's secure_delete zeroes them at once.
#ifndef FACECHECK_STORE_ON_POSTGRES
namespace {

// A photo that starts with `marker` and spills into overflow pages.
Bytes marked_photo(const std::string& marker) {
  Bytes photo(marker.begin(), marker.end());
  photo.resize(20000, static_cast<std::uint8_t>(marker.back()));
  return photo;
}

// Checked with the store still open: neither the database file nor the WAL
// may keep the deleted bytes.
void expect_gone_from_files(const fs::path& dir, const std::string& marker) {
  const std::string filler(64, marker.back());
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string bytes = facecheck::testing::read_bytes(entry.path());
    EXPECT_EQ(bytes.find(marker), std::string::npos) << marker << " in " << entry.path();
    EXPECT_EQ(bytes.find(filler), std::string::npos) << marker << " in " << entry.path();
  }
}

}  // namespace

TEST_F(CascadeTest, DeletedBiometricBytesLeaveTheFiles) {
  const Person p = store_.create_person(person_named("P"));
  const Person q = store_.create_person(person_named("Q"));
  store_.add_template(template_for(p.id, 0.1f), marked_photo("PERSON-DELETED-X"));
  const auto t = store_.add_template(template_for(q.id, 0.2f), marked_photo("TEMPLATE-DELETED-Y"));
  store_.add_template(template_for(q.id, 0.3f), marked_photo("PHOTOS-TURNED-OFF-W"));

  store_.delete_person(p.id);
  expect_gone_from_files(dir_.path(), "PERSON-DELETED-X");
  store_.delete_template(t.id);
  expect_gone_from_files(dir_.path(), "TEMPLATE-DELETED-Y");
  store_.delete_all_photos();
  expect_gone_from_files(dir_.path(), "PHOTOS-TURNED-OFF-W");
}
#endif

TEST_F(CascadeTest, DeletingAnEventKeepsPeopleAndTemplates) {
  const Event e = store_.create_event(event_named("E"));
  const Person p = store_.create_person(person_named("P"));
  store_.add_attendee(e.id, p.id);
  store_.add_template(template_for(p.id, 0.1f));
  const auto kiosk = store_.create_kiosk(e.id, "Gate 1");
  store_.record_checkin(checkin_for(e.id, p.id, 1000));

  store_.delete_event(e.id);
  EXPECT_EQ(raw_count("event_attendees"), 0);
  EXPECT_EQ(raw_count("check_ins"), 0);
  EXPECT_EQ(raw_count("kiosks"), 0);
  EXPECT_FALSE(store_.authenticate_kiosk(kiosk.token).has_value());
  EXPECT_EQ(raw_count("people"), 1);
  EXPECT_EQ(raw_count("face_templates"), 1);
}

TEST(Persistence, DataSurvivesCloseAndReopen) {
  TempDir dir;
  const auto path = new_store_location(dir);
  Id event_id = 0, person_id = 0;
  std::string token;
  FaceTemplate tmpl;
  {
    Store store = Store::open(path);
    event_id = store.create_event(event_named("持久")).id;
    person_id = store.create_person(person_named("赵六", "Z6")).id;
    store.add_attendee(event_id, person_id);
    tmpl = store.add_template(template_for(person_id, 0.7f));
    store.record_checkin(checkin_for(event_id, person_id, 12345));
    token = store.create_kiosk(event_id, "Gate").token;
  }
  Store store = Store::open(path);
  EXPECT_EQ(store.get_event(event_id).name, "持久");
  EXPECT_EQ(store.get_person(person_id).name, "赵六");
  EXPECT_EQ(store.list_templates(person_id).at(0).embedding, tmpl.embedding);
  EXPECT_EQ(store.list_checkins(event_id).at(0).checked_in_at, 12345);
  EXPECT_TRUE(store.authenticate_kiosk(token).has_value());
}
