// deploy/nginx/facecheck.conf, run by Debian's nginx as this user, in front
// of two `facecheck serve` nodes: requests reach both, a node that stops is
// left out, the live feed passes through unbuffered, and the nodes see the
// client's address (which the client binds to 127.0.0.2) from the proxy
// only, never from a header a client forged.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <atomic>
#include <ctime>
#include <fstream>
#include <regex>
#include <thread>

#include "http/server_fixture.h"
#include "http/test_certificate.h"

namespace facecheck::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const char* const kClientAddress = "127.0.0.2";

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Replaces `from` (which must occur) in `text`; records a miss in `missing`.
void swap_text(std::string& text, const std::string& from, const std::string& to,
               std::string& missing) {
  const auto at = text.find(from);
  if (at == std::string::npos) {
    missing += "'" + from + "' ";
    return;
  }
  text.replace(at, from.size(), to);
}

// nginx in the foreground with the example's server blocks and a main
// configuration of its own (paths in `dir`, no root needed).
class Nginx {
 public:
  Nginx(const fs::path& dir, int https_port, int http_port, int node_a, int node_b,
        const std::string& cert, const std::string& key)
      : dir_(dir), port_(https_port) {
    std::string site = read_bytes(source_dir() / "deploy" / "nginx" / "facecheck.conf");
    swap_text(site, "server 127.0.0.1:8081", "server 127.0.0.1:" + std::to_string(node_a), error_);
    swap_text(site, "server 127.0.0.1:8082", "server 127.0.0.1:" + std::to_string(node_b), error_);
    swap_text(site, "listen 443 ssl;", "listen 127.0.0.1:" + std::to_string(https_port) + " ssl;",
              error_);
    swap_text(site, "listen 80;", "listen 127.0.0.1:" + std::to_string(http_port) + ";", error_);
    swap_text(site, "/etc/ssl/facecheck/fullchain.pem", cert, error_);
    swap_text(site, "/etc/ssl/facecheck/privkey.pem", key, error_);
    if (!error_.empty()) {
      error_ = "deploy/nginx/facecheck.conf no longer has " + error_;
      return;
    }
    write_file(dir_ / "facecheck.conf", site);
    const std::string d = dir_.string();
    write_file(dir_ / "nginx.conf",
               "daemon off;\npid " + d + "/nginx.pid;\nerror_log " + d +
                   "/error.log info;\nworker_processes 1;\nevents { worker_connections 256; }\n"
                   "http {\n  access_log " +
                   d + "/access.log;\n  client_body_temp_path " + d + "/body;\n  proxy_temp_path " +
                   d + "/proxy;\n  fastcgi_temp_path " + d + "/fastcgi;\n  uwsgi_temp_path " + d +
                   "/uwsgi;\n  scgi_temp_path " + d + "/scgi;\n  include " + d +
                   "/facecheck.conf;\n}\n");
    start();
  }
  ~Nginx() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }

  bool ok() const { return error_.empty(); }
  std::string error() const { return error_ + "\n" + read_bytes(dir_ / "error.log"); }

 private:
  static void write_file(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }

  void start() {
    const std::string binary = "/usr/sbin/nginx", prefix = dir_.string() + "/",
                      conf = dir_.string() + "/nginx.conf", log = dir_.string() + "/error.log";
    if (!fs::exists(binary)) {
      error_ = "nginx is not installed (scripts/setup.sh installs it)";
      return;
    }
    pid_ = ::fork();
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::execl(binary.c_str(), "nginx", "-p", prefix.c_str(), "-c", conf.c_str(), "-e", log.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    // Up once it accepts connections.
    for (int i = 0; i < 100; ++i) {
      const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(static_cast<uint16_t>(port_));
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
      ::close(fd);
      if (up) return;
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    error_ = "nginx did not start";
  }

  fs::path dir_;
  int port_;
  pid_t pid_ = -1;
  std::string error_;
};

// Binds a client's socket to kClientAddress before it connects (httplib
// calls socket options first), so that the client is not the proxy.
void bind_to_client_address(socket_t fd) {
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, kClientAddress, &from.sin_addr);
  ::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from);
}

// Node log lines of requests to `path` (the access log is at info).
int requests_logged(const ServerProcess& node, const std::string& path, const std::string& remote) {
  const std::string text = node.stderr_text();
  const std::regex line(" " + path + " [0-9]+ [0-9.]+ms remote=" +
                        std::regex_replace(remote, std::regex(R"(\.)"), R"(\.)"));
  return static_cast<int>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), line), std::sregex_iterator()));
}

// A node logs a request after sending its answer, so the line may come a
// moment after the client has it: waits up to 3 s for `count` lines.
int wait_logged(const std::vector<const ServerProcess*>& nodes, const std::string& path,
                const std::string& remote, int count) {
  int seen = 0;
  for (int i = 0; i < 60; ++i) {
    seen = 0;
    for (const ServerProcess* node : nodes) seen += requests_logged(*node, path, remote);
    if (seen >= count) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return seen;
}

class ReverseProxy : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_MODELS();
    ASSERT_TRUE(certificate_.made) << "openssl could not make a certificate";
    const std::vector<std::string> args = {"--trusted-proxies", "127.0.0.1", "--log-level", "info",
                                           "--kiosk-rps",       "0",         "--threshold", "0.5"};
    a_ = std::make_unique<ServerProcess>(args);
    b_ = std::make_unique<ServerProcess>(args);
    ASSERT_TRUE(a_->ok()) << a_->error();
    ASSERT_TRUE(b_->ok()) << b_->error();
    https_port_ = free_port();
    nginx_ = std::make_unique<Nginx>(dir_.path(), https_port_, free_port(), a_->port(), b_->port(),
                                     certificate_.cert, certificate_.key);
    ASSERT_TRUE(nginx_->ok()) << nginx_->error();
  }

  // A client of the proxy (https, verified) from 127.0.0.2.
  std::unique_ptr<httplib::Client> client() const {
    auto c = std::make_unique<httplib::Client>("https://127.0.0.1:" + std::to_string(https_port_));
    c->set_ca_cert_path(certificate_.cert.c_str());
    c->enable_server_certificate_verification(true);
    c->set_connection_timeout(5);
    c->set_read_timeout(30);
    c->set_socket_options(bind_to_client_address);
    return c;
  }

  acceptance::TempDir dir_{"facecheck-proxy"};
  TestCertificate certificate_;
  std::unique_ptr<ServerProcess> a_, b_;
  std::unique_ptr<Nginx> nginx_;
  int https_port_ = 0;
};

