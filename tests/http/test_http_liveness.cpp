// Liveness over HTTP against real servers: the event policy, active
// challenges fed real video frames and still photos, proofs, lockout.
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "http/server_fixture.h"

namespace facecheck::testing {
namespace {

using nlohmann::json;

std::string jpeg(const cv::Mat& image, int quality = 90) {
  std::vector<uchar> bytes;
  cv::imencode(".jpg", image, bytes, {cv::IMWRITE_JPEG_QUALITY, quality});
  return std::string(bytes.begin(), bytes.end());
}

// Every `step`th frame of a clip of ../shared/data/video/actions, as JPEG.
std::vector<std::string> clip_frames(const std::string& name, int step, int max_frames) {
  cv::VideoCapture video((data_dir() / "video/actions" / name).string());
  EXPECT_TRUE(video.isOpened()) << name;
  std::vector<std::string> frames;
  cv::Mat frame;
  for (int n = 0; video.read(frame) && int(frames.size()) < max_frames; ++n)
    if (n % step == 0) frames.push_back(jpeg(frame));
  return frames;
}

// A still photo as an attacker would send it: copies moved, scaled,
// rotated and re-encoded (never the same bytes twice).
std::vector<std::string> still_copies(const std::string& photo_bytes) {
  const cv::Mat photo =
      cv::imdecode(std::vector<uchar>(photo_bytes.begin(), photo_bytes.end()), cv::IMREAD_COLOR);
  std::vector<std::string> frames;
  for (int i = 0; i < 24; ++i) {
    const cv::Point2f centre(photo.cols / 2.f, photo.rows / 2.f);
    cv::Mat m = cv::getRotationMatrix2D(centre, (i % 7) * 2.0 - 6, 0.94 + (i % 5) * 0.03);
    m.at<double>(0, 2) += (i % 3) * 3 - 3;
    m.at<double>(1, 2) += (i % 4) * 2 - 3;
    cv::Mat moved;
    cv::warpAffine(photo, moved, m, photo.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    frames.push_back(jpeg(moved, 60 + i));
  }
  return frames;
}

class LivenessServer {
 public:
  explicit LivenessServer(std::vector<std::string> args, ServerProcess::Environment env = {})
      : server_(std::move(args), std::move(env)) {}
  ServerProcess& process() { return server_; }

  json post(const std::string& path, const json& body, int expect = 201) {
    auto r = client()->Post(path, admin(), body.dump(), "application/json");
    EXPECT_EQ(status_of(r), expect) << path << ": " << (r ? r->body : "");
    return body_json(r);
  }
  httplib::Headers admin() const { return bearer(server_.admin_key()); }
  std::unique_ptr<httplib::Client> client() const { return server_.client(60); }

  int64_t person(const std::string& name, const std::string& photo) {
    const int64_t id = post("/api/v1/people", {{"name", name}}).value("id", 0);
    auto r = client()->Post("/api/v1/people/" + std::to_string(id) + "/faces", admin(),
                            image_form(photo));
    EXPECT_EQ(status_of(r), 201) << (r ? r->body : "");
    return id;
  }
  int64_t event(const std::string& liveness, const std::vector<int64_t>& attendees) {
    const auto now = static_cast<int64_t>(std::time(nullptr));
    const int64_t id = post("/api/v1/events", {{"name", "Liveness test"},
                                               {"starts_at", now},
                                               {"ends_at", now + 3600},
                                               {"status", "open"},
                                               {"liveness", liveness}})
                           .value("id", 0);
    for (int64_t p : attendees) post(path(id, "/attendees"), {{"person_id", p}});
    return id;
  }
  std::string kiosk(int64_t event) {
    return post(path(event, "/kiosks"), {{"name", "door"}}).value("token", "");
  }
  static std::string path(int64_t event, const std::string& rest) {
    return "/api/v1/events/" + std::to_string(event) + rest;
  }

  json open_challenge(int64_t event, const std::string& kiosk, int expect = 201) {
    auto r = client()->Post(path(event, "/liveness/challenges"), bearer(kiosk), "", "text/plain");
    EXPECT_EQ(status_of(r), expect) << (r ? r->body : "");
    return body_json(r);
  }
  json frame(const std::string& challenge, const std::string& kiosk, const std::string& bytes) {
    auto r = client()->Post("/api/v1/liveness/challenges/" + challenge + "/frames", bearer(kiosk),
                            image_form(bytes));
    EXPECT_EQ(status_of(r), 200) << (r ? r->body : "");
    return body_json(r);
  }
  // Sends frames until the challenge ends; its last answer.
  json run_challenge(const std::string& challenge, const std::string& kiosk,
                     const std::vector<std::string>& frames) {
    json last;
    for (const auto& f : frames) {
      last = frame(challenge, kiosk, f);
      if (last.value("state", "") != "in_progress") break;
    }
    return last;
  }
  httplib::Result check_in(int64_t event, const std::string& kiosk, const std::string& photo,
                           const std::string& proof = "") {
    httplib::Headers h = bearer(kiosk);
    if (!proof.empty()) h.emplace("X-Liveness-Proof", proof);
    return client()->Post(path(event, "/checkin"), h, image_form(photo));
  }

 private:
  ServerProcess server_;
};

class HttpLiveness : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new LivenessServer({"--kiosk-rps", "0"}); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    REQUIRE_DATA();
    REQUIRE_MODELS();
    ASSERT_TRUE(server_->process().ok()) << server_->process().error();
  }
  static inline LivenessServer* server_ = nullptr;
};

}  // namespace

