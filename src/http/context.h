// What every route handler needs: the options the server runs with and the
// services behind it. One Context lives as long as the server.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checkin/checkin_service.h"
#include "checkin/engine_pool.h"
#include "checkin/front_desk.h"
#include "checkin/invitations.h"
#include "http/guess_limit.h"
#include "http/metrics.h"
#include "http/rate_limit.h"
#include "http/stream_slots.h"
#include "http/tls.h"
#include "storage/store.h"

namespace facecheck::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (bind() returns it)
  // Threads that serve connections. Each open SSE stream holds one for its
  // whole life, and so does an idle keep-alive connection for up to
  // keep_alive_seconds; see docs/api.md ("Limits").
  int http_threads = 16;
  int max_streams = 8;  // at most http_threads - 4 (ServeConfig checks)
  size_t max_body_bytes = 10u << 20;
  // Request line and headers: bytes and header lines (GuardedServer).
  size_t max_header_bytes = 32u << 10;
  size_t max_headers = 100;
  // Open connections at most; idle ones wait without a thread (GuardedServer).
  size_t max_connections = 512;
  int read_timeout_seconds = 15;
  int write_timeout_seconds = 15;
  int keep_alive_seconds = 5;
  bool legacy_routes = false;
  std::optional<int64_t> legacy_event;
  double kiosk_rps = 5;  // per kiosk token; 0 = unlimited
  double kiosk_burst = 10;
  std::string web_root;  // empty: no static files
  // The liveness policy of an event created without one (docs/liveness.md).
  storage::LivenessPolicy default_liveness = storage::LivenessPolicy::kActive;
  // Origin of the invitation links ("https://checkin.example.com"); empty:
  // the request's Host header.
  std::string public_url;
  // Set: every connection speaks TLS (https).
  std::shared_ptr<const TlsContext> tls;
  // Addresses of reverse proxies whose X-Forwarded-For and
  // X-Forwarded-Proto are believed (http/forwarded.h); nobody else's are.
  std::vector<std::string> trusted_proxies;
};

struct Context {
  const ServerOptions& options;
  storage::Store& store;
  checkin::CheckinService& service;
  checkin::EnginePool& engines;
  Metrics& metrics;
  RateLimiter& limiter;
  StreamSlots& streams;
  std::atomic<bool>& stopping;
  checkin::InvitationService& invitations;
  checkin::FrontDesk& desk;
  GuessLimiter& guesses;             // unknown invitation codes per client address
  GuessLimiter& credential_guesses;  // unknown admin keys, kiosk and desk tokens, likewise
};

}  // namespace facecheck::http
