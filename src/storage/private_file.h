// Files that hold biometric data are created readable by their owner only.
#pragma once

#include <filesystem>

namespace facecheck::storage {

enum class IfExists { kKeep, kFail };

// Creates `path` empty with mode 0600 (and its directories). With kKeep an
// existing file is left as it is; with kFail it is an error, so nothing is
// ever written over. Throws StorageError.
void create_private_file(const std::filesystem::path& path, IfExists if_exists);

}  // namespace facecheck::storage
