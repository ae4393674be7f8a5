#include "http/auth.h"

#include <algorithm>

#include "http/errors.h"

namespace facecheck::http {
namespace {

[[noreturn]] void unknown_secret() {
  throw HttpError(401, "unauthorized", "Unknown or revoked credentials");
}

}  // namespace

std::string bearer_secret(const httplib::Request& req, TokenSource source) {
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

Caller caller_for_secret(const storage::Store& store, RateLimiter& limiter,
                         const std::string& secret) {
  Caller caller;
  if (secret.rfind("ak_", 0) == 0) {
    caller.admin = store.verify_api_key(secret);
    if (!caller.admin) unknown_secret();
  } else if (secret.rfind("kt_", 0) == 0) {
    caller.kiosk = store.authenticate_kiosk(secret);
    if (!caller.kiosk) unknown_secret();
    if (!limiter.allow(caller.kiosk->id))
      throw HttpError(429, "rate_limited", "Too many requests from this kiosk; slow down");
  } else {
    unknown_secret();
  }
  return caller;
}

Caller authenticate(Context& ctx, const httplib::Request& req, TokenSource source) {
  return caller_for_secret(ctx.store, ctx.limiter, bearer_secret(req, source));
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
