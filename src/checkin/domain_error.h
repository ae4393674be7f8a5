// A refusal the user can act on: a stable machine code, words for people,
// and the HTTP status it maps to. The domain throws it; the HTTP layer turns
// it into {"error": {"code", "message"}} without knowing the domain rules.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace facecheck::checkin {

struct DomainError : std::runtime_error {
  DomainError(int status, std::string code, const std::string& message,
              nlohmann::json details = nullptr)
      : std::runtime_error(message),
        status(status),
        code(std::move(code)),
        details(std::move(details)) {}
  int status;
  std::string code;
  nlohmann::json details;  // e.g. the boxes of the faces found
};

}  // namespace facecheck::checkin
