// Active liveness challenges: a kiosk opens one, sends camera frames while
// the person performs the actions, and gets a one-time proof for check-in.
#include "http/auth.h"
#include "http/errors.h"
#include "http/json_body.h"
#include "http/request_image.h"
#include "http/routes.h"
#include "vision/face_actions.h"

namespace facecheck::http {
namespace {

using nlohmann::json;

json progress_json(const checkin::ChallengeProgress& p) {
  json actions = json::array();
  for (auto a : p.actions) actions.push_back(vision::face_action_name(a));
  json out = {{"id", p.id},
              {"actions", actions},
              {"done", p.done},
              {"state", checkin::to_string(p.state)},
              {"reason", checkin::to_string(p.reason)},
              {"expires_in_ms", p.remaining.count()}};
  if (p.done < p.actions.size() && p.state == checkin::ChallengeState::kInProgress)
    out["next_action"] = vision::face_action_name(p.actions[p.done]);
  if (!p.proof.empty()) out["proof"] = p.proof;
  return out;
}

void open_challenge(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const storage::Id event_id = path_id(req, 1);
  const Caller caller = require_event_access(ctx, req, event_id);
  send_json(res, 201, progress_json(ctx.service.open_challenge(event_id, caller.kiosk_id())));
}

void challenge_frame(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const Caller caller = authenticate(ctx, req);
  if (caller.desk) throw HttpError(403, "forbidden", "Desk tokens cannot take liveness challenges");
  const std::string id = req.matches[1];
  const ImageUpload upload = read_image_upload(req);
  send_json(
      res, 200, timed_operation(ctx.metrics, "liveness_frame", [&] {
        return progress_json(ctx.service.challenge_frame(id, caller.kiosk_id(), upload.image));
      }));
}

}  // namespace

void add_liveness_routes(Router& router) {
  router.post("/api/v1/events/{id}/liveness/challenges", open_challenge);
  router.post("/api/v1/liveness/challenges/{token}/frames", challenge_frame);
}

}  // namespace facecheck::http
