#include "checkin/checkin_service.h"

#include <algorithm>
#include <ctime>

#include "vision/face_json.h"
#include "vision/liveness_detector.h"

namespace facecheck::checkin {
namespace {

using nlohmann::json;

int status_for(const vision::ImageError& e) {
  switch (e.code()) {
    case vision::ImageErrorCode::TooLarge:
      return 413;
    case vision::ImageErrorCode::UnsupportedFormat:
      return 415;
    default:
      return 400;
  }
}

json person_json(const storage::Person& p) {
  return {{"id", p.id}, {"name", p.name}, {"organisation", p.organisation}, {"title", p.title}};
}

// The face on the check-in frame is the one that passed the challenge.
bool matches_proof(const LivenessProof& proof, const vision::Embedding& face) {
  const auto& card = vision::recognizer_model(proof.model);
  return !face.empty() &&
         vision::embedding_distance(proof.embedding, face, card.metric) <= card.match_threshold;
}

json active_evidence(const LivenessProof& proof) {
  json actions = json::array();
  for (auto a : proof.actions) actions.push_back(vision::face_action_name(a));
  return {{"method", "active"}, {"actions", actions}, {"passive_score", proof.passive_score}};
}

json boxes_json(const std::vector<vision::FaceAnalysis>& faces) {
  json boxes = json::array();
  for (const auto& f : faces) boxes.push_back(vision::box_json(f.detection.box));
  return boxes;
}

}  // namespace

CheckinService::CheckinService(storage::Store& store, EnginePool& engines, CheckinSettings settings,
                               Clock clock)
    : store_(store),
      engines_(engines),
      settings_(std::move(settings)),
      clock_(clock ? std::move(clock) : [] { return storage::Timestamp(std::time(nullptr)); }),
      galleries_(store),
      challenges_(engines, settings_.challenge) {}

vision::DecodedImage CheckinService::decode(std::string_view image,
                                            const vision::ImageLimits& limits) const {
  if (image.empty()) throw DomainError(400, "missing_image", "No image was sent");
  try {
    return vision::decode_image_within(image, limits);
  } catch (const vision::ImageError& e) {
    throw DomainError(status_for(e), e.code_name(), e.what());
  }
}

LivenessProof CheckinService::redeem_proof(storage::Id event_id,
                                           std::optional<storage::Id> kiosk_id,
                                           const std::string& token) {
  if (token.empty())
    throw DomainError(403, "liveness_required",
                      "This event checks liveness: complete the challenge first");
  auto proof = challenges_.redeem(token, event_id, kiosk_id);
  if (!proof)
    throw DomainError(403, "liveness_proof_invalid",
                      "The liveness proof is unknown, used or expired: take the challenge again");
  return *proof;
}

CheckinService::Threshold CheckinService::threshold_for(
    const storage::Event& event, size_t templates, const vision::RecognizerModel& model) const {
  if (event.match_threshold) return {static_cast<float>(*event.match_threshold), "event"};
  if (settings_.match_threshold) return {*settings_.match_threshold, "server"};
  return {open_set_threshold(templates, model, settings_.target_fpir), "event size"};
}

CheckinPhase CheckinService::phase(const storage::Event& event) const {
  return checkin_phase(event, clock_(), settings_.enforce_checkin_window);
}

void CheckinService::require_checkin_open(const storage::Event& event) const {
  switch (phase(event)) {
    case CheckinPhase::kInWindow:
      return;
    case CheckinPhase::kBeforeWindow:
      throw DomainError(409, "checkin_not_yet_open", "Check-in has not opened yet");
    case CheckinPhase::kAfterWindow:
      throw DomainError(409, "checkin_closed", "Check-in for this event has closed");
    default:
      throw DomainError(409, "checkin_closed",
                        "Check-in is not open for this event (status " +
                            std::string(storage::to_string(event.status)) + ")");
  }
}

json CheckinService::detect(std::string_view image) {
  const vision::DecodedImage decoded = decode(image, settings_.frame_limits);
  const cv::Mat& frame = decoded.pixels;
  const auto faces = engines_.run(
      [&](vision::FaceEngine& engine) { return engine.detect(frame, settings_.checkin_detector); });
  json out = {{"width", frame.cols},
              {"height", frame.rows},
              {"scale", decoded.scale},
              {"faces", json::array()}};
  for (const auto& f : faces)
    out["faces"].push_back({{"box", vision::box_json(f.box)}, {"score", f.score}});
  return out;
}

json CheckinService::enrol(const EnrolRequest& request, std::string_view image) {
  const storage::Person person = store_.get_person(request.person_id);  // NotFound -> 404
  const cv::Mat photo = decode(image, settings_.image_limits).pixels;
  const auto faces = engines_.run([&](vision::FaceEngine& engine) {
    return engine.analyze(photo, settings_.enrol_detector, settings_.enrol_quality,
                          settings_.enrol_embed.with_model(settings_.model));
  });
  if (faces.empty())
    throw DomainError(422, "no_face",
                      "No face was found in the photo; face the camera in good light");
  size_t chosen = 0;
  if (request.face_index) {
    if (*request.face_index < 0 || size_t(*request.face_index) >= faces.size())
      throw DomainError(422, "bad_face_index", "face_index is out of range",
                        {{"faces", boxes_json(faces)}});
    chosen = size_t(*request.face_index);
  } else if (faces.size() > 1) {
    throw DomainError(422, "several_faces",
                      std::to_string(faces.size()) +
                          " faces were found; send a photo of one person or say which face "
                          "(face_index, largest first)",
                      {{"faces", boxes_json(faces)}});
  }
  const auto& face = faces[chosen];
  if (!face.quality.acceptable())
    throw DomainError(422, "poor_quality", face.quality.reasons.front(),
                      {{"quality", vision::quality_json(face.quality)}});

  const auto candidates = request.duplicates_within_event
                              ? galleries_.event(*request.duplicates_within_event)
                              : galleries_.everyone();
  const gallery::Gallery* same_model = candidates->find(face.model);
  if (!request.allow_duplicate && same_model) {
    const float duplicate = settings_.duplicate_threshold.value_or(
        vision::recognizer_model(face.model).duplicate_threshold);
    const auto nearest = same_model->search(face.embedding, 1);
    if (!nearest.empty() && nearest[0].person_id != person.id && nearest[0].distance < duplicate)
      throw DomainError(409, "possible_duplicate",
                        "This face looks like person " + std::to_string(nearest[0].person_id) +
                            ", who is already enrolled; check for a duplicate registration",
                        {{"person_id", nearest[0].person_id}, {"distance", nearest[0].distance}});
  }

  storage::FaceTemplate tmpl;
  tmpl.person_id = person.id;
  tmpl.model = std::string(face.model);
  tmpl.embedding = face.embedding;
  tmpl.quality = vision::quality_json(face.quality);
  tmpl.label = request.label;
  std::optional<storage::Bytes> stored_photo;
  if (settings_.store_photos) stored_photo = storage::Bytes(image.begin(), image.end());
  const auto saved = store_.add_template(tmpl, stored_photo);
  galleries_.template_added(saved);
  // How many photos now stand for this person: clients suggest a second one,
  // the best single lever on missed check-ins (docs/identification.md).
  const size_t templates = store_.list_templates(person.id).size();
  return {{"template_id", saved.id},
          {"person", person_json(person)},
          {"templates", templates},
          {"model", face.model},
          {"box", vision::box_json(face.detection.box)},
          {"quality", vision::quality_json(face.quality)},
          {"photo_stored", stored_photo.has_value()}};
}

namespace {

// A face's nearest attendee under one model, and how that compares with the
// model's threshold (below 1 = a match).
struct ModelMatch {
  std::string_view model;
  gallery::Match match;
  float threshold;
  float ratio() const { return match.distance / threshold; }
};

}  // namespace

json CheckinService::check_in(storage::Id event_id, std::optional<storage::Id> kiosk_id,
                              std::string_view image, const std::string& liveness_proof) {
  const storage::Event event = store_.get_event(event_id);
  require_checkin_open(event);
  const vision::DecodedImage decoded = decode(image, settings_.frame_limits);
  const cv::Mat& frame = decoded.pixels;
  const bool passive = event.liveness == storage::LivenessPolicy::kPassive;
  std::optional<LivenessProof> proof;
  if (event.liveness == storage::LivenessPolicy::kActive)
    proof = redeem_proof(event_id, kiosk_id, liveness_proof);
  const auto galleries = galleries_.event(event_id);
  // Every model the event's templates use, the default first; an event with
  // no templates yet is still analysed (its faces answer not_recognised).
  std::vector<std::string_view> models = galleries->models();
  if (models.empty()) models.push_back(settings_.model);
  struct FrameFace {
    vision::FaceAnalysis analysis;
    std::vector<vision::Embedding> embeddings;  // one per entry of `models`
    float live_score = -1;                      // passive events only
    vision::Embedding proof_embedding;          // active: in the proof's model
  };
  auto faces = engines_.run([&](vision::FaceEngine& engine) {
    auto found = engine.analyze(frame, settings_.checkin_detector, {},
                                settings_.kiosk_embed(models.front()));
    if (found.size() > settings_.max_faces_per_frame) found.resize(settings_.max_faces_per_frame);
    std::vector<FrameFace> out;
    for (auto& f : found) {
      FrameFace face{std::move(f), {}, -1, {}};
      face.embeddings.push_back(face.analysis.embedding);
      for (size_t m = 1; m < models.size(); ++m)
        face.embeddings.push_back(
            engine.embed_face(frame, face.analysis.landmarks, settings_.kiosk_embed(models[m])));
      if (passive) face.live_score = engine.live_probability(frame, face.analysis.detection.box);
      if (proof) {
        const auto same = std::find(models.begin(), models.end(), proof->model);
        face.proof_embedding =
            same != models.end()
                ? face.embeddings[size_t(same - models.begin())]
                : engine.embed_face(
                      frame, face.analysis.landmarks,
                      settings_.kiosk_embed(vision::recognizer_model(proof->model).id));
      }
      out.push_back(std::move(face));
    }
    return out;
  });
  const size_t templates = galleries->size();
  std::vector<Threshold> policies;
  for (std::string_view model : models)
    policies.push_back(threshold_for(event, templates, vision::recognizer_model(model)));
  json results = json::array();
  bool proof_used = false;  // a proof checks in one face, the one that earned it
  for (const auto& frame_face : faces) {
    const vision::FaceAnalysis& face = frame_face.analysis;
    json r = {{"box", vision::box_json(face.detection.box)}, {"score", face.detection.score}};
    if (face.quality.face_px < settings_.checkin_min_face_px) {
      r["status"] = "too_small";
      r["message"] = "Face too small: step closer to the camera";
      results.push_back(r);
      continue;
    }
    std::optional<ModelMatch> best;
    for (size_t m = 0; m < models.size(); ++m) {
      const gallery::Gallery* g = galleries->find(models[m]);
      if (!g) continue;
      const auto found = g->search(frame_face.embeddings[m], 1);
      if (found.empty()) continue;
      const ModelMatch candidate{models[m], found[0], policies[m].value};
      if (!best || candidate.ratio() < best->ratio()) best = candidate;
    }
    if (!best || best->ratio() >= 1.f) {
      r["status"] = "not_recognised";
      r["message"] = "Not recognised, please see the desk";
      if (best) r["distance"] = best->match.distance;
      results.push_back(r);
      continue;
    }
    if (passive && frame_face.live_score < vision::kDefaultLiveThreshold) {
      r["status"] = "liveness_failed";
      r["message"] = "Liveness check failed: look at the camera yourself, not at a photo";
      r["live_score"] = frame_face.live_score;
      challenges_.note_failure(event_id, kiosk_id);
      results.push_back(r);
      continue;
    }
    if (proof && (proof_used || !matches_proof(*proof, frame_face.proof_embedding))) {
      r["status"] = "liveness_mismatch";
      r["message"] = "This face did not take the liveness challenge";
      results.push_back(r);
      continue;
    }
    storage::CheckIn c;
    c.liveness = passive ? json{{"method", "passive"}, {"score", frame_face.live_score}}
                 : proof ? active_evidence(*proof)
                         : json{{"method", "none"}};
    proof_used = proof_used || proof.has_value();
    c.event_id = event_id;
    c.person_id = best->match.person_id;
    c.checked_in_at = clock_();
    c.distance = best->match.distance;
    c.kiosk_id = kiosk_id;
    c.quality = vision::quality_json(face.quality);
    const auto recorded = store_.record_checkin(c);  // durable before we answer
    const auto person = store_.get_person(c.person_id);
    r["status"] = recorded.already ? "already_checked_in" : "checked_in";
    r["person"] = person_json(person);
    r["distance"] = best->match.distance;
    r["model"] = best->model;
    r["liveness"] = recorded.check_in.liveness;
    r["checked_in_at"] = recorded.check_in.checked_in_at;
    r["message"] = recorded.already ? "Already checked in" : "Welcome, " + person.name;
    if (!recorded.already)
      feed_.publish(event_id, {{"type", "check_in"},
                               {"person", person_json(person)},
                               {"checked_in_at", recorded.check_in.checked_in_at},
                               {"kiosk_id", kiosk_id ? json(*kiosk_id) : json(nullptr)},
                               {"method", "face"}});
    results.push_back(r);
  }
  if (proof && !proof_used) challenges_.note_failure(event_id, kiosk_id);
  json thresholds = json::object();
  for (size_t m = 0; m < models.size(); ++m) thresholds[std::string(models[m])] = policies[m].value;
  return {{"event_id", event_id},
          {"threshold", policies.front().value},
          {"threshold_basis", policies.front().basis},
          {"thresholds", thresholds},
          {"width", frame.cols},
          {"height", frame.rows},
          {"scale", decoded.scale},
          {"faces", results}};
}

ChallengeProgress CheckinService::open_challenge(storage::Id event_id,
                                                 std::optional<storage::Id> kiosk_id) {
  require_checkin_open(store_.get_event(event_id));
  return challenges_.open(event_id, kiosk_id);
}

ChallengeProgress CheckinService::challenge_frame(const std::string& challenge_id,
                                                  std::optional<storage::Id> kiosk_id,
                                                  std::string_view image) {
  return challenges_.submit(challenge_id, kiosk_id, decode(image, settings_.frame_limits).pixels, image);
}

storage::CheckInResult CheckinService::check_in_attendee(storage::Id event_id,
                                                         storage::Id person_id,
                                                         std::optional<storage::Id> kiosk_id,
                                                         storage::CheckInMethod method) {
  storage::CheckIn c;
  c.event_id = event_id;
  c.person_id = person_id;
  c.checked_in_at = clock_();
  c.kiosk_id = kiosk_id;
  c.method = method;
  c.liveness = {{"method", "none"}};
  const auto recorded = store_.record_checkin(c);
  if (!recorded.already)
    feed_.publish(event_id, {{"type", "check_in"},
                             {"person", person_json(store_.get_person(person_id))},
                             {"checked_in_at", recorded.check_in.checked_in_at},
                             {"kiosk_id", kiosk_id ? json(*kiosk_id) : json(nullptr)},
                             {"method", storage::to_string(method)}});
  return recorded;
}

// The galleries drop the person before the database is asked, so they stop
// matching at once even if the write has to wait for another process's
// lock, and again after the commit, in case a gallery was reloaded from the
// database in between.
storage::Scrub CheckinService::delete_person(storage::Id person_id) {
  galleries_.person_deleted(person_id);
  const storage::Scrub scrub = store_.delete_person(person_id);
  galleries_.person_deleted(person_id);
  return scrub;
}

storage::Scrub CheckinService::delete_template(storage::Id template_id) {
  galleries_.template_deleted(template_id);
  const storage::Scrub scrub = store_.delete_template(template_id);
  galleries_.template_deleted(template_id);
  return scrub;
}

bool CheckinService::add_attendee(storage::Id event_id, storage::Id person_id) {
  const bool added = store_.add_attendee(event_id, person_id);
  galleries_.attendance_changed(event_id);
  return added;
}

void CheckinService::remove_attendee(storage::Id event_id, storage::Id person_id) {
  store_.remove_attendee(event_id, person_id);
  galleries_.attendance_changed(event_id);
}

void CheckinService::delete_event(storage::Id event_id) {
  store_.delete_event(event_id);
  galleries_.event_deleted(event_id);
}

}  // namespace facecheck::checkin
