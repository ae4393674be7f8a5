// httplib's server with our own connection loop and socket stream, so that
// limits apply while bytes arrive rather than after httplib has stored them:
// httplib 0.11 (Debian's prebuilt library) reads every header of a request
// into memory before any handler runs and has no cap on their number, so
// 25,000 headers of 8 KB cost ~290 MB before a pre-routing handler could
// refuse them. The stream stops reading at the cap; the error handler then
// answers 431 (current_limit_hit) and the connection is closed.
#pragma once

#include <httplib.h>

#include <cstddef>

namespace facecheck::http {

struct ConnectionLimits {
  size_t max_header_bytes = 32 * 1024;  // request line and headers together
  size_t max_headers = 100;             // header lines after the request line
  // Body bytes on the wire; chunked framing may add up to kFramingSlack.
  size_t max_body_bytes = 10u << 20;
};

// Chunk-size lines of a chunked body that holds max_body_bytes of data.
constexpr size_t kFramingSlack = 64 * 1024;

enum class LimitHit { kNone, kHeaderCount, kHeaderBytes, kBody };

// The limit that stopped the request being handled on this thread, if any.
LimitHit current_limit_hit();

// For the handlers of the request on this thread (httplib parses, routes
// and answers a request on one thread); no effect on other threads.
// The request has no body (no Content-Length, not chunked: RFC 9112 6.3):
// reading one sees its end at once instead of waiting for the connection
// to close, as httplib would.
void current_request_has_no_body();
// The connection is closed after this answer (its body was not read).
void close_after_current_response();

class GuardedServer : public httplib::Server {
 public:
  explicit GuardedServer(ConnectionLimits limits) : limits_(limits) {}

 private:
  // Replaces httplib's keep-alive loop: one stream per connection (its read
  // buffer carries pipelined bytes from one request to the next), the
  // limits reset at each request, and a lingering close after a refusal so
  // the client reads the answer instead of a reset.
  bool process_and_close_socket(socket_t sock) override;

  ConnectionLimits limits_;
};

}  // namespace facecheck::http
