// A throwaway self-signed P-256 certificate for 127.0.0.1, made with
// Debian's openssl, for the https tests (TLS built in and behind nginx).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include "http/server_process.h"

namespace facecheck::testing {

struct TestCertificate {
  acceptance::TempDir dir{"facecheck-tls"};
  std::string cert = (dir.path() / "cert.pem").string();
  std::string key = (dir.path() / "key.pem").string();
  bool made = false;

  TestCertificate() {
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout '" +
        key + "' -out '" + cert + "' >/dev/null 2>&1";
    made = std::system(command.c_str()) == 0;
  }
};

}  // namespace facecheck::testing
