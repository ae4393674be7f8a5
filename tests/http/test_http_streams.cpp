// Issue 9, finding 8: a live stream ends soon after its credential stops
// holding (a revoked kiosk token or admin key, a kiosk whose event closed),
// and one kiosk cannot take the stream slots the admin dashboard needs.
// One real server on loopback with the default 8 stream slots.
#include <atomic>
#include <chrono>
#include <ctime>
#include <future>

#include "http/server_fixture.h"

namespace facecheck::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// One SSE stream read on its own thread until the server ends it (or the
// test stops it). It counts as open once a 200 answer's first bytes came.
class OpenStream {
 public:
  OpenStream(const ServerProcess& server, const std::string& path, httplib::Headers who)
      : client_(server.client(60)) {
    done_ = std::async(std::launch::async, [this, path, who] {
      return client_->Get(
          path, who,
          [this](const httplib::Response& r) {
            accepted_ = r.status == 200;
            return true;
          },
          [this](const char*, size_t) {
            opened_ = accepted_.load();
            return true;
          });
    });
  }
  ~OpenStream() {
    client_->stop();
    done_.wait();
  }
  OpenStream(const OpenStream&) = delete;
  OpenStream& operator=(const OpenStream&) = delete;

  // True once the stream is open (its first event read), false when the
  // server refused it or nothing came within 5 s.
  bool wait_open() {
    for (int i = 0; i < 200 && !opened_; ++i) {
      if (done_.wait_for(25ms) == std::future_status::ready) return opened_;
    }
    return opened_;
  }
  // Why a stream that did not open ended: its status or the client's error.
  std::string why() {
    if (done_.wait_for(0ms) != std::future_status::ready) return "still waiting";
    const httplib::Result& r = done_.get();
    return r ? "status " + std::to_string(r->status) + " " + r->body
             : httplib::to_string(r.error());
  }
  // Whether the server ended the stream within `limit`.
  bool ends_within(std::chrono::milliseconds limit) {
    return done_.wait_for(limit) == std::future_status::ready;
  }

 private:
  std::unique_ptr<httplib::Client> client_;
  std::atomic<bool> accepted_{false};
  std::atomic<bool> opened_{false};
  std::shared_future<httplib::Result> done_;
};

// A server per test: a stream whose client left holds its slot until the
// server's next write to it (at most one keepalive, 15 s), so a shared
// server would carry one test's slots into the next.
class HttpStreams : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_MODELS();
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"--kiosk-rps", "0", "--http-threads", "16", "--max-streams", "8"});
    ASSERT_TRUE(server_->ok()) << server_->error();
    http_ = server_->client();
    admin_ = bearer(server_->admin_key());
  }
  httplib::Result post_json(const std::string& path, const json& body) {
    return http_->Post(path, admin_, body.dump(), "application/json");
  }
  httplib::Result patch_json(const std::string& path, const json& body) {
    return http_->Patch(path, admin_, body.dump(), "application/json");
  }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<httplib::Client> http_;
  httplib::Headers admin_;

 protected:
  int64_t open_event() {
    const auto now = static_cast<int64_t>(std::time(nullptr));
    const auto r = post_json("/api/v1/events", {{"name", "Streams"},
                                                {"starts_at", now},
                                                {"ends_at", now + 3600},
                                                {"status", "open"},
                                                {"liveness", "off"}});
    return body_json(r).value("id", int64_t{0});
  }
  json kiosk(int64_t event_id) {
    return body_json(post_json(stream_path(event_id, "/kiosks"), {{"name", "door"}}));
  }
  static std::string stream_path(int64_t event_id, const std::string& rest = "/stream") {
    return "/api/v1/events/" + std::to_string(event_id) + rest;
  }
  // The status and error code a stream request gets; an accepted stream is
  // dropped at once (it would otherwise never end).
  std::pair<int, std::string> stream_answer(int64_t event_id, const httplib::Headers& who) {
    int status = -1;
    std::string body;
    server_->client(10)->Get(
        stream_path(event_id), who,
        [&](const httplib::Response& r) {
          status = r.status;
          return r.status != 200;
        },
        [&](const char* data, size_t size) {
          body.append(data, size);
          return true;
        });
    const json j = json::parse(body, nullptr, false);
    const bool is_error = j.is_object() && j.contains("error");
    return {status, is_error ? j["error"].value("code", "") : ""};
  }
};

