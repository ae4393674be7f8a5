// Active liveness: a kiosk asks the person in front of it for two actions in
// a random order (turn left, turn right, nod, blink) and sends frames while
// they act; the server reads the actions from the frames and, when both
// happened in order, from the same face, in fresh frames, before the
// challenge expired, hands out a one-time proof that a check-in consumes.
//
// Sessions and proofs live in memory: they last seconds, and a restart only
// asks the person to do it again. docs/liveness.md describes the protocol.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "checkin/engine_pool.h"
#include "storage/records.h"
#include "vision/face_actions.h"
#include "vision/face_engine.h"

namespace facecheck::checkin {

struct ChallengeSettings {
  std::chrono::milliseconds lifetime{10000};        // to perform both actions
  std::chrono::milliseconds proof_lifetime{30000};  // to check in with the proof
  size_t max_frames = 150;    // per challenge; more fails it (a kiosk sends ~8/s)
  size_t max_open = 256;      // challenges open at once on the server
  size_t identity_every = 3;  // compare the face with the first one every Nth frame
  // Test only (serve --test-challenge-actions): every challenge asks these.
  std::vector<vision::FaceAction> fixed_actions;
  vision::ActionThresholds actions;
  // A kiosk whose challenges or passive checks fail this often is slowed
  // down (AWS Rekognition's Face Liveness locks out after 5 in 3 minutes).
  size_t lockout_failures = 5;
  std::chrono::seconds lockout_window{180};
  vision::DetectOptions detector{vision::DetectorKind::Tiny, 416, 0.4f, 320};
  std::string_view model = vision::kDefaultModelId;  // for the identity check
};

enum class ChallengeState { kInProgress, kPassed, kFailed };

// Why the last frame did not move the challenge on (the first three leave it
// running; the others end it).
enum class ChallengeReason {
  kNone,
  kNoFace,         // no face in the frame
  kNotFrontal,     // the first counted frame must face the camera
  kStillFrame,     // nearly the same as the frame before: ignored
  kRepeatedFrame,  // byte-identical to an earlier frame: a replay
  kFaceChanged,    // not the face the challenge started with
  kTooManyFrames,
  kExpired,
};
const char* to_string(ChallengeState state);
const char* to_string(ChallengeReason reason);

struct ChallengeProgress {
  std::string id;
  std::vector<vision::FaceAction> actions;
  size_t done = 0;  // actions performed so far, in order
  ChallengeState state = ChallengeState::kInProgress;
  ChallengeReason reason = ChallengeReason::kNone;
  std::chrono::milliseconds remaining{0};
  std::string proof;  // once passed: consumed by one check-in
};

// What a passed challenge proves, for the check-in that redeems it.
struct LivenessProof {
  storage::Id event_id = 0;
  std::optional<storage::Id> kiosk_id;
  std::vector<vision::FaceAction> actions;
  std::string model;            // of `embedding`
  vision::Embedding embedding;  // the face on the frame that completed it
  float passive_score = 0;      // LivenessDetector on that frame
};

class ChallengeBook {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  ChallengeBook(EnginePool& engines, ChallengeSettings settings, Clock clock = nullptr);

  // Opens a challenge for a kiosk of the event (kiosk_id empty: an admin).
  // A kiosk has one challenge at a time: opening another ends the first.
  // Throws DomainError: liveness_locked (too many failures), busy (the
  // server-wide cap is reached).
  ChallengeProgress open(storage::Id event_id, std::optional<storage::Id> kiosk_id);

  // One camera frame for challenge `id`, from the kiosk that opened it.
  // Throws DomainError challenge_not_found (unknown, another kiosk's, or
  // long gone). Frames after the challenge ended answer its final state.
  ChallengeProgress submit(const std::string& id, std::optional<storage::Id> kiosk_id,
                           const cv::Mat& frame, std::string_view frame_bytes);

  // The proof's content, once: a second redeem, another event or kiosk, or
  // an expired proof gives nullopt.
  std::optional<LivenessProof> redeem(const std::string& proof, storage::Id event_id,
                                      std::optional<storage::Id> kiosk_id);

  // A failed liveness attempt (a failed challenge, a passive rejection).
  void note_failure(storage::Id event_id, std::optional<storage::Id> kiosk_id);
  // Failed attempts at the event since the server started.
  size_t failures(storage::Id event_id) const;

 private:
  struct Session;
  struct Proof {
    LivenessProof content;
    std::chrono::steady_clock::time_point expires;
  };
  ChallengeProgress advance(Session& s, const cv::Mat& frame, std::string_view bytes);
  ChallengeProgress progress(const Session& s) const;
  void end(Session& s, ChallengeReason reason);
  void sweep();  // drops expired sessions and proofs; mutex_ held
  bool locked_out(std::optional<storage::Id> kiosk_id);  // mutex_ held

  EnginePool& engines_;
  ChallengeSettings settings_;
  Clock clock_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Session>> sessions_;
  std::map<std::string, Proof> proofs_;
  std::map<storage::Id, std::deque<std::chrono::steady_clock::time_point>> kiosk_failures_;
  std::map<storage::Id, size_t> event_failures_;
};

}  // namespace facecheck::checkin
