// The claim of one `facecheck serve` on its data folder: an exclusive
// flock on DIR/server.lock, held while it runs and dropped by the kernel
// however it ends (kill -9 included). A second server on the same folder
// refuses to start, and `facecheck restore` refuses while a server runs,
// since replacing a database under a running server would lose writes.
#pragma once

#include <filesystem>

namespace facecheck::cli {

class ServerLock {
 public:
  // Takes the lock or throws CommandError naming the process holding it.
  // `what` says who wants it ("serve", "restore") for the message.
  ServerLock(const std::filesystem::path& data_dir, const char* what);
  ~ServerLock();
  ServerLock(const ServerLock&) = delete;
  ServerLock& operator=(const ServerLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace facecheck::cli
