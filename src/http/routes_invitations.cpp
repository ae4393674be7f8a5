// Invitations: the organiser's routes (create, list, export, revoke), the
// guest's (the code is the credential: their own record, consent, their own
// face) and check-in by an invitation's QR code at a kiosk or desk.
#include "checkin/csv.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/forwarded.h"
#include "http/invitation_json.h"
#include "http/json_body.h"
#include "http/outcome_json.h"
#include "http/records_json.h"
#include "http/request_image.h"
#include "http/routes.h"
#include "wire/face_json.h"

namespace facecheck::http {
namespace {

using nlohmann::json;

json guest_json(const checkin::GuestView& v) {
  const auto& e = v.event;
  return {{"event",
           {{"id", e.id},
            {"name", e.name},
            {"venue", e.venue},
            {"starts_at", e.starts_at},
            {"ends_at", e.ends_at}}},
          {"attendee", {{"name", v.attendee.name}}},
          {"consent",
           {{"text", e.consent_text},
            {"version", e.consent_version},
            {"state", storage::to_string(v.consent)},
            {"answered_at", optional_time(v.answered_at)}}},
          {"face", {{"enrolled", v.face_enrolled}}},
          {"checked_in_at", optional_time(v.checked_in_at)},
          {"expires_at", v.expires_at}};
}

// Runs a route that takes an invitation code under the guessing limit:
// an address that keeps naming unknown codes is refused for a while.
template <typename F>
void with_code_guard(Context& ctx, const httplib::Request& req, F&& route) {
  if (ctx.guesses.blocked(client_address(ctx, req)))
    throw HttpError(429, "rate_limited", "Too many unknown invitation codes; try again later");
  try {
    route();
  } catch (const checkin::DomainError& e) {
    if (e.reason == checkin::Reason::kInvitationNotFound)
      ctx.guesses.failed(client_address(ctx, req));
    throw;
  }
}

std::string path_code(const httplib::Request& req) { return req.matches[1]; }

// ---- The organiser's routes ----

void create_invitations(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  require_admin(ctx, req);
  const storage::Id event_id = path_id(req, 1);
  const json body = json_object_body(req);
  std::vector<storage::Id> people;
  const bool all = optional_bool(body, "all").value_or(false);
  if (!all) {
    const auto ids = body.find("person_ids");
    if (ids == body.end() || !ids->is_array() || ids->empty())
      throw HttpError(400, "missing_field", "Give person_ids (a non-empty list) or all: true",
                      {{"field", "person_ids"}});
    for (const auto& id : *ids) {
      if (!id.is_number_integer() || id.get<int64_t>() <= 0 || id.is_number_float())
        throw HttpError(400, "invalid_field", "person_ids must be positive integer ids",
                        {{"field", "person_ids"}});
      people.push_back(id.get<int64_t>());
    }
  }
  const storage::Event event = ctx.store.get_event(event_id);
  const auto issued = ctx.invitations.invite(event_id, people);
  const std::string origin = link_origin(ctx, req);
  json list = json::array();
  for (const auto& row : issued.invitations) list.push_back(invitation_json(row, event, origin));
  send_json(res, 201, {{"invitations", list}, {"created", issued.created}});
}

void list_invitations(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  require_admin(ctx, req);
  const storage::Id event_id = path_id(req, 1);
  const storage::Event event = ctx.store.get_event(event_id);
  const std::string origin = link_origin(ctx, req);
  json list = json::array();
  for (const auto& row : ctx.invitations.list(event_id))
    list.push_back(invitation_json(row, event, origin));
  send_json(res, 200, {{"invitations", list}});
}

void export_invitations(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  require_admin(ctx, req);
  const storage::Id event_id = path_id(req, 1);
  const storage::Event event = ctx.store.get_event(event_id);
  const std::string origin = link_origin(ctx, req);
  std::string out = "\xEF\xBB\xBF";  // BOM: spreadsheets then read UTF-8 names right
  out += checkin::csv_row({"name", "email", "organisation", "link", "expires_at"});
  for (const auto& row : ctx.invitations.list(event_id)) {
    if (row.invitation.revoked_at) continue;
    out += checkin::csv_row({row.person.name, row.person.email, row.person.organisation,
                             origin + "/invite/" + row.invitation.code,
                             std::to_string(checkin::invitation_expiry(event))});
  }
  res.set_content(out, "text/csv; charset=utf-8");
  res.set_header("Content-Disposition",
                 "attachment; filename=\"event-" + std::to_string(event_id) + "-invitations.csv\"");
}

void export_audit(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  require_admin(ctx, req);
  const storage::Id event_id = path_id(req, 1);
  res.set_content(ctx.service.export_audit_csv(event_id), "text/csv; charset=utf-8");
  res.set_header("Content-Disposition",
                 "attachment; filename=\"event-" + std::to_string(event_id) + "-audit.csv\"");
}

void revoke_invitation(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller caller = require_admin(ctx, req);
  ctx.invitations.revoke(path_code(req), "admin:" + std::to_string(caller.admin->id));
  res.status = 204;
}

// ---- The guest's routes: the code in the path is the only credential ----

void show_invitation(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  with_code_guard(ctx, req,
                  [&] { send_json(res, 200, guest_json(ctx.invitations.open(path_code(req)))); });
}

void answer_consent(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  with_code_guard(ctx, req, [&] {
    const json body = json_object_body(req);
    const auto accepted = optional_bool(body, "accepted");
    if (!accepted)
      throw HttpError(400, "missing_field", "Field 'accepted' (true or false) is required",
                      {{"field", "accepted"}});
    const int64_t version = require_range(required_int(body, "version"), "version", 1, INT32_MAX);
    send_json(res, 200,
              guest_json(ctx.invitations.answer_consent(path_code(req), *accepted,
                                                        static_cast<int>(version))));
  });
}

void enrol_guest_face(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  with_code_guard(ctx, req, [&] {
    const std::string code = path_code(req);
    ctx.invitations.open(code);  // a bad code is refused before the upload is read
    const ImageUpload upload = read_image_upload(req);
    const auto result = timed_operation(
        ctx.metrics, "enrol", [&] { return ctx.invitations.enrol_face(code, upload.image); });
    send_json(res, 201,
              {{"face", {{"enrolled", true}}},
               {"box", wire::box_json(result.box)},
               {"quality", wire::quality_json(result.quality)}});
  });
}

void delete_guest_face(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  with_code_guard(ctx, req, [&] {
    ctx.invitations.delete_face(path_code(req));
    res.status = 204;
  });
}

// ---- Check-in by QR code (kiosk or admin of the event) ----

void check_in_by_code(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const storage::Id event_id = path_id(req, 1);
  const Caller caller =
      require_event_access(ctx, req, event_id, TokenSource::kHeader, Desks::kDeskToo);
  with_code_guard(ctx, req, [&] {
    const json body = json_object_body(req);
    const auto done =
        ctx.invitations.check_in(event_id, caller.device_id(), required_string(body, "code"));
    send_json(res, 200, code_checkin_json(done));
  });
}

}  // namespace

void add_invitation_routes(Router& router) {
  router.post("/api/v1/events/{id}/invitations", create_invitations);
  router.get("/api/v1/events/{id}/invitations", list_invitations);
  router.get("/api/v1/events/{id}/invitations.csv", export_invitations);
  router.get("/api/v1/events/{id}/audit.csv", export_audit);
  router.del("/api/v1/invitations/{code}", revoke_invitation);
  router.get("/api/v1/invitations/{code}", show_invitation);
  router.post("/api/v1/invitations/{code}/consent", answer_consent);
  router.post("/api/v1/invitations/{code}/face", enrol_guest_face);
  router.del("/api/v1/invitations/{code}/face", delete_guest_face);
  router.post("/api/v1/events/{id}/checkin/qr", check_in_by_code);
}

}  // namespace facecheck::http
