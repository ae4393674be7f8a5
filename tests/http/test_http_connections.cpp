// Connections that strangers hold open cannot starve the server: idle
// sockets, slowloris clients trickling a request head, and more sockets
// than the server takes, each against its own real server process.
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "http/raw_socket.h"
#include "http/server_fixture.h"

namespace facecheck::testing {
namespace {

using Clock = std::chrono::steady_clock;

// GET /healthz on a new connection: true when it answered 200 within 1 s.
bool healthz_answers_quickly(const ServerProcess& server) {
  httplib::Client client("127.0.0.1", server.port());
  client.set_connection_timeout(2);
  client.set_read_timeout(2);
  const auto start = Clock::now();
  const auto r = client.Get("/healthz");
  return r && r->status == 200 && Clock::now() - start < std::chrono::seconds(1);
}

std::vector<std::unique_ptr<RawSocket>> open_sockets(int port, size_t count) {
  std::vector<std::unique_ptr<RawSocket>> sockets;
  for (size_t i = 0; i < count; ++i) sockets.push_back(std::make_unique<RawSocket>(port));
  return sockets;
}

// The review's attack: 16 idle sockets took every worker for as long as
// they were held (each up to the keep-alive timeout, then reconnected).
TEST(HttpConnections, IdleSocketsDoNotStarveHealthz) {
  REQUIRE_MODELS();
  ServerProcess server({"--http-threads", "8", "--max-streams", "4"});
  ASSERT_TRUE(server.ok()) << server.error();
  const auto idle = open_sockets(server.port(), 32);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(healthz_answers_quickly(server)) << "attempt " << i;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

TEST(HttpConnections, SlowlorisClientsDoNotStarveHealthz) {
  REQUIRE_MODELS();
  ServerProcess server({"--http-threads", "8", "--max-streams", "4"});
  ASSERT_TRUE(server.ok()) << server.error();
  auto slow = open_sockets(server.port(), 32);
  for (auto& s : slow) s->send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
  int answered = 0;
  for (int round = 0; round < 8; ++round) {  // a byte each 400 ms for ~3 s
    for (auto& s : slow) s->send("a");
    if (round % 2 == 1) answered += healthz_answers_quickly(server);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
  }
  EXPECT_EQ(answered, 4);
}

// A request head that trickles in is given up after 10 s, however steadily
// its bytes come (httplib's 15 s read timeout restarted with every byte).
TEST(HttpConnections, ASlowRequestHeadIsCutOffAtItsDeadline) {
  REQUIRE_MODELS();
  ServerProcess server;
  ASSERT_TRUE(server.ok()) << server.error();
  RawSocket slow(server.port());
  ASSERT_TRUE(slow.send("GET /healthz HTTP/1.1\r\nX-Slow: "));
  const auto start = Clock::now();
  bool open = true;
  while (open && Clock::now() - start < std::chrono::seconds(14)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    open = slow.send("a");
  }
  if (open) open = !slow.closed_by_server(std::chrono::seconds(1));
  EXPECT_FALSE(open) << "still open after 14 s";
  EXPECT_GT(Clock::now() - start, std::chrono::seconds(9));
}

// Idle sockets cost no thread now, but each is a file descriptor: past
// --max-connections new ones are answered 503 and closed at once.
TEST(HttpConnections, ConnectionsOverTheCapAreTurnedAway) {
  REQUIRE_MODELS();
  ServerProcess server({"--max-connections", "20"});
  ASSERT_TRUE(server.ok()) << server.error();
  auto held = open_sockets(server.port(), 20);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  RawSocket over(server.port());
  const std::string response = over.receive(std::chrono::seconds(2));
  EXPECT_EQ(raw_status(response), 503) << response;
  EXPECT_TRUE(over.closed_by_server());
  // Once the held ones are gone, the server takes connections again.
  for (auto& s : held) s.reset();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(healthz_answers_quickly(server));
}

}  // namespace
}  // namespace facecheck::testing
