#include "cli/server_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "cli/commands.h"

namespace facecheck::cli {
namespace {

// The pid the holder wrote into the file, for the message; "" when unknown.
std::string holder_of(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "";
  std::string pid(buf, static_cast<size_t>(n));
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid;
}

}  // namespace

ServerLock::ServerLock(const std::filesystem::path& data_dir, const char* what) {
  const std::filesystem::path path = data_dir / "server.lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw CommandError("cannot open " + path.string() + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const std::string pid = holder_of(fd_);
    ::close(fd_);
    fd_ = -1;
    if (error == EWOULDBLOCK)
      throw CommandError(std::string(what) + ": a facecheck server" +
                         (pid.empty() ? "" : " (pid " + pid + ")") + " is using " +
                         data_dir.string() + "; stop it first");
    throw CommandError("cannot lock " + path.string() + ": " + std::strerror(error));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t n = ::pwrite(fd_, pid.data(), pid.size(), 0);
  }
}

ServerLock::~ServerLock() {
  if (fd_ >= 0) ::close(fd_);  // closing drops the flock
}

}  // namespace facecheck::cli
