// `facecheck enrol-folder` against a real server with LFW photos: people
// by folder and by file, refusals reported and not retried, a second run
// that skips what the first finished, a new person picked up, attendance,
// and a wrong key refused before anything is sent.
#include <fstream>

#include "cli/cli_support.h"
#include "http/server_fixture.h"

namespace facecheck::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

void copy_lfw(const std::string& name, int number, const fs::path& to) {
  fs::create_directories(to.parent_path());
  std::ofstream(to, std::ios::binary) << lfw_photo(name, number);
}

class CliEnrolFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_DATA();
    REQUIRE_MODELS();
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{"--kiosk-rps", "0"});
    ASSERT_TRUE(server_->ok()) << server_->error();
    std::ofstream(key_file_) << server_->admin_key() << "\n";
    copy_lfw("Grant_Hackett", 1, folder_ / "Grant_Hackett" / "a.jpg");
    copy_lfw("Grant_Hackett", 2, folder_ / "Grant_Hackett" / "b.jpg");
    copy_lfw("Luis_Ernesto_Derbez_Bautista", 1, folder_ / "Luis_Ernesto_Derbez_Bautista" / "1.jpg");
    copy_lfw("Aaron_Sorkin", 1, folder_ / "Aaron_Sorkin.jpg");
    std::ofstream(folder_ / "Broken_File.jpg") << "not a jpeg at all";
    std::ofstream(folder_ / "notes.txt") << "not a photo";
  }

  facecheck::testing::Run enrol(const std::string& extra = "") {
    return run_cli("enrol-folder " + folder_.string() + " --server http://127.0.0.1:" +
                   std::to_string(server_->port()) + " --key-file " + key_file_.string() +
                   " --state " + (dir_.path() / "state.tsv").string() + " --parallel 2 " + extra);
  }

  json admin_get(const std::string& path) {
    return body_json(server_->client()->Get(path, bearer(server_->admin_key())));
  }

  acceptance::TempDir dir_{"facecheck-enrol"};
  fs::path folder_ = dir_.path() / "photos";
  fs::path key_file_ = dir_.path() / "key.txt";
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(CliEnrolFolder, EnrolsRefusesThenResumesWhereItWas) {
  const auto now = static_cast<int64_t>(std::time(nullptr));
  const int64_t event =
      body_json(server_->client()->Post(
                    "/api/v1/events", bearer(server_->admin_key()),
                    json{{"name", "Bulk"}, {"starts_at", now}, {"ends_at", now + 3600}}.dump(),
                    "application/json"))
          .value("id", int64_t{0});
  ASSERT_GT(event, 0);

  const facecheck::testing::Run first = enrol("--event " + std::to_string(event));
  ASSERT_EQ(first.exit_code, 0) << first.out;
  const json r1 = last_json_line(first.out);
  EXPECT_EQ(r1["people"], 4);
  EXPECT_EQ(r1["photos"], 5);
  EXPECT_EQ(r1["skipped"], 0);
  EXPECT_EQ(r1["enrolled"], 4);
  EXPECT_EQ(r1["refused"], 1);
  EXPECT_EQ(r1["failed"], 0);
  ASSERT_EQ(r1["refused_by_code"].size(), 1u) << r1;
  EXPECT_TRUE(r1["refused_by_code"].begin().key().rfind("image_", 0) == 0 ||
              r1["refused_by_code"].begin().key() == "not_an_image")
      << r1;

  // Grant has both photos as templates; everyone is an attendee.
  const json people = admin_get("/api/v1/people?limit=100&search=Grant_Hackett");
  ASSERT_EQ(people["people"].size(), 1u) << people;
  EXPECT_EQ(people["people"][0]["name"], "Grant Hackett");
  const int64_t grant = people["people"][0]["id"];
  EXPECT_EQ(admin_get("/api/v1/people/" + std::to_string(grant) + "/faces")["faces"].size(), 2u);
  EXPECT_EQ(admin_get("/api/v1/events/" + std::to_string(event) + "/stats")["registered"], 4);

  // Again: nothing to do, nothing sent twice.
  const facecheck::testing::Run second = enrol();
  ASSERT_EQ(second.exit_code, 0) << second.out;
  const json r2 = last_json_line(second.out);
  EXPECT_EQ(r2["skipped"], 5);
  EXPECT_EQ(r2["enrolled"], 0);
  EXPECT_EQ(admin_get("/api/v1/people/" + std::to_string(grant) + "/faces")["faces"].size(), 2u);

  // A newcomer (and a second photo for someone already there).
  copy_lfw("Grant_Hackett", 3, folder_ / "Grant_Hackett" / "c.jpg");
  copy_lfw("Ari_Fleischer", 1, folder_ / "Ari_Fleischer" / "1.jpg");
  const facecheck::testing::Run third = enrol();
  ASSERT_EQ(third.exit_code, 0) << third.out;
  const json r3 = last_json_line(third.out);
  EXPECT_EQ(r3["skipped"], 5);
  EXPECT_EQ(r3["enrolled"], 2);
  EXPECT_EQ(admin_get("/api/v1/people/" + std::to_string(grant) + "/faces")["faces"].size(), 3u);
  EXPECT_EQ(admin_get("/api/v1/people?limit=1")["total"], 5);
}

TEST_F(CliEnrolFolder, AWrongKeyIsRefusedBeforeAnythingIsSent) {
  std::ofstream(key_file_) << "ak_not_a_key\n";
  const facecheck::testing::Run r = enrol();
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(admin_get("/api/v1/people?limit=1")["total"], 0);
  EXPECT_FALSE(fs::exists(dir_.path() / "state.tsv") &&
               fs::file_size(dir_.path() / "state.tsv") > 0);
}

TEST_F(CliEnrolFolder, AServerThatIsNotThereIsNamedAndNothingIsRecorded) {
  const int port = server_->port();
  server_->stop();
  const fs::path said = dir_.path() / "said.txt";
  const std::string command = std::string(FACECHECK_BINARY) + " enrol-folder " + folder_.string() +
                              " --server http://127.0.0.1:" + std::to_string(port) +
                              " --key-file " + key_file_.string() + " --state " +
                              (dir_.path() / "state.tsv").string() + " >" + said.string() + " 2>&1";
  const int status = std::system(command.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 2);
  const std::string text = read_bytes(said);
  EXPECT_NE(text.find("cannot reach http://127.0.0.1:" + std::to_string(port)), std::string::npos)
      << text;
  EXPECT_FALSE(fs::exists(dir_.path() / "state.tsv") &&
               fs::file_size(dir_.path() / "state.tsv") > 0);
}

}  // namespace
}  // namespace facecheck::testing
