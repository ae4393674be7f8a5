// Reading JSON request bodies and their fields with errors a client can act
// on: 415 for a body that is not JSON, 400 naming the field that is missing
// or has the wrong type. Handlers never touch nlohmann's throwing accessors.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace facecheck::http {

// True when the request's Content-Type is `type` (parameters such as
// "; charset=utf-8" ignored, case-insensitive).
bool has_content_type(const httplib::Request& req, const std::string& type);

// The body as a JSON object. 415 unsupported_media_type unless the body is
// application/json, 400 invalid_json when it does not parse or is not an
// object.
nlohmann::json json_object_body(const httplib::Request& req);

// Field readers. The optional_* ones return nullopt when the field is
// absent or null; every reader throws 400 invalid_field when the field has
// another type (or an integer beyond int64), and the required ones 400
// missing_field when it is absent.
std::optional<std::string> optional_string(const nlohmann::json& body, const char* field);
std::string required_string(const nlohmann::json& body, const char* field);
std::optional<int64_t> optional_int(const nlohmann::json& body, const char* field);
int64_t required_int(const nlohmann::json& body, const char* field);
std::optional<double> optional_number(const nlohmann::json& body, const char* field);
std::optional<bool> optional_bool(const nlohmann::json& body, const char* field);

// Query and form values: integers and booleans as text. 400 invalid_parameter
// for anything else.
std::optional<int64_t> int_param(const httplib::Request& req, const char* name);
bool bool_param(const httplib::Request& req, const char* name, bool fallback);
bool parse_bool_text(const std::string& text, const char* name);
// `code` is the error's: invalid_parameter for query values, invalid_field
// for form fields. Out-of-range numbers are refused, never clamped.
int64_t parse_int_text(const std::string& text, const char* name,
                       const char* code = "invalid_parameter");

// `value` itself when min <= value <= max, else 400 invalid_field.
int64_t require_range(int64_t value, const char* field, int64_t min, int64_t max);

}  // namespace facecheck::http
