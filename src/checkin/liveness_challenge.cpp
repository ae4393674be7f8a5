#include "checkin/liveness_challenge.h"

#include <sodium.h>

#include <opencv2/imgproc.hpp>
#include <set>

#include "checkin/domain_error.h"
#include "vision/liveness_detector.h"
#include "vision/recognizer_model.h"

namespace facecheck::checkin {

using vision::FaceAction;
using Time = std::chrono::steady_clock::time_point;

const char* to_string(ChallengeState state) {
  switch (state) {
    case ChallengeState::kInProgress:
      return "in_progress";
    case ChallengeState::kPassed:
      return "passed";
    case ChallengeState::kFailed:
      return "failed";
  }
  return "failed";
}

const char* to_string(ChallengeReason reason) {
  switch (reason) {
    case ChallengeReason::kNone:
      return "none";
    case ChallengeReason::kNoFace:
      return "no_face";
    case ChallengeReason::kNotFrontal:
      return "not_frontal";
    case ChallengeReason::kStillFrame:
      return "still_frame";
    case ChallengeReason::kRepeatedFrame:
      return "repeated_frame";
    case ChallengeReason::kFaceChanged:
      return "face_changed";
    case ChallengeReason::kTooManyFrames:
      return "too_many_frames";
    case ChallengeReason::kExpired:
      return "expired";
  }
  return "none";
}

struct ChallengeBook::Session {
  std::string id;
  storage::Id event_id = 0;
  std::optional<storage::Id> kiosk_id;
  std::vector<FaceAction> actions;
  Time expires;
  std::mutex mutex;  // one frame at a time, in arrival order
  ChallengeState state = ChallengeState::kInProgress;
  ChallengeReason reason = ChallengeReason::kNone;
  size_t done = 0;
  size_t next_action_from = 0;  // tracker frame the current action counts from
  size_t frames = 0;
  std::set<std::string> frame_hashes;
  cv::Mat last_thumbnail;
  vision::ActionSample last_sample;
  vision::Embedding reference;
  vision::ActionTracker tracker;
  std::string proof;
};

namespace {

std::string random_token() {
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  char hex[2 * sizeof bytes + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

std::string frame_hash(std::string_view bytes) {
  unsigned char digest[crypto_generichash_BYTES];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  return std::string(reinterpret_cast<char*>(digest), sizeof digest);
}

// Two different actions in a random order.
std::vector<FaceAction> random_actions() {
  constexpr FaceAction all[] = {FaceAction::TurnLeft, FaceAction::TurnRight, FaceAction::Nod,
                                FaceAction::Blink};
  const uint32_t first = randombytes_uniform(4);
  const uint32_t second = (first + 1 + randombytes_uniform(3)) % 4;
  return {all[first], all[second]};
}

// Mean absolute difference of two 32x32 grey thumbnails of the face. A
// camera's own noise moves it by more than this between two frames of a
// person holding still; a photo sent twice does not.
constexpr double kStillFrameDifference = 0.5;

struct FrameFace {
  bool found = false;
  cv::Rect2f box;
  vision::ActionSample sample;
  vision::Embedding embedding;
  cv::Mat thumbnail;
};

FrameFace analyse(vision::FaceAnalyzer& engine, const cv::Mat& frame,
                  const ChallengeSettings& settings) {
  FrameFace out;
  const auto faces = engine.detect(frame, settings.detector);
  const auto largest = vision::largest_face(faces);
  if (!largest) return out;
  const cv::Rect2f box = faces[*largest].box;
  const vision::Landmarks landmarks = engine.landmarks(frame, box);
  out.found = true;
  out.box = box;
  out.sample = {vision::measure_motion(landmarks), engine.eyes_closed(frame, landmarks)};
  out.embedding = engine.embed_face(frame, landmarks,
                                    vision::EmbedOptions::fastest().with_model(settings.model));
  const cv::Rect inside = cv::Rect(box) & cv::Rect(0, 0, frame.cols, frame.rows);
  cv::Mat grey;
  cv::cvtColor(frame(inside), grey,
               frame.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  cv::resize(grey, out.thumbnail, {32, 32}, 0, 0, cv::INTER_AREA);
  return out;
}

// Nearly the same picture as the last counted frame, and nothing measured
// on it moved: a photo sent again (re-encoded or shifted). Ignored rather
// than failed, since a person can hold still too; it just cannot count.
template <typename Session>
bool is_still(const Session& s, const FrameFace& face) {
  if (s.last_thumbnail.empty()) return false;
  const double difference =
      cv::norm(s.last_thumbnail, face.thumbnail, cv::NORM_L1) / double(face.thumbnail.total());
  const auto& a = s.last_sample;
  const auto& b = face.sample;
  return difference < kStillFrameDifference &&
         std::abs(a.motion.pose.yaw - b.motion.pose.yaw) < 1.f &&
         std::abs(a.motion.pose.pitch - b.motion.pose.pitch) < 1.f &&
         std::abs(a.eyes_closed - b.eyes_closed) < 0.2f;
}

bool is_failure(ChallengeReason r) {
  return r == ChallengeReason::kRepeatedFrame || r == ChallengeReason::kFaceChanged ||
         r == ChallengeReason::kTooManyFrames || r == ChallengeReason::kExpired;
}

}  // namespace

ChallengeBook::ChallengeBook(EnginePool& engines, ChallengeSettings settings, Clock clock)
    : engines_(engines),
      settings_(std::move(settings)),
      clock_(clock ? std::move(clock) : [] { return std::chrono::steady_clock::now(); }) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

void ChallengeBook::sweep() {
  const Time now = clock_();
  for (auto it = sessions_.begin(); it != sessions_.end();)
    it = it->second->expires + settings_.proof_lifetime < now ? sessions_.erase(it) : std::next(it);
  for (auto it = proofs_.begin(); it != proofs_.end();)
    it = it->second.expires < now ? proofs_.erase(it) : std::next(it);
}

bool ChallengeBook::locked_out(std::optional<storage::Id> kiosk_id) {
  if (!kiosk_id) return false;  // admins are not kiosks at a door
  auto& times = kiosk_failures_[*kiosk_id];
  const Time now = clock_();
  while (!times.empty() && times.front() + settings_.lockout_window < now) times.pop_front();
  return times.size() >= settings_.lockout_failures;
}

ChallengeProgress ChallengeBook::open(storage::Id event_id, std::optional<storage::Id> kiosk_id) {
  auto s = std::make_shared<Session>();
  s->id = random_token();
  s->event_id = event_id;
  s->kiosk_id = kiosk_id;
  s->actions = settings_.fixed_actions.empty() ? random_actions() : settings_.fixed_actions;
  s->expires = clock_() + settings_.lifetime;
  s->tracker = vision::ActionTracker(settings_.actions);
  std::lock_guard lock(mutex_);
  sweep();
  if (locked_out(kiosk_id))
    throw DomainError(Reason::kLivenessLocked,
                      RetryAfter{static_cast<long>(settings_.lockout_window.count())});
  if (kiosk_id)  // one challenge per kiosk: a new one ends the old
    std::erase_if(sessions_, [&](const auto& kv) { return kv.second->kiosk_id == kiosk_id; });
  if (sessions_.size() >= settings_.max_open) throw DomainError(Reason::kChallengesBusy);
  sessions_[s->id] = s;
  return progress(*s);
}

ChallengeProgress ChallengeBook::submit(const std::string& id, std::optional<storage::Id> kiosk_id,
                                        const cv::Mat& frame, std::string_view frame_bytes) {
  std::shared_ptr<Session> s;
  {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(id);
    if (it != sessions_.end() && it->second->kiosk_id == kiosk_id) s = it->second;
  }
  if (!s) throw DomainError(Reason::kChallengeNotFound);
  std::lock_guard lock(s->mutex);
  return advance(*s, frame, frame_bytes);
}

void ChallengeBook::end(Session& s, ChallengeReason reason) {
  s.state = ChallengeState::kFailed;
  s.reason = reason;
  // Running out of time or frames before a face ever faced the camera is a
  // kiosk looking at an empty hall, not a failed attempt.
  const bool attempted = s.tracker.started() || reason == ChallengeReason::kRepeatedFrame ||
                         reason == ChallengeReason::kFaceChanged;
  if (is_failure(reason) && attempted) note_failure(s.event_id, s.kiosk_id);
}

ChallengeProgress ChallengeBook::advance(Session& s, const cv::Mat& frame, std::string_view bytes) {
  if (s.state != ChallengeState::kInProgress) return progress(s);
  if (clock_() > s.expires) {
    end(s, ChallengeReason::kExpired);
    return progress(s);
  }
  if (++s.frames > settings_.max_frames) {
    end(s, ChallengeReason::kTooManyFrames);
    return progress(s);
  }
  if (!s.frame_hashes.insert(frame_hash(bytes)).second) {
    end(s, ChallengeReason::kRepeatedFrame);
    return progress(s);
  }
  const FrameFace face =
      engines_.run([&](vision::FaceAnalyzer& engine) { return analyse(engine, frame, settings_); });
  s.reason = ChallengeReason::kNone;
  if (!face.found) {
    s.reason = ChallengeReason::kNoFace;
    return progress(s);
  }
  const auto& card = vision::recognizer_model(settings_.model);
  if (!s.reference.empty() &&
      vision::embedding_distance(s.reference, face.embedding, card.metric) > card.match_threshold) {
    end(s, ChallengeReason::kFaceChanged);
    return progress(s);
  }
  if (is_still(s, face)) {
    s.reason = ChallengeReason::kStillFrame;
    return progress(s);
  }
  if (!s.tracker.feed(face.sample)) {
    s.reason = ChallengeReason::kNotFrontal;
    return progress(s);
  }
  s.last_thumbnail = face.thumbnail;
  s.last_sample = face.sample;
  if (s.reference.empty()) s.reference = face.embedding;
  while (s.done < s.actions.size() && s.tracker.performed(s.actions[s.done], s.next_action_from)) {
    ++s.done;
    s.next_action_from = s.tracker.frames();
  }
  if (s.done < s.actions.size()) return progress(s);

  LivenessProof proof{s.event_id, s.kiosk_id, s.actions, std::string(card.id), face.embedding, 0};
  proof.passive_score = engines_.run(
      [&](vision::FaceAnalyzer& engine) { return engine.live_probability(frame, face.box); });
  s.state = ChallengeState::kPassed;
  s.proof = random_token();
  std::lock_guard lock(mutex_);
  proofs_[s.proof] = {std::move(proof), clock_() + settings_.proof_lifetime};
  return progress(s);
}

ChallengeProgress ChallengeBook::progress(const Session& s) const {
  ChallengeProgress p;
  p.id = s.id;
  p.actions = s.actions;
  p.done = s.done;
  p.state = s.state;
  p.reason = s.reason;
  p.remaining =
      std::max(std::chrono::milliseconds(0),
               std::chrono::duration_cast<std::chrono::milliseconds>(s.expires - clock_()));
  p.proof = s.proof;
  return p;
}

std::optional<LivenessProof> ChallengeBook::redeem(const std::string& proof, storage::Id event_id,
                                                   std::optional<storage::Id> kiosk_id) {
  std::lock_guard lock(mutex_);
  sweep();
  auto it = proofs_.find(proof);
  if (it == proofs_.end()) return std::nullopt;
  LivenessProof content = std::move(it->second.content);
  proofs_.erase(it);  // one check-in per proof, even a refused one
  if (content.event_id != event_id || content.kiosk_id != kiosk_id) return std::nullopt;
  return content;
}

void ChallengeBook::note_failure(storage::Id event_id, std::optional<storage::Id> kiosk_id) {
  std::lock_guard lock(mutex_);
  ++event_failures_[event_id];
  if (kiosk_id) kiosk_failures_[*kiosk_id].push_back(clock_());
}

size_t ChallengeBook::failures(storage::Id event_id) const {
  std::lock_guard lock(mutex_);
  const auto it = event_failures_.find(event_id);
  return it == event_failures_.end() ? 0 : it->second;
}

}  // namespace facecheck::checkin
