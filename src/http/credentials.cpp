// The credential a request presents, and whom it names in the store. Kept
// apart from auth.cpp's event and rate checks, which need the whole server,
// so that the fuzz target (tests/fuzz/fuzz_auth.cpp) can link just this.
#include <algorithm>

#include "http/auth.h"
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

}  // namespace

Caller caller_for_secret(const storage::Store& store, const std::string& secret) {
  Caller caller;
  if (secret.rfind("ak_", 0) == 0) {
    caller.admin = store.verify_api_key(secret);
    if (!caller.admin) unknown_secret();
  } else if (secret.rfind("kt_", 0) == 0) {
    caller.kiosk = store.authenticate_kiosk(secret);
    if (!caller.kiosk) unknown_secret();
  } else if (secret.rfind("dk_", 0) == 0) {
    caller.desk = store.authenticate_kiosk(secret);
    if (!caller.desk) unknown_secret();
  } else {
    unknown_secret();
  }
  return caller;
}

}  // namespace facecheck::http
