// What the server shows and writes for hostile input: the web pages' headers
// and file names, and log lines a client cannot forge, against one real
// server process.
#include <thread>

#include "http/raw_socket.h"
#include "http/server_fixture.h"

namespace facecheck::testing {
namespace {

using nlohmann::json;

class HttpSecurity : public SharedServerTest<HttpSecurity> {
 public:
  static std::vector<std::string> server_args() { return {"--log-level", "info"}; }

 protected:
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

// ---- Finding 12: only the web clients' own files, with safe headers ----

TEST_F(HttpSecurity, ANulInAStaticPathServesNothing) {
  for (const char* target :
       {"/kiosk.js%00.html", "/kiosk.js%00", "/admin.html%0a", "/kiosk.js%2500.html"}) {
    const std::string response = raw_get(target);
    EXPECT_EQ(raw_status(response), 404) << target << "\n" << response;
    EXPECT_EQ(response.find("text/html"), std::string::npos) << target;
    EXPECT_EQ(response.find("import "), std::string::npos) << target;  // kiosk.js's text
  }
}

TEST_F(HttpSecurity, OnlyTheWebClientsFilesAreServed) {
  EXPECT_EQ(status_of(http_->Get("/kiosk.js")), 200);
  EXPECT_EQ(status_of(http_->Get("/kiosk.css")), 200);
  for (const char* path : {"/README.md", "/package.json", "/tests/api.test.js", "/..%2fREADME.md",
                           "/%2e%2e/%2e%2e/README.md", "/kiosk.js/", "/KIOSK.HTML"})
    EXPECT_EQ(status_of(http_->Get(path)), 404) << path;
}

TEST_F(HttpSecurity, PagesSendContentSecurityPolicyAndFrameHeaders) {
  for (const char* page : {"/kiosk.html", "/admin.html"}) {
    auto r = http_->Get(page);
    ASSERT_EQ(status_of(r), 200) << page;
    EXPECT_EQ(r->get_header_value("Content-Type").rfind("text/html", 0), 0u) << page;
    const std::string csp = r->get_header_value("Content-Security-Policy");
    EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << page << ": " << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("object-src 'none'"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
    EXPECT_EQ(r->get_header_value("X-Frame-Options"), "DENY") << page;
    EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff") << page;
  }
  // Every answer, scripts and JSON included, forbids type sniffing.
  for (const char* path : {"/kiosk.js", "/healthz", "/no-such-page"})
    EXPECT_EQ(http_->Get(path)->get_header_value("X-Content-Type-Options"), "nosniff") << path;
}

}  // namespace
}  // namespace facecheck::testing
