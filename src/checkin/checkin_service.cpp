#include "checkin/checkin_service.h"

#include <algorithm>
#include <ctime>

#include "vision/liveness_detector.h"

namespace facecheck::checkin {
namespace {

// The face on the check-in frame is the one that passed the challenge.
bool matches_proof(const LivenessProof& proof, const vision::Embedding& face) {
  const auto& card = vision::recognizer_model(proof.model);
  return !face.empty() &&
         vision::embedding_distance(proof.embedding, face, card.metric) <= card.match_threshold;
}

storage::LivenessEvidence active_evidence(const LivenessProof& proof) {
  storage::LivenessEvidence evidence{"active", std::nullopt, {}, proof.passive_score};
  for (auto a : proof.actions) evidence.actions.emplace_back(vision::face_action_name(a));
  return evidence;
}

FacesFound boxes_of(const std::vector<vision::FaceAnalysis>& faces) {
  FacesFound found;
  for (const auto& f : faces) found.boxes.push_back(f.detection.box);
  return found;
}

}  // namespace

CheckinService::CheckinService(storage::Store& store, EnginePool& engines, CheckinSettings settings,
                               Clock clock)
    : store_(store),
      engines_(engines),
      settings_(std::move(settings)),
      clock_(clock ? std::move(clock) : [] { return storage::Timestamp(std::time(nullptr)); }),
      galleries_(store, settings_.galleries),
      challenges_(engines, settings_.challenge) {}

vision::DecodedImage CheckinService::decode(std::string_view image,
                                            const vision::ImageLimits& limits) const {
  if (image.empty()) throw DomainError(Reason::kMissingImage);
  return vision::decode_image_within(image, limits);  // vision::ImageError
}

LivenessProof CheckinService::redeem_proof(storage::Id event_id,
                                           std::optional<storage::Id> kiosk_id,
                                           const std::string& token) {
  if (token.empty()) throw DomainError(Reason::kLivenessRequired);
  auto proof = challenges_.redeem(token, event_id, kiosk_id);
  if (!proof) throw DomainError(Reason::kLivenessProofInvalid);
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
      throw DomainError(Reason::kCheckinNotYetOpen);
    case CheckinPhase::kAfterWindow:
      throw DomainError(Reason::kCheckinClosed);
    default:  // the note names the status, for the message
      throw DomainError(Reason::kCheckinClosed, {}, std::string(storage::to_string(event.status)));
  }
}

DetectedFaces CheckinService::detect(std::string_view image) {
  const vision::DecodedImage decoded = decode(image, settings_.frame_limits);
  const cv::Mat& frame = decoded.pixels;
  const auto faces = engines_.run([&](vision::FaceAnalyzer& engine) {
    return engine.detect(frame, settings_.checkin_detector);
  });
  return {frame.cols, frame.rows, decoded.scale, faces};
}

