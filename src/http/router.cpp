#include "http/router.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <regex>

#include "http/body_framing.h"
#include "http/errors.h"
#include "http/forwarded.h"
#include "http/guarded_server.h"
#include "http/log_text.h"

namespace facecheck::http {
namespace {

using Clock = std::chrono::steady_clock;

// httplib runs a request's routing, handler and logger on one thread, so
// what the handler learns (its route template) reaches the logger here.
struct RequestInfo {
  std::string route = "unmatched";
  bool timed = true;
  Clock::time_point start = Clock::now();
};
thread_local RequestInfo current;

std::string route_regex(const std::string& route) {
  static const std::regex placeholder(R"(\{[a-z_]+\})");
  static const std::regex dot(R"(\.)");
  // {token}: a random hex token (liveness challenges); {code}: what might
  // be an invitation code (the domain tells a malformed one from an unknown
  // one no differently, and counts both as guesses); any other {name}: an id.
  static const std::regex token(R"(\{token\})");
  static const std::regex code(R"(\{code\})");
  std::string pattern = std::regex_replace(route, dot, R"(\.)");
  pattern = std::regex_replace(pattern, token, R"(([0-9a-f]{32}))");
  pattern = std::regex_replace(pattern, code, R"(([A-Za-z0-9_-]{1,64}))");
  return std::regex_replace(pattern, placeholder, R"(([0-9]+))");
}

std::string status_message(int status) {
  switch (status) {
    case 404:
      return "No such route or resource";
    case 413:
      return "The request body is larger than the server accepts";
    case 408:
      return "The request took longer than the server waits for one";
    case 431:
      return "The request has too many headers or too large ones";
    default:
      return "The request could not be processed";
  }
}

bool quiet_route(const std::string& route) { return route == "/healthz" || route == "/metrics"; }

void log_and_measure(Context& ctx, const httplib::Request& req, const httplib::Response& res) {
  std::string route = current.route;
  if (route == "unmatched" && res.status < 400) route = "static";
  const double seconds = std::chrono::duration<double>(Clock::now() - current.start).count();
  if (current.timed)
    ctx.metrics.observe_request(req.method, route, res.status, seconds);
  else
    ctx.metrics.count_request(req.method, route, res.status);
  // The path holds ids only; the query (which may hold an SSE token) and
  // the body (images) are never logged. What the client sent is escaped:
  // a decoded %0a or ESC would otherwise forge lines.
  const auto level =
      quiet_route(route) && res.status < 400 ? spdlog::level::debug : spdlog::level::info;
  spdlog::log(level, "{} {} {} {:.1f}ms remote={}", log_safe(req.method), log_safe(req.path),
              res.status, seconds * 1000, log_safe(client_address(ctx, req)));
}

}  // namespace

Handler Router::wrap(Context& ctx, const std::string& route, bool timed, Handler handler) {
  return [&ctx, route, timed, handler](const httplib::Request& req, httplib::Response& res) {
    current.route = route;
    current.timed = timed;
    try {
      handler(req, res);
    } catch (...) {
      const std::string code = respond_with_exception(res, std::current_exception());
      ctx.metrics.count_error(code);
    }
  };
}

void Router::get(const std::string& route, Handler handler) {
  server_.Get(route_regex(route), wrap(ctx_, route, true, std::move(handler)));
}
void Router::get_stream(const std::string& route, Handler handler) {
  server_.Get(route_regex(route), wrap(ctx_, route, false, std::move(handler)));
}
void Router::post(const std::string& route, Handler handler) {
  server_.Post(route_regex(route), wrap(ctx_, route, true, std::move(handler)));
}
void Router::patch(const std::string& route, Handler handler) {
  server_.Patch(route_regex(route), wrap(ctx_, route, true, std::move(handler)));
}
void Router::del(const std::string& route, Handler handler) {
  server_.Delete(route_regex(route), wrap(ctx_, route, true, std::move(handler)));
}

void Router::install_hooks(httplib::Server& server, Context& ctx) {
  server.set_pre_routing_handler([&ctx](const httplib::Request& req, httplib::Response& res) {
    current = RequestInfo{};
    if (const auto code = refuse_body_framing(req, res, ctx.options.max_body_bytes)) {
      ctx.metrics.count_error(*code);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Called for every status >= 400; only httplib's own errors have no body.
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([&ctx](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty() || res.is_chunked_content_provider_)
          return httplib::Server::HandlerResponse::Unhandled;
        // httplib saw a read error (400); the stream knows it was a limit.
        if (res.status == 400 && current_limit_hit() != LimitHit::kNone) {
          const LimitHit hit = current_limit_hit();
          if (hit == LimitHit::kHeaderCount || hit == LimitHit::kHeaderBytes)
            current = RequestInfo{};  // not the route of the connection's last request
          res.status = hit == LimitHit::kBody ? 413 : hit == LimitHit::kTimeout ? 408 : 431;
          res.set_header("Connection", "close");
        }
        const std::string code = code_for_status(res.status);
        send_error(res, res.status, code, status_message(res.status));
        ctx.metrics.count_error(code);
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler(
      [&ctx](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
        ctx.metrics.count_error(respond_with_exception(res, error));
      });
  server.set_logger([&ctx](const httplib::Request& req, const httplib::Response& res) {
    log_and_measure(ctx, req, res);
  });
}

storage::Id path_id(const httplib::Request& req, size_t n) {
  if (n >= req.matches.size()) throw HttpError(404, "not_found", "No such resource");
  try {
    const long long id = std::stoll(req.matches[n].str());
    if (id > 0) return id;
  } catch (const std::out_of_range&) {
  }
  throw HttpError(404, "not_found", "No such resource");
}

}  // namespace facecheck::http
