#include "cli/stop_signals.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <string>

namespace facecheck::cli {
namespace {

// Written only by the handler, which may run on any thread.
std::atomic<int> g_write_fd{-1};

extern "C" void on_stop_signal(int signo) {
  const int saved = errno;
  const int fd = g_write_fd.load();
  if (fd >= 0) {
    const unsigned char byte = static_cast<unsigned char>(signo);
    // Non-blocking: a full pipe already holds a stop request.
    [[maybe_unused]] const ssize_t n = ::write(fd, &byte, 1);
  }
  errno = saved;
}

bool set_action(int signo, void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  // Interrupted reads and writes elsewhere resume instead of failing.
  action.sa_flags = SA_RESTART;
  return ::sigaction(signo, &action, nullptr) == 0;
}

}  // namespace

StopSignals::StopSignals() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
    throw std::runtime_error("cannot create the signal pipe");
  read_fd_ = fds[0];
  g_write_fd = fds[1];
  if (!set_action(SIGINT, on_stop_signal) || !set_action(SIGTERM, on_stop_signal) ||
      !set_action(SIGPIPE, SIG_IGN))
    throw std::runtime_error("cannot install the signal handlers");
  // Signals blocked by whoever started us (or inherited) would never arrive.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

StopSignals::~StopSignals() {
  set_action(SIGINT, SIG_DFL);
  set_action(SIGTERM, SIG_DFL);
  ::close(g_write_fd.exchange(-1));
  ::close(read_fd_);
}

std::optional<int> StopSignals::wait(std::chrono::milliseconds timeout) {
  pollfd p{read_fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
  unsigned char byte = 0;
  if (::read(read_fd_, &byte, 1) != 1) return std::nullopt;
  return static_cast<int>(byte);
}

}  // namespace facecheck::cli
