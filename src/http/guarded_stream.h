// The socket stream of GuardedServer's connections (internal to it): what
// httplib's SocketStream does (timeouts, a read buffer), plus the request
// limits counted while bytes arrive, deadlines, and a buffer that can hold a
// whole header block so a connection waits for its next request without a
// worker thread (GuardedServer's waiting room).
#pragma once

#include <httplib.h>
#include <poll.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include "http/guarded_server.h"
#include "http/tls.h"

namespace facecheck::http {

class GuardedStream final : public httplib::Stream {
 public:
  using Clock = std::chrono::steady_clock;

  // With `tls`, the connection speaks TLS and must finish its handshake
  // (continue_handshake) before anything else.
  GuardedStream(int fd, const ConnectionLimits& limits, int read_timeout_ms, int write_timeout_ms,
                const TlsContext* tls = nullptr);

  // TLS: the handshake is not finished yet.
  bool handshaking() const { return tls_ && !tls_->established(); }
  // One non-blocking handshake step; false when the handshake failed.
  bool continue_handshake();
  // What the waiting room polls this connection's socket for.
  short poll_events() const { return handshake_wait_ == TlsWait::kWrite ? POLLOUT : POLLIN; }

  // A new request starts: its headers are counted, and its deadline runs,
  // from here.
  void start_request();
  LimitHit hit() const { return hit_; }
  void set_no_body() { no_body_ = true; }
  void set_close() { close_ = true; }
  bool must_close() const { return close_ || hit_ != LimitHit::kNone; }

  // Reads what the socket has without waiting. False when the peer closed
  // or failed.
  bool fill_nonblocking();
  // True when the buffer holds the next request's whole header block, or
  // more bytes than a header block may have (the parse will then refuse
  // it without waiting).
  bool request_ready() const;
  bool has_buffered() const { return begin_ < end_; }

  // After a refusal: stop sending, then read (and drop) what the client is
  // still sending, up to twice the body limit (at most 64 MiB) and 2 s, so
  // that a client that writes its whole body before reading (httplib's, for
  // one) reads the answer instead of a reset. Bounded: a flood is cut off.
  void linger();

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return fd_; }

 private:
  size_t count_header_bytes(size_t count);
  // What the socket (or TLS) has now, without waiting: bytes, 0 when the
  // peer closed, -1 with errno EAGAIN when there is nothing, -1 on failure.
  ssize_t receive_now(char* data, size_t size);
  // Waits up to wait_ms() for bytes; as recv().
  ssize_t receive(char* data, size_t size);
  ssize_t send_tls(const char* data, size_t size);
  int wait_ms() const;  // the read timeout, or less when the deadline is nearer

  const int fd_;
  const ConnectionLimits limits_;
  const int read_timeout_ms_, write_timeout_ms_;
  std::unique_ptr<TlsSession> tls_;
  TlsWait handshake_wait_ = TlsWait::kRead;
  std::vector<char> buffer_;
  size_t begin_ = 0, end_ = 0;
  bool in_headers_ = true;
  size_t header_bytes_ = 0, header_lines_ = 0, body_bytes_ = 0;
  uint32_t tail_ = 0;     // the last four bytes read, to find the blank line
  bool no_body_ = false;  // this request has none: body reads see EOF
  bool close_ = false;    // close after this response
  Clock::time_point deadline_;
  LimitHit hit_ = LimitHit::kNone;
};

}  // namespace facecheck::http
