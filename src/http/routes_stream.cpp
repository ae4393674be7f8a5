// GET /api/v1/events/{id}/stream: the dashboard's live feed as Server-Sent
// Events. Sends `retry: 2000`, the current stats, then `check_in` and
// `stats` per new check-in, and a `: keepalive` comment when quiet.
//
// Each open stream holds one HTTP thread for its whole life (httplib has no
// asynchronous writes), so StreamSlots caps them below the pool size, per
// kiosk and with slots kept for admins; a stream beyond a cap is refused
// with 503. A stream re-checks its credential every second and ends when
// it no longer holds (revoked, or a kiosk whose event closed): a stolen
// token must not go on reading names after the organiser revoked it. A
// departed client is noticed at the next write, at the latest one
// keepalive (15 s) later; a server stop ends every stream at once
// (LiveFeed::close_all).
#include <spdlog/spdlog.h>

#include "http/auth.h"
#include "http/errors.h"
#include "http/log_text.h"
#include "http/outcome_json.h"
#include "http/routes.h"

namespace facecheck::http {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

constexpr std::chrono::seconds kKeepalive{15};
constexpr std::chrono::seconds kRecheck{1};

std::string sse_event(const char* name, const json& data) {
  return std::string("event: ") + name +
         "\ndata: " + data.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}

// The state of one stream, shared by httplib's provider calls. It owns one
// of ctx.streams' slots, given back when httplib drops the response.
struct Stream {
  Stream(Context& ctx, storage::Id event_id, std::string secret, StreamOwner owner)
      : ctx(ctx),
        event_id(event_id),
        secret(std::move(secret)),
        owner(owner),
        subscription(ctx.service.live_feed().subscribe(event_id)) {}
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream() { ctx.streams.release(owner); }

  Context& ctx;
  storage::Id event_id;
  const std::string secret;  // re-checked every kRecheck
  const StreamOwner owner;
  std::shared_ptr<checkin::LiveFeed::Subscription> subscription;
  bool started = false;
  SteadyClock::time_point last_write = SteadyClock::now();

  // One provider call: writes what is due and says whether to go on. Waits
  // at most kRecheck, so the credential is checked at least that often.
  bool step(httplib::DataSink& sink) {
    if (!started) {
      started = true;
      return write(sink,
                   "retry: 2000\n\n" + sse_event("stats", stats_json(ctx.service.stats(event_id))));
    }
    if (ctx.stopping || subscription->closed() || !credential_holds()) {
      sink.done();
      return true;
    }
    checkin::FeedCheckIn message;
    if (!subscription->next(message, kRecheck)) {
      if (SteadyClock::now() - last_write < kKeepalive) return true;
      return write(sink, ": keepalive\n\n");
    }
    if (!credential_holds()) {  // revoked while this one waited
      sink.done();
      return true;
    }
    return write(sink, sse_event("check_in", feed_json(message)) +
                           sse_event("stats", stats_json(ctx.service.stats(event_id))));
  }

  bool credential_holds() const {
    try {
      identify(ctx, secret);
      return true;
    } catch (const HttpError& e) {
      spdlog::info("event stream for event {} ended: {}", event_id, e.code);
      return false;
    } catch (const storage::NotFound& e) {  // the kiosk's event was deleted
      spdlog::info("event stream for event {} ended: {}", event_id, log_safe(e.what()));
      return false;
    }
  }

  bool write(httplib::DataSink& sink, const std::string& text) {
    last_write = SteadyClock::now();
    return sink.write(text.data(), text.size());
  }
};

[[noreturn]] void refuse_stream(SlotRefusal why) {
  const char* message = why == SlotRefusal::kKioskFull
                            ? "This kiosk already has its live streams open; close one first"
                            : "Too many live streams are open; close one or retry later";
  throw HttpError(503, "too_many_streams", message);
}

void stream(Context& ctx, const httplib::Request& req, httplib::Response& res) {
  const storage::Id event_id = path_id(req, 1);
  const Caller caller = require_event_access(ctx, req, event_id, TokenSource::kHeaderOrQuery);
  ctx.store.get_event(event_id);  // 404 before taking a slot
  const StreamOwner owner{caller.kiosk_id()};
  if (const SlotRefusal why = ctx.streams.try_acquire(owner); why != SlotRefusal::kNone)
    refuse_stream(why);
  // Subscribing before the first stats are read means no check-in falls
  // between the two.
  std::shared_ptr<Stream> state;
  try {
    state = std::make_shared<Stream>(ctx, event_id,
                                     request_secret(req, TokenSource::kHeaderOrQuery), owner);
  } catch (...) {
    ctx.streams.release(owner);
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
