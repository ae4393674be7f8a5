#include "http/json_body.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "http/errors.h"

namespace facecheck::http {
namespace {

using nlohmann::json;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

[[noreturn]] void wrong_type(const char* field, const char* expected) {
  throw HttpError(400, "invalid_field", std::string("Field '") + field + "' must be " + expected,
                  {{"field", field}, {"expected", expected}});
}

[[noreturn]] void missing(const char* field) {
  throw HttpError(400, "missing_field", std::string("Field '") + field + "' is required",
                  {{"field", field}});
}

[[noreturn]] void too_large(const char* field, const char* code) {
  throw HttpError(400, code,
                  std::string("'") + field + "' is out of range: integers go up to " +
                      std::to_string(std::numeric_limits<int64_t>::max()),
                  {{code == std::string("invalid_field") ? "field" : "parameter", field}});
}

const json* find_field(const json& body, const char* field) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

bool has_content_type(const httplib::Request& req, const std::string& type) {
  std::string value = req.get_header_value("Content-Type");
  value = lower(value.substr(0, value.find(';')));
  value.erase(std::remove(value.begin(), value.end(), ' '), value.end());
  return value == type;
}

json json_object_body(const httplib::Request& req) {
  if (!has_content_type(req, "application/json"))
    throw HttpError(415, "unsupported_media_type", "Send the body as application/json");
  json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) throw HttpError(400, "invalid_json", "The body is not valid JSON");
  if (!body.is_object()) throw HttpError(400, "invalid_json", "The body must be a JSON object");
  return body;
}

std::optional<std::string> optional_string(const json& body, const char* field) {
  const json* value = find_field(body, field);
  if (!value) return std::nullopt;
  if (!value->is_string()) wrong_type(field, "a string");
  return value->get<std::string>();
}

std::string required_string(const json& body, const char* field) {
  auto value = optional_string(body, field);
  if (!value) missing(field);
  return *value;
}

std::optional<int64_t> optional_int(const json& body, const char* field) {
  const json* value = find_field(body, field);
  if (!value) return std::nullopt;
  // nlohmann keeps integers over INT64_MAX as unsigned; get<int64_t> would
  // wrap 2^64 - 1 to -1.
  if (value->is_number_unsigned() &&
      value->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    too_large(field, "invalid_field");
  if (value->is_number_integer()) return value->get<int64_t>();
  // 1.0 is an integer to JavaScript clients, which have no other kind.
  if (value->is_number_float()) {
    const double d = value->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15)
      return static_cast<int64_t>(d);
  }
  wrong_type(field, "an integer");
}

int64_t required_int(const json& body, const char* field) {
  auto value = optional_int(body, field);
  if (!value) missing(field);
  return *value;
}

std::optional<double> optional_number(const json& body, const char* field) {
  const json* value = find_field(body, field);
  if (!value) return std::nullopt;
  if (!value->is_number()) wrong_type(field, "a number");
  return value->get<double>();
}

std::optional<bool> optional_bool(const json& body, const char* field) {
  const json* value = find_field(body, field);
  if (!value) return std::nullopt;
  if (!value->is_boolean()) wrong_type(field, "true or false");
  return value->get<bool>();
}

int64_t parse_int_text(const std::string& text, const char* name, const char* code) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool whole = end == text.data() + text.size() && !text.empty();
  if (ec == std::errc::result_out_of_range && whole) too_large(name, code);
  if (ec != std::errc() || !whole) {
    const bool field = code == std::string("invalid_field");
    throw HttpError(400, code, std::string("'") + name + "' must be an integer",
                    {{field ? "field" : "parameter", name}});
  }
  return value;
}

int64_t require_range(int64_t value, const char* field, int64_t min, int64_t max) {
  if (value < min || value > max)
    throw HttpError(400, "invalid_field",
                    std::string("Field '") + field + "' must be between " + std::to_string(min) +
                        " and " + std::to_string(max),
                    {{"field", field}});
  return value;
}

bool parse_bool_text(const std::string& text, const char* name) {
  const std::string v = lower(text);
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off" || v.empty()) return false;
  throw HttpError(400, "invalid_parameter", std::string("'") + name + "' must be true or false",
                  {{"parameter", name}});
}

std::optional<int64_t> int_param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  return parse_int_text(req.get_param_value(name), name);
}

bool bool_param(const httplib::Request& req, const char* name, bool fallback) {
  if (!req.has_param(name)) return fallback;
  return parse_bool_text(req.get_param_value(name), name);
}

}  // namespace facecheck::http
