// `facecheck enrol-folder FOLDER --server URL`: bulk enrolment of a large
// population through a running server's API, so its galleries stay in step
// and the server's own checks apply (quality, one face, duplicates).
// Several photos are in flight at once (--parallel, one per face engine is
// what the server can use); each finished photo goes to a state file, so a
// stopped run goes on where it was. Progress on stderr, a JSON summary as
// the last line of stdout.
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "cli/commands.h"
#include "cli/enrol_plan.h"
#include "cli/progress.h"

namespace facecheck::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct EnrolArgs {
  std::string folder;
  std::string server = "http://127.0.0.1:8080";
  std::string key_file;
  std::string ca_cert;
  std::string state;
  int parallel = 2;
  int64_t event = 0;
  bool allow_duplicates = false;
};

// What happened to one photo.
enum class Outcome { kEnrolled, kRefused, kFailed };

struct Tally {
  std::mutex mutex;
  size_t enrolled = 0, failed = 0, people = 0;
  std::map<std::string, size_t> refused;  // code -> photos
};

std::string read_key(const EnrolArgs& a) {
  std::string key;
  if (!a.key_file.empty()) {
    std::ifstream in(a.key_file);
    if (!in) throw CommandError("cannot read the key file " + a.key_file);
    std::getline(in, key);
  } else if (const char* env = std::getenv("FACECHECK_ADMIN_KEY")) {
    key = env;
  }
  while (!key.empty() && (key.back() == '\r' || key.back() == ' ')) key.pop_back();
  if (key.empty()) throw CommandError("give the admin key: --key-file FILE or FACECHECK_ADMIN_KEY");
  return key;
}

// One worker's connection to the server, with the retries of a long run:
// a busy server (503, 429) or a dropped connection is retried with
// back-off; anything else is the answer.
class Api {
 public:
  Api(const EnrolArgs& a, const std::string& key)
      : client_(a.server), auth_{{"Authorization", "Bearer " + key}} {
    client_.set_connection_timeout(10);
    client_.set_read_timeout(120);
    client_.set_write_timeout(60);
    if (!a.ca_cert.empty()) {
      client_.set_ca_cert_path(a.ca_cert.c_str());
      client_.enable_server_certificate_verification(true);
    }
  }

  template <class Send>
  httplib::Result with_retries(Send send) {
    auto wait = std::chrono::milliseconds(500);
    for (int attempt = 0;; ++attempt) {
      httplib::Result r = send();
      const bool again = !r || r->status == 503 || r->status == 429 || r->status == 502;
      if (!again || attempt == 5) return r;
      std::this_thread::sleep_for(wait);
      wait *= 2;
    }
  }

  httplib::Result post_json(const std::string& path, const json& body) {
    return with_retries([&] { return client_.Post(path, auth_, body.dump(), "application/json"); });
  }
  httplib::Result get(const std::string& path) {
    return with_retries([&] { return client_.Get(path, auth_); });
  }
  // No retries: a wrong URL at start should say so at once, not after 15 s.
  httplib::Result get_once(const std::string& path) { return client_.Get(path, auth_); }
  httplib::Result post_photo(const std::string& path, const std::string& bytes,
                             bool allow_duplicate) {
    const httplib::MultipartFormDataItems form = {
        {"image", bytes, "photo", "application/octet-stream"},
        {"allow_duplicate", allow_duplicate ? "true" : "false", "", ""}};
    return with_retries([&] { return client_.Post(path, auth_, form); });
  }

 private:
  httplib::Client client_;
  httplib::Headers auth_;
};

std::string error_code(const httplib::Result& r) {
  if (!r) return "unreachable";
  const json j = json::parse(r->body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object())
    return j["error"].value("code", "http_" + std::to_string(r->status));
  return "http_" + std::to_string(r->status);
}

[[noreturn]] void refuse_credentials(const httplib::Result& r) {
  throw CommandError("the server refused the admin key (" + std::to_string(r->status) + " " +
                     error_code(r) + ")");
}

// The person's id: made now, or found by external id (an earlier run, or
// someone already enrolled by the admin page).
std::optional<int64_t> person_id(Api& api, const PlannedPerson& p, std::string& code) {
  auto made = api.post_json("/api/v1/people", {{"name", p.name}, {"external_id", p.external_id}});
  if (made && (made->status == 401 || made->status == 403)) refuse_credentials(made);
  if (made && made->status == 201) {
    const json body = json::parse(made->body, nullptr, false);
    if (body.is_object() && body.value("id", int64_t{0}) > 0) return body["id"].get<int64_t>();
  }
  if (!made || made->status != 409) {
    code = error_code(made);
    return std::nullopt;
  }
  // A short id matches many others by substring: page until it is found.
  const std::string query = httplib::detail::encode_query_param(p.external_id);
  for (int offset = 0;; offset += 1000) {
    auto found =
        api.get("/api/v1/people?limit=1000&offset=" + std::to_string(offset) + "&search=" + query);
    if (!found || found->status != 200) break;
    const json body = json::parse(found->body, nullptr, false);
    if (!body.is_object()) break;
    const json page = body.value("people", json::array());
    for (const auto& row : page)
      if (row.value("external_id", json()) == p.external_id) return row.value("id", int64_t{0});
    if (page.size() < 1000) break;
  }
  code = "person_not_found";
  return std::nullopt;
}

