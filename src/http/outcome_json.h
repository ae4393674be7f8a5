// The check-in domain's answers as the API's JSON (docs/api.md). Words for
// people ("Welcome, NAME") are added here, in English, next to the codes
// clients translate.
#pragma once

#include <nlohmann/json.hpp>

#include "checkin/live_feed.h"
#include "checkin/outcomes.h"

namespace facecheck::http {

// {id, name, organisation, title}: what a kiosk or the dashboard shows.
nlohmann::json person_summary_json(const storage::Person& person);
nlohmann::json liveness_json(const storage::LivenessEvidence& evidence);
nlohmann::json detected_json(const checkin::DetectedFaces& detected);
nlohmann::json enrol_json(const checkin::EnrolResult& result);
// near_misses: the distance of faces that did not match. It would let a
// kiosk tune a photo towards someone's face, step by step; only admins
// (who tune the threshold) see it.
nlohmann::json checkin_json(const checkin::CheckinOutcome& outcome, bool near_misses);
nlohmann::json stats_json(const checkin::EventStatistics& stats);
nlohmann::json import_json(const checkin::ImportSummary& summary);
// The stream's check_in event.
nlohmann::json feed_json(const checkin::FeedCheckIn& message);

}  // namespace facecheck::http
