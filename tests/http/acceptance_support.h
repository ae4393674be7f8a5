// Support for the acceptance tests: a real `facecheck serve` process on
// loopback with a temporary data folder, an HTTP client that speaks the v1
// API, and the LFW lists. The server is the built binary (FACECHECK_BINARY),
// so these tests exercise exactly what an operator runs; starting and
// stopping it is http/server_process.h.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "http/server_process.h"
#include "test_support.h"

namespace facecheck::acceptance {

namespace fs = std::filesystem;
using nlohmann::json;

inline std::string read_text(const fs::path& p) { return facecheck::testing::read_bytes(p); }

// Standard base64 with padding, for JSON image bodies.
inline std::string base64(const std::string& bytes) {
  static const char* const kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back(i + 2 < bytes.size() ? kAlphabet[v & 63] : '=');
  }
  return out;
}

// One server shared by every test of a suite: started from
// SetUpTestSuite (unless the inputs are missing, which each test's
// REQUIRE_ACCEPTANCE_INPUTS then reports), stopped from TearDownTestSuite.
class SuiteServer {
 public:
  void start(const std::string& name, std::vector<std::string> args) {
    if (!inputs_available()) return;
    dir_ = std::make_unique<TempDir>(name);
    server_ = std::make_unique<ServerProcess>(dir_->path() / "data", std::move(args));
    started_ = server_->start();
  }
  void stop() {
    server_.reset();
    dir_.reset();
    started_ = false;
  }
  bool started() const { return started_; }
  ServerProcess& server() { return *server_; }
  std::string log() const { return server_ ? server_->log() : "(never started)"; }

 private:
  static bool inputs_available();

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<ServerProcess> server_;
  bool started_ = false;
};

// An answer: status (0 when the request failed at the socket), body, and
// the body as JSON (null when it is not JSON). data() hands out a reference
// to the parsed body, so `for (auto& f : reply.data()["faces"])` is safe
// while the Reply lives; a missing member reads as null.
struct Reply {
  int status = 0;
  std::string body;
  json& data() const {
    if (!parsed_) {
      parsed = json::parse(body, nullptr, false);
      if (parsed.is_discarded()) parsed = json();
      parsed_ = true;
    }
    return parsed;
  }
  std::string error_code() const {
    const json j = data();
    if (j.is_object() && j.contains("error") && j["error"].is_object() &&
        j["error"].contains("code") && j["error"]["code"].is_string())
      return j["error"]["code"].get<std::string>();
    return "";
  }

 private:
  mutable json parsed;
  mutable bool parsed_ = false;
};

// A client for one credential. Not shared between threads: each thread
// makes its own (httplib's Client keeps one connection).
class Api {
 public:
  Api(int port, std::string token) : client_("127.0.0.1", port), token_(std::move(token)) {
    client_.set_connection_timeout(5);
    client_.set_read_timeout(120);
    client_.set_write_timeout(60);
    client_.set_keep_alive(true);
    // As browsers do: without it, Nagle's algorithm and delayed ACKs can hold
    // a request's body back by tens of milliseconds.
    client_.set_tcp_nodelay(true);
  }

  Reply get(const std::string& path) { return wrap(client_.Get(path, headers())); }
  Reply del(const std::string& path) { return wrap(client_.Delete(path, headers())); }
  Reply post_json(const std::string& path, const json& body) {
    return wrap(client_.Post(path, headers(), body.dump(), "application/json"));
  }
  Reply patch_json(const std::string& path, const json& body) {
    return wrap(client_.Patch(path, headers(), body.dump(), "application/json"));
  }
  Reply post_raw(const std::string& path, const std::string& body, const std::string& type) {
    return wrap(client_.Post(path, headers(), body, type));
  }
  // multipart/form-data: the photo as part `image`, plus text fields.
  Reply post_image(const std::string& path, const std::string& bytes,
                   const std::vector<std::pair<std::string, std::string>>& fields = {},
                   const std::string& filename = "photo.jpg",
                   const std::string& type = "image/jpeg") {
    httplib::MultipartFormDataItems items;
    items.push_back({"image", bytes, filename, type});
    for (const auto& [name, value] : fields) items.push_back({name, value, "", ""});
    return wrap(client_.Post(path, headers(), items));
  }

