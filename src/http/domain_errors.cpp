#include "http/domain_errors.h"

#include "wire/face_json.h"

namespace facecheck::http {
namespace {

using checkin::Reason;
using nlohmann::json;

struct Wording {
  int status;
  const char* message;
};

Wording wording(Reason reason) {
  switch (reason) {
    case Reason::kMissingImage:
      return {400, "No image was sent"};
    case Reason::kNoFace:
      return {422, "No face was found in the photo; face the camera in good light"};
    case Reason::kSeveralFaces:
      return {422,
              " faces were found; send a photo of one person or say which face "
              "(face_index, largest first)"};
    case Reason::kBadFaceIndex:
      return {422, "face_index is out of range"};
    case Reason::kPoorQuality:
      return {422, "The face does not meet the quality rules"};
    case Reason::kPossibleDuplicate:
      return {409, "This face looks like another guest's; ask the organiser for help"};
    case Reason::kCheckinNotYetOpen:
      return {409, "Check-in has not opened yet"};
    case Reason::kCheckinClosed:
      return {409, "Check-in for this event has closed"};
    case Reason::kLivenessRequired:
      return {403, "This event checks liveness: complete the challenge first"};
    case Reason::kLivenessProofInvalid:
      return {403, "The liveness proof is unknown, used or expired: take the challenge again"};
    case Reason::kLivenessLocked:
      return {429, "Too many failed liveness checks at this kiosk; wait a few minutes"};
    case Reason::kChallengesBusy:
      return {503, "Too many liveness challenges are open; retry shortly"};
    case Reason::kChallengeNotFound:
      return {404, "No such liveness challenge"};
    case Reason::kInvitationNotFound:
      return {404, "This invitation code is not valid"};
    case Reason::kInvitationRevoked:
      return {410, "This invitation was withdrawn by the organiser"};
    case Reason::kInvitationExpired:
      return {410, "This event's check-in is over"};
    case Reason::kNotAnAttendee:
      return {422, "Only attendees of the event can be invited"};
    case Reason::kConsentVersionChanged:
      return {409, "The consent text has changed; read the new version"};
    case Reason::kConsentRequired:
      return {403, "Accept the consent text before enrolling your face"};
    case Reason::kNotAnInvitationCode:
      return {400, "code is not an invitation code or link"};
    case Reason::kInvalidCsv:
      return {422, "The CSV file cannot be read"};
    case Reason::kImportRejected:
      return {422, " row(s) have errors; nothing was imported"};
    case Reason::kNotCheckedIn:
      return {404, "This attendee has not checked in"};
  }
  return {500, "Internal server error; see the server log"};
}

json boxes_json(const std::vector<cv::Rect2f>& boxes) {
  json out = json::array();
  for (const auto& b : boxes) out.push_back(wire::box_json(b));
  return out;
}

// The details and, where the facts change it, the message.
struct DetailsJson {
  WireError& out;
  void operator()(std::monostate) {}
  void operator()(const checkin::FacesFound& f) {
    out.details = {{"faces", boxes_json(f.boxes)}};
    if (out.code == "several_faces") out.message = std::to_string(f.boxes.size()) + out.message;
  }
  void operator()(const checkin::QualityFailed& q) {
    out.details = {{"quality", wire::quality_json(q.quality)}};
    if (!q.quality.reasons.empty()) out.message = q.quality.reasons.front();
  }
  void operator()(const checkin::LooksLike& l) {
    out.details = {{"person_id", l.person_id}, {"distance", l.distance}};
    out.message = "This face looks like person " + std::to_string(l.person_id) +
                  ", who is already enrolled; check for a duplicate registration";
  }
  void operator()(const checkin::RetryAfter& r) { out.details = {{"retry_after_s", r.seconds}}; }
  void operator()(const checkin::PeopleConcerned& p) {
    out.details = {{"person_ids", p.person_ids}};
  }
  void operator()(const checkin::CurrentConsent& c) { out.details = {{"version", c.version}}; }
  void operator()(const checkin::RowProblems& p) {
    json rows = json::array();
    for (const auto& r : p.rows) rows.push_back({{"row", r.row}, {"message", r.message}});
    out.details = {{"rows", rows}};
    out.message = std::to_string(p.rows.size()) + out.message;
  }
};

}  // namespace

WireError wire_error(const checkin::DomainError& e) {
  const Wording w = wording(e.reason);
  WireError out{w.status, std::string(checkin::reason_code(e.reason)), w.message};
  std::visit(DetailsJson{out}, e.details);
  if (e.reason == Reason::kNotAnInvitationCode) out.details = {{"field", "code"}};
  if (e.reason == Reason::kInvalidCsv && !e.note.empty()) out.message = e.note;
  if (e.reason == Reason::kCheckinClosed && !e.note.empty())
    out.message = "Check-in is not open for this event (status " + e.note + ")";
  return out;
}

WireError wire_error(const vision::ImageError& e) {
  switch (e.code()) {
    case vision::ImageErrorCode::TooLarge:
      return {413, e.code_name(), e.what()};
    case vision::ImageErrorCode::UnsupportedFormat:
      return {415, e.code_name(), e.what()};
    case vision::ImageErrorCode::Unreadable:  // a file of the server's own, never a client's
      return {500, e.code_name(), e.what()};
    default:
      return {400, e.code_name(), e.what()};
  }
}

}  // namespace facecheck::http
