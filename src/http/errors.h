// JSON error responses: {"error": {"code", "message", "details"?}}.
//
// Route handlers throw; one place (respond_with_exception) turns every
// exception the lower layers can raise into a status code and a stable
// machine code, so clients can branch on `code` and show `message`.
#pragma once

#include <httplib.h>

#include <exception>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace facecheck::http {

// A refusal decided by the HTTP layer itself (auth, bad input, limits):
// status, machine code, message, details. The domain's refusals are
// checkin::DomainError, mapped by http/domain_errors.h.
struct HttpError : std::runtime_error {
  HttpError(int status, std::string code, const std::string& message,
            nlohmann::json details = nullptr)
      : std::runtime_error(message),
        status(status),
        code(std::move(code)),
        details(std::move(details)) {}
  int status;
  std::string code;
  nlohmann::json details;  // e.g. the field that was wrong
};

void send_json(httplib::Response& res, int status, const nlohmann::json& body);

void send_error(httplib::Response& res, int status, const std::string& code,
                const std::string& message, const nlohmann::json& details = nullptr);

// Maps the exception to a response and returns its machine code (for logs
// and metrics). Unknown exceptions become 500 "internal_error" without
// their message, which could reveal internals; the message is logged.
std::string respond_with_exception(httplib::Response& res, std::exception_ptr error);

// The generic code for a status that httplib produced on its own (unknown
// route 404, body too large 413, ...).
std::string code_for_status(int status);

}  // namespace facecheck::http