TEST_F(HttpLiveness, ThePolicyIsPartOfTheEventAndBadValuesChangeNothing) {
  LivenessServer& s = *server_;
  const int64_t event = s.event("active", {});
  auto got = body_json(s.client()->Get(s.path(event, ""), s.admin()));
  EXPECT_EQ(got["liveness"], "active");
  auto r = s.client()->Patch(s.path(event, ""), s.admin(), R"({"liveness":"sometimes"})",
                             "application/json");
  EXPECT_EQ(status_of(r), 400);
  EXPECT_EQ(error_code(r), "invalid_field");
  EXPECT_EQ(body_json(s.client()->Get(s.path(event, ""), s.admin()))["liveness"], "active");
  const int64_t plain = s.event("off", {});
  EXPECT_EQ(body_json(s.client()->Get(s.path(plain, ""), s.admin()))["liveness"], "off");
}

TEST_F(HttpLiveness, AnActiveEventChecksNobodyInWithoutAProof) {
  LivenessServer& s = *server_;
  const std::string photo = lfw_photo("Grant_Hackett", 1);
  const int64_t grant = s.person("Grant Hackett", photo);
  const int64_t event = s.event("active", {grant});
  const std::string kiosk = s.kiosk(event);
  auto r = s.check_in(event, kiosk, lfw_photo("Grant_Hackett", 2));
  EXPECT_EQ(status_of(r), 403);
  EXPECT_EQ(error_code(r), "liveness_required");
  r = s.check_in(event, kiosk, lfw_photo("Grant_Hackett", 2), std::string(32, 'a'));
  EXPECT_EQ(status_of(r), 403);
  EXPECT_EQ(error_code(r), "liveness_proof_invalid");
  const auto stats = body_json(s.client()->Get(s.path(event, "/stats"), s.admin()));
  EXPECT_EQ(stats["checked_in"], 0);
}

// The acceptance bar: a still photo of an enrolled attendee, sent as a
// frame sequence, never passes, whatever the two actions asked are.
TEST_F(HttpLiveness, AStillPhotoNeverPassesAChallenge) {
  LivenessServer& s = *server_;
  const std::string photo = lfw_photo("Luis_Ernesto_Derbez_Bautista", 1);
  const int64_t luis = s.person("Luis", photo);
  const int64_t event = s.event("active", {luis});
  const auto copies = still_copies(lfw_photo("Luis_Ernesto_Derbez_Bautista", 2));
  std::set<std::string> asked;
  for (int round = 0; round < 4; ++round) {
    const std::string kiosk = s.kiosk(event);
    const json challenge = s.open_challenge(event, kiosk);
    ASSERT_EQ(challenge["actions"].size(), 2u);
    EXPECT_NE(challenge["actions"][0], challenge["actions"][1]);
    for (const auto& a : challenge["actions"]) asked.insert(a.get<std::string>());
    const json end = s.run_challenge(challenge["id"], kiosk, copies);
    EXPECT_NE(end["state"], "passed") << end.dump();
    EXPECT_EQ(end["done"], 0) << end.dump();
    EXPECT_FALSE(end.contains("proof"));
  }
  EXPECT_GE(asked.size(), 2u);
}

TEST_F(HttpLiveness, TheSameFrameTwiceIsAReplayAndEndsTheChallenge) {
  LivenessServer& s = *server_;
  const int64_t event = s.event("active", {});
  const std::string kiosk = s.kiosk(event);
  const json challenge = s.open_challenge(event, kiosk);
  const std::string frame = lfw_photo("Grant_Hackett", 3);
  EXPECT_EQ(s.frame(challenge["id"], kiosk, frame)["state"], "in_progress");
  const json replay = s.frame(challenge["id"], kiosk, frame);
  EXPECT_EQ(replay["state"], "failed");
  EXPECT_EQ(replay["reason"], "repeated_frame");
  // Another kiosk cannot feed (or even see) this challenge.
  const std::string other = s.kiosk(event);
  auto r = s.client()->Post(
      "/api/v1/liveness/challenges/" + challenge["id"].get<std::string>() + "/frames",
      bearer(other), image_form(lfw_photo("Grant_Hackett", 4)));
  EXPECT_EQ(status_of(r), 404);
  EXPECT_EQ(error_code(r), "challenge_not_found");
}

