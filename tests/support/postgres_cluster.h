// A throwaway PostgreSQL 15 cluster for the tests that run facecheck on
// PostgreSQL: initdb in a private temporary folder, one postgres process
// listening on a free TCP port of 127.0.0.1 (as servers reach a real
// database), trust authentication for the one local user. Started once per test
// executable on first use, killed with it: the postgres process gets
// SIGQUIT (immediate shutdown) when the test process dies, however it dies.
//
// The binaries come from Debian's postgresql-15 (scripts/setup.sh). When
// they are missing the tests fail; they are never skipped. As root (CI),
// initdb and postgres run as the "postgres" user, which refuses to run as
// root.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.h"

namespace facecheck::testing {

class PostgresCluster {
 public:
  static constexpr const char* kBinDir = "/usr/lib/postgresql/15/bin";

  // The cluster of this test process, started on first call.
  static PostgresCluster& shared() {
    static PostgresCluster cluster;
    return cluster;
  }

  // A new, empty database; its URI.
  std::string create_database() {
    const std::string name = "t" + std::to_string(++databases_);
    storage::Database::connect_postgres(uri("postgres")).exec("CREATE DATABASE " + name);
    return uri(name);
  }

  std::string uri(const std::string& database) const {
    return "postgresql://facecheck@127.0.0.1:" + std::to_string(port_) + "/" + database;
  }

  // The database a URI of uri() names.
  static std::string database_name(const std::string& uri) {
    return uri.substr(uri.rfind('/') + 1);
  }

  // Kills every backend connected to `database` (what a network failure
  // or a restarted server does to the servers' connections).
  void disconnect_all(const std::string& database) {
    storage::Database::connect_postgres(uri("postgres"))
        .exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
              database + "' AND pid <> pg_backend_pid()");
  }

  ~PostgresCluster() {
    if (server_ > 0) {
      ::kill(server_, SIGQUIT);
      ::waitpid(server_, nullptr, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

 private:
  PostgresCluster() {
    if (!std::filesystem::exists(std::string(kBinDir) + "/postgres"))
      throw std::runtime_error(std::string("PostgreSQL 15 is not installed (") + kBinDir +
                               "/postgres missing): run scripts/setup.sh");
    dir_ = std::filesystem::temp_directory_path() / ("facecheck_pg_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    give_to_server_user(dir_);
    const std::string data = (dir_ / "data").string();
    const int rc = run_and_wait({std::string(kBinDir) + "/initdb", "-D", data, "-U", "facecheck",
                                 "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "-N"});
    if (rc != 0) throw std::runtime_error("initdb failed (exit " + std::to_string(rc) + ")");
    // A port free a moment ago may be taken by the time postgres binds it
    // (ctest runs tests in parallel): then it exits, and another is tried.
    for (int attempt = 0;; ++attempt) {
      port_ = free_port();
      // fsync off: a test cluster is thrown away, and syncing costs seconds.
      server_ = spawn({std::string(kBinDir) + "/postgres", "-D", data, "-p", std::to_string(port_),
                       "-k", dir_.string(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                       "-c", "max_connections=300", "-c", "log_min_messages=panic"});
      if (wait_until_ready() || attempt == 4) break;
    }
    if (server_ <= 0) throw std::runtime_error("postgres did not start on any free port");
  }

  // A TCP port of 127.0.0.1 that nobody listens on now.
  static int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      throw std::runtime_error("cannot find a free port");
    ::close(fd);
    return ntohs(addr.sin_port);
  }

  static const passwd* server_user() {
    if (::geteuid() != 0) return nullptr;
    const passwd* pw = ::getpwnam("postgres");
    if (!pw) throw std::runtime_error("running as root but there is no \"postgres\" user");
    return pw;
  }

  static void give_to_server_user(const std::filesystem::path& dir) {
    if (const passwd* pw = server_user()) {
      if (::chown(dir.c_str(), pw->pw_uid, pw->pw_gid) != 0)
        throw std::runtime_error("cannot chown " + dir.string());
    }
  }

  // Forks and execs `argv` as the server user; the child dies with us.
  static pid_t spawn(const std::vector<std::string>& argv) {
    const passwd* pw = server_user();
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      if (pw && (::setgid(pw->pw_gid) != 0 || ::setuid(pw->pw_uid) != 0)) ::_exit(126);
      // After setuid: changing credentials clears the parent-death signal.
      ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
      if (::getppid() != parent) ::_exit(125);
      // initdb's chatter stays out of the test log; errors go to stderr.
      const int null = ::open("/dev/null", O_WRONLY);
      if (null >= 0) ::dup2(null, STDOUT_FILENO);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    return pid;
  }

  static int run_and_wait(const std::vector<std::string>& argv) {
    const pid_t pid = spawn(argv);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  }

  // True once postgres answers; false when it exited (its port was taken).
  bool wait_until_ready() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
      try {
        storage::Database::connect_postgres(uri("postgres")).query_int64("SELECT 1");
        return true;
      } catch (const storage::StorageError& e) {
        int status = 0;
        if (::waitpid(server_, &status, WNOHANG) == server_) {
          server_ = -1;
          return false;
        }
        if (std::chrono::steady_clock::now() > deadline)
          throw std::runtime_error(std::string("postgres did not start: ") + e.what());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  std::filesystem::path dir_;
  pid_t server_ = -1;
  int port_ = 0;
  int databases_ = 0;
};

}  // namespace facecheck::testing
