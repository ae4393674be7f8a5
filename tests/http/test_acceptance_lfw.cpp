// Acceptance: open-set check-in on LFW through the real server. 50 people
// are enrolled from one photo each, then checked in with two other photos
// each from a kiosk, and 200 photos of people never enrolled are shown to
// the same kiosk.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <set>

#include "http/acceptance_support.h"

namespace facecheck::acceptance {
namespace {

constexpr size_t kEnrolled = 50;
constexpr size_t kProbesPerPerson = 2;
constexpr size_t kStrangers = 200;
constexpr int kClients = 2;

struct Probe {
  fs::path photo;
  int64_t expected = 0;  // person id; 0 for a stranger
};

struct ProbeResult {
  int http_status = 0;
  bool central_found = false;
  std::string central_status;
  int64_t central_person = 0;
  std::optional<double> central_distance;
  int bystanders_accepted = 0;  // other faces in the photo that were checked in
  std::vector<int64_t> bystander_people;
};

std::string summary(std::vector<double> v) {
  if (v.empty()) return "n=0";
  std::sort(v.begin(), v.end());
  std::ostringstream s;
  s << std::fixed << std::setprecision(3) << "n=" << v.size() << " min=" << v.front()
    << " p10=" << v[v.size() / 10] << " median=" << v[v.size() / 2]
    << " p90=" << v[v.size() * 9 / 10] << " max=" << v.back();
  return s.str();
}

class LfwAcceptance : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    suite_.start("facecheck-accept-lfw", {"--workers", "2", "--kiosk-rps", "0"});
  }
  static void TearDownTestSuite() { suite_.stop(); }
  void SetUp() override {
    REQUIRE_ACCEPTANCE_INPUTS();
    ASSERT_TRUE(suite_.started()) << "the server did not start\n" << suite_.log();
  }

  // Runs the probes from kClients threads, each with its own connection.
  static std::vector<ProbeResult> run_probes(const std::vector<Probe>& probes,
                                             const std::string& token, int64_t event_id) {
    std::vector<ProbeResult> results(probes.size());
    std::atomic<size_t> next{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&] {
        Api kiosk(suite_.server().port(), token);
        const std::string path = "/api/v1/events/" + std::to_string(event_id) + "/checkin";
        for (size_t i = next++; i < probes.size(); i = next++) {
          const Reply r = kiosk.post_image(path, read_text(probes[i].photo));
          ProbeResult& out = results[i];
          out.http_status = r.status;
          if (r.status != 200) continue;
          const json answer = r.data();
          const json* central = central_face(answer);
          if (central) {
            out.central_found = true;
            out.central_status = central->value("status", "");
            out.central_person = accepted(*central) ? face_person(*central) : 0;
            if (central->contains("distance"))
              out.central_distance = (*central)["distance"].get<double>();
          }
          for (const auto& f : answer["faces"])
            if (&f != central && accepted(f)) {
              ++out.bystanders_accepted;
              out.bystander_people.push_back(face_person(f));
            }
        }
      });
    }
    for (auto& t : clients) t.join();
    return results;
  }

  static inline SuiteServer suite_;
};

