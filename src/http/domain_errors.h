// The domain's refusals on the wire: each reason's status, its message (in
// English, for API users and logs; clients show their own words for the
// code) and its details as JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "checkin/domain_error.h"
#include "vision/image_header.h"

namespace facecheck::http {

struct WireError {
  int status;
  std::string code;
  std::string message;
  nlohmann::json details = nullptr;
};

WireError wire_error(const checkin::DomainError& error);
// Broken, oversized or unsupported images: the same answer wherever they
// are found (an enrolment, a kiosk frame, a header probe).
WireError wire_error(const vision::ImageError& error);

}  // namespace facecheck::http
