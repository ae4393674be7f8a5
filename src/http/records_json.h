// The JSON shapes of the stored records in the API, and the reverse: a
// request body applied to a record. Unknown members are ignored; members of
// the wrong type are 400 invalid_field (see json_body.h).
#pragma once

#include <nlohmann/json.hpp>

#include "storage/records.h"

namespace facecheck::http {

nlohmann::json event_json(const storage::Event& event);
nlohmann::json person_json(const storage::Person& person);
// The person's fields plus person_id, enrolled, template_count, checked_in,
// checked_in_at.
// `enrol_model`: the model new templates are made with (needs_new_photo).
nlohmann::json attendee_json(const storage::Attendee& attendee, std::string_view enrol_model);
nlohmann::json template_json(const storage::FaceTemplate& tmpl);  // never the embedding
nlohmann::json kiosk_json(const storage::Kiosk& kiosk);
nlohmann::json api_key_json(const storage::ApiKey& key);

// Applies the members present in `body` to `event`. With `creating`, name,
// starts_at and ends_at are required.
void apply_event_fields(const nlohmann::json& body, storage::Event& event, bool creating);
// Applies the members present in `body` to `person`; name is required when
// creating.
void apply_person_fields(const nlohmann::json& body, storage::Person& person, bool creating);
// The fields of an event or person that `body` sets, comma-separated in a
// fixed order ("name,status"), for the audit log: names only, never values,
// and never a member the apply_* functions ignore.
std::string event_fields_in(const nlohmann::json& body);
std::string person_fields_in(const nlohmann::json& body);

}  // namespace facecheck::http
