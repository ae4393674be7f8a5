// The check-in domain: enrol a person's face, check attendees in by photo,
// and keep the galleries and the live feed in step with the database.
//
// Every operation validates first and writes last, in one storage
// transaction, so a refused request changes nothing.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

#include "checkin/domain_error.h"
#include "checkin/engine_pool.h"
#include "checkin/event_window.h"
#include "checkin/galleries.h"
#include "checkin/live_feed.h"
#include "checkin/liveness_challenge.h"
#include "checkin/open_set_threshold.h"
#include "checkin/outcomes.h"
#include "storage/store.h"
#include "vision/face_engine.h"
#include "vision/image_decoder.h"

namespace facecheck::checkin {

struct CheckinSettings {
  // The recognition model new templates are made with. Check-in searches
  // every model the event's templates use (vision/recognizer_model.h).
  std::string_view model = vision::kDefaultModelId;
  // Unset: each event's threshold follows its gallery size
  // (open_set_threshold); set: this one for every event. An event's own
  // match_threshold overrides both.
  std::optional<float> match_threshold;
  double target_fpir = kDefaultTargetFpir;
  // Enrolment refuses a face this close to another person's template as a
  // possible duplicate registration. Unset: the model card's value, about
  // the open-set threshold of a 1,000-template gallery, so a duplicate flag
  // is about as rare for a stranger as a false check-in at a large event.
  std::optional<float> duplicate_threshold;
  vision::DetectOptions enrol_detector{vision::DetectorKind::Ssd, 416, 0.5f};
  // Kiosk frames: the fast detector. 0.4 rather than face-api's 0.5 because a
  // missed face costs a retry while a spurious box only reads "not recognised";
  // a second look at 320 finds faces too close to the camera for 416.
  vision::DetectOptions checkin_detector{vision::DetectorKind::Tiny, 416, 0.4f, 320};
  // Enrolment is not latency-bound: the most accurate embedding (mirror-
  // averaged, refined landmarks, flip-averaged; ~+40 ms per face). Kiosk
  // frames add only the flip-averaged embedding (+1 embedding pass, ~13 ms):
  // on LFW it lowers FNIR at FPIR 1% from 29.5% to 26.3%, and the landmark
  // options add nothing on top (26.6%; docs/identification.md).
  vision::EmbedOptions enrol_embed{};
  vision::EmbedOptions checkin_embed{false, false, true};
  // checkin_embed for `model`, without the flip average where the model's
  // card says it does not pay (ArcFace: +11 ms for no measurable gain).
  vision::EmbedOptions kiosk_embed(std::string_view model) const {
    vision::EmbedOptions o = checkin_embed.with_model(model);
    o.flip_average = o.flip_average && vision::recognizer_model(model).kiosk_flip_average;
    return o;
  }
  vision::QualityThresholds enrol_quality;
  float checkin_min_face_px = 40;  // smaller faces are reported, not matched
  size_t max_faces_per_frame = 20;
  bool store_photos = false;  // biometric minimisation: embeddings only
  bool enforce_checkin_window = true;
  // Enrolment photos (admin enrolment, self-registration) and kiosk frames
  // (check-in, detect): the same header limits, much smaller decode budgets
  // for frames, so a small file claiming a huge size costs little memory.
  vision::ImageLimits image_limits = vision::ImageLimits::with_budget(vision::kPhotoPixels);
  vision::ImageLimits frame_limits = vision::ImageLimits::with_budget(vision::kFramePixels);
  ChallengeSettings challenge;  // active liveness (liveness_challenge.h)
  GalleriesConfig galleries;    // approximate search for large galleries (galleries.h)
};

struct EnrolRequest {
  storage::Id person_id = 0;
  std::string label;              // "front", "glasses", ...
  std::optional<int> face_index;  // which face when the photo shows several
  bool allow_duplicate = false;   // the operator confirmed it is not a duplicate
  // Where a possible duplicate is looked for: everyone (an administrator's
  // enrolment), or only this event's attendees, so that a kiosk learns
  // nothing about the people of other events.
  std::optional<storage::Id> duplicates_within_event = std::nullopt;
};

class CheckinService {
 public:
  using Clock = std::function<storage::Timestamp()>;

  CheckinService(storage::Store& store, EnginePool& engines, CheckinSettings settings,
                 Clock clock = nullptr);

  // Faces in a photo: boxes and scores only (the kiosk overlay, /face_detect).
  DetectedFaces detect(std::string_view image);

  // Stores a face template for a person. Throws DomainError with a reason
  // the user can act on (no_face, several_faces, poor_quality,
  // possible_duplicate), or vision::ImageError, and writes nothing then.
  EnrolResult enrol(const EnrolRequest& request, std::string_view image);

