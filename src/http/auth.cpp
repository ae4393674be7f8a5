#include "http/auth.h"

#include <algorithm>

#include "http/errors.h"

namespace facecheck::http {

std::string request_secret(const httplib::Request& req, TokenSource source) {
  const std::string header = req.get_header_value("Authorization");
  if (!header.empty()) {
    constexpr std::string_view kScheme = "bearer ";
    std::string prefix = header.substr(0, kScheme.size());
    std::transform(prefix.begin(), prefix.end(), prefix.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (prefix != kScheme)
      throw HttpError(401, "unauthorized", "Use 'Authorization: Bearer <key or token>'");
    std::string secret = header.substr(kScheme.size());
    secret.erase(0, secret.find_first_not_of(' '));
    return secret;
  }
  if (source == TokenSource::kHeaderOrQuery && req.has_param("token"))
    return req.get_param_value("token");
  throw HttpError(401, "unauthorized", "This route needs an admin key or a kiosk token");
}

namespace {

[[noreturn]] void unknown_secret() {
  throw HttpError(401, "unauthorized", "Unknown or revoked credentials");
}

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
  Caller caller;
  if (secret.rfind("ak_", 0) == 0) {
    caller.admin = ctx.store.verify_api_key(secret);
    if (!caller.admin) unknown_secret();
  } else if (secret.rfind("kt_", 0) == 0) {
    caller.kiosk = ctx.store.authenticate_kiosk(secret);
    if (!caller.kiosk) unknown_secret();
    require_kiosk_event_open(ctx, *caller.kiosk);
  } else {
    unknown_secret();
  }
  return caller;
}

Caller authenticate(Context& ctx, const httplib::Request& req, TokenSource source) {
  Caller caller = identify(ctx, request_secret(req, source));
  if (caller.kiosk && !ctx.limiter.allow(caller.kiosk->id))
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
                            TokenSource source) {
  Caller caller = authenticate(ctx, req, source);
  if (caller.kiosk && caller.kiosk->event_id != event_id)
    throw HttpError(403, "forbidden", "This kiosk token belongs to another event");
  return caller;
}

}  // namespace facecheck::http
