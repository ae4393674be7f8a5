#include "storage/private_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "storage/database.h"

namespace facecheck::storage {

void create_private_file(const std::filesystem::path& path, IfExists if_exists) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  if (ec)
    throw StorageError("cannot create directory " + path.parent_path().string() + ": " +
                       ec.message());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
  } else if (errno != EEXIST || if_exists == IfExists::kFail) {
    throw StorageError("cannot create " + path.string() + ": " + std::strerror(errno));
  }
}

}  // namespace facecheck::storage
