// Runs the real `facecheck serve` binary as a child process on a free
// loopback port with a temporary data folder, for tests that talk HTTP to
// it. The server picks the port itself (--port 0) and prints it; the admin
// key comes from DIR/admin-key.txt, as a deployment script would read it.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

namespace facecheck::testing {

class ServerProcess {
 public:
  using Environment = std::vector<std::pair<std::string, std::string>>;

  // `env` is added to the server's environment (FACECHECK_* settings).
  explicit ServerProcess(std::vector<std::string> extra_args = {}, Environment env = {}) {
    char dir_template[] = "/tmp/facecheck-http-XXXXXX";
    if (!mkdtemp(dir_template)) {
      error_ = "mkdtemp failed";
      return;
    }
    root_ = dir_template;
    start(std::move(extra_args), env);
    if (error_.empty()) wait_until_ready();
  }

  ~ServerProcess() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  const std::string& admin_key() const { return admin_key_; }
  std::filesystem::path data_dir() const { return root_ / "data"; }
  std::string stderr_text() const { return read_bytes(root_ / "stderr.txt"); }

  std::unique_ptr<httplib::Client> client(int read_timeout_seconds = 30) const {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
    c->set_connection_timeout(5);
    c->set_read_timeout(read_timeout_seconds);
    c->set_write_timeout(30);
    return c;
  }

  // SIGTERM, then SIGKILL after `grace`. Returns the exit status (-1 when it
  // had to be killed or was not running).
  int stop(std::chrono::seconds grace = std::chrono::seconds(10)) {
    if (pid_ <= 0) return exit_status_;
    kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (std::chrono::steady_clock::now() < deadline) {
      if (reap()) return exit_status_;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    exit_status_ = -1;
    return exit_status_;
  }

 private:
  void start(std::vector<std::string> extra_args, const Environment& env) {
    std::vector<std::string> args = {
        FACECHECK_BINARY, "serve", "--data",      data_dir().string(),
        "--port",         "0",     "--models",    models_dir().string(),
        "--workers",      "2",     "--log-level", "warn"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    const std::string out = (root_ / "stdout.txt").string();
    const std::string err = (root_ / "stderr.txt").string();
    pid_ = fork();
    if (pid_ == 0) {
      // The test process has no other threads yet, so the child may allocate.
      const int out_fd = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      const int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (out_fd < 0 || err_fd < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0) _exit(126);
      for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    if (pid_ < 0) error_ = "fork failed";
  }

  bool reap() {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    pid_ = -1;
    return true;
  }

  // The port from "listening on http://127.0.0.1:PORT", then /healthz.
  void wait_until_ready() {
    static const std::regex listening(R"(listening on http://[^:]+:(\d+))");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      if (reap()) {
        error_ = "server exited with " + std::to_string(exit_status_) + ":\n" + stderr_text();
        return;
      }
      std::smatch m;
      const std::string out = read_bytes(root_ / "stdout.txt");
      if (std::regex_search(out, m, listening)) {
        port_ = std::stoi(m[1]);
        if (client()->Get("/healthz")) {
          admin_key_ = read_bytes(data_dir() / "admin-key.txt");
          while (!admin_key_.empty() && std::isspace(admin_key_.back())) admin_key_.pop_back();
          return;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    error_ = "server did not become ready within 60 s:\n" + stderr_text();
  }

  std::filesystem::path root_;
  pid_t pid_ = -1;
  int exit_status_ = -1;
  int port_ = 0;
  std::string admin_key_;
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

}  // namespace facecheck::testing
