// The staff desk: desk tokens (admin), and what a desk of an event may do:
// search its attendees, check them in by hand, undo a check-in, register a
// walk-in. Desks cannot enrol faces, export, delete or manage credentials.
#include "checkin/admin_audit.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/invitation_json.h"
#include "http/json_body.h"
#include "http/records_json.h"
#include "http/routes.h"

namespace facecheck::http {
namespace {

using nlohmann::json;

void list_desks(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  require_admin(ctx, req);
  json desks = json::array();
  for (const auto& d : ctx.store.list_kiosks(path_id(req, 1), storage::DeviceRole::kDesk))
    desks.push_back(kiosk_json(d));
  send_json(res, 200, {{"desks", desks}});
}

void create_desk(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller admin = require_admin(ctx, req);
  const json body = json_object_body(req);
  const auto issued = ctx.store.create_kiosk(path_id(req, 1), required_string(body, "name"),
                                             storage::DeviceRole::kDesk);
  checkin::record_admin_action(
      ctx.store, admin.actor(),
      {"desk_created", issued.kiosk.event_id, {}, {{"desk_id", issued.kiosk.id}}});
  send_json(res, 201, {{"desk", kiosk_json(issued.kiosk)}, {"token", issued.token}});
}

void revoke_desk(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller admin = require_admin(ctx, req);
  const storage::Id id = path_id(req, 1);
  ctx.store.revoke_kiosk(id);
  checkin::record_admin_action(ctx.store, admin.actor(),
                               {"desk_revoked", {}, {}, {{"desk_id", id}}});
  res.status = 204;
}

void desk_me(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller caller = authenticate(ctx, req);
  if (!caller.desk) throw HttpError(403, "forbidden", "This route needs a desk token");
  send_json(res, 200,
            {{"desk", kiosk_json(*caller.desk)},
             {"event", event_json(ctx.store.get_event(caller.desk->event_id))}});
}

json desk_attendee_json(const checkin::DeskAttendee& d) {
  const auto& a = d.attendee;
  const auto& p = a.person;
  return {{"person_id", p.id},
          {"name", p.name},
          {"organisation", p.organisation},
          {"title", p.title},
          {"phone", p.phone},
          {"email", p.email},
          {"face_enrolled", a.template_count > 0},
          {"consent", d.consent ? json(storage::to_string(*d.consent)) : json("not_invited")},
          {"checked_in_at", optional_time(a.checked_in_at)},
          {"method", a.checkin_method ? json(storage::to_string(*a.checkin_method)) : json()}};
}

void search_attendees(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const storage::Id event_id = path_id(req, 1);
  require_desk(ctx, req, event_id);
  const std::string text = req.has_param("search") ? req.get_param_value("search") : "";
  if (text.size() > 200)
    throw HttpError(400, "invalid_parameter", "search is too long", {{"field", "search"}});
  const auto found = ctx.desk.search(event_id, text);
  json rows = json::array();
  for (const auto& d : found.attendees) rows.push_back(desk_attendee_json(d));
  send_json(res, 200, {{"attendees", rows}, {"total", found.total}});
}

void manual_checkin(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const storage::Id event_id = path_id(req, 1);
  const Caller caller = require_desk(ctx, req, event_id);
  const json body = json_object_body(req);
  const int64_t person = require_range(required_int(body, "person_id"), "person_id", 1, INT64_MAX);
  send_json(
      res, 200,
      code_checkin_json(ctx.desk.check_in(event_id, person, caller.device_id(), caller.actor())));
}

void undo_checkin(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const storage::Id event_id = path_id(req, 1);
  const Caller caller = require_desk(ctx, req, event_id);
  ctx.desk.undo(event_id, path_id(req, 2), caller.actor());
  res.status = 204;
}

void walk_in(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const storage::Id event_id = path_id(req, 1);
  const Caller caller = require_desk(ctx, req, event_id);
  const json body = json_object_body(req);
  storage::Person person;
  apply_person_fields(body, person, true);
  person.external_id.reset();  // a desk does not manage external ids
  const bool now = optional_bool(body, "check_in").value_or(false);
  const auto done = ctx.desk.walk_in(event_id, person, now, caller.device_id(), caller.actor());
  const storage::Event event = ctx.store.get_event(event_id);
  json out = {{"person", person_json(done.person)},
              {"invitation", invitation_json(done.invitation, event, link_origin(ctx, req))}};
  if (done.check_in) out["checked_in_at"] = done.check_in->check_in.checked_in_at;
  send_json(res, 201, out);
}

}  // namespace

void add_desk_routes(Router& router) {
  router.get("/api/v1/events/{id}/desks", list_desks);
  router.post("/api/v1/events/{id}/desks", create_desk);
  router.del("/api/v1/desks/{id}", revoke_desk);
  router.get("/api/v1/desk/me", desk_me);
  router.get("/api/v1/events/{id}/desk/attendees", search_attendees);
  router.post("/api/v1/events/{id}/desk/checkins", manual_checkin);
  router.del("/api/v1/events/{id}/checkins/{person_id}", undo_checkin);
  router.post("/api/v1/events/{id}/desk/walk-ins", walk_in);
}

}  // namespace facecheck::http
