// The JSON columns: a face's quality, a check-in's liveness evidence and an
// audit entry's details. JSON because SQLite can query it (json_extract) and
// old rows stay readable when a field is added; the shapes are the API's.
#include <nlohmann/json.hpp>

#include "storage/store_internal.h"
#include "wire/face_json.h"

namespace facecheck::storage {
namespace {

using nlohmann::json;

json parse_column(const std::string& text) {
  try {
    json value = json::parse(text);
    if (!value.is_object()) throw StorageError("corrupt JSON column: not an object: " + text);
    return value;
  } catch (const json::exception& e) {
    throw StorageError(std::string("corrupt JSON column: ") + e.what());
  }
}

// A decoder's json::exception (a field of the wrong type) as StorageError.
template <typename F>
auto decode(const std::string& text, F&& read) {
  const json value = parse_column(text);
  try {
    return read(value);
  } catch (const json::exception& e) {
    throw StorageError(std::string("corrupt JSON column: ") + e.what() + ": " + text);
  }
}

json details_json(const AuditDetails& details) {
  json out = json::object();
  // Not a structured binding: clang 14 (the fuzz build) cannot capture one.
  for (const auto& entry : details)
    std::visit([&out, &entry](const auto& v) { out[entry.first] = v; }, entry.second);
  return out;
}

}  // namespace

std::string audit_details_text(const AuditDetails& details) {
  return details_json(details).dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace internal {

std::string encode_quality(const std::optional<vision::FaceQuality>& quality) {
  return quality ? wire::quality_json(*quality).dump() : "{}";
}

std::optional<vision::FaceQuality> decode_quality(const std::string& text) {
  return decode(text, [](const json& j) -> std::optional<vision::FaceQuality> {
    if (j.empty()) return std::nullopt;
    return wire::quality_from_json(j);
  });
}

std::string encode_liveness(const LivenessEvidence& l) { return liveness_text(l); }

}  // namespace internal

std::string liveness_text(const LivenessEvidence& l) {
  json out = json::object();
  if (!l.method.empty()) out["method"] = l.method;
  if (l.score) out["score"] = *l.score;
  if (!l.actions.empty() || l.method == "active") out["actions"] = l.actions;
  if (l.passive_score) out["passive_score"] = *l.passive_score;
  return out.dump();
}

namespace internal {

LivenessEvidence decode_liveness(const std::string& text) {
  return decode(text, [](const json& j) {
    LivenessEvidence l;
    l.method = j.value("method", "");
    if (j.contains("score")) l.score = j.at("score").get<double>();
    l.actions = j.value("actions", std::vector<std::string>{});
    if (j.contains("passive_score")) l.passive_score = j.at("passive_score").get<double>();
    return l;
  });
}

std::string encode_details(const AuditDetails& details) { return audit_details_text(details); }

AuditDetails decode_details(const std::string& text) {
  return decode(text, [](const json& j) {
    AuditDetails details;
    for (const auto& [name, value] : j.items()) {
      if (value.is_number_integer())
        details[name] = value.get<std::int64_t>();
      else if (value.is_string())
        details[name] = value.get<std::string>();
      else
        details[name] = value.dump();  // not written by this version
    }
    return details;
  });
}

}  // namespace internal
}  // namespace facecheck::storage
