#include "http/guarded_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace facecheck::http {
namespace {

using Clock = std::chrono::steady_clock;

int poll_ms(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  int rc;
  do {
    rc = ::poll(&p, 1, timeout_ms);
  } while (rc < 0 && errno == EINTR);
  return rc;
}

int to_ms(time_t sec, time_t usec) { return static_cast<int>(sec * 1000 + usec / 1000); }

void address_of(int fd, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  const int rc = peer ? ::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len)
                      : ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (rc != 0) return;
  char text[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    port = ntohs(in->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    port = ntohs(in6->sin6_port);
  }
  ip = text;
}

// A socket stream (what httplib's SocketStream does: timeouts, a read
// buffer) that counts a request's header bytes and lines as they arrive and
// refuses to read past the limits.
class GuardedStream final : public httplib::Stream {
 public:
  GuardedStream(int fd, const ConnectionLimits& limits, int read_timeout_ms, int write_timeout_ms)
      : fd_(fd),
        limits_(limits),
        read_timeout_ms_(read_timeout_ms),
        write_timeout_ms_(write_timeout_ms) {}

  // A new request starts: its headers are counted from here.
  void start_request() {
    in_headers_ = true;
    header_bytes_ = 0;
    header_lines_ = 0;
    body_bytes_ = 0;
    no_body_ = false;
    tail_ = 0;
  }
  LimitHit hit() const { return hit_; }
  void set_no_body() { no_body_ = true; }
  void set_close() { close_ = true; }
  bool must_close() const { return close_ || hit_ != LimitHit::kNone; }

  // Waits up to `timeout_ms` for the next request, giving up early when the
  // server stops (`listening` turns false).
  bool wait_for_request(int timeout_ms, const std::atomic<socket_t>& listening) {
    if (begin_ < end_) return true;
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (listening != INVALID_SOCKET) {
      const int rc = poll_ms(fd_, POLLIN, 100);
      if (rc != 0) return rc > 0;
      if (Clock::now() >= deadline) return false;
    }
    return false;
  }

  // After a refusal: stop sending, then read (and drop) what the client is
  // still sending, up to twice the body limit (at most 64 MiB) and 2 s, so
  // that a client that writes its whole body before reading (httplib's, for
  // one) reads the answer instead of a reset. Bounded: a flood is cut off.
  void linger() {
    ::shutdown(fd_, SHUT_WR);
    const auto deadline = Clock::now() + std::chrono::seconds(2);
    const size_t most = std::min<size_t>(2 * limits_.max_body_bytes, 64u << 20);
    size_t drained = 0;
    while (drained < most && Clock::now() < deadline) {
      if (poll_ms(fd_, POLLIN, 100) <= 0) continue;
      const ssize_t n = ::recv(fd_, buffer_.data(), buffer_.size(), 0);
      if (n <= 0) break;
      drained += static_cast<size_t>(n);
    }
  }

  bool is_readable() const override {
    return begin_ < end_ || poll_ms(fd_, POLLIN, read_timeout_ms_) > 0;
  }
  bool is_writable() const override { return poll_ms(fd_, POLLOUT, write_timeout_ms_) > 0; }

  ssize_t read(char* ptr, size_t size) override {
    if (hit_ != LimitHit::kNone) return -1;
    if (!in_headers_ && no_body_) return 0;
    if (!in_headers_ && body_bytes_ >= limits_.max_body_bytes + kFramingSlack) {
      hit_ = LimitHit::kBody;
      return -1;
    }
    if (begin_ == end_) {
      if (!is_readable()) return -1;
      ssize_t n;
      do {
        n = ::recv(fd_, buffer_.data(), buffer_.size(), 0);
      } while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      begin_ = 0;
      end_ = static_cast<size_t>(n);
    }
    size_t count = std::min(size, end_ - begin_);
    if (in_headers_) {
      count = count_header_bytes(count);
    } else {
      count = std::min(count, limits_.max_body_bytes + kFramingSlack - body_bytes_);
      body_bytes_ += count;
    }
    if (hit_ != LimitHit::kNone) return -1;
    std::memcpy(ptr, buffer_.data() + begin_, count);
    begin_ += count;
    return static_cast<ssize_t>(count);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!is_writable()) return -1;
    ssize_t n;
    do {
      n = ::send(fd_, ptr, size, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    address_of(fd_, true, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    address_of(fd_, false, ip, port);
  }
  socket_t socket() const override { return fd_; }

 private:
  // Counts the next `count` buffered bytes as header bytes, up to the blank
  // line that ends the headers; returns how many may be handed out (all of
  // them, or up to and including the blank line). Sets hit_ at a limit.
  size_t count_header_bytes(size_t count) {
    for (size_t i = 0; i < count; ++i) {
      const char c = buffer_[begin_ + i];
      tail_ = (tail_ << 8) | static_cast<unsigned char>(c);
      if (++header_bytes_ > limits_.max_header_bytes) {
        hit_ = LimitHit::kHeaderBytes;
        return 0;
      }
      if (c != '\n') continue;
      if ((tail_ & 0xffffffffu) == 0x0d0a0d0au) {  // "\r\n\r\n": the headers end
        in_headers_ = false;
        return i + 1;
      }
      // The first line is the request line; the others are headers.
      if (++header_lines_ > limits_.max_headers + 1) {
        hit_ = LimitHit::kHeaderCount;
        return 0;
      }
    }
    return count;
  }

  const int fd_;
  const ConnectionLimits limits_;
  const int read_timeout_ms_, write_timeout_ms_;
  std::array<char, 4096> buffer_{};
  size_t begin_ = 0, end_ = 0;
  bool in_headers_ = true;
  size_t header_bytes_ = 0, header_lines_ = 0, body_bytes_ = 0;
  bool no_body_ = false;  // this request has none: body reads see EOF
  bool close_ = false;    // close after this response
  uint32_t tail_ = 0;     // the last four bytes read, to find the blank line
  LimitHit hit_ = LimitHit::kNone;
};

// The stream of the connection this thread serves (httplib runs a
// request's parsing, handlers and error handler on one thread).
thread_local GuardedStream* t_stream = nullptr;

struct CurrentStream {
  explicit CurrentStream(GuardedStream* s) { t_stream = s; }
  ~CurrentStream() { t_stream = nullptr; }
};

}  // namespace

LimitHit current_limit_hit() { return t_stream ? t_stream->hit() : LimitHit::kNone; }

void current_request_has_no_body() {
  if (t_stream) t_stream->set_no_body();
}

void close_after_current_response() {
  if (t_stream) t_stream->set_close();
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  bool ret = false;
  {
    GuardedStream stream(sock, limits_, to_ms(read_timeout_sec_, read_timeout_usec_),
                         to_ms(write_timeout_sec_, write_timeout_usec_));
    const CurrentStream current(&stream);
    for (size_t left = keep_alive_max_count_; left > 0; --left) {
      if (!stream.wait_for_request(static_cast<int>(keep_alive_timeout_sec_ * 1000), svr_sock_))
        break;
      stream.start_request();
      bool connection_closed = false;
      ret = process_request(stream, left == 1, connection_closed, nullptr);
      if (!ret || connection_closed || stream.must_close()) break;
    }
    if (stream.must_close()) stream.linger();
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ret;
}

}  // namespace facecheck::http
