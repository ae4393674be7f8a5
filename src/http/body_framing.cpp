#include "http/body_framing.h"

#include <strings.h>

#include <charconv>

#include "http/errors.h"
#include "http/guarded_server.h"

namespace facecheck::http {
namespace {

std::optional<std::string> refuse(httplib::Response& res, int status, const std::string& code,
                                  const std::string& message) {
  send_error(res, status, code, message);
  res.set_header("Connection", "close");
  close_after_current_response();
  return code;
}

bool same(const std::string& a, const char* b) { return ::strcasecmp(a.c_str(), b) == 0; }

}  // namespace

std::optional<std::string> refuse_body_framing(const httplib::Request& req, httplib::Response& res,
                                               size_t max_body_bytes) {
  if (req.has_header("Content-Encoding") &&
      !same(req.get_header_value("Content-Encoding"), "identity"))
    return refuse(res, 415, "unsupported_content_encoding",
                  "Send request bodies uncompressed (no Content-Encoding)");
  const bool chunked = req.has_header("Transfer-Encoding");
  if (chunked && (req.get_header_value_count("Transfer-Encoding") > 1 ||
                  !same(req.get_header_value("Transfer-Encoding"), "chunked")))
    return refuse(res, 501, "unsupported_transfer_encoding",
                  "The only transfer coding accepted is chunked");
  if (!req.has_header("Content-Length")) {
    if (!chunked) current_request_has_no_body();
    return std::nullopt;
  }
  if (chunked) return refuse(res, 400, "bad_request", "Send Content-Length or chunked, not both");
  const std::string text = req.get_header_value("Content-Length");
  size_t length = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
  if (req.get_header_value_count("Content-Length") > 1 || text.empty() || ec != std::errc() ||
      end != text.data() + text.size())
    return refuse(res, 400, "bad_request", "Content-Length must be one decimal number");
  if (length > max_body_bytes)
    return refuse(res, 413, "payload_too_large",
                  "The request body is larger than the server accepts");
  return std::nullopt;
}

}  // namespace facecheck::http
