// Credentials: the Authorization header (or ?token= where SSE allows it)
// through request_secret and caller_for_secret against a real database with
// one admin key and one kiosk token. Inputs can start from the real secrets
// (the first byte picks which), so the fuzzer also probes near misses:
// truncated, extended or altered secrets. Only the exact secret may pass.
#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "http/auth.h"
#include "http/errors.h"
#include "storage/store.h"

using namespace facecheck;

namespace {

struct Credentials {
  storage::Store store = storage::Store::open(":memory:");
  std::string admin_secret;
  std::string kiosk_token;
  std::string desk_token;

  Credentials() {
    admin_secret = store.create_api_key("fuzz admin").secret;
    storage::Event event;
    event.name = "fuzz event";
    event.starts_at = 1'700'000'000;
    event.ends_at = event.starts_at + 3600;
    const auto event_id = store.create_event(event).id;
    kiosk_token = store.create_kiosk(event_id, "fuzz kiosk").token;
    desk_token = store.create_kiosk(event_id, "fuzz desk", storage::DeviceRole::kDesk).token;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Credentials creds;
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  // Bits 0-1: the header from scratch (0), "Bearer " + the admin secret (1)
  // or the kiosk token (2; the desk token when the input's length is odd)
  // with the text appended, or the kiosk token and the text as ?token= (3);
  // bit 2: the secret cut to its first mode >> 3 bytes.
  const bool in_query = (mode & 3) == 3;
  if ((mode & 3) != 0) {
    std::string secret = (mode & 3) == 1               ? creds.admin_secret
                         : (mode & 3) == 2 && size % 2 ? creds.desk_token
                                                       : creds.kiosk_token;
    if (mode & 4) secret.resize(std::min<size_t>(secret.size(), mode >> 3));
    text = (in_query ? "" : "Bearer ") + secret + text;
  }
  httplib::Request req;
  if (in_query) {
    req.params.emplace("token", text);
  } else {
    req.set_header("Authorization", text);
  }
  try {
    const auto source = in_query ? http::TokenSource::kHeaderOrQuery : http::TokenSource::kHeader;
    const std::string secret = http::request_secret(req, source);
    const http::Caller caller = http::caller_for_secret(creds.store, secret);
    // Exactly one kind of caller, and only for its exact secret; a desk is
    // never taken for a kiosk nor the other way round.
    FUZZ_CHECK(
        int(caller.is_admin()) + int(caller.kiosk.has_value()) + int(caller.desk.has_value()) == 1);
    FUZZ_CHECK(secret == (caller.is_admin() ? creds.admin_secret
                          : caller.desk     ? creds.desk_token
                                            : creds.kiosk_token));
    FUZZ_CHECK(!caller.kiosk || caller.kiosk->role == storage::DeviceRole::kKiosk);
    FUZZ_CHECK(!caller.desk || caller.desk->role == storage::DeviceRole::kDesk);
  } catch (const http::HttpError& e) {
    FUZZ_CHECK(e.status == 401);
  }
  return 0;
}