TEST_F(HttpLiveness, AKioskThatKeepsFailingIsLockedOut) {
  LivenessServer& s = *server_;
  const int64_t event = s.event("active", {});
  const std::string kiosk = s.kiosk(event);
  const std::string frame = lfw_photo("Grant_Hackett", 5);
  for (int i = 0; i < 5; ++i) {
    const json c = s.open_challenge(event, kiosk);
    s.frame(c["id"], kiosk, frame);
    EXPECT_EQ(s.frame(c["id"], kiosk, frame)["reason"], "repeated_frame");
  }
  const json locked = s.open_challenge(event, kiosk, 429);
  EXPECT_EQ(locked["error"]["code"], "liveness_locked");
  const auto stats = body_json(s.client()->Get(s.path(event, "/stats"), s.admin()));
  EXPECT_GE(stats["liveness_failures"].get<int>(), 5);
  // Another kiosk of the event is not slowed down by this one.
  s.open_challenge(event, s.kiosk(event));
}

TEST(HttpLivenessFlags, AFixedChallengeIsRefusedUnlessTestsAskForIt) {
  REQUIRE_MODELS();
  ServerProcess refused({"--test-challenge-actions", "blink,nod"});
  EXPECT_FALSE(refused.ok());
  ServerProcess unknown({"--test-challenge-actions", "wink"},
                        {{"FACECHECK_ENABLE_TEST_FLAGS", "1"}});
  EXPECT_FALSE(unknown.ok());
}

// A real person (LivePortrait d9 blinks every second or two) passes a
// challenge fixed to two blinks; the proof checks that face in, once, and
// no other face.
TEST(HttpLivenessVideo, ARealClipPassesAndItsProofChecksInOnlyThatFaceOnce) {
  REQUIRE_DATA();
  REQUIRE_MODELS();
  LivenessServer s({"--kiosk-rps", "0", "--test-challenge-actions", "blink,blink"},
                   {{"FACECHECK_ENABLE_TEST_FLAGS", "1"}});
  ASSERT_TRUE(s.process().ok()) << s.process().error();
  const auto frames = clip_frames("liveportrait_d9.mp4", 2, 150);
  ASSERT_GT(frames.size(), 100u);
  const int64_t blinker = s.person("d9", frames[0]);
  const int64_t grant = s.person("Grant Hackett", lfw_photo("Grant_Hackett", 1));
  const int64_t event = s.event("active", {blinker, grant});
  const std::string kiosk = s.kiosk(event);

  const json challenge = s.open_challenge(event, kiosk);
  EXPECT_EQ(challenge["actions"], json::array({"blink", "blink"}));
  const json passed = s.run_challenge(challenge["id"], kiosk, frames);
  ASSERT_EQ(passed["state"], "passed") << passed.dump();
  const std::string proof = passed["proof"];

  // Someone else's face with this proof: not checked in.
  auto r = s.check_in(event, kiosk, lfw_photo("Grant_Hackett", 2), proof);
  ASSERT_EQ(status_of(r), 200) << (r ? r->body : "");
  EXPECT_EQ(body_json(r)["faces"][0]["status"], "liveness_mismatch");
  // The proof was spent by that attempt.
  r = s.check_in(event, kiosk, frames[90], proof);
  EXPECT_EQ(error_code(r), "liveness_proof_invalid");

  const json again = s.open_challenge(event, kiosk);
  const json passed_again = s.run_challenge(again["id"], kiosk, frames);
  ASSERT_EQ(passed_again["state"], "passed") << passed_again.dump();
  r = s.check_in(event, kiosk, frames[90], passed_again["proof"]);
  ASSERT_EQ(status_of(r), 200) << (r ? r->body : "");
  const json face = body_json(r)["faces"][0];
  EXPECT_EQ(face["status"], "checked_in") << face.dump();
  EXPECT_EQ(face["liveness"]["method"], "active");
  EXPECT_EQ(face["liveness"]["actions"], json::array({"blink", "blink"}));
  r = s.check_in(event, kiosk, frames[91], passed_again["proof"]);
  EXPECT_EQ(error_code(r), "liveness_proof_invalid");
}

}  // namespace facecheck::testing