Outcome enrol_photo(Api& api, int64_t person, const fs::path& photo, bool allow_duplicate,
                    std::string& code) {
  std::ifstream in(photo, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    code = "unreadable_file";
    return Outcome::kRefused;
  }
  auto r =
      api.post_photo("/api/v1/people/" + std::to_string(person) + "/faces", bytes, allow_duplicate);
  if (r && (r->status == 401 || r->status == 403)) refuse_credentials(r);
  if (r && r->status == 201) return Outcome::kEnrolled;
  code = error_code(r);
  // A refusal of the photo is final; a server that kept failing is not.
  return r && r->status >= 400 && r->status < 500 ? Outcome::kRefused : Outcome::kFailed;
}

void enrol_person(Api& api, const EnrolArgs& a, const PlannedPerson& p, EnrolState& state,
                  Tally& tally, Progress& progress) {
  std::vector<fs::path> todo;
  for (const auto& photo : p.photos)
    if (!state.finished(photo)) todo.push_back(photo);
  if (todo.empty()) return;
  std::string code;
  const auto id = person_id(api, p, code);
  if (!id) {
    std::lock_guard lock(tally.mutex);
    tally.failed += todo.size();
    for (size_t i = 0; i < todo.size(); ++i) progress.advance();
    return;
  }
  if (a.event > 0)
    api.post_json("/api/v1/events/" + std::to_string(a.event) + "/attendees",
                  {{"person_id", *id}});  // 409: already an attendee
  for (const auto& photo : todo) {
    const Outcome o = enrol_photo(api, *id, photo, a.allow_duplicates, code);
    if (o != Outcome::kFailed)
      state.record(photo, o == Outcome::kEnrolled ? "enrolled" : "refused", code);
    std::lock_guard lock(tally.mutex);
    if (o == Outcome::kEnrolled) ++tally.enrolled;
    if (o == Outcome::kRefused) ++tally.refused[code];
    if (o == Outcome::kFailed) ++tally.failed;
    progress.advance();
  }
  std::lock_guard lock(tally.mutex);
  ++tally.people;
}

void run_enrol(const EnrolArgs& a) {
  const std::string key = read_key(a);
  const auto people = plan_folder(a.folder);
  const fs::path state_file =
      a.state.empty() ? fs::path(fs::absolute(a.folder).lexically_normal().string() + ".enrol.tsv")
                      : fs::path(a.state);
  EnrolState state(state_file);
  size_t photos = 0, todo = 0;
  for (const auto& p : people)
    for (const auto& photo : p.photos) {
      ++photos;
      todo += state.finished(photo) ? 0 : 1;
    }
  std::cerr << "enrol-folder: " << people.size() << " people, " << photos << " photos, "
            << photos - todo << " done by an earlier run; state in " << state_file.string() << "\n";
  {  // Fail fast on a wrong URL or key, before any thread starts.
    Api probe(a, key);
    auto r = probe.get_once("/api/v1/people?limit=1");
    if (!r)
      throw CommandError("cannot reach " + a.server + " (" + httplib::to_string(r.error()) + ")");
    if (r->status == 401 || r->status == 403) refuse_credentials(r);
  }

  Tally tally;
  Progress progress("enrol", todo);
  std::atomic<size_t> next{0};
  std::mutex error_mutex;
  std::optional<std::string> fatal;
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int w = 0; w < a.parallel; ++w)
    workers.emplace_back([&] {
      Api api(a, key);
      try {
        for (size_t i; (i = next++) < people.size();) {
          enrol_person(api, a, people[i], state, tally, progress);
          std::lock_guard lock(error_mutex);
          if (fatal) return;
        }
      } catch (const std::exception& e) {
        std::lock_guard lock(error_mutex);
        fatal = e.what();
        next = people.size();
      }
    });
  for (auto& t : workers) t.join();
  progress.finish();
  if (fatal) throw CommandError(*fatal);

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  json refused = json::object();
  size_t refused_total = 0;
  for (const auto& [code, n] : tally.refused) {
    refused[code] = n;
    refused_total += n;
  }
  std::cout << json{{"people", people.size()},
                    {"photos", photos},
                    {"skipped", photos - todo},
                    {"enrolled", tally.enrolled},
                    {"refused", refused_total},
                    {"refused_by_code", refused},
                    {"failed", tally.failed},
                    {"seconds", seconds},
                    {"photos_per_s", seconds > 0 ? (todo - tally.failed) / seconds : 0.0},
                    {"parallel", a.parallel},
                    {"state", state_file.string()}}
                   .dump()
            << std::endl;
  if (tally.failed > 0)
    throw CommandError(
        std::to_string(tally.failed) +
            " photo(s) failed (server unreachable or erroring); run again to retry them",
        1);
}

}  // namespace

void add_enrol_folder_command(CLI::App& app) {
  auto args = std::make_shared<EnrolArgs>();
  auto* cmd = app.add_subcommand(
      "enrol-folder",
      "Enrol the people of a folder (FOLDER/<id>/*.jpg or FOLDER/<id>.jpg) through a running "
      "server; resumable");
  cmd->add_option("folder", args->folder, "Folder of photos")->required();
  cmd->add_option("--server", args->server, "The server's URL (default http://127.0.0.1:8080)");
  cmd->add_option("--key-file", args->key_file,
                  "File holding an admin key (default: $FACECHECK_ADMIN_KEY)");
  cmd->add_option("--ca-cert", args->ca_cert, "PEM CA to verify an https server with");
  cmd->add_option("--state", args->state,
                  "State file of finished photos (default FOLDER.enrol.tsv beside the folder)");
  cmd->add_option("--parallel", args->parallel,
                  "Photos in flight (default 2: the server's engines)")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--event", args->event, "Also register everyone as an attendee of this event");
  cmd->add_flag("--allow-duplicates", args->allow_duplicates,
                "Enrol a face even when it looks like another person's");
  cmd->callback([args] { run_enrol(*args); });
}

}  // namespace facecheck::cli
