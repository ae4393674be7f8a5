#include "http/records_json.h"

#include <algorithm>
#include <initializer_list>

#include "http/errors.h"
#include "http/json_body.h"
#include "wire/face_json.h"

namespace facecheck::http {
namespace {

using nlohmann::json;

json optional_json(const auto& value) { return value ? json(*value) : json(nullptr); }

// Unix times from 1970 to the end of year 9999: the window arithmetic
// (opens_before, closes_after) cannot overflow within it.
constexpr int64_t kMaxTimestamp = 253402300799;

// The field's time; when it is absent, `current` (required without one).
int64_t timestamp(const json& body, const char* field, std::optional<int64_t> current) {
  if (const auto value = optional_int(body, field))
    return require_range(*value, field, 0, kMaxTimestamp);
  if (current) return *current;
  return required_int(body, field);  // 400 missing_field
}

int minutes_field(const json& body, const char* field, int current) {
  const auto value = optional_int(body, field);
  if (!value) return current;
  if (*value < 0 || *value > 7 * 24 * 60)
    throw HttpError(400, "invalid_field",
                    std::string("Field '") + field + "' must be between 0 and 10080 minutes",
                    {{"field", field}});
  return static_cast<int>(*value);
}

void apply_status(const json& body, storage::Event& event) {
  const auto text = optional_string(body, "status");
  if (!text) return;
  const auto status = storage::parse_event_status(*text);
  if (!status)
    throw HttpError(400, "invalid_field", "Field 'status' must be draft, open or closed",
                    {{"field", "status"}, {"expected", "draft, open or closed"}});
  event.status = *status;
}

void apply_liveness(const json& body, storage::Event& event) {
  const auto text = optional_string(body, "liveness");
  if (!text) return;
  const auto policy = storage::parse_liveness_policy(*text);
  if (!policy)
    throw HttpError(400, "invalid_field", "Field 'liveness' must be off, passive or active",
                    {{"field", "liveness"}, {"expected", "off, passive or active"}});
  event.liveness = *policy;
}

}  // namespace

json event_json(const storage::Event& e) {
  return {{"id", e.id},
          {"name", e.name},
          {"venue", e.venue},
          {"starts_at", e.starts_at},
          {"ends_at", e.ends_at},
          {"status", storage::to_string(e.status)},
          {"checkin_opens_before_min", e.checkin_opens_before_min},
          {"checkin_closes_after_min", e.checkin_closes_after_min},
          {"match_threshold", optional_json(e.match_threshold)},
          {"liveness", storage::to_string(e.liveness)},
          {"consent_text", e.consent_text},
          {"consent_version", e.consent_version},
          {"self_register", e.self_register},
          {"retain_faces_days", e.retain_faces_days},
          {"created_at", e.created_at}};
}

json person_json(const storage::Person& p) {
  return {{"id", p.id},
          {"name", p.name},
          {"organisation", p.organisation},
          {"title", p.title},
          {"email", p.email},
          {"phone", p.phone},
          {"external_id", optional_json(p.external_id)},
          {"created_at", p.created_at}};
}

json attendee_json(const storage::Attendee& a, std::string_view enrol_model) {
  json out = person_json(a.person);
  out["person_id"] = a.person.id;
  out["added_at"] = a.added_at;
  out["enrolled"] = a.template_count > 0;
  out["template_count"] = a.template_count;
  out["template_models"] = a.template_models;
  // Enrolled only with an older model: still checked in (every model an
  // event uses is searched), but worth a new photo (docs/identification.md).
  out["needs_new_photo"] =
      a.template_count > 0 && std::find(a.template_models.begin(), a.template_models.end(),
                                        enrol_model) == a.template_models.end();
  out["checked_in"] = a.checked_in_at.has_value();
  out["checked_in_at"] = optional_json(a.checked_in_at);
  return out;
}

json template_json(const storage::FaceTemplate& t) {
  return {{"id", t.id},
          {"person_id", t.person_id},
          {"model", t.model},
          {"label", t.label},
          {"quality", t.quality ? wire::quality_json(*t.quality) : json::object()},
          {"has_photo", t.has_photo},
          {"created_at", t.created_at}};
}

json kiosk_json(const storage::Kiosk& k) {
  return {{"id", k.id},
          {"event_id", k.event_id},
          {"name", k.name},
          {"created_at", k.created_at},
          {"revoked_at", optional_json(k.revoked_at)}};
}

json api_key_json(const storage::ApiKey& k) {
  return {{"id", k.id},
          {"name", k.name},
          {"created_at", k.created_at},
          {"revoked_at", optional_json(k.revoked_at)}};
}

void apply_event_fields(const json& body, storage::Event& e, bool creating) {
  if (creating) {
    e.name = required_string(body, "name");
    e.starts_at = timestamp(body, "starts_at", std::nullopt);
    e.ends_at = timestamp(body, "ends_at", std::nullopt);
  } else {
    e.name = optional_string(body, "name").value_or(e.name);
    e.starts_at = timestamp(body, "starts_at", e.starts_at);
    e.ends_at = timestamp(body, "ends_at", e.ends_at);
  }
  e.venue = optional_string(body, "venue").value_or(e.venue);
  apply_status(body, e);
  apply_liveness(body, e);
  e.checkin_opens_before_min =
      minutes_field(body, "checkin_opens_before_min", e.checkin_opens_before_min);
  e.checkin_closes_after_min =
      minutes_field(body, "checkin_closes_after_min", e.checkin_closes_after_min);
  // null clears the override (back to the server's threshold).
  if (body.contains("match_threshold"))
    e.match_threshold = optional_number(body, "match_threshold");
  // consent_version is the store's to manage (records.h).
  e.consent_text = optional_string(body, "consent_text").value_or(e.consent_text);
  e.self_register = optional_bool(body, "self_register").value_or(e.self_register);
  if (const auto days = optional_int(body, "retain_faces_days"))
    e.retain_faces_days = static_cast<int>(require_range(*days, "retain_faces_days", 0, 3650));
}

void apply_person_fields(const json& body, storage::Person& p, bool creating) {
  p.name =
      creating ? required_string(body, "name") : optional_string(body, "name").value_or(p.name);
  p.organisation = optional_string(body, "organisation").value_or(p.organisation);
  p.title = optional_string(body, "title").value_or(p.title);
  p.email = optional_string(body, "email").value_or(p.email);
  p.phone = optional_string(body, "phone").value_or(p.phone);
  // null or "" removes the external id.
  if (body.contains("external_id")) p.external_id = optional_string(body, "external_id");
}

namespace {

std::string fields_in(const json& body, std::initializer_list<const char*> known) {
  std::string names;
  for (const char* name : known) {
    if (!body.contains(name)) continue;
    if (!names.empty()) names += ',';
    names += name;
  }
  return names;
}

}  // namespace

std::string event_fields_in(const json& body) {
  return fields_in(body, {"name", "starts_at", "ends_at", "venue", "status", "liveness",
                          "checkin_opens_before_min", "checkin_closes_after_min", "match_threshold",
                          "consent_text", "self_register", "retain_faces_days"});
}

std::string person_fields_in(const json& body) {
  return fields_in(body, {"name", "organisation", "title", "email", "phone", "external_id"});
}

}  // namespace facecheck::http