EnrolResult CheckinService::enrol(const EnrolRequest& request, std::string_view image) {
  const storage::Person person = store_.get_person(request.person_id);  // NotFound -> 404
  const cv::Mat photo = decode(image, settings_.image_limits).pixels;
  const auto faces = engines_.run([&](vision::FaceAnalyzer& engine) {
    return engine.analyze(photo, settings_.enrol_detector, settings_.enrol_quality,
                          settings_.enrol_embed.with_model(settings_.model));
  });
  if (faces.empty()) throw DomainError(Reason::kNoFace);
  size_t chosen = 0;
  if (request.face_index) {
    if (*request.face_index < 0 || size_t(*request.face_index) >= faces.size())
      throw DomainError(Reason::kBadFaceIndex, boxes_of(faces));
    chosen = size_t(*request.face_index);
  } else if (faces.size() > 1) {
    throw DomainError(Reason::kSeveralFaces, boxes_of(faces));
  }
  const auto& face = faces[chosen];
  if (!face.quality.acceptable())
    throw DomainError(Reason::kPoorQuality, QualityFailed{face.quality});

  const auto candidates = request.duplicates_within_event
                              ? galleries_.event(*request.duplicates_within_event)
                              : galleries_.everyone();
  const gallery::Gallery* same_model = candidates->find(face.model);
  if (!request.allow_duplicate && same_model) {
    const float duplicate = settings_.duplicate_threshold.value_or(
        vision::recognizer_model(face.model).duplicate_threshold);
    const auto nearest = same_model->search(face.embedding, 1);
    if (!nearest.empty() && nearest[0].person_id != person.id && nearest[0].distance < duplicate)
      throw DomainError(Reason::kPossibleDuplicate,
                        LooksLike{nearest[0].person_id, nearest[0].distance});
  }

  storage::FaceTemplate tmpl;
  tmpl.person_id = person.id;
  tmpl.model = std::string(face.model);
  tmpl.embedding = face.embedding;
  tmpl.quality = face.quality;
  tmpl.label = request.label;
  std::optional<storage::Bytes> stored_photo;
  if (settings_.store_photos) stored_photo = storage::Bytes(image.begin(), image.end());
  const auto saved = store_.add_template(tmpl, stored_photo);
  galleries_.template_added(saved);
  const size_t templates = store_.list_templates(person.id).size();
  return {saved.id,
          person,
          templates,
          std::string(face.model),
          face.detection.box,
          face.quality,
          stored_photo.has_value()};
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

CheckinOutcome CheckinService::check_in(storage::Id event_id, std::optional<storage::Id> kiosk_id,
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
  auto faces = engines_.run([&](vision::FaceAnalyzer& engine) {
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
  CheckinOutcome outcome;
  outcome.event_id = event_id;
  for (size_t m = 0; m < models.size(); ++m)
    outcome.thresholds.push_back({std::string(models[m]), policies[m].value});
  outcome.threshold_basis = policies.front().basis;
  outcome.width = frame.cols;
  outcome.height = frame.rows;
  outcome.scale = decoded.scale;
  bool proof_used = false;  // a proof checks in one face, the one that earned it
  for (const auto& frame_face : faces) {
    const vision::FaceAnalysis& face = frame_face.analysis;
    FaceOutcome& r = outcome.faces.emplace_back();
    r.box = face.detection.box;
    r.score = face.detection.score;
    if (face.quality.face_px < settings_.checkin_min_face_px) {
      r.status = FaceStatus::kTooSmall;
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
      r.status = FaceStatus::kNotRecognised;
      if (best) r.distance = best->match.distance;  // the near miss (admins see it)
      continue;
    }
    if (passive && frame_face.live_score < vision::kDefaultLiveThreshold) {
      r.status = FaceStatus::kLivenessFailed;
      r.live_score = frame_face.live_score;
      challenges_.note_failure(event_id, kiosk_id);
      continue;
    }
    if (proof && (proof_used || !matches_proof(*proof, frame_face.proof_embedding))) {
      r.status = FaceStatus::kLivenessMismatch;
      continue;
    }
    storage::CheckIn c;
    c.liveness = passive ? storage::LivenessEvidence{"passive", frame_face.live_score, {}, {}}
                 : proof ? active_evidence(*proof)
                         : storage::LivenessEvidence{"none", {}, {}, {}};
    proof_used = proof_used || proof.has_value();
    c.event_id = event_id;
    c.person_id = best->match.person_id;
    c.checked_in_at = clock_();
    c.distance = best->match.distance;
    c.kiosk_id = kiosk_id;
    c.quality = face.quality;
    const auto recorded = store_.record_checkin(c);  // durable before we answer
    r.person = store_.get_person(c.person_id);
    r.status = recorded.already ? FaceStatus::kAlreadyCheckedIn : FaceStatus::kCheckedIn;
    r.distance = best->match.distance;
    r.model = std::string(best->model);
    r.liveness = recorded.check_in.liveness;
    r.checked_in_at = recorded.check_in.checked_in_at;
    if (!recorded.already)
      feed_.publish(event_id, {*r.person, recorded.check_in.checked_in_at, kiosk_id,
                               storage::CheckInMethod::kFace});
  }
  if (proof && !proof_used) challenges_.note_failure(event_id, kiosk_id);
  return outcome;
}

ChallengeProgress CheckinService::open_challenge(storage::Id event_id,
                                                 std::optional<storage::Id> kiosk_id) {
  require_checkin_open(store_.get_event(event_id));
  return challenges_.open(event_id, kiosk_id);
}

ChallengeProgress CheckinService::challenge_frame(const std::string& challenge_id,
                                                  std::optional<storage::Id> kiosk_id,
                                                  std::string_view image) {
  return challenges_.submit(challenge_id, kiosk_id, decode(image, settings_.frame_limits).pixels,
                            image);
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
  c.liveness.method = "none";
  const auto recorded = store_.record_checkin(c);
  if (!recorded.already)
    feed_.publish(event_id, {store_.get_person(person_id), recorded.check_in.checked_in_at,
                             kiosk_id, method});
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
  galleries_.attendee_added(event_id, person_id);
  return added;
}

storage::Person CheckinService::create_attendee(storage::Id event_id,
                                                const storage::Person& person) {
  // A new person has no face template yet: no gallery changes.
  return store_.create_attendee(event_id, person);
}

void CheckinService::remove_attendee(storage::Id event_id, storage::Id person_id) {
  store_.remove_attendee(event_id, person_id);
  galleries_.attendee_removed(event_id, person_id);
}

void CheckinService::delete_event(storage::Id event_id) {
  store_.delete_event(event_id);
  galleries_.event_deleted(event_id);
}

}  // namespace facecheck::checkin
