#include "http/outcome_json.h"

#include "wire/face_json.h"

namespace facecheck::http {
namespace {

using checkin::FaceStatus;
using nlohmann::json;

std::string face_message(const checkin::FaceOutcome& face) {
  switch (face.status) {
    case FaceStatus::kCheckedIn:
      return "Welcome, " + face.person->name;
    case FaceStatus::kAlreadyCheckedIn:
      return "Already checked in";
    case FaceStatus::kNotRecognised:
      return "Not recognised, please see the desk";
    case FaceStatus::kTooSmall:
      return "Face too small: step closer to the camera";
    case FaceStatus::kLivenessFailed:
      return "Liveness check failed: look at the camera yourself, not at a photo";
    case FaceStatus::kLivenessMismatch:
      return "This face did not take the liveness challenge";
  }
  return "";
}

json face_json(const checkin::FaceOutcome& face, bool near_misses) {
  json r = {{"box", wire::box_json(face.box)},
            {"score", face.score},
            {"status", checkin::face_status_code(face.status)},
            {"message", face_message(face)}};
  const bool matched = face.person.has_value();
  if (face.distance && (matched || near_misses)) r["distance"] = *face.distance;
  if (face.live_score) r["live_score"] = *face.live_score;
  if (matched) {
    r["person"] = person_summary_json(*face.person);
    r["model"] = face.model;
    r["liveness"] = liveness_json(face.liveness);
    r["checked_in_at"] = *face.checked_in_at;
  }
  return r;
}

json optional_id(const std::optional<storage::Id>& id) { return id ? json(*id) : json(nullptr); }

}  // namespace

json person_summary_json(const storage::Person& p) {
  return {{"id", p.id}, {"name", p.name}, {"organisation", p.organisation}, {"title", p.title}};
}

json liveness_json(const storage::LivenessEvidence& l) {
  return json::parse(storage::liveness_text(l));  // the stored shape is the API's
}

json detected_json(const checkin::DetectedFaces& d) {
  json faces = json::array();
  for (const auto& f : d.faces)
    faces.push_back({{"box", wire::box_json(f.box)}, {"score", f.score}});
  return {{"width", d.width}, {"height", d.height}, {"scale", d.scale}, {"faces", faces}};
}

json enrol_json(const checkin::EnrolResult& r) {
  return {{"template_id", r.template_id},  {"person", person_summary_json(r.person)},
          {"templates", r.templates},      {"model", r.model},
          {"box", wire::box_json(r.box)},  {"quality", wire::quality_json(r.quality)},
          {"photo_stored", r.photo_stored}};
}

json checkin_json(const checkin::CheckinOutcome& o, bool near_misses) {
  json thresholds = json::object();
  for (const auto& t : o.thresholds) thresholds[t.model] = t.value;
  json faces = json::array();
  for (const auto& f : o.faces) faces.push_back(face_json(f, near_misses));
  return {{"event_id", o.event_id},
          {"threshold", o.thresholds.front().value},
          {"threshold_basis", o.threshold_basis},
          {"thresholds", thresholds},
          {"width", o.width},
          {"height", o.height},
          {"scale", o.scale},
          {"faces", faces}};
}

json stats_json(const checkin::EventStatistics& stats) {
  const storage::EventStats& s = stats.counts;
  json buckets = json::array();
  for (const auto& b : s.buckets) buckets.push_back({{"start", b.start}, {"count", b.count}});
  return {{"event_id", stats.event_id},
          {"registered", s.registered},
          {"enrolled", s.enrolled},
          {"checked_in", s.checked_in},
          {"not_yet", s.registered - s.checked_in},
          {"liveness_failures", stats.liveness_failures},
          {"by_method", {{"face", s.by_face}, {"qr", s.by_qr}, {"manual", s.by_manual}}},
          {"consent",
           {{"accepted", s.consent_accepted},
            {"declined", s.consent_declined},
            {"pending", s.consent_pending}}},
          {"per_10_minutes", buckets}};
}

json import_json(const checkin::ImportSummary& s) {
  return {{"imported", s.imported}, {"created", s.created}, {"linked", s.linked}};
}

json feed_json(const checkin::FeedCheckIn& m) {
  return {{"person", person_summary_json(m.person)},
          {"checked_in_at", m.checked_in_at},
          {"kiosk_id", optional_id(m.kiosk_id)},
          {"method", storage::to_string(m.method)}};
}

}  // namespace facecheck::http
