// `facecheck backup` while a real server checks guests in (QR codes, so
// hundreds of check-ins stream in within seconds), then `facecheck restore`
// with the server stopped: the backup holds every check-in acknowledged
// before it began and is one consistent state; restore refuses while a
// server runs, refuses to overwrite without --replace, refuses a broken
// file, and the restarted server serves exactly the backup's state.
#include <atomic>
#include <ctime>
#include <mutex>
#include <thread>

#include "http/server_fixture.h"
#include "storage/database.h"

namespace facecheck::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr int kGuests = 300;

struct Output {
  int exit_code;
  std::string text;  // stdout and stderr
};

Output facecheck(const std::string& args) {
  const std::string cmd = std::string(FACECHECK_BINARY) + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = pclose(pipe);
  return {WEXITSTATUS(status), out};
}

std::int64_t count(const fs::path& db, const std::string& sql) {
  return storage::Database(db.string(), storage::Database::Mode::kReadWrite).query_int64(sql);
}

class Backup : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.start()) << server_.log();
    http_ = std::make_unique<httplib::Client>("127.0.0.1", server_.port());
    http_->set_read_timeout(30);
    admin_ = bearer(server_.admin_key());
  }

  httplib::Result post(const std::string& path, const json& body) {
    return http_->Post(path, admin_, body.dump(), "application/json");
  }
  std::string events(const std::string& rest) const {
    return "/api/v1/events/" + std::to_string(event_) + rest;
  }

  // An open event with kGuests attendees, each with an invitation code.
  std::vector<std::string> invited_guests() {
    const auto now = static_cast<int64_t>(std::time(nullptr));
    event_ = body_json(post("/api/v1/events", {{"name", "Backup"},
                                               {"starts_at", now - 600},
                                               {"ends_at", now + 3600},
                                               {"status", "open"},
                                               {"liveness", "off"}}))
                 .value("id", int64_t{0});
    std::vector<int64_t> people;
    for (int i = 0; i < kGuests; ++i) {
      const int64_t id = body_json(post("/api/v1/people", {{"name", "Guest " + std::to_string(i)}}))
                             .value("id", 0);
      EXPECT_EQ(status_of(post(events("/attendees"), {{"person_id", id}})), 201);
      people.push_back(id);
    }
    const json made = body_json(post(events("/invitations"), {{"person_ids", people}}));
    std::vector<std::string> codes;
    for (const auto& inv : made.value("invitations", json::array())) codes.push_back(inv["code"]);
    return codes;
  }

  int64_t checked_in() {
    return body_json(http_->Get(events("/stats"), admin_)).value("checked_in", int64_t{-1});
  }

  TempDir dir_{"facecheck-backup"};
  fs::path data_ = dir_.path() / "data";
  fs::path database_ = data_ / "facecheck.db";
  acceptance::ServerProcess server_{data_, {"--kiosk-rps", "0"}};
  std::unique_ptr<httplib::Client> http_;
  httplib::Headers admin_;
  int64_t event_ = 0;
};

TEST_F(Backup, WhileCheckInsStreamInThenRestoreWithTheServerStopped) {
  const std::vector<std::string> codes = invited_guests();
  ASSERT_EQ(codes.size(), static_cast<size_t>(kGuests));
  const std::string token =
      body_json(post(events("/kiosks"), {{"name", "door"}})).value("token", "");

  // The kiosk checks every guest in by QR code, as fast as the server goes.
  std::atomic<int> acknowledged = 0;
  std::atomic<int> failures = 0;
  std::thread kiosk([&] {
    httplib::Client c("127.0.0.1", server_.port());
    for (const auto& code : codes) {
      auto r = c.Post(events("/checkin/qr"), bearer(token), json{{"code", code}}.dump(),
                      "application/json");
      if (status_of(r) == 200 && body_json(r).value("status", "") == "checked_in")
        ++acknowledged;
      else
        ++failures;
    }
  });
  while (acknowledged < 50 && failures == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const fs::path backup = dir_.path() / "backup.db";
  const int before = acknowledged;
  const Output made = facecheck("backup --data " + data_.string() + " --out " + backup.string());
  const int after = acknowledged;
  kiosk.join();
  ASSERT_EQ(failures, 0);
  ASSERT_EQ(made.exit_code, 0) << made.text;
  EXPECT_NE(made.text.find(std::to_string(kGuests) + " people"), std::string::npos) << made.text;

  const int64_t in_backup = count(backup, "SELECT count(*) FROM check_ins");
  std::cout << "[ measured ] " << before << " check-ins acknowledged before the backup began, "
            << in_backup << " in it, " << after << " when it ended\n";
  EXPECT_GE(in_backup, before) << "a check-in acknowledged before the backup is missing";
  EXPECT_LE(in_backup, after);
  EXPECT_LT(in_backup, kGuests) << "the backup finished after the stream: this proved little";
  EXPECT_EQ(fs::status(backup).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(count(backup, "PRAGMA user_version"), count(database_, "PRAGMA user_version"));

  // Never over an existing file.
  const std::string before_bytes = read_bytes(backup);
  EXPECT_NE(facecheck("backup --data " + data_.string() + " --out " + backup.string()).exit_code,
            0);
  EXPECT_EQ(read_bytes(backup), before_bytes);

  // Not while the server runs; nothing changes.
  const Output busy =
      facecheck("restore --replace --data " + data_.string() + " --from " + backup.string());
  EXPECT_NE(busy.exit_code, 0);
  EXPECT_NE(busy.text.find("stop it first"), std::string::npos) << busy.text;
  EXPECT_EQ(checked_in(), kGuests);

  ASSERT_EQ(server_.stop(), 0) << server_.log();
  const Output no_replace =
      facecheck("restore --data " + data_.string() + " --from " + backup.string());
  EXPECT_NE(no_replace.exit_code, 0);
  EXPECT_NE(no_replace.text.find("--replace"), std::string::npos) << no_replace.text;
  const fs::path photo = data_dir() / "faces" / "dlib" / "no_face" / "dog.jpg";
  const Output broken =
      facecheck("restore --replace --data " + data_.string() + " --from " + photo.string());
  EXPECT_NE(broken.exit_code, 0);
  EXPECT_NE(broken.text.find("not a SQLite database"), std::string::npos) << broken.text;
  EXPECT_EQ(count(database_, "SELECT count(*) FROM check_ins"), kGuests) << "unchanged";

  const Output restored =
      facecheck("restore --replace --data " + data_.string() + " --from " + backup.string());
  ASSERT_EQ(restored.exit_code, 0) << restored.text;
  EXPECT_NE(restored.text.find("deleted since this backup"), std::string::npos);

  ASSERT_TRUE(server_.start()) << server_.log();
  http_ = std::make_unique<httplib::Client>("127.0.0.1", server_.port());
  EXPECT_EQ(checked_in(), in_backup);
  // The last guest was checked in after the backup: again, once.
  auto again = http_->Post(events("/checkin/qr"), bearer(token),
                           json{{"code", codes.back()}}.dump(), "application/json");
  EXPECT_EQ(body_json(again).value("status", ""), "checked_in");
  EXPECT_EQ(checked_in(), in_backup + 1);
}

TEST_F(Backup, ASecondServerOnTheSameFolderRefusesToStart) {
  acceptance::ServerProcess second(data_, {});
  EXPECT_FALSE(second.start(std::chrono::seconds(20)));
  EXPECT_NE(second.log().find("is using"), std::string::npos) << second.log();
  EXPECT_EQ(status_of(http_->Get("/healthz")), 200) << "the first one is unharmed";
}

}  // namespace
}  // namespace facecheck::testing
