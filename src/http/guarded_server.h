// httplib's server with our own connection handling, so that limits apply
// while bytes arrive rather than after httplib has stored them, and so that
// idle or slow clients cannot hold the worker threads:
// - httplib 0.11 (Debian's prebuilt library) reads every header of a
//   request into memory before any handler runs and has no cap on their
//   number (25,000 headers of 8 KB cost ~290 MB); our stream stops reading
//   at the cap and the error handler answers 431 (current_limit_hit).
// - httplib gives each connection a worker thread for its whole life, idle
//   keep-alive time and a slowly trickled request included, so 16 idle or
//   slowloris sockets took all 16 threads. Here a connection gets a worker
//   only once a whole request head has arrived; until then it waits in the
//   "waiting room", one poll() thread for all of them, with deadlines.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "http/tls.h"

namespace facecheck::http {

struct ConnectionLimits {
  size_t max_header_bytes = 32 * 1024;  // request line and headers together
  size_t max_headers = 100;             // header lines after the request line
  // Body bytes on the wire; chunked framing may add up to kFramingSlack.
  size_t max_body_bytes = 10u << 20;
  // From the first byte of a request to the end of its headers.
  std::chrono::milliseconds header_timeout{10'000};
  // From the end of the headers to the end of the body.
  std::chrono::milliseconds request_timeout{60'000};
  // Open connections at most (waiting or served); more are refused (503).
  size_t max_connections = 512;
};

// Chunk-size lines of a chunked body that holds max_body_bytes of data.
constexpr size_t kFramingSlack = 64 * 1024;

enum class LimitHit { kNone, kHeaderCount, kHeaderBytes, kBody, kTimeout };

// The limit that stopped the request being handled on this thread, if any.
LimitHit current_limit_hit();

// For the handlers of the request on this thread (httplib parses, routes
// and answers a request on one thread); no effect on other threads.
// The request has no body (no Content-Length, not chunked: RFC 9112 6.3):
// reading one sees its end at once instead of waiting for the connection
// to close, as httplib would.
void current_request_has_no_body();
// The connection is closed after this answer (its body was not read).
void close_after_current_response();

class GuardedServer : public httplib::Server {
 public:
  explicit GuardedServer(ConnectionLimits limits);
  ~GuardedServer() override;

  // Every connection speaks TLS from now on (before listening starts).
  void use_tls(std::shared_ptr<const TlsContext> tls);
  // The worker threads (instead of new_task_queue).
  void set_worker_threads(size_t threads);
  size_t open_connections() const { return open_.load(); }

  struct Connection;

 private:
  class Pool;

  // Replaces httplib's keep-alive loop (a virtual of httplib::Server).
  bool process_and_close_socket(socket_t sock) override;
  // On a worker: answers the requests that have arrived, then parks the
  // connection or closes it.
  void serve(Connection* connection);
  void park(Connection* connection);
  void close(Connection* connection);

  void open_waiting_room(Pool* pool);
  void close_waiting_room();
  void waiting_room_loop();

  const ConnectionLimits limits_;
  std::shared_ptr<const TlsContext> tls_;
  std::atomic<size_t> open_{0};

  std::mutex mutex_;  // guards the waiting room
  Pool* pool_ = nullptr;
  bool stopping_ = false;
  std::vector<Connection*> parked_;
  int wake_fd_ = -1;
  std::thread room_;
};

}  // namespace facecheck::http
