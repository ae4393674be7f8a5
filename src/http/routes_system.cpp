// /healthz for load balancers and the test fixture, /metrics for Prometheus,
// and short paths to the web clients.
#include "http/auth.h"
#include "http/errors.h"
#include "http/forwarded.h"
#include "http/routes.h"

namespace facecheck::http {
namespace {

// "?..." of the request target, kept across a redirect (the kiosk page
// reads its event and token from it).
std::string query_of(const httplib::Request& req) {
  const auto q = req.target.find('?');
  return q == std::string::npos ? "" : req.target.substr(q);
}

void healthz(Context&, const httplib::Request&, httplib::Response& res) {
  send_json(res, 200, {{"status", "ok"}});
}

// Metrics reveal traffic patterns (how many check-ins, when), so only the
// machine itself or an admin may read them.
void metrics(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  if (!is_loopback(client_address(ctx, req))) require_admin(ctx, req);
  res.set_content(ctx.metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace

void add_system_routes(Router& router) {
  router.get("/healthz", healthz);
  router.get("/metrics", metrics);
  if (!router.context().options.web_root.empty()) {
    router.get("/kiosk", [](const httplib::Request& req, httplib::Response& res) {
      res.set_redirect("/kiosk.html" + query_of(req));
    });
    router.get("/admin", [](const httplib::Request& req, httplib::Response& res) {
      res.set_redirect("/admin.html" + query_of(req));
    });
    // Reached only when the web root has no index.html (files come first).
    router.get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_redirect("/admin.html");
    });
  }
}

}  // namespace facecheck::http
