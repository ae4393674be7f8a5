// A refusal the user can act on: a reason code and the facts behind it.
// The domain throws it; the HTTP layer alone turns a reason into a status
// and words (http/domain_errors.cpp), so the domain knows neither.
#pragma once

#include <opencv2/core/types.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "storage/records.h"
#include "vision/face_quality.h"

namespace facecheck::checkin {

enum class Reason {
  kMissingImage,          // no image was sent
  kNoFace,                // enrolment: no face in the photo
  kSeveralFaces,          // enrolment: several faces and no face_index
  kBadFaceIndex,          // enrolment: face_index out of range
  kPoorQuality,           // enrolment: the face fails a quality rule
  kPossibleDuplicate,     // enrolment: the face looks like another person's
  kCheckinNotYetOpen,     // before the event's check-in window
  kCheckinClosed,         // after it, or the event is not open
  kLivenessRequired,      // an active event without a proof
  kLivenessProofInvalid,  // unknown, used or expired proof
  kLivenessLocked,        // too many failed liveness checks at the kiosk
  kChallengesBusy,        // too many open challenges
  kChallengeNotFound,
  kInvitationNotFound,
  kInvitationRevoked,
  kInvitationExpired,
  kNotAnAttendee,          // invitations for people who do not attend
  kConsentVersionChanged,  // the guest answered an older consent text
  kConsentRequired,        // a guest's face before accepted consent
  kNotAnInvitationCode,    // a kiosk scanned something else
  kInvalidCsv,             // the guest list cannot be read
  kImportRejected,         // rows of the guest list have errors
  kNotCheckedIn,           // undo of a check-in that is not there
};

// The stable machine code: "no_face", "possible_duplicate", ...
std::string_view reason_code(Reason reason);

// The facts a reason comes with, for the client to show or act on.
struct FacesFound {  // kSeveralFaces, kBadFaceIndex: largest first
  std::vector<cv::Rect2f> boxes;
};
struct QualityFailed {  // kPoorQuality
  vision::FaceQuality quality;
};
struct LooksLike {  // kPossibleDuplicate (for administrators)
  storage::Id person_id = 0;
  float distance = 0;
};
struct RetryAfter {  // kLivenessLocked
  long seconds = 0;
};
struct PeopleConcerned {  // kNotAnAttendee
  std::vector<storage::Id> person_ids;
};
struct CurrentConsent {  // kConsentVersionChanged
  int version = 0;
};
struct RowProblem {
  size_t row = 0;  // line of the CSV file, from 1 (the header)
  std::string message;
};
struct RowProblems {  // kImportRejected
  std::vector<RowProblem> rows;
};
using ErrorDetails = std::variant<std::monostate, FacesFound, QualityFailed, LooksLike, RetryAfter,
                                  PeopleConcerned, CurrentConsent, RowProblems>;

struct DomainError : std::runtime_error {
  // `note`: what a lower layer said, where it says more than the reason
  // (the CSV parser's line and column); otherwise empty.
  explicit DomainError(Reason reason, ErrorDetails details = {}, std::string note = {})
      : std::runtime_error(note.empty() ? std::string(reason_code(reason)) : note),
        reason(reason),
        details(std::move(details)),
        note(std::move(note)) {}
  Reason reason;
  ErrorDetails details;
  std::string note;
};

}  // namespace facecheck::checkin
