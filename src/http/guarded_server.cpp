#include "http/guarded_server.h"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "http/guarded_stream.h"

namespace facecheck::http {
namespace {

using Clock = std::chrono::steady_clock;

int to_ms(time_t sec, time_t usec) { return static_cast<int>(sec * 1000 + usec / 1000); }

// The stream of the request this thread serves (httplib runs a request's
// parsing, handlers and error handler on one thread).
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

struct GuardedServer::Connection {
  Connection(int fd, const ConnectionLimits& limits, int read_ms, int write_ms,
             const TlsContext* tls)
      : stream(fd, limits, read_ms, write_ms, tls) {}
  GuardedStream stream;
  size_t served = 0;
  // While waiting: when it is given up (idle, or a request head too slow).
  Clock::time_point deadline;
  bool partial = false;  // part of a request head has arrived
};

// httplib's thread pool, whose life brackets the waiting room's: the room
// opens when httplib starts listening and closes (closing the connections
// in it) before the workers are joined at stop.
class GuardedServer::Pool final : public httplib::ThreadPool {
 public:
  Pool(size_t threads, GuardedServer& server) : ThreadPool(threads), server_(server) {
    server_.open_waiting_room(this);
  }
  void shutdown() override {
    server_.close_waiting_room();
    ThreadPool::shutdown();
  }

 private:
  GuardedServer& server_;
};

GuardedServer::GuardedServer(ConnectionLimits limits) : limits_(limits) {
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  set_worker_threads(CPPHTTPLIB_THREAD_POOL_COUNT);
}

GuardedServer::~GuardedServer() {
  close_waiting_room();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void GuardedServer::use_tls(std::shared_ptr<const TlsContext> tls) {
  // OpenSSL writes with write(), not send(MSG_NOSIGNAL): a client that
  // resets mid-answer would otherwise kill the process with SIGPIPE.
  struct sigaction old {};
  if (::sigaction(SIGPIPE, nullptr, &old) == 0 && old.sa_handler == SIG_DFL)
    ::signal(SIGPIPE, SIG_IGN);
  tls_ = std::move(tls);
}

void GuardedServer::set_worker_threads(size_t threads) {
  new_task_queue = [this, threads] { return new Pool(threads, *this); };
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  if (open_.load() >= limits_.max_connections) {
    static const char kFull[] =
        "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n"
        "Connection: close\r\n\r\n";
    [[maybe_unused]] const ssize_t n =
        ::send(sock, kFull, sizeof kFull - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return false;
  }
  ++open_;
  auto* c = new Connection(sock, limits_, to_ms(read_timeout_sec_, read_timeout_usec_),
                           to_ms(write_timeout_sec_, write_timeout_usec_), tls_.get());
  // A TLS handshake happens in the waiting room, not on a worker.
  if (c->stream.handshaking()) {
    park(c);
  } else {
    serve(c);
  }
  return true;
}

void GuardedServer::serve(Connection* c) {
  GuardedStream& stream = c->stream;
  while (svr_sock_ != INVALID_SOCKET) {
    if (!stream.request_ready()) {
      if (!stream.fill_nonblocking()) break;  // the client closed
      if (!stream.request_ready()) return park(c);
    }
    const CurrentStream current(&stream);
    stream.start_request();
    const bool last = ++c->served >= keep_alive_max_count_;
    bool connection_closed = false;
    const bool ok = process_request(stream, last, connection_closed, nullptr);
    if (!ok || connection_closed || last || stream.must_close()) break;
  }
  if (stream.must_close()) stream.linger();
  close(c);
}

void GuardedServer::close(Connection* c) {
  const int fd = c->stream.socket();
  delete c;
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
  --open_;
}

void GuardedServer::park(Connection* c) {
  c->partial = c->stream.has_buffered() || c->stream.handshaking();
  c->deadline = Clock::now() + (c->partial ? limits_.header_timeout
                                           : std::chrono::seconds(keep_alive_timeout_sec_));
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && pool_) {
      parked_.push_back(c);
      c = nullptr;
    }
  }
  if (c) return close(c);
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

void GuardedServer::open_waiting_room(Pool* pool) {
  std::lock_guard lock(mutex_);
  pool_ = pool;
  stopping_ = false;
  room_ = std::thread([this] { waiting_room_loop(); });
}

void GuardedServer::close_waiting_room() {
  std::vector<Connection*> left;
  {
    std::lock_guard lock(mutex_);
    if (!pool_) return;
    stopping_ = true;
  }
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof one);
  if (room_.joinable()) room_.join();
  {
    std::lock_guard lock(mutex_);
    left.swap(parked_);
    pool_ = nullptr;
  }
  for (Connection* c : left) close(c);
}

void GuardedServer::waiting_room_loop() {
  std::vector<pollfd> fds;
  std::vector<Connection*> polled;
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      polled = parked_;
    }
    fds.assign(1, pollfd{wake_fd_, POLLIN, 0});
    for (Connection* c : polled) fds.push_back({c->stream.socket(), c->stream.poll_events(), 0});
    if (::poll(fds.data(), fds.size(), 100) < 0 && errno != EINTR) continue;
    if (fds[0].revents) {
      uint64_t count;
      [[maybe_unused]] const ssize_t n = ::read(wake_fd_, &count, sizeof count);
    }
    const auto now = Clock::now();
    std::vector<Connection*> ready, dead;
    for (size_t i = 0; i < polled.size(); ++i) {
      Connection* c = polled[i];
      if (fds[i + 1].revents) {
        if (c->stream.handshaking() && !c->stream.continue_handshake()) {
          dead.push_back(c);
          continue;
        }
        // A finished handshake may have brought the first request with it.
        if (!c->stream.handshaking() && !c->stream.fill_nonblocking()) {
          dead.push_back(c);
          continue;
        }
        if (c->stream.request_ready()) {
          ready.push_back(c);
          continue;
        }
        if (!c->partial && c->stream.has_buffered()) {  // a request head begins
          c->partial = true;
          c->deadline = now + limits_.header_timeout;
        }
      }
      if (now >= c->deadline) dead.push_back(c);
    }
    if (ready.empty() && dead.empty()) continue;
    {
      std::lock_guard lock(mutex_);
      std::erase_if(parked_, [&](Connection* c) {
        return std::find(ready.begin(), ready.end(), c) != ready.end() ||
               std::find(dead.begin(), dead.end(), c) != dead.end();
      });
      for (Connection* c : ready) pool_->enqueue([this, c] { serve(c); });
    }
    for (Connection* c : dead) close(c);
  }
}

}  // namespace facecheck::http
