// The tutorial's routes, for its WeChat Mini Program (only with
// --legacy-routes). They send no credentials and answer in plain text
// ("success" / "fail"), so they work on one default event: --legacy-event,
// else the open event whose check-in window is open now.
//
// Unlike the tutorial, /face_detect never reads a path the client names
// (?url= is refused), and a face is never stored in a text file.
#include <spdlog/spdlog.h>

#include "checkin/self_register.h"
#include "http/errors.h"
#include "http/outcome_json.h"
#include "http/request_image.h"
#include "http/routes.h"
#include "wire/face_json.h"

namespace facecheck::http {
namespace {

using nlohmann::json;

storage::Event default_event(Context& ctx) {
  if (ctx.options.legacy_event) return ctx.store.get_event(*ctx.options.legacy_event);
  const auto now = ctx.service.now();
  std::optional<storage::Event> fallback;
  for (const auto& e : ctx.store.list_events()) {
    if (e.status != storage::EventStatus::kOpen) continue;
    if (checkin::checkin_phase(e, now) == checkin::CheckinPhase::kInWindow) return e;
    if (!fallback) fallback = e;
  }
  if (fallback) return *fallback;
  throw HttpError(404, "no_open_event", "No event is open for check-in");
}

void send_text(httplib::Response& res, int status, const std::string& text) {
  res.status = status;
  res.set_content(text, "text/plain; charset=utf-8");
}

// The status of the mapped error with the tutorial's "fail" body, which is
// all its client reads.
void fail(Context& ctx, httplib::Response& res, const char* route) {
  const std::string code = respond_with_exception(res, std::current_exception());
  ctx.metrics.count_error(code);
  spdlog::info("{} failed: {}", route, code);
  send_text(res, res.status, "fail");
}

void refuse_url(const httplib::Request& req) {
  if (req.has_param("url"))
    throw HttpError(400, "url_not_allowed",
                    "The server never reads a path a client names; upload the photo as "
                    "multipart 'file'");
}

void face_register(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  try {
    const ImageUpload upload = read_image_upload(req);
    storage::Person person;
    person.name = upload.text("name").value_or("");
    if (person.name.empty()) person.name = "Guest";
    const storage::Event event = default_event(ctx);
    timed_operation(ctx.metrics, "enrol", [&] {
      // Anonymous: duplicates are looked for among this event's attendees only.
      return checkin::self_register(ctx.service, event.id, person, upload.image,
                                    checkin::DuplicateScope::kEvent, "legacy");
    });
    send_text(res, 200, "success");
  } catch (...) {
    fail(ctx, res, "/face_register");
  }
}

void face_login(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  try {
    const ImageUpload upload = read_image_upload(req);
    const storage::Event event = default_event(ctx);
    const auto result = timed_operation(ctx.metrics, "check_in", [&] {
      return ctx.service.check_in(event.id, std::nullopt, upload.image);
    });
    ctx.metrics.count_checkin_result(result);
    bool recognised = false;
    for (const auto& face : result.faces) recognised |= face.person.has_value();
    send_text(res, 200, recognised ? "success" : "fail");
  } catch (...) {
    fail(ctx, res, "/face_login");
  }
}

// "[x1,y1,x2,y2]" of the largest face, in whole pixels of the upload.
std::string largest_box(const checkin::DetectedFaces& detection) {
  const cv::Rect2f* best = nullptr;
  for (const auto& face : detection.faces)
    if (!best || face.box.area() > best->area()) best = &face.box;
  if (!best) return "[]";
  // A large photo may have been decoded at reduced scale. The box is
  // rounded to 0.1 px first, as the JSON API sends it.
  const json b = wire::box_json(*best);
  const double scale = detection.scale;
  const auto x = b[0].get<double>() * scale, y = b[1].get<double>() * scale;
  return json::array({static_cast<int>(x), static_cast<int>(y),
                      static_cast<int>(x + b[2].get<double>() * scale),
                      static_cast<int>(y + b[3].get<double>() * scale)})
      .dump();
}

void face_detect(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  refuse_url(req);
  const ImageUpload upload = read_image_upload(req);
  const auto detection =
      timed_operation(ctx.metrics, "detect", [&] { return ctx.service.detect(upload.image); });
  send_text(res, 200, largest_box(detection));
}

// The tutorial's GET /face_detect?url=<server path>: never honoured.
void face_detect_get(Context&, const httplib::Request& req, httplib::Response&) {
  refuse_url(req);
  throw HttpError(400, "image_required", "POST the photo as multipart 'file'");
}

}  // namespace

void add_legacy_routes(Router& router) {
  router.post("/face_register", face_register);
  router.post("/face_login", face_login);
  router.post("/face_detect", face_detect);
  router.get("/face_detect", face_detect_get);
}

}  // namespace facecheck::http
