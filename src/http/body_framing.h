// How a request's body is framed, judged from its headers before a byte of
// it is read. httplib 0.11 enforces the body limit only on Content-Length:
// a chunked body, or one without Content-Length (read until the connection
// closes), is read whole, and a Content-Encoding: gzip body is inflated in
// memory (1 MB became ~1 GB) before any handler runs.
#pragma once

#include <httplib.h>

#include <cstddef>
#include <optional>
#include <string>

namespace facecheck::http {

// Refuses bodies the server does not read: a Content-Encoding other than
// identity (415 unsupported_content_encoding), a Transfer-Encoding other
// than chunked (501 unsupported_transfer_encoding), Content-Length with
// chunked or a malformed or repeated Content-Length (400 bad_request), a
// Content-Length over `max_body_bytes` (413 payload_too_large). The answer
// is written to `res`, the connection will close, and the code is returned.
// A request with neither Content-Length nor chunked has no body (RFC 9112).
// Chunked bodies are capped while they arrive (GuardedServer).
std::optional<std::string> refuse_body_framing(const httplib::Request& req, httplib::Response& res,
                                               size_t max_body_bytes);

}  // namespace facecheck::http