TEST_F(ReverseProxy, SpreadsRequestsAndLeavesOutANodeThatStops) {
  auto http = client();
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(status_of(http->Get("/api/v1/events")), 401) << "request " << i;
  // Round robin: both nodes served some (the access log shows each).
  EXPECT_EQ(wait_logged({a_.get(), b_.get()}, "/api/v1/events", kClientAddress, 10), 10);
  EXPECT_GT(requests_logged(*a_, "/api/v1/events", kClientAddress), 0) << a_->stderr_text();
  EXPECT_GT(requests_logged(*b_, "/api/v1/events", kClientAddress), 0) << b_->stderr_text();

  b_->stop();
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(status_of(http->Get("/healthz")), 200) << "request " << i << " after node B stopped";
}

TEST_F(ReverseProxy, NodesBelieveTheProxyAboutTheClientAndNobodyElse) {
  // Through the proxy, a forged X-Forwarded-For is overwritten.
  auto via_proxy = client();
  for (int i = 0; i < 4; ++i)
    ASSERT_EQ(status_of(via_proxy->Get("/api/v1/people", {{"X-Forwarded-For", "203.0.113.7"}})),
              401);
  EXPECT_EQ(wait_logged({a_.get(), b_.get()}, "/api/v1/people", kClientAddress, 4), 4)
      << a_->stderr_text() << b_->stderr_text();
  // Straight to a node, from an address that is not a trusted proxy.
  httplib::Client direct("127.0.0.1", a_->port());
  direct.set_socket_options(bind_to_client_address);
  ASSERT_EQ(status_of(direct.Get("/api/v1/events", {{"X-Forwarded-For", "203.0.113.7"}})), 401);
  EXPECT_EQ(wait_logged({a_.get()}, "/api/v1/events", kClientAddress, 1), 1) << a_->stderr_text();
  EXPECT_EQ(requests_logged(*a_, "/api/v1/events", "203.0.113.7"), 0) << a_->stderr_text();
}

TEST_F(ReverseProxy, TheLiveFeedPassesThroughAsItIsWritten) {
  REQUIRE_DATA();
  b_->stop();  // one node: the event, its kiosk and the stream live on A
  auto http = client();
  const auto admin = bearer(a_->admin_key());
  auto post = [&](const std::string& path, const json& body) {
    return http->Post(path, admin, body.dump(), "application/json");
  };
  const int64_t person =
      body_json(post("/api/v1/people", {{"name", "Grant Hackett"}})).value("id", int64_t{0});
  ASSERT_GT(person, 0);
  ASSERT_EQ(status_of(http->Post("/api/v1/people/" + std::to_string(person) + "/faces", admin,
                                 image_form(lfw_photo("Grant_Hackett", 1)))),
            201);
  const auto now = static_cast<int64_t>(std::time(nullptr));
  const int64_t event = body_json(post("/api/v1/events", {{"name", "Proxy"},
                                                          {"starts_at", now},
                                                          {"ends_at", now + 3600},
                                                          {"status", "open"},
                                                          {"liveness", "off"}}))
                            .value("id", int64_t{0});
  ASSERT_GT(event, 0);
  const std::string base = "/api/v1/events/" + std::to_string(event);
  ASSERT_EQ(status_of(post(base + "/attendees", {{"person_id", person}})), 201);
  const std::string token =
      body_json(post(base + "/kiosks", {{"name", "door"}})).value("token", "");
  ASSERT_FALSE(token.empty());
  // The proxy said https (X-Forwarded-Proto): so do invitation links.
  const json issued = body_json(post(base + "/invitations", {{"person_ids", {person}}}));
  EXPECT_EQ(issued["invitations"][0].value("url", "").rfind("https://127.0.0.1/invite/", 0), 0u)
      << issued;

  // The stream on its own connection; each chunk is noted as it arrives.
  std::mutex mutex;
  std::string received;
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    auto feed = client();
    feed->Get(base + "/stream", admin, [&](const char* data, size_t size) {
      std::lock_guard lock(mutex);
      received.append(data, size);
      return !stop.load();
    });
  });
  auto wait_for = [&](const std::string& text, std::chrono::milliseconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(mutex);
        if (received.find(text) != std::string::npos) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  };
  EXPECT_TRUE(wait_for("event: stats", std::chrono::seconds(5))) << received;
  auto r = http->Post(base + "/checkin", bearer(token), image_form(lfw_photo("Grant_Hackett", 2)));
  ASSERT_EQ(status_of(r), 200) << (r ? r->body : "");
  const auto answered = std::chrono::steady_clock::now();
  EXPECT_TRUE(wait_for("event: check_in", std::chrono::seconds(1))) << received;
  EXPECT_LT(std::chrono::steady_clock::now() - answered, std::chrono::seconds(1));
  stop = true;
  // The reader notices at the next chunk (a keepalive at the latest); the
  // node's stop ends the stream sooner.
  a_->stop();
  reader.join();
}

}  // namespace
}  // namespace facecheck::testing
