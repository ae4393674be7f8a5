// /api/v1/events: the events an organiser runs, and their live statistics.
#include "checkin/admin_audit.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/json_body.h"
#include "http/outcome_json.h"
#include "http/records_json.h"
#include "http/routes.h"

namespace facecheck::http {
namespace {

using nlohmann::json;

void list_events(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  require_admin(ctx, req);
  json events = json::array();
  for (const auto& e : ctx.store.list_events()) events.push_back(event_json(e));
  send_json(res, 200, {{"events", events}});
}

void create_event(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller admin = require_admin(ctx, req);
  const json body = json_object_body(req);
  storage::Event event;
  event.liveness = ctx.options.default_liveness;
  apply_event_fields(body, event, /*creating=*/true);
  const storage::Event created = ctx.store.create_event(event);
  checkin::record_admin_action(ctx.store, admin.actor(), {"event_created", created.id, {}, {}});
  send_json(res, 201, event_json(created));
}

void get_event(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  require_admin(ctx, req);
  send_json(res, 200, event_json(ctx.store.get_event(path_id(req, 1))));
}

void patch_event(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller admin = require_admin(ctx, req);
  const json body = json_object_body(req);
  storage::Event event = ctx.store.get_event(path_id(req, 1));
  apply_event_fields(body, event, /*creating=*/false);
  const storage::Event updated = ctx.store.update_event(event);
  checkin::record_admin_action(
      ctx.store, admin.actor(),
      {"event_updated", updated.id, {}, {{"fields", event_fields_in(body)}}});
  send_json(res, 200, event_json(updated));
}

void delete_event(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller admin = require_admin(ctx, req);
  const storage::Id id = path_id(req, 1);
  ctx.service.delete_event(id);
  checkin::record_admin_action(ctx.store, admin.actor(), {"event_deleted", id, {}, {}});
  res.status = 204;
}

void event_stats(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const storage::Id id = path_id(req, 1);
  require_event_access(ctx, req, id, TokenSource::kHeader, Desks::kDeskToo);
  send_json(res, 200, stats_json(ctx.service.stats(id)));
}

}  // namespace

void add_event_routes(Router& router) {
  router.get("/api/v1/events", list_events);
  router.post("/api/v1/events", create_event);
  router.get("/api/v1/events/{id}", get_event);
  router.patch("/api/v1/events/{id}", patch_event);
  router.del("/api/v1/events/{id}", delete_event);
  router.get("/api/v1/events/{id}/stats", event_stats);
}

}  // namespace facecheck::http
