#include "http/errors.h"

#include <spdlog/spdlog.h>

#include "checkin/domain_error.h"
#include "checkin/engine_pool.h"
#include "http/domain_errors.h"
#include "http/log_text.h"
#include "storage/database.h"
#include "vision/image_header.h"

namespace facecheck::http {
namespace {

using nlohmann::json;

// Most specific first: NotFound/Conflict/Invalid derive from StorageError.
WireError map_exception(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const HttpError& e) {
    return {e.status, e.code, e.what(), e.details};
  } catch (const checkin::DomainError& e) {
    return wire_error(e);
  } catch (const checkin::EngineBusy& e) {
    return {503, "engines_busy", e.what()};
  } catch (const vision::ImageError& e) {
    return wire_error(e);
  } catch (const storage::NotFound& e) {
    return {404, "not_found", e.what()};
  } catch (const storage::Conflict& e) {
    return {409, "conflict", e.what()};
  } catch (const storage::Invalid& e) {
    return {400, "invalid_value", e.what()};
  } catch (const storage::Unavailable& e) {
    // PostgreSQL down or unreachable: the next request reconnects.
    spdlog::warn("database unavailable: {}", log_safe(e.what()));
    return {503, "database_unavailable", "The database cannot be reached; try again shortly"};
  } catch (const storage::Retryable& e) {
    // Still conflicting with other servers' writes after every retry.
    spdlog::warn("database write kept conflicting: {}", log_safe(e.what()));
    return {503, "database_unavailable", "The database is busy; try again shortly"};
  } catch (const json::exception& e) {
    // A route read a field with the wrong type without checking it first.
    return {400, "invalid_json", e.what()};
  } catch (const storage::StorageError& e) {
    spdlog::error("storage error: {}", log_safe(e.what()));
    return {500, "storage_error", "The database failed; see the server log"};
  } catch (const std::exception& e) {
    spdlog::error("unhandled exception: {}", log_safe(e.what()));
    return {500, "internal_error", "Internal server error; see the server log"};
  } catch (...) {
    spdlog::error("unhandled non-standard exception");
    return {500, "internal_error", "Internal server error; see the server log"};
  }
}

}  // namespace

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  // Replace rather than throw on invalid UTF-8: a stored name is always
  // valid (the store checks), but an echoed client value might not be.
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace),
                  "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, const std::string& code,
                const std::string& message, const json& details) {
  json error = {{"code", code}, {"message", message}};
  if (!details.is_null()) error["details"] = details;
  send_json(res, status, {{"error", error}});
}

std::string respond_with_exception(httplib::Response& res, std::exception_ptr error) {
  const WireError m = map_exception(error);
  if (m.status == 429 || m.status == 503) res.set_header("Retry-After", "1");
  send_error(res, m.status, m.code, m.message, m.details);
  return m.code;
}

std::string code_for_status(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 408:
      return "request_timeout";
    case 413:
      return "payload_too_large";
    case 414:
      return "uri_too_long";
    case 416:
      return "range_not_satisfiable";
    case 431:
      return "headers_too_large";
    default:
      return status >= 500 ? "internal_error" : "http_" + std::to_string(status);
  }
}

}  // namespace facecheck::http
