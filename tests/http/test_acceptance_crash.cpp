// Acceptance: a check-in the server confirmed survives `kill -9`. A kiosk
// streams check-ins (one photo per person); the server is killed after a
// few answers, restarted on the same data folder, and every person who got
// "checked_in" must be checked in in the database.
#include <gtest/gtest.h>

#include <atomic>
#include <iostream>
#include <mutex>
#include <set>

#include "http/acceptance_support.h"

namespace facecheck::acceptance {
namespace {

constexpr size_t kPeople = 16;       // enrolled and streamed
constexpr size_t kFirstPerson = 60;  // identify_ge5.tsv people used (not the LFW test's)
constexpr int kKillAfter = 8;        // answers before the kill

class CrashAcceptance : public ::testing::Test {
 protected:
  void SetUp() override { REQUIRE_ACCEPTANCE_INPUTS(); }
};

std::set<int64_t> checked_in_people(Api& admin, int64_t event_id) {
  std::set<int64_t> out;
  const Reply r = admin.get("/api/v1/events/" + std::to_string(event_id) + "/attendees");
  EXPECT_EQ(r.status, 200) << r.body;
  for (const auto& a : r.data()["attendees"])
    if (a.value("checked_in", false)) out.insert(a["person_id"].get<int64_t>());
  return out;
}

TEST_F(CrashAcceptance, ConfirmedCheckInsSurviveKill9) {
  TempDir dir("facecheck-accept-crash");
  const fs::path data = dir.path() / "data";
  const std::vector<std::string> args = {"--workers", "2", "--kiosk-rps", "0"};
  auto people = lfw_identify_people();
  ASSERT_GE(people.size(), kFirstPerson + kPeople);

  int64_t event_id = 0;
  std::vector<EnrolOutcome> enrolled;
  std::mutex confirmed_mutex;
  std::set<int64_t> confirmed;  // persons answered 200 + checked_in
  int answers = 0, failures = 0;
  {
    ServerProcess server(data, args);
    ASSERT_TRUE(server.start()) << server.log();
    Api admin(server.port(), server.admin_key());
    const Reply event = admin.post_json("/api/v1/events", open_event_body("crash"));
    ASSERT_EQ(event.status, 201) << event.body;
    event_id = event.data()["id"].get<int64_t>();
    for (size_t i = 0; i < kPeople; ++i) {
      enrolled.push_back(enrol_lfw_person(admin, event_id, people[kFirstPerson + i], 3));
      ASSERT_GE(enrolled.back().photo_index, 0) << people[kFirstPerson + i].name;
    }
    const Reply kiosk = admin.post_json("/api/v1/events/" + std::to_string(event_id) + "/kiosks",
                                        {{"name", "door"}});
    ASSERT_EQ(kiosk.status, 201) << kiosk.body;
    const std::string token = kiosk.data()["token"].get<std::string>();

    // The stream: each person's next photo after the enrolled one.
    std::atomic<int> done{0};
    std::thread client([&] {
      Api api(server.port(), token);
      const std::string path = "/api/v1/events/" + std::to_string(event_id) + "/checkin";
      for (size_t i = 0; i < kPeople; ++i) {
        const auto& photos = people[kFirstPerson + i].photos;
        const size_t p = static_cast<size_t>(enrolled[i].tried.back()) + 1;
        const Reply r = api.post_image(path, read_text(photos[p % photos.size()]));
        if (r.status == 0) {
          ++failures;
          if (failures > 3) break;  // the server is gone
          continue;
        }
        ++answers;
        if (r.status == 200) {
          std::lock_guard lock(confirmed_mutex);
          for (const auto& f : r.data()["faces"])
            if (f.value("status", "") == "checked_in") confirmed.insert(face_person(f));
        }
        ++done;
      }
    });
    // Kill as soon as the kiosk has its answers; the next request is in flight.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
    while (done < kKillAfter && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    server.kill9();
    client.join();
  }
  std::cout << "[crash] answers before kill -9: " << answers << ", checked_in confirmed "
            << confirmed.size() << ", failed requests " << failures << "\n";
  ASSERT_GE(answers, kKillAfter);
  ASSERT_GT(confirmed.size(), 0u);
  EXPECT_LT(answers, static_cast<int>(kPeople)) << "the kill came after the stream ended";

  ServerProcess again(data, args);
  ASSERT_TRUE(again.start()) << again.log();
  Api admin(again.port(), again.admin_key());
  const auto in_db = checked_in_people(admin, event_id);
  for (const int64_t id : confirmed) EXPECT_TRUE(in_db.count(id)) << "person " << id << " lost";
  std::cout << "[crash] after restart: " << in_db.size() << " checked in (" << confirmed.size()
            << " confirmed before the kill)\n";

  // The export says the same.
  const Reply csv = admin.get("/api/v1/events/" + std::to_string(event_id) + "/export.csv");
  ASSERT_EQ(csv.status, 200);
  for (size_t i = 0; i < kPeople; ++i) {
    if (confirmed.count(enrolled[i].person_id)) {
      EXPECT_NE(csv.body.find(people[kFirstPerson + i].name), std::string::npos);
    }
  }

  // Templates survived too, and the restarted server recognises a
  // confirmed person again: already checked in.
  const Reply att = admin.get("/api/v1/events/" + std::to_string(event_id) + "/attendees");
  for (const auto& a : att.data()["attendees"]) EXPECT_TRUE(a.value("enrolled", false));
  for (size_t i = 0; i < kPeople; ++i) {
    if (!confirmed.count(enrolled[i].person_id)) continue;
    const auto& photos = people[kFirstPerson + i].photos;
    const size_t p = static_cast<size_t>(enrolled[i].tried.back()) + 1;
    const Reply r = admin.post_image("/api/v1/events/" + std::to_string(event_id) + "/checkin",
                                     read_text(photos[p % photos.size()]));
    ASSERT_EQ(r.status, 200) << r.body;
    bool already = false;
    for (const auto& f : r.data()["faces"])
      already |=
          f.value("status", "") == "already_checked_in" && face_person(f) == enrolled[i].person_id;
    EXPECT_TRUE(already) << r.body;
    break;
  }
}

}  // namespace
}  // namespace facecheck::acceptance