  // Checks in every recognised face in the photo for the event. Each face
  // gets a status: checked_in, already_checked_in, not_recognised, too_small,
  // and under the event's liveness policy liveness_failed (passive score too
  // low) or liveness_mismatch (not the face that passed the challenge). An
  // active event needs `liveness_proof` from a passed challenge (one face,
  // once): DomainError liveness_required / liveness_proof_invalid otherwise.
  CheckinOutcome check_in(storage::Id event_id, std::optional<storage::Id> kiosk_id,
                          std::string_view image, const std::string& liveness_proof = {});

  // Active liveness (liveness_challenge.h): a challenge for a kiosk of an
  // event open for check-in, and one camera frame of it.
  ChallengeProgress open_challenge(storage::Id event_id, std::optional<storage::Id> kiosk_id);
  ChallengeProgress challenge_frame(const std::string& challenge_id,
                                    std::optional<storage::Id> kiosk_id, std::string_view image);

  // Checks an attendee in without a face (an invitation's QR code, the
  // desk) and tells the live feed. NotFound unless they attend the event.
  storage::CheckInResult check_in_attendee(storage::Id event_id, storage::Id person_id,
                                           std::optional<storage::Id> kiosk_id,
                                           storage::CheckInMethod method);
  // The galleries drop every template of the person now (they were or are
  // about to be deleted by another path: retention).
  void forget_faces(storage::Id person_id) { galleries_.person_deleted(person_id); }
  // What another server sharing the database changed, from the change feed
  // (storage/change_feed.h), and the resync after the feed reconnects.
  void apply_remote_change(const storage::Change& change) { galleries_.apply(change); }
  void resync_galleries() { galleries_.forget_all(); }
  // Snapshots of the large galleries' indexes, so a restart loads them
  // instead of building (called at shutdown).
  void save_gallery_indexes() { galleries_.save_indexes(); }
  // Runs `delete_faces` (a store write that deletes every template of the
  // person) so that they stop matching at once, like delete_person.
  template <typename F>
  auto delete_faces_of(storage::Id person_id, F&& delete_faces) {
    galleries_.person_deleted(person_id);
    auto result = delete_faces();
    galleries_.person_deleted(person_id);
    return result;
  }

  // Both drop the person or template from the galleries at once; kPending
  // when the deleted bytes still wait for a reader to leave the files.
  storage::Scrub delete_person(storage::Id person_id);
  storage::Scrub delete_template(storage::Id template_id);
  bool add_attendee(storage::Id event_id, storage::Id person_id);
  // A new person attending the event (Store::create_attendee).
  storage::Person create_attendee(storage::Id event_id, const storage::Person& person);
  void remove_attendee(storage::Id event_id, storage::Id person_id);
  void delete_event(storage::Id event_id);

  // Guest list import from CSV (header row; see docs/api.md for columns).
  // All rows or none: DomainError import_rejected with per-row errors
  // otherwise.
  ImportSummary import_csv(storage::Id event_id, std::string_view csv, bool link_existing);
  std::string export_csv(storage::Id event_id);
  // The event's audit log (consent, withdrawals, guests' faces, revoked
  // invitations): at, action, actor, person_id, details.
  std::string export_audit_csv(storage::Id event_id);
  EventStatistics stats(storage::Id event_id);

  // The match threshold in force for `model`'s templates of the event whose
  // galleries hold `templates` templates in all (a stranger meets every one
  // of them), and where it comes from ("event", "server" or "event size").
  struct Threshold {
    float value;
    const char* basis;
  };
  Threshold threshold_for(const storage::Event& event, size_t templates,
                          const vision::RecognizerModel& model) const;
  const CheckinSettings& settings() const { return settings_; }
  storage::Timestamp now() const { return clock_(); }
  // The event's check-in phase now (event_window.h), under this server's
  // enforce_checkin_window setting.
  CheckinPhase phase(const storage::Event& event) const;
  // Throws DomainError checkin_closed / checkin_not_yet_open unless the
  // event's phase is kInWindow.
  void require_checkin_open(const storage::Event& event) const;
  LiveFeed& live_feed() { return feed_; }
  ChallengeBook& challenges() { return challenges_; }
  storage::Store& store() { return store_; }

 private:
  vision::DecodedImage decode(std::string_view image, const vision::ImageLimits& limits) const;
  LivenessProof redeem_proof(storage::Id event_id, std::optional<storage::Id> kiosk_id,
                             const std::string& token);

  storage::Store& store_;
  EnginePool& engines_;
  CheckinSettings settings_;
  Clock clock_;
  Galleries galleries_;
  ChallengeBook challenges_;
  LiveFeed feed_;
};

}  // namespace facecheck::checkin
