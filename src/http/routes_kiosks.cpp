// Credentials: kiosk tokens (one event each) and admin API keys. A secret is
// returned once, when it is created; only its hash is stored.
#include "checkin/admin_audit.h"
#include "http/auth.h"
#include "http/errors.h"
#include "http/json_body.h"
#include "http/records_json.h"
#include "http/routes.h"

namespace facecheck::http {
namespace {

using nlohmann::json;

void list_kiosks(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  require_admin(ctx, req);
  json kiosks = json::array();
  for (const auto& k : ctx.store.list_kiosks(path_id(req, 1))) kiosks.push_back(kiosk_json(k));
  send_json(res, 200, {{"kiosks", kiosks}});
}

void create_kiosk(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller admin = require_admin(ctx, req);
  const json body = json_object_body(req);
  const auto issued = ctx.store.create_kiosk(path_id(req, 1), required_string(body, "name"));
  checkin::record_admin_action(
      ctx.store, admin.actor(),
      {"kiosk_created", issued.kiosk.event_id, {}, {{"kiosk_id", issued.kiosk.id}}});
  send_json(res, 201, {{"kiosk", kiosk_json(issued.kiosk)}, {"token", issued.token}});
}

void revoke_kiosk(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller admin = require_admin(ctx, req);
  const storage::Id id = path_id(req, 1);
  ctx.store.revoke_kiosk(id);
  checkin::record_admin_action(ctx.store, admin.actor(),
                               {"kiosk_revoked", {}, {}, {{"kiosk_id", id}}});
  res.status = 204;
}

void list_keys(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  require_admin(ctx, req);
  json keys = json::array();
  for (const auto& k : ctx.store.list_api_keys()) keys.push_back(api_key_json(k));
  send_json(res, 200, {{"keys", keys}});
}

void create_key(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller admin = require_admin(ctx, req);
  const json body = json_object_body(req);
  const auto issued = ctx.store.create_api_key(required_string(body, "name"));
  checkin::record_admin_action(ctx.store, admin.actor(),
                               {"admin_key_created", {}, {}, {{"key_id", issued.key.id}}});
  send_json(res, 201, {{"key", api_key_json(issued.key)}, {"secret", issued.secret}});
}

// Revoking the last active key would lock every administrator out until
// someone runs `facecheck admin create-key` on the server.
void revoke_key(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller admin = require_admin(ctx, req);
  const storage::Id id = path_id(req, 1);
  bool active = false;
  for (const auto& k : ctx.store.list_api_keys()) active |= k.id == id && !k.revoked_at;
  if (active && ctx.store.count_api_keys() <= 1)
    throw HttpError(409, "last_admin_key", "This is the last admin key; create another first");
  ctx.store.revoke_api_key(id);
  checkin::record_admin_action(ctx.store, admin.actor(),
                               {"admin_key_revoked", {}, {}, {{"key_id", id}}});
  res.status = 204;
}

}  // namespace

void add_kiosk_routes(Router& router) {
  router.get("/api/v1/events/{id}/kiosks", list_kiosks);
  router.post("/api/v1/events/{id}/kiosks", create_kiosk);
  router.del("/api/v1/kiosks/{id}", revoke_kiosk);
  router.get("/api/v1/admin/keys", list_keys);
  router.post("/api/v1/admin/keys", create_key);
  router.del("/api/v1/admin/keys/{id}", revoke_key);
}

}  // namespace facecheck::http
