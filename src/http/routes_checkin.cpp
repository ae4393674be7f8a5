// The kiosk's routes: check in by photo, register a walk-up guest, and the
// face boxes for the camera overlay.
#include "checkin/self_register.h"
#include "http/auth.h"
#include "http/domain_errors.h"
#include "http/errors.h"
#include "http/json_body.h"
#include "http/outcome_json.h"
#include "http/records_json.h"
#include "http/request_image.h"
#include "http/routes.h"

namespace facecheck::http {
namespace {

using nlohmann::json;

// A passed challenge's proof: the X-Liveness-Proof header, or a field of
// the upload named liveness_proof.
std::string liveness_proof(const httplib::Request& req, const ImageUpload& upload) {
  if (req.has_header("X-Liveness-Proof")) return req.get_header_value("X-Liveness-Proof");
  return upload.text("liveness_proof").value_or("");
}

void check_in(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const storage::Id event_id = path_id(req, 1);
  const Caller caller = require_event_access(ctx, req, event_id);
  const ImageUpload upload = read_image_upload(req);
  const auto result = timed_operation(ctx.metrics, "check_in", [&] {
    return ctx.service.check_in(event_id, caller.kiosk_id(), upload.image,
                                liveness_proof(req, upload));
  });
  ctx.metrics.count_checkin_result(result);
  // Matches keep their distance: the person is known then anyway.
  send_json(res, 200, checkin_json(result, caller.is_admin()));
}

storage::Person person_from_fields(const ImageUpload& upload) {
  storage::Person person;
  person.name = upload.text("name").value_or("");
  if (person.name.empty())
    throw HttpError(400, "missing_field", "Field 'name' is required", {{"field", "name"}});
  person.organisation = upload.text("organisation").value_or("");
  person.title = upload.text("title").value_or("");
  person.phone = upload.text("phone").value_or("");
  person.email = upload.text("email").value_or("");
  return person;
}

// A kiosk hears of a possible duplicate only among its own event's attendees
// (another event's would tell it who is enrolled where), and never the
// distance, as with check-in's near misses.
void self_register(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const storage::Id event_id = path_id(req, 1);
  const Caller caller = require_event_access(ctx, req, event_id);
  if (!caller.is_admin() && !ctx.store.get_event(event_id).self_register)
    throw HttpError(403, "self_register_disabled",
                    "Walk-up registration is off for this event; ask at the desk");
  const ImageUpload upload = read_image_upload(req);
  const storage::Person person = person_from_fields(upload);
  const auto scope =
      caller.is_admin() ? checkin::DuplicateScope::kEveryone : checkin::DuplicateScope::kEvent;
  try {
    send_json(res, 201, enrol_json(timed_operation(ctx.metrics, "enrol", [&] {
                return checkin::self_register(ctx.service, event_id, person, upload.image, scope);
              })));
  } catch (const checkin::DomainError& e) {
    // Who the look-alike is, but not how close: a kiosk cannot tune a photo.
    const auto* like = std::get_if<checkin::LooksLike>(&e.details);
    if (!like || caller.is_admin()) throw;
    const WireError wire = wire_error(e);
    throw HttpError(wire.status, wire.code, wire.message, {{"person_id", like->person_id}});
  }
}

void detect(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  if (authenticate(ctx, req).desk)  // an admin or any kiosk
    throw HttpError(403, "forbidden", "Desk tokens cannot use this route");
  const ImageUpload upload = read_image_upload(req);
  send_json(res, 200, detected_json(timed_operation(ctx.metrics, "detect", [&] {
              return ctx.service.detect(upload.image);
            })));
}

void kiosk_me(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller caller = require_kiosk(ctx, req);
  send_json(res, 200,
            {{"kiosk", kiosk_json(*caller.kiosk)},
             {"event", event_json(ctx.store.get_event(caller.kiosk->event_id))}});
}

}  // namespace

void add_checkin_routes(Router& router) {
  router.post("/api/v1/events/{id}/checkin", check_in);
  router.post("/api/v1/events/{id}/self-register", self_register);
  router.post("/api/v1/detect", detect);
  router.get("/api/v1/kiosk/me", kiosk_me);
}

}  // namespace facecheck::http
