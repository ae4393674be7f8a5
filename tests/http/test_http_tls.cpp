// https built into `facecheck serve` (--tls-cert, --tls-key): a check-in
// over TLS with a self-signed certificate that the client verifies, plain
// http refused on the TLS port, handshakes that never finish holding no
// worker thread, and bad certificate files refused at start-up.
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <memory>

#include "http/raw_socket.h"
#include "http/server_fixture.h"
#include "http/test_certificate.h"

namespace facecheck::testing {
namespace {

using nlohmann::json;

using Certificate = TestCertificate;

class HttpTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certificate_ = new Certificate();
    server_ = new ServerProcess(
        {"--kiosk-rps", "0", "--threshold", "0.5", "--http-threads", "6", "--max-streams", "2",
         "--tls-cert", certificate_->cert, "--tls-key", certificate_->key},
        {}, certificate_->cert);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete certificate_;
  }

  void SetUp() override {
    ASSERT_TRUE(certificate_->made) << "openssl could not make a test certificate";
    REQUIRE_MODELS();
    ASSERT_TRUE(server_->ok()) << server_->error();
    https_ = server_->client(60);
    admin_ = bearer(server_->admin_key());
  }

  httplib::Result post_json(const std::string& path, const json& body) {
    return https_->Post(path, admin_, body.dump(), "application/json");
  }

  static inline Certificate* certificate_ = nullptr;
  static inline ServerProcess* server_ = nullptr;
  std::unique_ptr<httplib::Client> https_;
  httplib::Headers admin_;
};

TEST_F(HttpTls, ChecksInOverHttpsWithAVerifiedSelfSignedCertificate) {
  REQUIRE_DATA();
  const int64_t person =
      body_json(post_json("/api/v1/people", {{"name", "Grant Hackett"}})).value("id", int64_t{0});
  ASSERT_GT(person, 0);
  auto enrol = https_->Post("/api/v1/people/" + std::to_string(person) + "/faces", admin_,
                            image_form(lfw_photo("Grant_Hackett", 1)));
  ASSERT_EQ(status_of(enrol), 201) << (enrol ? enrol->body : httplib::to_string(enrol.error()));

  const auto now = static_cast<int64_t>(std::time(nullptr));
  const int64_t event = body_json(post_json("/api/v1/events", {{"name", "TLS"},
                                                               {"starts_at", now},
                                                               {"ends_at", now + 3600},
                                                               {"status", "open"},
                                                               {"liveness", "off"}}))
                            .value("id", int64_t{0});
  ASSERT_GT(event, 0);
  const std::string base = "/api/v1/events/" + std::to_string(event);
  ASSERT_EQ(status_of(post_json(base + "/attendees", {{"person_id", person}})), 201);
  const std::string token =
      body_json(post_json(base + "/kiosks", {{"name", "door"}})).value("token", "");
  ASSERT_FALSE(token.empty());
  const json issued = body_json(post_json(base + "/invitations", {{"person_ids", {person}}}));
  const std::string origin = "https://127.0.0.1:" + std::to_string(server_->port());
  EXPECT_EQ(issued["invitations"][0].value("url", "").rfind(origin + "/invite/", 0), 0u) << issued;

  auto r =
      https_->Post(base + "/checkin", bearer(token), image_form(lfw_photo("Grant_Hackett", 2)));
  ASSERT_EQ(status_of(r), 200) << (r ? r->body : httplib::to_string(r.error()));
  const json faces = body_json(r)["faces"];
  ASSERT_EQ(faces.size(), 1u) << faces;
  EXPECT_EQ(faces[0]["status"], "checked_in");
  EXPECT_EQ(faces[0]["person"]["id"], person);
}

TEST_F(HttpTls, ACertificateTheClientDoesNotTrustFailsTheHandshake) {
  Certificate other;
  ASSERT_TRUE(other.made);
  httplib::Client wary("https://127.0.0.1:" + std::to_string(server_->port()));
  wary.set_ca_cert_path(other.cert.c_str());
  wary.enable_server_certificate_verification(true);
  wary.set_connection_timeout(5);
  auto r = wary.Get("/healthz");
  EXPECT_FALSE(r);
  if (!r) {
    EXPECT_EQ(r.error(), httplib::Error::SSLServerVerification);
  }
  EXPECT_EQ(status_of(https_->Get("/healthz")), 200);
}

TEST_F(HttpTls, PlainHttpOnTheTlsPortGetsNoAnswer) {
  RawSocket plain(server_->port());
  ASSERT_TRUE(plain.connected());
  ASSERT_TRUE(plain.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string answer = plain.receive(std::chrono::seconds(5));
  EXPECT_EQ(answer.find("HTTP/1.1 200"), std::string::npos) << answer;
  EXPECT_TRUE(plain.closed_by_server());
  EXPECT_EQ(status_of(https_->Get("/healthz")), 200);
}

// Six worker threads; twenty connections that send nothing, and twenty
// that stop half-way through a ClientHello, must not take them.
TEST_F(HttpTls, UnfinishedHandshakesHoldNoWorkerThread) {
  std::vector<std::unique_ptr<RawSocket>> stalled;
  for (int i = 0; i < 40; ++i) {
    stalled.push_back(std::make_unique<RawSocket>(server_->port()));
    ASSERT_TRUE(stalled.back()->connected());
    // A TLS record header announcing a 512-byte handshake message, then silence.
    if (i % 2) {
      ASSERT_TRUE(stalled.back()->send(std::string("\x16\x03\x01\x02\x00\x01", 6)));
    }
  }
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 8; ++i) {
    auto fresh = server_->client(5);
    EXPECT_EQ(status_of(fresh->Get("/healthz")), 200) << "request " << i;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(HttpTlsConfig, AMissingOrMismatchedCertificateStopsTheServerAtStartUp) {
  REQUIRE_MODELS();
  Certificate one, two;
  ASSERT_TRUE(one.made && two.made);
  const std::string missing = (one.dir.path() / "none.pem").string();
  {
    ServerProcess server({"--tls-cert", missing, "--tls-key", one.key}, {}, one.cert);
    EXPECT_FALSE(server.ok());
    EXPECT_NE(server.stderr_text().find("TLS certificate " + missing), std::string::npos)
        << server.stderr_text();
  }
  {
    ServerProcess server({"--tls-cert", one.cert, "--tls-key", two.key}, {}, one.cert);
    EXPECT_FALSE(server.ok());
    EXPECT_NE(server.stderr_text().find("does not belong to certificate"), std::string::npos)
        << server.stderr_text();
  }
  {
    ServerProcess server({"--tls-cert", one.cert}, {}, one.cert);
    EXPECT_FALSE(server.ok());
    EXPECT_NE(server.stderr_text().find("tls_cert and tls_key go together"), std::string::npos)
        << server.stderr_text();
  }
}

}  // namespace
}  // namespace facecheck::testing
