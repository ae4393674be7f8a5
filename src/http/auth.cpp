#include "http/auth.h"

#include "http/errors.h"
#include "http/forwarded.h"

namespace facecheck::http {

namespace {

// A kiosk token is a credential only while its event is open and its
// check-in window not over (event_window.h); before the window opens it
// already works, so a kiosk can be set up ahead of the doors opening.
void require_kiosk_event_open(Context& ctx, const storage::Kiosk& kiosk) {
  const storage::Event event = ctx.store.get_event(kiosk.event_id);
  switch (ctx.service.phase(event)) {
    case checkin::CheckinPhase::kBeforeWindow:
    case checkin::CheckinPhase::kInWindow:
      return;
    case checkin::CheckinPhase::kDraft:
      throw HttpError(401, "kiosk_event_not_open",
                      "This kiosk's event is a draft; kiosk tokens work once it is open");
    default:
      throw HttpError(401, "kiosk_event_over",
                      "This kiosk's event is closed or its check-in window is over");
  }
}

}  // namespace

Caller identify(Context& ctx, const std::string& secret) {
  Caller caller = caller_for_secret(ctx.store, secret);
  if (caller.kiosk) require_kiosk_event_open(ctx, *caller.kiosk);
  if (caller.desk) require_kiosk_event_open(ctx, *caller.desk);
  return caller;
}

// Each distinct wrong secret counts against the client's address
// (guess_limit.h); once it has tried too many, every credential it
// presents is refused for a while, the right one too, so guessing cannot
// go on at full speed. A missing credential does not count (a page opened
// without a key), nor does one revoked token sent again and again (a
// kiosk nobody has reset yet, which must not lock out the kiosks sharing
// its address).
Caller authenticate(Context& ctx, const httplib::Request& req, TokenSource source) {
  const std::string secret = request_secret(req, source);
  const std::string client = client_address(ctx, req);
  if (ctx.credential_guesses.blocked(client))
    throw HttpError(429, "rate_limited",
                    "Too many unknown credentials from this address; try again later");
  Caller caller;
  try {
    caller = identify(ctx, secret);
  } catch (const HttpError& e) {
    if (e.status == 401 && e.code == "unauthorized")
      ctx.credential_guesses.failed_guess(client, secret);
    throw;
  }
  // Kiosks and desks share one id space (one table), so one limiter serves both.
  if (const auto device = caller.device_id(); device && !ctx.limiter.allow(*device))
    throw HttpError(429, "rate_limited", "Too many requests from this kiosk; slow down");
  return caller;
}

Caller require_admin(Context& ctx, const httplib::Request& req) {
  Caller caller = authenticate(ctx, req);
  if (!caller.is_admin())
    throw HttpError(403, "forbidden", "This route needs an admin key; kiosk tokens cannot use it");
  return caller;
}

Caller require_kiosk(Context& ctx, const httplib::Request& req) {
  Caller caller = authenticate(ctx, req);
  if (!caller.kiosk) throw HttpError(403, "forbidden", "This route needs a kiosk token");
  return caller;
}

Caller require_event_access(Context& ctx, const httplib::Request& req, storage::Id event_id,
                            TokenSource source, Desks desks) {
  Caller caller = authenticate(ctx, req, source);
  if (caller.kiosk && caller.kiosk->event_id != event_id)
    throw HttpError(403, "forbidden", "This kiosk token belongs to another event");
  if (caller.desk && (desks == Desks::kRefused || caller.desk->event_id != event_id))
    throw HttpError(403, "forbidden",
                    desks == Desks::kRefused ? "Desk tokens cannot use this route"
                                             : "This desk token belongs to another event");
  return caller;
}

Caller require_desk(Context& ctx, const httplib::Request& req, storage::Id event_id) {
  Caller caller = require_event_access(ctx, req, event_id, TokenSource::kHeader, Desks::kDeskToo);
  if (caller.kiosk)
    throw HttpError(403, "forbidden", "This route needs a desk token or an admin key");
  return caller;
}

}  // namespace facecheck::http
