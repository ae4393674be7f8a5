// A real `facecheck serve` process for tests and benchmarks: the built
// binary (FACECHECK_BINARY) on a free loopback port with its own data
// folder, started, stopped gracefully or killed with SIGKILL.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "test_support.h"

namespace facecheck::acceptance {

namespace fs = std::filesystem;

using testing::TempDir;

// One `facecheck serve` process. Its stdout and stderr go to files in the
// data folder's parent, so a failure can show the server's log.
class ServerProcess {
 public:
  // Added to the server's environment (FACECHECK_* settings).
  using Environment = std::vector<std::pair<std::string, std::string>>;

  ServerProcess(fs::path data_dir, std::vector<std::string> extra_args = {}, Environment env = {})
      : data_dir_(std::move(data_dir)), extra_args_(std::move(extra_args)), env_(std::move(env)) {}
  ~ServerProcess() { stop(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server on a free port and waits until it listens; returns
  // false (with the log in `error()`) when it does not come up in time.
  bool start(std::chrono::seconds timeout = std::chrono::seconds(120)) {
    ++starts_;
    stdout_path_ = data_dir_.parent_path() / ("server-" + std::to_string(starts_) + ".out");
    stderr_path_ = data_dir_.parent_path() / ("server-" + std::to_string(starts_) + ".err");
    std::vector<std::string> args = {FACECHECK_BINARY, "serve",
                                     "--host",         "127.0.0.1",
                                     "--port",         "0",
                                     "--data",         data_dir_.string(),
                                     "--models",       facecheck::testing::models_dir().string()};
    // Quiet unless the test asks for a level (to read the access log).
    if (std::find(extra_args_.begin(), extra_args_.end(), "--log-level") == extra_args_.end())
      args.insert(args.end(), {"--log-level", "warn"});
    args.insert(args.end(), extra_args_.begin(), extra_args_.end());
    // An old log (a reused folder) would show an old port.
    std::error_code ignored;
    fs::remove(stdout_path_, ignored);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    // The environment is built here, not in the child, which may only make
    // async-signal-safe calls.
    std::vector<std::string> env_entries;
    for (char** e = environ; *e; ++e) env_entries.emplace_back(*e);
    for (const auto& [name, value] : env_) env_entries.push_back(name + "=" + value);
    std::vector<char*> envp;
    for (auto& e : env_entries) envp.push_back(e.data());
    envp.push_back(nullptr);
    const std::string out_path = stdout_path_.string(), err_path = stderr_path_.string();
    // Buffered output would otherwise be written twice, by the child too.
    std::cout.flush();
    std::fflush(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) return false;
    if (pid_ == 0) {
      // Only async-signal-safe calls from here to exec. The server dies with
      // its parent, so a crashed test or benchmark leaves no server behind.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      const int out_fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      const int err_fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (out_fd < 0 || err_fd < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0) ::_exit(126);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    // "listening on http://127.0.0.1:PORT" (https:// with TLS)
    const std::string marker = "://127.0.0.1:";
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string out = facecheck::testing::read_bytes(stdout_path_);
      const auto line = out.find("listening on http");
      if (const auto at = out.find(marker, line);
          line != std::string::npos && at != std::string::npos) {
        const auto end = out.find('\n', at);
        if (end != std::string::npos) {
          port_ = std::stoi(out.substr(at + marker.size(), end - at - marker.size()));
          return true;
        }
      }
      if (reap()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // `signo` (SIGTERM or SIGINT) and wait up to `grace` (a graceful stop);
  // SIGKILL if it does not stop. Returns the exit status (-1 when it had to
  // be killed, 128 + n when signal n ended it).
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(10), int signo = SIGTERM) {
    if (pid_ <= 0) return exit_status_;
    ::kill(pid_, signo);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (std::chrono::steady_clock::now() < deadline) {
      if (reap()) return exit_status_;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill9();
    return exit_status_;
  }

  // `kill -9`: no chance to flush or close anything.
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    exit_status_ = -1;
  }

  int port() const { return port_; }
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  std::string admin_key() const {
    std::string key = facecheck::testing::read_bytes(data_dir_ / "admin-key.txt");
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' '))
      key.pop_back();
    return key;
  }
  std::string log() const {
    return "stdout:\n" + facecheck::testing::read_bytes(stdout_path_) + "\nstderr:\n" +
           facecheck::testing::read_bytes(stderr_path_);
  }
  std::string stderr_text() const { return facecheck::testing::read_bytes(stderr_path_); }

 private:
  // True (with the exit status kept) once the process has ended.
  bool reap() {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    pid_ = -1;
    return true;
  }

  fs::path data_dir_;
  std::vector<std::string> extra_args_;
  Environment env_;
  int exit_status_ = -1;
  fs::path stdout_path_, stderr_path_;
  pid_t pid_ = -1;
  int port_ = 0;
  int starts_ = 0;
};

}  // namespace facecheck::acceptance