 private:
  httplib::Headers headers() const {
    if (token_.empty()) return {};
    return {{"Authorization", "Bearer " + token_}};
  }
  static Reply wrap(const httplib::Result& r) {
    Reply out;
    if (r) {
      out.status = r->status;
      out.body = r->body;
    }
    return out;
  }

  httplib::Client client_;
  std::string token_;
};

// An event open for check-in from an hour ago to an hour from now, whose
// kiosks may register walk-ups (the bad-input tests send them broken photos)
// and check in single frames: these suites test recognition, limits and
// durability, so liveness is off (test_http_liveness.cpp tests it).
inline json open_event_body(const std::string& name) {
  const auto now = static_cast<int64_t>(std::time(nullptr));
  return {{"name", name},
          {"venue", "acceptance"},
          {"starts_at", now - 3600},
          {"ends_at", now + 3600},
          {"status", "open"},
          {"checkin_opens_before_min", 60},
          {"checkin_closes_after_min", 60},
          {"self_register", true},
          {"liveness", "off"}};
}

// LFW: images/<Name>/<Name>_NNNN.jpg, lists in lfw/*.tsv.
inline fs::path lfw_dir() { return facecheck::testing::data_dir() / "lfw"; }

inline bool lfw_available() {
  return fs::exists(lfw_dir() / "identify_ge5.tsv") && fs::exists(lfw_dir() / "people.tsv");
}

struct LfwPerson {
  std::string name;
  std::vector<fs::path> photos;  // in file order
};

// identify_ge5.tsv: "identity<TAB>relative path", people in file order.
inline std::vector<LfwPerson> lfw_identify_people() {
  std::ifstream in(lfw_dir() / "identify_ge5.tsv");
  std::vector<LfwPerson> people;
  std::map<std::string, size_t> index;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    const std::string name = line.substr(0, tab);
    std::string rel = line.substr(tab + 1);
    while (!rel.empty() && (rel.back() == '\r' || rel.back() == ' ')) rel.pop_back();
    auto [it, added] = index.emplace(name, people.size());
    if (added) people.push_back({name, {}});
    people[it->second].photos.push_back(lfw_dir() / "images" / rel);
  }
  return people;
}

// people.tsv: "identity<TAB>n_images<TAB>fold"; every identity with its photos.
inline std::vector<LfwPerson> lfw_all_people() {
  std::ifstream in(lfw_dir() / "people.tsv");
  std::vector<LfwPerson> people;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name;
    int count = 0;
    if (!(fields >> name >> count) || count <= 0) continue;
    LfwPerson p{name, {}};
    for (int i = 1; i <= count; ++i) {
      char suffix[16];
      std::snprintf(suffix, sizeof suffix, "_%04d.jpg", i);
      p.photos.push_back(lfw_dir() / "images" / name / (name + suffix));
    }
    people.push_back(std::move(p));
  }
  return people;
}

// The face of a check-in answer nearest the image centre: LFW photos are
// centred on the labelled person; other faces are bystanders.
inline const json* central_face(const json& answer) {
  if (!answer.is_object() || !answer.contains("faces") || !answer["faces"].is_array())
    return nullptr;
  const double cx = answer.value("width", 0) / 2.0, cy = answer.value("height", 0) / 2.0;
  const json* best = nullptr;
  double best_d = 0;
  for (const auto& f : answer["faces"]) {
    const auto& b = f["box"];
    if (!b.is_array() || b.size() != 4) continue;
    const double fx = b[0].get<double>() + b[2].get<double>() / 2 - cx;
    const double fy = b[1].get<double>() + b[3].get<double>() / 2 - cy;
    const double d = fx * fx + fy * fy;
    if (!best || d < best_d) {
      best = &f;
      best_d = d;
    }
  }
  return best;
}

inline bool accepted(const json& face) {
  const std::string s = face.value("status", "");
  return s == "checked_in" || s == "already_checked_in";
}

inline int64_t face_person(const json& face) {
  if (!face.contains("person") || !face["person"].is_object()) return 0;
  return face["person"].value("id", int64_t{0});
}

