// What the server shows and writes for hostile input: the web pages' headers
// and file names, and log lines a client cannot forge, against one real
// server process.
#include <thread>

#include "http/raw_socket.h"
#include "http/server_fixture.h"

namespace facecheck::testing {
namespace {

using nlohmann::json;

class HttpSecurity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess({"--log-level", "info"}); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    REQUIRE_MODELS();
    ASSERT_TRUE(server_->ok()) << server_->error();
    http_ = server_->client();
  }

  // Sends one raw request line (bytes as given, nothing escaped) and returns
  // the response.
  static std::string raw_get(const std::string& target) {
    RawSocket socket(server_->port());
    socket.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    return socket.receive();
  }

  // The server's log once it mentions `marker` (it writes after answering).
  static std::string log_with(const std::string& marker) {
    std::string log;
    for (int i = 0; i < 50; ++i) {
      log = server_->stderr_text();
      if (log.find(marker) != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return log;
  }

  static inline ServerProcess* server_ = nullptr;
  std::unique_ptr<httplib::Client> http_;
};

// ---- Finding 11: control characters never reach the log raw ----

TEST_F(HttpSecurity, ControlCharactersInThePathAreEscapedInTheLog) {
  raw_get(
      "/forge%0d%0a[2026-01-01%2000:00:00.000]%20[facecheck]%20[info]%20GET%20/admin%20200"
      "%1b[31mred%00nul%07bell%7fdel");
  const std::string log = log_with("forge");
  ASSERT_NE(log.find("forge"), std::string::npos) << log;
  const auto at = log.find("forge");
  const std::string line = log.substr(at, log.find('\n', at) - at);
  EXPECT_EQ(log.find("forge\r"), std::string::npos);
  EXPECT_EQ(log.find("forge\n"), std::string::npos);
  EXPECT_EQ(log.find("\n[2026-01-01"), std::string::npos) << "a forged line";
  EXPECT_EQ(log.find('\x1b'), std::string::npos);
  EXPECT_EQ(log.find('\x07'), std::string::npos);
  EXPECT_EQ(log.find('\x7f'), std::string::npos);
  EXPECT_EQ(log.find(std::string(1, '\0')), std::string::npos);
  EXPECT_NE(line.find("forge\\x0d\\x0a[2026"), std::string::npos) << line;
  EXPECT_NE(line.find("\\x1b[31mred\\x00nul\\x07bell\\x7fdel"), std::string::npos) << line;
}

TEST_F(HttpSecurity, BackslashesAndChineseStayReadableInTheLog) {
  raw_get("/slash%5cx0a-%E6%9D%8E%E9%9B%B7");
  const std::string log = log_with("/slash");
  // A literal backslash is doubled, so "\x0a" in the log is always an escape.
  EXPECT_NE(log.find("/slash\\\\x0a-李雷"), std::string::npos) << log;
}

}  // namespace
}  // namespace facecheck::testing
