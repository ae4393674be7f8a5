// /api/v1/audit.csv: the whole audit log (admin changes, consent, desk and
// QR check-ins, retention purges) across events, for the organiser's
// records. Each event's own part is /api/v1/events/{id}/audit.csv.
#include <limits>

#include "checkin/admin_audit.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/json_body.h"
#include "http/routes.h"

namespace facecheck::http {
namespace {

void export_audit_log(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  require_admin(ctx, req);
  // ?since= unix seconds; the whole log by default.
  const int64_t since = require_range(int_param(req, "since").value_or(0), "since", 0,
                                      std::numeric_limits<int64_t>::max());
  res.set_content(checkin::export_audit_log_csv(ctx.store, since), "text/csv; charset=utf-8");
  res.set_header("Content-Disposition", "attachment; filename=\"audit.csv\"");
}

}  // namespace

void add_audit_routes(Router& router) { router.get("/api/v1/audit.csv", export_audit_log); }

}  // namespace facecheck::http
