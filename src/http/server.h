// The facecheck HTTP server: httplib configured for a kiosk fleet (bounded
// thread pool, body limit, timeouts, TCP_NODELAY), the API routes, the web
// clients as static files, and a stop that ends open streams.
#pragma once

#include <httplib.h>

#include <atomic>
#include <memory>

#include "http/context.h"
#include "http/guarded_server.h"

namespace facecheck::http {

class ApiServer {
 public:
  // The references must outlive the server.
  ApiServer(ServerOptions options, storage::Store& store, checkin::CheckinService& service,
            checkin::EnginePool& engines);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds the listening socket; returns the port (the chosen one when
  // options.port is 0). Throws std::runtime_error when the address is taken.
  int bind();
  // Serves until stop(); returns false when the server failed.
  bool run();
  // Thread-safe: ends open streams, stops accepting, and lets run() return
  // once the requests in flight are answered.
  void stop();

  Metrics& metrics() { return metrics_; }

 private:
  void configure();
  void mount_web_root();

  ServerOptions options_;
  Metrics metrics_;
  RateLimiter limiter_;
  StreamSlots streams_;
  std::atomic<bool> stopping_{false};
  checkin::InvitationService invitations_;
  checkin::FrontDesk desk_;
  GuessLimiter guesses_;
  GuessLimiter credential_guesses_;
  Context ctx_;
  GuardedServer server_;
};

}  // namespace facecheck::http
