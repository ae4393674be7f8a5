// A progress bar on stderr for long evaluations. On a terminal it redraws
// one line; in a log (CI) it prints a line every 10% so the log stays short.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

namespace facecheck::cli {

class Progress {
 public:
  Progress(std::string label, size_t total)
      : label_(std::move(label)), total_(total), tty_(isatty(STDERR_FILENO) != 0) {}

  void advance() {
    std::lock_guard lock(mutex_);
    ++done_;
    const auto now = std::chrono::steady_clock::now();
    const size_t decile = total_ ? done_ * 10 / total_ : 10;
    if (tty_ ? now - last_draw_ > std::chrono::milliseconds(200) : decile != last_decile_) {
      draw(now);
      last_draw_ = now;
      last_decile_ = decile;
    }
  }

  void finish() {
    std::lock_guard lock(mutex_);
    draw(std::chrono::steady_clock::now());
    if (tty_) std::fputc('\n', stderr);
  }

 private:
  void draw(std::chrono::steady_clock::time_point now) {
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const int width = 30;
    const int filled = total_ ? static_cast<int>(width * done_ / total_) : width;
    std::fprintf(stderr, "%s%s [%s%s] %zu/%zu  %.1f/s%s", tty_ ? "\r" : "", label_.c_str(),
                 std::string(filled, '#').c_str(), std::string(width - filled, ' ').c_str(), done_,
                 total_, seconds > 0 ? done_ / seconds : 0.0, tty_ ? "" : "\n");
    std::fflush(stderr);
  }

  std::string label_;
  size_t total_;
  size_t done_ = 0;
  bool tty_;
  size_t last_decile_ = 0;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace facecheck::cli
