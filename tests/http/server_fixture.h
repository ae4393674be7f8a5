// Runs the real `facecheck serve` binary as a child process on a free
// loopback port with a temporary data folder, for tests that talk HTTP to
// it through httplib directly. The server picks the port itself (--port 0)
// and prints it; the admin key comes from DIR/admin-key.txt, as a
// deployment script would read it.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http/server_process.h"
#include "test_support.h"

namespace facecheck::testing {

// A server on its own temporary data folder, started at construction (check
// ok()/error()) and ready once it answers /healthz. The process handling is
// acceptance::ServerProcess's; this adds the folder and httplib clients.
class ServerProcess {
 public:
  using Environment = acceptance::ServerProcess::Environment;

  // `env` is added to the server's environment (FACECHECK_* settings).
  // With `ca_file`, the server speaks https (its flags name the certificate)
  // and clients verify it against this CA.
  explicit ServerProcess(std::vector<std::string> extra_args = {}, Environment env = {},
                         std::string ca_file = "")
      : dir_("facecheck-http"),
        process_(dir_.path() / "data", std::move(extra_args), std::move(env)),
        ca_file_(std::move(ca_file)) {
    if (!process_.start(std::chrono::seconds(60))) {
      error_ = "server did not start:\n" + process_.log();
      return;
    }
    if (!client()->Get("/healthz")) error_ = "server does not answer /healthz:\n" + process_.log();
  }

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  int port() const { return process_.port(); }
  std::string admin_key() const { return process_.admin_key(); }
  std::filesystem::path data_dir() const { return dir_.path() / "data"; }
  std::string stderr_text() const { return process_.stderr_text(); }

  std::unique_ptr<httplib::Client> client(int read_timeout_seconds = 30) const {
    const std::string origin = (ca_file_.empty() ? "http://" : "https://") +
                               std::string("127.0.0.1:") + std::to_string(port());
    auto c = std::make_unique<httplib::Client>(origin);
    if (!ca_file_.empty()) {
      c->set_ca_cert_path(ca_file_.c_str());
      c->enable_server_certificate_verification(true);
    }
    c->set_connection_timeout(5);
    c->set_read_timeout(read_timeout_seconds);
    c->set_write_timeout(30);
    return c;
  }

  // SIGTERM (or `signo`), then SIGKILL after `grace`. Returns the exit
  // status (-1 when it had to be killed or was not running).
  int stop(std::chrono::seconds grace = std::chrono::seconds(10), int signo = SIGTERM) {
    return process_.stop(grace, signo);
  }
  pid_t pid() const { return process_.pid(); }
  // Starts the stopped server again on the same data folder (a new port).
  bool restart() {
    error_.clear();
    if (!process_.start(std::chrono::seconds(60)))
      error_ = "server did not restart:\n" + process_.log();
    return ok();
  }

 private:
  acceptance::TempDir dir_;
  acceptance::ServerProcess process_;
  std::string ca_file_;
  std::string error_;
};

// ---- Helpers for the tests ----

inline httplib::Headers bearer(const std::string& secret) {
  return {{"Authorization", "Bearer " + secret}};
}

inline nlohmann::json body_json(const httplib::Result& r) {
  if (!r) return nullptr;
  return nlohmann::json::parse(r->body, nullptr, false);
}

// The machine code of an error response, or "" when it is not one.
inline std::string error_code(const httplib::Result& r) {
  const auto j = body_json(r);
  if (!j.is_object() || !j.contains("error")) return "";
  return j["error"].value("code", "");
}

inline httplib::MultipartFormDataItems image_form(const std::string& bytes,
                                                  const std::string& field = "image",
                                                  const std::string& filename = "photo.jpg") {
  return {{field, bytes, filename, "application/octet-stream"}};
}

inline std::string lfw_photo(const std::string& name, int number) {
  char file[256];
  std::snprintf(file, sizeof file, "%s_%04d.jpg", name.c_str(), number);
  return read_bytes(data_dir() / "lfw" / "images" / name / file);
}

inline std::string imgtools_file(const std::string& name) {
  return read_bytes(data_dir() / "faces" / "compreface" / "imgtools_test" / name);
}

// Status of a response, or -1 when the request failed outright.
inline int status_of(const httplib::Result& r) { return r ? r->status : -1; }

// One server per test suite, started before its first test and stopped
// after its last, with a fresh client and the admin's headers per test.
// `Suite` names the server's flags: `static std::vector<std::string>
// server_args()`. A suite's own SetUp calls SharedServerTest::SetUp first.
template <class Suite>
class SharedServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(Suite::server_args()); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    REQUIRE_MODELS();
    ASSERT_TRUE(server_->ok()) << server_->error();
    http_ = server_->client();
    admin_ = bearer(server_->admin_key());
  }

  httplib::Result post_json(const std::string& path, const nlohmann::json& body) {
    return http_->Post(path, admin_, body.dump(), "application/json");
  }
  httplib::Result patch_json(const std::string& path, const nlohmann::json& body) {
    return http_->Patch(path, admin_, body.dump(), "application/json");
  }

  static inline ServerProcess* server_ = nullptr;
  std::unique_ptr<httplib::Client> http_;
  httplib::Headers admin_;
};

}  // namespace facecheck::testing