TEST_F(LfwAcceptance, OpenSetCheckIn) {
  const auto t0 = std::chrono::steady_clock::now();
  Api admin(suite_.server().port(), suite_.server().admin_key());
  const Reply event = admin.post_json("/api/v1/events", open_event_body("LFW acceptance"));
  ASSERT_EQ(event.status, 201) << event.body;
  const int64_t event_id = event.data()["id"].get<int64_t>();
  const Reply kiosk =
      admin.post_json("/api/v1/events/" + std::to_string(event_id) + "/kiosks", {{"name", "door"}});
  ASSERT_EQ(kiosk.status, 201) << kiosk.body;
  const std::string token = kiosk.data()["token"].get<std::string>();

  // Enrolment: the first 50 people of identify_ge5.tsv, in file order. At
  // most 3 photos per person, so at least 2 remain for the probes.
  auto people = lfw_identify_people();
  ASSERT_GE(people.size(), kEnrolled);
  people.resize(kEnrolled);
  std::vector<EnrolOutcome> enrolled(kEnrolled);
  {
    std::atomic<size_t> next{0};
    std::vector<std::thread> workers;
    for (int c = 0; c < kClients; ++c)
      workers.emplace_back([&] {
        Api api(suite_.server().port(), suite_.server().admin_key());
        for (size_t i = next++; i < kEnrolled; i = next++)
          enrolled[i] = enrol_lfw_person(api, event_id, people[i], 3);
      });
    for (auto& t : workers) t.join();
  }
  int refused = 0, several = 0, duplicates = 0, not_enrolled = 0;
  for (size_t i = 0; i < kEnrolled; ++i) {
    const auto& e = enrolled[i];
    refused += e.refused_quality;
    several += e.several_faces;
    duplicates += e.duplicates;
    for (const auto& err : e.other_errors) ADD_FAILURE() << people[i].name << ": " << err;
    if (e.photo_index < 0) {
      ++not_enrolled;
      std::cout << "[lfw] not enrolled: " << people[i].name << "\n";
    }
  }
  const auto t_enrol = std::chrono::steady_clock::now();
  std::cout << "[lfw] enrolled " << kEnrolled - not_enrolled << "/" << kEnrolled
            << " people; photos refused (no face / poor quality) " << refused
            << ", several faces (central one chosen) " << several << ", duplicate warnings "
            << duplicates << "; " << std::chrono::duration<double>(t_enrol - t0).count() << " s\n";
  EXPECT_EQ(not_enrolled, 0);

  // Genuine probes: two photos per person that were not tried at enrolment.
  std::vector<Probe> genuine;
  for (size_t i = 0; i < kEnrolled; ++i) {
    const auto& e = enrolled[i];
    if (e.photo_index < 0) continue;
    size_t taken = 0;
    for (size_t p = 0; p < people[i].photos.size() && taken < kProbesPerPerson; ++p) {
      if (std::find(e.tried.begin(), e.tried.end(), static_cast<int>(p)) != e.tried.end()) continue;
      genuine.push_back({people[i].photos[p], e.person_id});
      ++taken;
    }
  }
  const auto genuine_results = run_probes(genuine, token, event_id);
  int right = 0, wrong = 0, missed = 0, http_errors = 0, bystanders = 0;
  std::map<std::string, int> missed_why;  // the central face's status, or "no_face"
  std::vector<double> right_distances, wrong_distances, missed_distances;
  for (size_t i = 0; i < genuine.size(); ++i) {
    const auto& r = genuine_results[i];
    bystanders += r.bystanders_accepted;
    if (r.http_status != 200) {
      ++http_errors;
      ++missed;
      continue;
    }
    if (r.central_person == genuine[i].expected) {
      ++right;
      if (r.central_distance) right_distances.push_back(*r.central_distance);
    } else if (r.central_person != 0) {
      ++wrong;
      if (r.central_distance) wrong_distances.push_back(*r.central_distance);
      std::cout << "[lfw] WRONG: " << genuine[i].photo.filename().string() << " -> person "
                << r.central_person << "\n";
    } else {
      ++missed;
      ++missed_why[r.central_found ? r.central_status : "no_face"];
      if (!r.central_found)
        std::cout << "[lfw] no face found in " << genuine[i].photo.filename().string() << "\n";
      if (r.central_distance) missed_distances.push_back(*r.central_distance);
    }
  }
  const auto t_genuine = std::chrono::steady_clock::now();
  const double n = static_cast<double>(genuine.size());
  std::cout << "[lfw] genuine probes " << genuine.size() << ": right " << right << " ("
            << 100.0 * right / n << "%), someone else " << wrong << " (" << 100.0 * wrong / n
            << "%), not recognised " << missed << " (HTTP errors " << http_errors
            << "), bystander faces checked in " << bystanders << "; "
            << std::chrono::duration<double>(t_genuine - t_enrol).count() << " s\n"
            << "[lfw]   not recognised:" <<
      [&] {
        std::string why;
        for (const auto& [k, v] : missed_why) why += " " + k + " " + std::to_string(v);
        return why;
      }() << "\n"
            << "[lfw]   distance right:   " << summary(right_distances) << "\n"
            << "[lfw]   distance wrong:   " << summary(wrong_distances) << "\n";
  // The contract: a kiosk is never told how near a miss came (docs/api.md).
  EXPECT_TRUE(missed_distances.empty()) << summary(missed_distances);
  EXPECT_EQ(genuine.size(), kEnrolled * kProbesPerPerson);
  EXPECT_EQ(http_errors, 0);

  // Per attendee, as the organiser counts: a kiosk keeps taking photos until
  // one checks the guest in, and check-in is recorded once per attendee.
  std::map<int64_t, int> right_by_person, wrong_by_person;
  for (size_t i = 0; i < genuine.size(); ++i) {
    const int64_t got = genuine_results[i].central_person;
    if (got == genuine[i].expected) ++right_by_person[genuine[i].expected];
    if (got != 0 && got != genuine[i].expected) ++wrong_by_person[genuine[i].expected];
  }
  const auto people_probed = static_cast<double>(kEnrolled - not_enrolled);
  const auto people_right = static_cast<int>(right_by_person.size());
  const auto people_wrong = static_cast<int>(wrong_by_person.size());
  std::cout << "[lfw] attendees checked in as themselves by one of their " << kProbesPerPerson
            << " photos: " << people_right << "/" << people_probed << " ("
            << 100.0 * people_right / people_probed << "%), as someone else: " << people_wrong
            << "\n";
  // Issue 8 (ArcFace, the default model): at least 98% of attendees checked
  // in as themselves, none as someone else. Per photo, the default
  // threshold for 50 templates misses about 2% of single LFW photos taken
  // years apart (docs/identification.md); the per-photo bound guards that
  // figure against regressions, and no photo may check in someone else.
  EXPECT_GE(people_right, 0.98 * people_probed);
  EXPECT_EQ(people_wrong, 0);
  EXPECT_EQ(wrong, 0);
  EXPECT_GE(right, 0.95 * static_cast<double>(kEnrolled * kProbesPerPerson));

  // Strangers: people.tsv identities not enrolled, every k-th one in file
  // order, first photo each.
  std::set<std::string> enrolled_names;
  for (const auto& p : people) enrolled_names.insert(p.name);
  std::vector<LfwPerson> others;
  for (auto& p : lfw_all_people())
    if (!enrolled_names.count(p.name)) others.push_back(std::move(p));
  ASSERT_GE(others.size(), kStrangers);
  std::vector<Probe> strangers;
  const size_t stride = others.size() / kStrangers;
  for (size_t i = 0; i < kStrangers; ++i) strangers.push_back({others[i * stride].photos[0], 0});
  const auto stranger_results = run_probes(strangers, token, event_id);
  int stranger_accepted = 0, stranger_errors = 0, stranger_no_face = 0, stranger_bystanders = 0;
  std::vector<double> stranger_distances;
  for (size_t i = 0; i < strangers.size(); ++i) {
    const auto& r = stranger_results[i];
    stranger_bystanders += r.bystanders_accepted;
    if (r.http_status != 200) {
      ++stranger_errors;
      continue;
    }
    if (!r.central_found) ++stranger_no_face;
    // A kiosk sees a distance only for a face it checked in, never for a miss.
    if (r.central_distance && r.central_person == 0)
      stranger_distances.push_back(*r.central_distance);
    if (r.central_person != 0) {
      ++stranger_accepted;
      std::cout << "[lfw] STRANGER ACCEPTED: " << strangers[i].photo.filename().string()
                << " -> person " << r.central_person << " at " << r.central_distance.value_or(-1)
                << "\n";
    }
  }
  const auto t_end = std::chrono::steady_clock::now();
  std::cout << "[lfw] strangers " << strangers.size() << ": accepted " << stranger_accepted
            << ", no face found " << stranger_no_face << ", HTTP errors " << stranger_errors
            << ", bystander faces checked in " << stranger_bystanders << "; "
            << std::chrono::duration<double>(t_end - t_genuine).count() << " s\n";
  EXPECT_TRUE(stranger_distances.empty()) << summary(stranger_distances);
  EXPECT_EQ(stranger_errors, 0);
  EXPECT_LE(stranger_accepted, 2);

  // The database agrees with the answers.
  const Reply stats = admin.get("/api/v1/events/" + std::to_string(event_id) + "/stats");
  ASSERT_EQ(stats.status, 200) << stats.body;
  std::cout << "[lfw] stats " << stats.body << "\n";
  EXPECT_EQ(stats.data()["enrolled"].get<int>(), static_cast<int>(kEnrolled) - not_enrolled);
  // Everybody any answer checked in, once each: the attendees found by
  // their own photos, plus anyone a wrong match or a stranger checked in.
  std::set<int64_t> checked_in;
  for (const auto* results : {&genuine_results, &stranger_results})
    for (const auto& r : *results) {
      if (r.central_person != 0) checked_in.insert(r.central_person);
      checked_in.insert(r.bystander_people.begin(), r.bystander_people.end());
    }
  EXPECT_EQ(stats.data()["checked_in"].get<int>(), static_cast<int>(checked_in.size()));
}

}  // namespace
}  // namespace facecheck::acceptance
