// Who is calling: an administrator (API key "ak_...") or a kiosk (token
// "kt_..." bound to one event), from `Authorization: Bearer <secret>`.
//
// 401 when the credentials are missing, unknown or revoked, and for a kiosk
// token whose event is not open (kiosk_event_not_open: a draft) or over
// (kiosk_event_over: closed, or past its check-in window); 403 when they
// are valid but not allowed here (a kiosk on an admin route or on another
// event); 429 when a kiosk exceeds its request rate.
#pragma once

#include <httplib.h>

#include <optional>
#include <string>

#include "http/context.h"
#include "http/rate_limit.h"
#include "storage/records.h"
#include "storage/store.h"

namespace facecheck::http {

struct Caller {
  std::optional<storage::ApiKey> admin;
  std::optional<storage::Kiosk> kiosk;
  std::optional<storage::Kiosk> desk;  // a staff desk (role kDesk), never in `kiosk`

  bool is_admin() const { return admin.has_value(); }
  std::optional<storage::Id> kiosk_id() const {
    return kiosk ? std::optional<storage::Id>(kiosk->id) : std::nullopt;
  }
  // The kiosk or desk a check-in came through (check_ins.kiosk_id).
  std::optional<storage::Id> device_id() const {
    return kiosk ? kiosk_id() : desk ? std::optional<storage::Id>(desk->id) : std::nullopt;
  }
  // Who did it, for the audit log: "admin:1", "kiosk:3", "desk:4".
  std::string actor() const {
    if (admin) return "admin:" + std::to_string(admin->id);
    if (kiosk) return "kiosk:" + std::to_string(kiosk->id);
    return desk ? "desk:" + std::to_string(desk->id) : "unknown";
  }
};

// Where a secret may come from. EventSource cannot set headers, so the SSE
// route also takes ?token=; no other route does, as query strings end up in
// proxies' logs.
enum class TokenSource { kHeader, kHeaderOrQuery };

// The secret a request presents (401 when there is none).
std::string request_secret(const httplib::Request& req, TokenSource source);
// Who `secret` belongs to now, without the rate limit: what a long-lived
// stream re-checks. Throws HttpError 401 as above.
Caller identify(Context& ctx, const std::string& secret);
Caller authenticate(Context& ctx, const httplib::Request& req,
                    TokenSource source = TokenSource::kHeader);

// The credential `secret` names in the store (401 unknown or revoked),
// before the event and rate checks of identify/authenticate: apart so that
// the fuzz target (tests/fuzz/fuzz_auth.cpp) can drive it without a server.
Caller caller_for_secret(const storage::Store& store, const std::string& secret);
Caller require_admin(Context& ctx, const httplib::Request& req);
Caller require_kiosk(Context& ctx, const httplib::Request& req);
// An admin, or a kiosk of this event; with kDeskToo a desk of this event as well.
enum class Desks { kRefused, kDeskToo };
Caller require_event_access(Context& ctx, const httplib::Request& req, storage::Id event_id,
                            TokenSource source = TokenSource::kHeader,
                            Desks desks = Desks::kRefused);
// An admin, or a desk of this event (not a kiosk).
Caller require_desk(Context& ctx, const httplib::Request& req, storage::Id event_id);

}  // namespace facecheck::http
