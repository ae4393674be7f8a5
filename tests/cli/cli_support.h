// Runs the real `facecheck` binary for the command-line tests.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "test_support.h"

namespace facecheck::testing {

struct Run {
  int exit_code;
  std::string out;
};

// Runs the binary with `args` (stderr to /dev/null) and captures stdout.
inline Run run_cli(const std::string& args) {
  const std::string cmd = std::string(FACECHECK_BINARY) + " " + args + " 2>/dev/null";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  while (size_t n = fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  const int status = pclose(pipe);
  return {WEXITSTATUS(status), out};
}

inline std::string data(const std::string& rel) { return (data_dir() / rel).string(); }

// The JSON report on the last line of a long-running command's output.
inline nlohmann::json last_json_line(const std::string& out) {
  return nlohmann::json::parse(out.substr(out.rfind("\n{") + 1));
}

}  // namespace facecheck::testing
