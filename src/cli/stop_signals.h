// SIGINT and SIGTERM as an ordinary event to wait for. A sigaction handler
// writes the signal's number to a self-pipe, whichever thread the kernel
// delivers it to: libraries start threads before main can block signals
// (OpenBLAS does when it loads), so a sigwait on a mask set in main would
// miss signals that land on those threads and the default action would kill
// the process.
#pragma once

#include <chrono>
#include <optional>

namespace facecheck::cli {

class StopSignals {
 public:
  // Installs the handlers (and ignores SIGPIPE: a client that goes away
  // mid-response must not kill the server). One instance per process.
  StopSignals();
  // Restores the default actions and closes the pipe.
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // The number of a signal received, waiting at most `timeout`.
  std::optional<int> wait(std::chrono::milliseconds timeout);

 private:
  int read_fd_ = -1;
};

}  // namespace facecheck::cli
