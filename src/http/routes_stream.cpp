// GET /api/v1/events/{id}/stream: the dashboard's live feed as Server-Sent
// Events. Sends `retry: 2000`, the current stats, then `check_in` and
// `stats` per new check-in, and a `: keepalive` comment when quiet.
//
// Each open stream holds one HTTP thread for its whole life (httplib has no
// asynchronous writes), so StreamSlots caps them below the pool size and a
// stream beyond the cap is refused with 503. A departed client is noticed
// at the next write, at the latest one keepalive (15 s) later; a server
// stop ends every stream at once (LiveFeed::close_all).
#include <spdlog/spdlog.h>

#include "http/auth.h"
#include "http/errors.h"
#include "http/log_text.h"
#include "http/routes.h"

namespace facecheck::http {
namespace {

using nlohmann::json;

constexpr std::chrono::seconds kKeepalive{15};

std::string sse_event(const char* name, const json& data) {
  return std::string("event: ") + name +
         "\ndata: " + data.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}

// The state of one stream, shared by httplib's provider calls. It owns one
// of ctx.streams' slots, given back when httplib drops the response.
struct Stream {
  Stream(Context& ctx, storage::Id event_id)
      : ctx(ctx), event_id(event_id), subscription(ctx.service.live_feed().subscribe(event_id)) {}
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream() { ctx.streams.release(); }

  Context& ctx;
  storage::Id event_id;
  std::shared_ptr<checkin::LiveFeed::Subscription> subscription;
  bool started = false;

  // One provider call: writes what is due and says whether to go on.
  bool step(httplib::DataSink& sink) {
    if (!started) {
      started = true;
      return write(sink, "retry: 2000\n\n" + sse_event("stats", ctx.service.stats(event_id)));
    }
    if (ctx.stopping || subscription->closed()) {
      sink.done();
      return true;
    }
    json message;
    if (!subscription->next(message, kKeepalive)) {
      if (subscription->closed()) {
        sink.done();
        return true;
      }
      return write(sink, ": keepalive\n\n");
    }
    message.erase("type");  // the SSE event name says it
    return write(sink,
                 sse_event("check_in", message) + sse_event("stats", ctx.service.stats(event_id)));
  }

  static bool write(httplib::DataSink& sink, const std::string& text) {
    return sink.write(text.data(), text.size());
  }
};

void stream(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const storage::Id event_id = path_id(req, 1);
  require_event_access(ctx, req, event_id, TokenSource::kHeaderOrQuery);
  ctx.store.get_event(event_id);  // 404 before taking a slot
  if (!ctx.streams.try_acquire())
    throw HttpError(503, "too_many_streams",
                    "Too many live streams are open; close one or retry later");
  // Subscribing before the first stats are read means no check-in falls
  // between the two.
  std::shared_ptr<Stream> state;
  try {
    state = std::make_shared<Stream>(ctx, event_id);
  } catch (...) {
    ctx.streams.release();
    throw;
  }
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");  // nginx would otherwise buffer the stream
  res.set_chunked_content_provider("text/event-stream", [state](size_t, httplib::DataSink& sink) {
    try {
      return state->step(sink);
    } catch (const std::exception& e) {
      spdlog::warn("event stream for event {} ended: {}", state->event_id, log_safe(e.what()));
      return false;
    }
  });
}

}  // namespace

void add_stream_routes(Router& router) {
  router.get_stream("/api/v1/events/{id}/stream",
                    [&ctx = router.context()](const httplib::Request& req, httplib::Response& res) {
                      stream(ctx, req, res);
                    });
}

}  // namespace facecheck::http
