// Registers routes on the httplib server under readable templates
// ("/api/v1/events/{id}") and gives every handler the same treatment:
// exceptions become JSON errors, and the route template (not the concrete
// path) labels the access log and the metrics.
#pragma once

#include <httplib.h>

#include <functional>
#include <string>

#include "http/context.h"
#include "storage/records.h"

namespace facecheck::http {

using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
// Most handlers are free functions of the context and the exchange.
using ContextHandler = void (*)(Context&, const httplib::Request&, httplib::Response&);

// Used only while routes are registered: handlers keep the Context, never
// the Router.
class Router {
 public:
  Router(httplib::Server& server, Context& ctx) : server_(server), ctx_(ctx) {}

  // `route` segments written {name} match decimal ids, read back with
  // path_id(req, 1), path_id(req, 2), ...
  void get(const std::string& route, Handler handler);
  void post(const std::string& route, Handler handler);
  void patch(const std::string& route, Handler handler);
  void del(const std::string& route, Handler handler);
  // A GET whose response lasts (SSE): counted but left out of the latency
  // histogram.
  void get_stream(const std::string& route, Handler handler);

  void get(const std::string& route, ContextHandler fn) { get(route, bind(fn)); }
  void post(const std::string& route, ContextHandler fn) { post(route, bind(fn)); }
  void patch(const std::string& route, ContextHandler fn) { patch(route, bind(fn)); }
  void del(const std::string& route, ContextHandler fn) { del(route, bind(fn)); }

  Context& context() { return ctx_; }

  // Installs the access log, the metrics and the JSON bodies for errors
  // that httplib raises by itself (unknown route, body too large).
  static void install_hooks(httplib::Server& server, Context& ctx);

 private:
  Handler bind(ContextHandler fn) {
    // The router is short-lived; the context outlives the server.
    return [&ctx = ctx_, fn](const httplib::Request& req, httplib::Response& res) {
      fn(ctx, req, res);
    };
  }
  static Handler wrap(Context& ctx, const std::string& route, bool timed, Handler handler);

  httplib::Server& server_;
  Context& ctx_;
};

// The n-th {id} of the matched path. 404 when it does not fit in an id.
storage::Id path_id(const httplib::Request& req, size_t n);

}  // namespace facecheck::http