// Enrols one person's face the way an operator at the desk would: a photo
// refused for no face or poor quality is replaced by the person's next
// photo; with several faces the operator picks the central one; a
// "possible duplicate" warning is confirmed (LFW identities are distinct).
struct EnrolOutcome {
  int64_t person_id = 0;
  int photo_index = -1;  // the photo that was enrolled, -1 when none was
  std::vector<int> tried;
  int refused_quality = 0;  // no_face / poor_quality: next photo
  int several_faces = 0;    // re-sent with face_index
  int duplicates = 0;       // re-sent with allow_duplicate
  std::vector<std::string> other_errors;
};

inline int central_index(const json& boxes, int width, int height) {
  int best = 0;
  double best_d = -1;
  for (size_t i = 0; i < boxes.size(); ++i) {
    const auto& b = boxes[i];
    const double fx = b[0].get<double>() + b[2].get<double>() / 2 - width / 2.0;
    const double fy = b[1].get<double>() + b[3].get<double>() / 2 - height / 2.0;
    const double d = fx * fx + fy * fy;
    if (best_d < 0 || d < best_d) {
      best = static_cast<int>(i);
      best_d = d;
    }
  }
  return best;
}

inline EnrolOutcome enrol_lfw_person(Api& api, int64_t event_id, const LfwPerson& person,
                                     size_t max_photos) {
  EnrolOutcome out;
  const Reply created = api.post_json("/api/v1/events/" + std::to_string(event_id) + "/attendees",
                                      {{"name", person.name}, {"organisation", "LFW"}});
  if (created.status != 201) {
    out.other_errors.push_back("attendee " + std::to_string(created.status) + " " + created.body);
    return out;
  }
  out.person_id = created.data().value("person_id", int64_t{0});
  const std::string path = "/api/v1/people/" + std::to_string(out.person_id) + "/faces";
  for (size_t i = 0; i < person.photos.size() && i < max_photos; ++i) {
    const std::string photo = read_text(person.photos[i]);
    out.tried.push_back(static_cast<int>(i));
    std::vector<std::pair<std::string, std::string>> fields = {{"label", "lfw"}};
    for (int attempt = 0; attempt < 3; ++attempt) {
      const Reply r = api.post_image(path, photo, fields);
      if (r.status == 201) {
        out.photo_index = static_cast<int>(i);
        return out;
      }
      const std::string code = r.error_code();
      if (r.status == 422 && code == "several_faces") {
        ++out.several_faces;
        const json boxes = r.data()["error"]["details"]["faces"];
        // LFW photos are 250x250 and centred on the labelled person.
        fields.push_back({"face_index", std::to_string(central_index(boxes, 250, 250))});
        continue;
      }
      if (r.status == 409 && code == "possible_duplicate") {
        ++out.duplicates;
        fields.push_back({"allow_duplicate", "true"});
        continue;
      }
      if (r.status == 422 && (code == "no_face" || code == "poor_quality")) {
        ++out.refused_quality;
      } else {
        out.other_errors.push_back(person.photos[i].filename().string() + ": " +
                                   std::to_string(r.status) + " " + r.body);
      }
      break;
    }
  }
  return out;
}

// What REQUIRE_ACCEPTANCE_INPUTS checks, as a value.
inline bool SuiteServer::inputs_available() {
  return fs::exists(facecheck::testing::data_dir() / "README.md") &&
         fs::exists(facecheck::testing::models_dir() / "face_recognition_model.bin") &&
         lfw_available() && fs::exists(FACECHECK_BINARY);
}

}  // namespace facecheck::acceptance

#define REQUIRE_ACCEPTANCE_INPUTS()                                                          \
  do {                                                                                       \
    REQUIRE_DATA();                                                                          \
    REQUIRE_MODELS();                                                                        \
    if (!facecheck::acceptance::lfw_available())                                             \
      SKIP_FOR_MISSING_INPUT("LFW lists not found in " << facecheck::acceptance::lfw_dir()); \
    if (!std::filesystem::exists(FACECHECK_BINARY))                                          \
      SKIP_FOR_MISSING_INPUT("server binary not built: " << FACECHECK_BINARY);               \
  } while (0)
