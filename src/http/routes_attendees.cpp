// /api/v1/events/{id}/attendees, import and export.csv: who is expected at
// an event, and the guest list in and out as CSV.
#include <algorithm>

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

std::string lower_ascii(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Same fields as the people search. Case folding is ASCII only; other
// scripts (Chinese names) match as typed.
bool matches(const storage::Person& p, const std::string& needle) {
  for (const std::string* field : {&p.name, &p.organisation, &p.email, &p.phone})
    if (lower_ascii(*field).find(needle) != std::string::npos) return true;
  return p.external_id && lower_ascii(*p.external_id).find(needle) != std::string::npos;
}

void list_attendees(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  require_admin(ctx, req);
  const storage::Id event_id = path_id(req, 1);
  ctx.store.get_event(event_id);  // 404 rather than an empty list
  const std::string needle = lower_ascii(req.get_param_value("search"));
  json attendees = json::array();
  for (const auto& a : ctx.store.list_attendees(event_id))
    if (needle.empty() || matches(a.person, needle))
      attendees.push_back(attendee_json(a, ctx.service.settings().model));
  send_json(res, 200, {{"attendees", attendees}});
}

json find_attendee(Context& ctx, storage::Id event_id, storage::Id person_id) {
  for (const auto& a : ctx.store.list_attendees(event_id))
    if (a.person.id == person_id) return attendee_json(a, ctx.service.settings().model);
  throw HttpError(404, "not_found", "The person is no longer an attendee");
}

// A new person for the event, in one transaction with the attendance.
storage::Id create_attendee(Context& ctx, storage::Id event_id, const json& body) {
  storage::Person person;
  apply_person_fields(body, person, /*creating=*/true);
  return ctx.service.create_attendee(event_id, person).id;
}

void add_attendee(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller admin = require_admin(ctx, req);
  const storage::Id event_id = path_id(req, 1);
  const json body = json_object_body(req);
  ctx.store.get_event(event_id);
  bool added = true;
  storage::Id person_id = 0;
  if (const auto existing = optional_int(body, "person_id")) {
    person_id = *existing;
    ctx.store.get_person(person_id);  // 404 names the person, not a foreign key
    added = ctx.service.add_attendee(event_id, person_id);
  } else {
    person_id = create_attendee(ctx, event_id, body);
  }
  if (added)
    checkin::record_admin_action(ctx.store, admin.actor(),
                                 {"attendee_added", event_id, person_id, {}});
  // 200 when the person was already attending: nothing was created.
  send_json(res, added ? 201 : 200, find_attendee(ctx, event_id, person_id));
}

void remove_attendee(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller admin = require_admin(ctx, req);
  const storage::Id event_id = path_id(req, 1), person_id = path_id(req, 2);
  ctx.service.remove_attendee(event_id, person_id);
  checkin::record_admin_action(ctx.store, admin.actor(),
                               {"attendee_removed", event_id, person_id, {}});
  res.status = 204;
}

std::string csv_body(const httplib::Request& req) {
  if (req.is_multipart_form_data()) {
    if (!req.has_file("file"))
      throw HttpError(400, "missing_file", "Send the CSV file as the multipart part 'file'");
    return req.get_file_value("file").content;
  }
  if (has_content_type(req, "text/csv") || has_content_type(req, "application/csv") ||
      has_content_type(req, "text/plain"))
    return req.body;
  throw HttpError(415, "unsupported_media_type",
                  "Send the guest list as text/csv or as multipart part 'file'");
}

void import_guests(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller admin = require_admin(ctx, req);
  const storage::Id event_id = path_id(req, 1);
  const bool link_existing = bool_param(req, "link_existing", false);
  const checkin::ImportSummary summary =
      ctx.service.import_csv(event_id, csv_body(req), link_existing);
  // import_csv writes every row or, throwing, none.
  checkin::record_admin_action(ctx.store, admin.actor(),
                               {"guests_imported",
                                event_id,
                                {},
                                {{"created", static_cast<int64_t>(summary.created)},
                                 {"linked", static_cast<int64_t>(summary.linked)}}});
  send_json(res, 200, import_json(summary));
}

void export_attendance(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  require_admin(ctx, req);
  const storage::Id event_id = path_id(req, 1);
  res.set_content(ctx.service.export_csv(event_id), "text/csv; charset=utf-8");
  res.set_header("Content-Disposition",
                 "attachment; filename=\"event-" + std::to_string(event_id) + "-attendance.csv\"");
}

}  // namespace

void add_attendee_routes(Router& router) {
  router.get("/api/v1/events/{id}/attendees", list_attendees);
  router.post("/api/v1/events/{id}/attendees", add_attendee);
  router.del("/api/v1/events/{id}/attendees/{person_id}", remove_attendee);
  router.post("/api/v1/events/{id}/import", import_guests);
  router.get("/api/v1/events/{id}/export.csv", export_attendance);
}

}  // namespace facecheck::http
