// /api/v1/people and their face templates: the people an organiser knows,
// across events, and the faces they are recognised by.
#include <algorithm>
#include <limits>

#include "checkin/admin_audit.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/json_body.h"
#include "http/outcome_json.h"
#include "http/records_json.h"
#include "http/request_image.h"
#include "http/routes.h"

namespace facecheck::http {
namespace {

using nlohmann::json;

void list_people(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  require_admin(ctx, req);
  storage::PeopleQuery query;
  query.search = req.get_param_value("search");
  // The store clamps both; only their type is checked here.
  query.limit =
      static_cast<int>(std::clamp<int64_t>(int_param(req, "limit").value_or(50), 1, 1000));
  query.offset =
      static_cast<int>(std::clamp<int64_t>(int_param(req, "offset").value_or(0), 0, 1'000'000'000));
  const auto page = ctx.store.list_people(query);
  json people = json::array();
  for (const auto& p : page.items) people.push_back(person_json(p));
  send_json(res, 200, {{"people", people}, {"total", page.total}});
}

void create_person(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller admin = require_admin(ctx, req);
  const json body = json_object_body(req);
  storage::Person person;
  apply_person_fields(body, person, /*creating=*/true);
  const storage::Person created = ctx.store.create_person(person);
  checkin::record_admin_action(ctx.store, admin.actor(), {"person_created", {}, created.id, {}});
  send_json(res, 201, person_json(created));
}

void get_person(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  require_admin(ctx, req);
  send_json(res, 200, person_json(ctx.store.get_person(path_id(req, 1))));
}

void patch_person(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller admin = require_admin(ctx, req);
  const json body = json_object_body(req);
  storage::Person person = ctx.store.get_person(path_id(req, 1));
  apply_person_fields(body, person, /*creating=*/false);
  const storage::Person updated = ctx.store.update_person(person);
  checkin::record_admin_action(
      ctx.store, admin.actor(),
      {"person_updated", {}, updated.id, {{"fields", person_fields_in(body)}}});
  send_json(res, 200, person_json(updated));
}

// 204 when the deletion is complete, files included; 202 when the rows are
// gone (and the galleries no longer match them) but the freed bytes are
// still in the database files for a reader's older snapshot: the operator
// is told, not shown a 204 that is not yet true.
void answer_deletion(httplib::Response& res, storage::Scrub scrub) {
  if (scrub == storage::Scrub::kComplete) {
    res.status = 204;
    return;
  }
  send_json(res, 202,
            {{"deleted", true},
             {"scrub", "pending"},
             {"message",
              "Deleted; the freed face data is still in the database files while another "
              "reader holds an older snapshot, and is erased as soon as it ends"}});
}

// Templates, photos, attendance and check-ins go with the person, and the
// in-memory galleries forget them at once.
void delete_person(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller admin = require_admin(ctx, req);
  const storage::Id id = path_id(req, 1);
  const storage::Scrub scrub = ctx.service.delete_person(id);
  checkin::record_admin_action(ctx.store, admin.actor(), {"person_deleted", {}, id, {}});
  answer_deletion(res, scrub);
}

void list_faces(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  require_admin(ctx, req);
  json faces = json::array();
  for (const auto& t : ctx.store.list_templates(path_id(req, 1))) faces.push_back(template_json(t));
  send_json(res, 200, {{"faces", faces}});
}

void enrol_face(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller admin = require_admin(ctx, req);
  checkin::EnrolRequest request;
  request.person_id = path_id(req, 1);
  ctx.store.get_person(request.person_id);  // 404 before reading a large upload's fields
  const ImageUpload upload = read_image_upload(req);
  request.label = upload.text("label").value_or("");
  if (const auto index = upload.integer("face_index"))
    request.face_index = static_cast<int>(require_range(
        *index, "face_index", std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
  request.allow_duplicate = upload.boolean("allow_duplicate").value_or(false);
  const checkin::EnrolResult enrolled = timed_operation(
      ctx.metrics, "enrol", [&] { return ctx.service.enrol(request, upload.image); });
  checkin::record_admin_action(
      ctx.store, admin.actor(),
      {"face_enrolled",
       {},
       request.person_id,
       {{"template_id", enrolled.template_id}, {"model", enrolled.model}}});
  send_json(res, 201, enrol_json(enrolled));
}

void delete_face(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller admin = require_admin(ctx, req);
  const storage::Id id = path_id(req, 1);
  const storage::Scrub scrub = ctx.service.delete_template(id);
  checkin::record_admin_action(ctx.store, admin.actor(),
                               {"face_deleted", {}, {}, {{"template_id", id}}});
  answer_deletion(res, scrub);
}

}  // namespace

void add_people_routes(Router& router) {
  router.get("/api/v1/people", list_people);
  router.post("/api/v1/people", create_person);
  router.get("/api/v1/people/{id}", get_person);
  router.patch("/api/v1/people/{id}", patch_person);
  router.del("/api/v1/people/{id}", delete_person);
  router.get("/api/v1/people/{id}/faces", list_faces);
  router.post("/api/v1/people/{id}/faces", enrol_face);
  router.del("/api/v1/faces/{id}", delete_face);
}

}  // namespace facecheck::http
