#include "http/server.h"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "http/router.h"
#include "http/routes.h"
#include "http/web_files.h"

namespace facecheck::http {
namespace {

ConnectionLimits connection_limits(const ServerOptions& options) {
  ConnectionLimits limits;
  limits.max_header_bytes = options.max_header_bytes;
  limits.max_headers = options.max_headers;
  limits.max_body_bytes = options.max_body_bytes;
  limits.max_connections = options.max_connections;
  return limits;
}

}  // namespace

ApiServer::ApiServer(ServerOptions options, storage::Store& store, checkin::CheckinService& service,
                     checkin::EnginePool& engines)
    : options_(std::move(options)),
      limiter_(options_.kiosk_rps, options_.kiosk_burst),
      streams_(options_.max_streams),
      invitations_(service),
      desk_(service, invitations_),
      ctx_{options_, store,     service,      engines, metrics_, limiter_,
           streams_, stopping_, invitations_, desk_,   guesses_, credential_guesses_},
      server_(connection_limits(options_)) {
  metrics_.set_gauge_sources([&engines] { return static_cast<double>(engines.queued()); },
                             [this] { return static_cast<double>(streams_.open()); });
  configure();
}

ApiServer::~ApiServer() { stop(); }

void ApiServer::configure() {
  const size_t threads = static_cast<size_t>(std::max(2, options_.http_threads));
  server_.set_worker_threads(threads);
  if (options_.tls) server_.use_tls(options_.tls);
  // Kiosks send small requests and wait for the answer; Nagle's delay would
  // add up to 40 ms to each.
  server_.set_tcp_nodelay(true);
  server_.set_payload_max_length(options_.max_body_bytes);
  server_.set_read_timeout(options_.read_timeout_seconds, 0);
  server_.set_write_timeout(options_.write_timeout_seconds, 0);
  server_.set_keep_alive_timeout(options_.keep_alive_seconds);
  server_.set_keep_alive_max_count(100);
  Router::install_hooks(server_, ctx_);
  install_security_headers(server_);

  Router router(server_, ctx_);
  add_system_routes(router);
  add_event_routes(router);
  add_attendee_routes(router);
  add_people_routes(router);
  add_checkin_routes(router);
  add_liveness_routes(router);
  add_kiosk_routes(router);
  add_audit_routes(router);
  add_invitation_routes(router);
  add_desk_routes(router);
  add_stream_routes(router);
  if (options_.legacy_routes) add_legacy_routes(router);
  mount_web_root();
}

void ApiServer::mount_web_root() {
  if (options_.web_root.empty()) return;
  if (!add_web_files(server_, options_.web_root)) {
    spdlog::warn("web root {} is not a folder; the web clients are not served", options_.web_root);
    return;
  }
  spdlog::info("serving web clients from {}", options_.web_root);
}

int ApiServer::bind() {
  int port = options_.port;
  if (port == 0) {
    port = server_.bind_to_any_port(options_.host);
  } else if (!server_.bind_to_port(options_.host, port)) {
    port = -1;
  }
  if (port <= 0)
    throw std::runtime_error("cannot listen on " + options_.host + ":" +
                             std::to_string(options_.port) + " (address in use or not local?)");
  return port;
}

bool ApiServer::run() { return server_.listen_after_bind(); }

void ApiServer::stop() {
  if (stopping_.exchange(true)) return;
  // Streams first: their threads sit in LiveFeed waits that only this ends.
  ctx_.service.live_feed().close_all();
  server_.stop();
}

}  // namespace facecheck::http
