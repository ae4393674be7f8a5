// The machine codes of the domain's reasons and statuses: part of the API,
// so a code never changes once released.
#include "checkin/domain_error.h"
#include "checkin/outcomes.h"

namespace facecheck::checkin {

std::string_view reason_code(Reason reason) {
  switch (reason) {
    case Reason::kMissingImage:
      return "missing_image";
    case Reason::kNoFace:
      return "no_face";
    case Reason::kSeveralFaces:
      return "several_faces";
    case Reason::kBadFaceIndex:
      return "bad_face_index";
    case Reason::kPoorQuality:
      return "poor_quality";
    case Reason::kPossibleDuplicate:
      return "possible_duplicate";
    case Reason::kCheckinNotYetOpen:
      return "checkin_not_yet_open";
    case Reason::kCheckinClosed:
      return "checkin_closed";
    case Reason::kLivenessRequired:
      return "liveness_required";
    case Reason::kLivenessProofInvalid:
      return "liveness_proof_invalid";
    case Reason::kLivenessLocked:
      return "liveness_locked";
    case Reason::kChallengesBusy:
      return "busy";
    case Reason::kChallengeNotFound:
      return "challenge_not_found";
    case Reason::kInvitationNotFound:
      return "invitation_not_found";
    case Reason::kInvitationRevoked:
      return "invitation_revoked";
    case Reason::kInvitationExpired:
      return "invitation_expired";
    case Reason::kNotAnAttendee:
      return "not_an_attendee";
    case Reason::kConsentVersionChanged:
      return "consent_version_changed";
    case Reason::kConsentRequired:
      return "consent_required";
    case Reason::kNotAnInvitationCode:
      return "invalid_field";  // the field "code"
    case Reason::kInvalidCsv:
      return "invalid_csv";
    case Reason::kImportRejected:
      return "import_rejected";
    case Reason::kNotCheckedIn:
      return "not_found";
  }
  return "unknown";
}

std::string_view face_status_code(FaceStatus status) {
  switch (status) {
    case FaceStatus::kCheckedIn:
      return "checked_in";
    case FaceStatus::kAlreadyCheckedIn:
      return "already_checked_in";
    case FaceStatus::kNotRecognised:
      return "not_recognised";
    case FaceStatus::kTooSmall:
      return "too_small";
    case FaceStatus::kLivenessFailed:
      return "liveness_failed";
    case FaceStatus::kLivenessMismatch:
      return "liveness_mismatch";
  }
  return "unknown";
}

}  // namespace facecheck::checkin
