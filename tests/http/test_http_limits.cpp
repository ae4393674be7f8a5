// What a stranger or a careless client cannot do to the server: floods of
// headers, integers that do not fit, against one real server process.

#include "http/raw_socket.h"
#include "http/server_fixture.h"

namespace facecheck::testing {
namespace {

using nlohmann::json;

class HttpLimits : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(); }
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

  // A raw GET /healthz with `count` extra headers of `size` bytes each.
  static std::string healthz_with_headers(size_t count, size_t size) {
    std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (size_t i = 0; i < count; ++i)
      request += "X-" + std::to_string(i) + ": " + std::string(size, 'a') + "\r\n";
    return request + "\r\n";
  }

  static inline ServerProcess* server_ = nullptr;
  std::unique_ptr<httplib::Client> http_;
  httplib::Headers admin_;
};

// ---- Finding 3: the number and size of request headers are capped ----

TEST_F(HttpLimits, TooManyHeadersAre431AndTheConnectionCloses) {
  RawSocket many(server_->port());
  ASSERT_TRUE(many.send(healthz_with_headers(101, 10)));
  const std::string response = many.receive();
  EXPECT_EQ(raw_status(response), 431) << response;
  EXPECT_NE(response.find("\"headers_too_large\""), std::string::npos) << response;
  EXPECT_TRUE(many.closed_by_server());
  // A browser's twenty headers, or a hundred, are fine.
  RawSocket normal(server_->port());
  ASSERT_TRUE(normal.send(healthz_with_headers(98, 10)));
  EXPECT_EQ(raw_status(normal.receive()), 200);
}

TEST_F(HttpLimits, HeadersOverThirtyTwoKilobytesAre431) {
  RawSocket large(server_->port());
  ASSERT_TRUE(large.send(healthz_with_headers(5, 7000)));  // 35 KB in five headers
  EXPECT_EQ(raw_status(large.receive()), 431);
  RawSocket fits(server_->port());
  ASSERT_TRUE(fits.send(healthz_with_headers(4, 7000)));
  EXPECT_EQ(raw_status(fits.receive()), 200);
}

// The review's attack: 25,000 headers of 8 KB took 200 and ~290 MB. The
// server now stops reading at the cap, so its peak memory stays put.
TEST_F(HttpLimits, AHeaderFloodCostsTheServerNoMemory) {
  const long peak_before = proc_status_kib(server_->pid(), "VmHWM");
  ASSERT_GT(peak_before, 0);
  RawSocket flood(server_->port());
  ASSERT_TRUE(flood.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
  const std::string header = "X-Flood: " + std::string(8000, 'a') + "\r\n";
  std::string batch;
  for (int i = 0; i < 100; ++i) batch += header;
  bool accepted_all = true;
  for (int i = 0; i < 250 && accepted_all; ++i) accepted_all = flood.send(batch);
  if (accepted_all) flood.send("\r\n");
  const std::string response = flood.receive();
  EXPECT_FALSE(accepted_all) << "the server read all 200 MB of headers";
  EXPECT_NE(raw_status(response), 200);
  const long grown_kib = proc_status_kib(server_->pid(), "VmHWM") - peak_before;
  EXPECT_LT(grown_kib, 32 * 1024) << "peak memory grew by " << grown_kib / 1024 << " MB";
  EXPECT_EQ(status_of(http_->Get("/healthz")), 200);
}

}  // namespace
}  // namespace facecheck::testing