TEST_F(HttpStreams, OneKioskCannotTakeEveryStreamSlot) {
  const int64_t event = open_event();
  const std::string token = kiosk(event)["token"];
  std::vector<std::unique_ptr<OpenStream>> open;
  for (int i = 0; i < 2; ++i) {
    open.push_back(std::make_unique<OpenStream>(*server_, stream_path(event), bearer(token)));
    ASSERT_TRUE(open.back()->wait_open()) << "kiosk stream " << i;
  }
  EXPECT_EQ(stream_answer(event, bearer(token)),
            std::make_pair(503, std::string("too_many_streams")));

  // Other kiosks fill what kiosks may use (6 of 8), and the admin still gets in.
  for (int k = 0; k < 2; ++k) {
    const std::string other = kiosk(event)["token"];
    for (int i = 0; i < 2; ++i) {
      open.push_back(std::make_unique<OpenStream>(*server_, stream_path(event), bearer(other)));
      ASSERT_TRUE(open.back()->wait_open())
          << "kiosk " << k << " stream " << i << ": " << open.back()->why();
    }
  }
  EXPECT_EQ(stream_answer(event, bearer(kiosk(event)["token"])).first, 503);
  for (int i = 0; i < 2; ++i) {
    open.push_back(std::make_unique<OpenStream>(*server_, stream_path(event), admin_));
    EXPECT_TRUE(open.back()->wait_open()) << "admin stream " << i << " was refused";
  }
  EXPECT_EQ(status_of(http_->Get("/api/v1/events", admin_)), 200);
}

TEST_F(HttpStreams, RevokingAKioskTokenEndsItsOpenStreamWithinTwoSeconds) {
  const int64_t event = open_event();
  const json k = kiosk(event);
  OpenStream stream(*server_, stream_path(event), bearer(k["token"]));
  ASSERT_TRUE(stream.wait_open()) << server_->stderr_text();
  const auto revoked_at = std::chrono::steady_clock::now();
  ASSERT_EQ(status_of(http_->Delete("/api/v1/kiosks/" + std::to_string(k["kiosk"]["id"].get<int>()),
                                    admin_)),
            204);
  EXPECT_TRUE(stream.ends_within(3s)) << "the stream outlived its revoked token";
  const auto took = std::chrono::steady_clock::now() - revoked_at;
  EXPECT_LT(took, 3s);
}

TEST_F(HttpStreams, RevokingAnAdminKeyEndsItsOpenStream) {
  const int64_t event = open_event();
  const json key = body_json(post_json("/api/v1/admin/keys", {{"name", "dashboard"}}));
  OpenStream stream(*server_, stream_path(event), bearer(key["secret"]));
  ASSERT_TRUE(stream.wait_open());
  ASSERT_EQ(status_of(http_->Delete(
                "/api/v1/admin/keys/" + std::to_string(key["key"]["id"].get<int>()), admin_)),
            204);
  EXPECT_TRUE(stream.ends_within(3s)) << "the stream outlived its revoked key";
}

TEST_F(HttpStreams, ClosingTheEventEndsItsKiosksStreamsButNotTheAdmins) {
  const int64_t event = open_event();
  OpenStream as_kiosk(*server_, stream_path(event), bearer(kiosk(event)["token"]));
  OpenStream as_admin(*server_, stream_path(event), admin_);
  ASSERT_TRUE(as_kiosk.wait_open());
  ASSERT_TRUE(as_admin.wait_open());
  ASSERT_EQ(status_of(patch_json(stream_path(event, ""), {{"status", "closed"}})), 200);
  EXPECT_TRUE(as_kiosk.ends_within(3s)) << "a kiosk of a closed event still streams";
  EXPECT_FALSE(as_admin.ends_within(1500ms)) << "the admin's stream should go on";
}

}  // namespace
}  // namespace facecheck::testing
