// Issue 9, finding 10, over HTTP: while another connection holds a read
// transaction on the server's database, DELETE /people/{id} used to take
// 10 s, answer 204 and leave the embedding bytes in the file, and
// check-ins stalled meanwhile. Now the deletion answers at once, says that
// the scrub is pending (202), the person no longer matches, check-ins go
// on, and the bytes leave the files once the reader is gone. A real server,
// a real second SQLite connection on its file, real models and photos.
#include <chrono>
#include <ctime>
#include <future>

#include "http/server_fixture.h"
#include "storage/database.h"

namespace facecheck::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

const char* const kLuis = "Luis_Ernesto_Derbez_Bautista";

class HttpDeletion : public SharedServerTest<HttpDeletion> {
 public:
  static std::vector<std::string> server_args() { return {"--kiosk-rps", "0"}; }

 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    REQUIRE_DATA();
  }
  std::filesystem::path db_file() const { return server_->data_dir() / "facecheck.db"; }

  int64_t open_event_with(int64_t person) {
    const auto now = static_cast<int64_t>(std::time(nullptr));
    const int64_t id = body_json(post_json("/api/v1/events", {{"name", "Deletion"},
                                                              {"starts_at", now},
                                                              {"ends_at", now + 3600},
                                                              {"status", "open"},
                                                              {"liveness", "off"}}))
                           .value("id", int64_t{0});
    EXPECT_EQ(status_of(post_json(events(id, "/attendees"), {{"person_id", person}})), 201);
    return id;
  }
  static std::string events(int64_t id, const std::string& rest) {
    return "/api/v1/events/" + std::to_string(id) + rest;
  }
  int64_t enrolled(const std::string& name, const std::string& photo) {
    const int64_t id = body_json(post_json("/api/v1/people", {{"name", name}})).value("id", 0);
    httplib::MultipartFormDataItems form = image_form(photo);
    form.push_back({"allow_duplicate", "true", "", ""});
    EXPECT_EQ(
        status_of(http_->Post("/api/v1/people/" + std::to_string(id) + "/faces", admin_, form)),
        201);
    return id;
  }
  // 48 bytes from the middle of the stored embedding of the person's
  // template: short enough to lie within one database page.
  std::string embedding_bytes(int64_t person) {
    storage::Database db(db_file().string(), storage::Database::Mode::kReadWrite);
    auto stmt = db.prepare("SELECT embedding FROM face_templates WHERE person_id = ?");
    stmt.bind(1, person);
    if (!stmt.step()) return "";
    const storage::Bytes blob = stmt.blob(0);
    if (blob.size() < 128) return "";
    return std::string(blob.begin() + 64, blob.begin() + 112);
  }
  bool in_files(const std::string& bytes) {
    for (const char* suffix : {"", "-wal"}) {
      const auto path = db_file().string() + suffix;
      if (read_bytes(path).find(bytes) != std::string::npos) return true;
    }
    return false;
  }
};

TEST_F(HttpDeletion, ADeletionDuringAReadTransactionAnswersAtOnceAndScrubsAfterwards) {
  const int64_t luis = enrolled("To be deleted", lfw_photo(kLuis, 1));
  const int64_t stays = enrolled("Stays", lfw_photo("Grant_Hackett", 1));
  const int64_t event = open_event_with(luis);
  ASSERT_EQ(status_of(post_json(events(event, "/attendees"), {{"person_id", stays}})), 201);
  const std::string embedding = embedding_bytes(luis);
  ASSERT_EQ(embedding.size(), 48u);
  ASSERT_TRUE(in_files(embedding));

  storage::Database reader(db_file().string(), storage::Database::Mode::kReadWrite);
  reader.exec("BEGIN");
  reader.query_int64("SELECT count(*) FROM face_templates");  // holds this snapshot

  // A check-in running alongside the deletion must not stall behind it.
  auto other = server_->client(60);
  const auto start = Clock::now();
  auto checkin = std::async(std::launch::async, [&] {
    auto r =
        other->Post(events(event, "/checkin"), admin_, image_form(lfw_photo("Grant_Hackett", 2)));
    return std::make_pair(status_of(r), Clock::now() - start);
  });
  auto deleted = http_->Delete("/api/v1/people/" + std::to_string(luis), admin_);
  const auto delete_took = Clock::now() - start;
  ASSERT_EQ(status_of(deleted), 202) << (deleted ? deleted->body : "");
  EXPECT_LT(delete_took, 2s) << "the deletion waited for the reader";
  EXPECT_EQ(body_json(deleted)["scrub"], "pending");
  const auto [checkin_status, checkin_took] = checkin.get();
  EXPECT_EQ(checkin_status, 200);
  EXPECT_LT(checkin_took, 3s) << "a check-in stalled behind the deletion";

  // Gone from the galleries at once, although the bytes still wait.
  auto again = http_->Post(events(event, "/checkin"), admin_, image_form(lfw_photo(kLuis, 2)));
  ASSERT_EQ(status_of(again), 200);
  EXPECT_EQ(body_json(again)["faces"][0]["status"], "not_recognised") << again->body;

  reader.exec("COMMIT");
  bool scrubbed = false;
  for (int i = 0; i < 50 && !scrubbed; ++i) {
    std::this_thread::sleep_for(100ms);
    scrubbed = !in_files(embedding);
  }
  EXPECT_TRUE(scrubbed) << "the embedding stayed in the database files";
  // And without a reader, a deletion is complete when it answers.
  auto plain = http_->Delete("/api/v1/people/" + std::to_string(stays), admin_);
  EXPECT_EQ(status_of(plain), 204);
}

}  // namespace
}  // namespace facecheck::testing
