#include "http/guarded_stream.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

namespace facecheck::http {
namespace {

int poll_ms(int fd, short events, int timeout_ms) {
  pollfd p{fd, events, 0};
  int rc;
  do {
    rc = ::poll(&p, 1, timeout_ms);
  } while (rc < 0 && errno == EINTR);
  return rc;
}

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

}  // namespace

GuardedStream::GuardedStream(int fd, const ConnectionLimits& limits, int read_timeout_ms,
                             int write_timeout_ms, const TlsContext* tls)
    : fd_(fd),
      limits_(limits),
      read_timeout_ms_(read_timeout_ms),
      write_timeout_ms_(write_timeout_ms),
      tls_(tls ? std::make_unique<TlsSession>(*tls, fd) : nullptr),
      buffer_(limits.max_header_bytes + 4096) {
  start_request();
}

bool GuardedStream::continue_handshake() {
  handshake_wait_ = tls_->handshake();
  return handshake_wait_ != TlsWait::kFailed;
}

ssize_t GuardedStream::receive_now(char* data, size_t size) {
  if (!tls_) {
    ssize_t n;
    do {
      n = ::recv(fd_, data, size, MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    return n;
  }
  TlsWait wait;
  const ssize_t n = tls_->read(data, size, wait);
  // A TLS 1.3 key update may need a write first; it is retried next time.
  if (n < 0) errno = wait == TlsWait::kRead || wait == TlsWait::kWrite ? EAGAIN : EIO;
  return n;
}

ssize_t GuardedStream::receive(char* data, size_t size) {
  while (true) {
    const ssize_t n = receive_now(data, size);
    if (n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) return n;
    // Part of a TLS record, or a key update, or nothing yet.
    if (poll_ms(fd_, POLLIN, wait_ms()) <= 0) {
      if (Clock::now() >= deadline_) hit_ = LimitHit::kTimeout;
      return -1;
    }
  }
}

ssize_t GuardedStream::send_tls(const char* data, size_t size) {
  while (true) {
    TlsWait wait;
    const ssize_t n = tls_->write(data, size, wait);
    if (n >= 0) return n;
    if (wait != TlsWait::kRead && wait != TlsWait::kWrite) return -1;
    if (poll_ms(fd_, wait == TlsWait::kRead ? POLLIN : POLLOUT, write_timeout_ms_) <= 0) return -1;
  }
}

void GuardedStream::start_request() {
  in_headers_ = true;
  header_bytes_ = header_lines_ = body_bytes_ = 0;
  no_body_ = false;
  tail_ = 0;
  deadline_ = Clock::now() + limits_.request_timeout;
}

bool GuardedStream::fill_nonblocking() {
  if (begin_ > 0) {  // keep the unread bytes at the front
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  while (end_ < buffer_.size()) {
    const ssize_t n = receive_now(buffer_.data() + end_, buffer_.size() - end_);
    if (n > 0) {
      end_ += static_cast<size_t>(n);
      continue;
    }
    if (n == 0) return false;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
  return true;
}

bool GuardedStream::request_ready() const {
  const std::string_view buffered(buffer_.data() + begin_, end_ - begin_);
  return buffered.find("\r\n\r\n") != std::string_view::npos ||
         buffered.size() > limits_.max_header_bytes;
}

void GuardedStream::linger() {
  if (tls_) tls_->close_notify();
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

int GuardedStream::wait_ms() const {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, read_timeout_ms_));
}

bool GuardedStream::is_readable() const {
  return begin_ < end_ || (tls_ && tls_->has_pending()) || poll_ms(fd_, POLLIN, wait_ms()) > 0;
}

bool GuardedStream::is_writable() const { return poll_ms(fd_, POLLOUT, write_timeout_ms_) > 0; }

ssize_t GuardedStream::read(char* ptr, size_t size) {
  if (hit_ != LimitHit::kNone) return -1;
  if (!in_headers_ && no_body_) return 0;
  if (!in_headers_ && body_bytes_ >= limits_.max_body_bytes + kFramingSlack) {
    hit_ = LimitHit::kBody;
    return -1;
  }
  if (begin_ == end_) {
    if (!is_readable()) {
      // A request that takes longer than its deadline (a slow client
      // trickling bytes) ends; a quiet socket within it is httplib's read
      // timeout as before.
      if (Clock::now() >= deadline_) hit_ = LimitHit::kTimeout;
      return -1;
    }
    const ssize_t n = receive(buffer_.data(), buffer_.size());
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

ssize_t GuardedStream::write(const char* ptr, size_t size) {
  if (tls_) return send_tls(ptr, size);
  if (!is_writable()) return -1;
  ssize_t n;
  do {
    n = ::send(fd_, ptr, size, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n;
}

void GuardedStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  address_of(fd_, true, ip, port);
}

void GuardedStream::get_local_ip_and_port(std::string& ip, int& port) const {
  address_of(fd_, false, ip, port);
}

// Counts the next `count` buffered bytes as header bytes, up to the blank
// line that ends the headers; returns how many may be handed out (all of
// them, or up to and including the blank line). Sets hit_ at a limit.
size_t GuardedStream::count_header_bytes(size_t count) {
  for (size_t i = 0; i < count; ++i) {
    const char c = buffer_[begin_ + i];
    tail_ = (tail_ << 8) | static_cast<unsigned char>(c);
    if (++header_bytes_ > limits_.max_header_bytes) {
      hit_ = LimitHit::kHeaderBytes;
      return 0;
    }
    if (c != '\n') continue;
    if (tail_ == 0x0d0a0d0au) {  // "\r\n\r\n": the headers end
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

}  // namespace facecheck::http
