#include "checkin/invitations.h"

#include <algorithm>

namespace facecheck::checkin {
namespace {

bool is_code(std::string_view text) {
  if (text.size() != 26 || !text.starts_with("iv")) return false;
  return std::all_of(text.begin() + 2, text.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'); });
}

constexpr const char* kGuestSelfie = "guest-selfie";

}  // namespace

storage::Timestamp invitation_expiry(const storage::Event& event) {
  return event.ends_at + storage::Timestamp(event.checkin_closes_after_min) * 60;
}

std::string invitation_code_in(std::string_view text) {
  if (is_code(text)) return std::string(text);
  const size_t end = std::min(text.find_first_of("?#"), text.size());
  text = text.substr(0, end);
  while (text.ends_with('/')) text.remove_suffix(1);
  const size_t slash = text.rfind('/');
  if (slash == std::string_view::npos || slash < 7) return {};
  const std::string_view last = text.substr(slash + 1);
  const std::string_view before = text.substr(0, slash);
  if (!before.ends_with("/invite") || !is_code(last)) return {};
  return std::string(last);
}

std::pair<storage::Invitation, storage::Event> InvitationService::valid(
    std::string_view code) const {
  const auto invitation = is_code(code) ? checkin_.store().find_invitation(code) : std::nullopt;
  if (!invitation) throw DomainError(Reason::kInvitationNotFound);
  if (invitation->revoked_at) throw DomainError(Reason::kInvitationRevoked);
  storage::Event event = checkin_.store().get_event(invitation->event_id);
  if (checkin_.now() > invitation_expiry(event)) throw DomainError(Reason::kInvitationExpired);
  return {*invitation, std::move(event)};
}

GuestView InvitationService::view(const storage::Invitation& invitation,
                                  const storage::Event& event) const {
  storage::Store& store = checkin_.store();
  const auto row = store.find_invitation_row(invitation.code);
  if (!row) throw DomainError(Reason::kInvitationNotFound);
  GuestView v;
  v.invitation = invitation;
  v.event = event;
  v.attendee = row->person;
  v.consent = row->consent;
  if (v.consent != storage::ConsentState::kPending)
    if (const auto answer = store.latest_consent(event.id, invitation.person_id))
      v.answered_at = answer->answered_at;
  v.face_enrolled = row->face_enrolled;
  v.checked_in_at = row->checked_in_at;
  v.expires_at = invitation_expiry(event);
  return v;
}

storage::IssuedInvitations InvitationService::invite(storage::Id event_id,
                                                     const std::vector<storage::Id>& people) {
  try {
    return checkin_.store().issue_invitations(event_id, people);
  } catch (const storage::NotAttendee& e) {
    throw DomainError(Reason::kNotAnAttendee, PeopleConcerned{e.person_ids});
  }
}

std::vector<storage::InvitationRow> InvitationService::list(storage::Id event_id) const {
  return checkin_.store().list_invitations(event_id);
}

void InvitationService::revoke(std::string_view code, const std::string& actor) {
  const auto invitation = is_code(code) ? checkin_.store().find_invitation(code) : std::nullopt;
  if (!invitation || !checkin_.store().revoke_invitation(code, checkin_.now()))
    throw DomainError(Reason::kInvitationNotFound);
  checkin_.store().append_audit({0,
                                 checkin_.now(),
                                 invitation->event_id,
                                 invitation->person_id,
                                 "invitation_revoked",
                                 actor,
                                 {}});
}

GuestView InvitationService::open(std::string_view code) const {
  const auto [invitation, event] = valid(code);
  return view(invitation, event);
}

storage::Scrub InvitationService::withdraw(const storage::Invitation& invitation,
                                           const storage::Event& event, const char* action) {
  const storage::ConsentAnswer answer{event.consent_version, false, event.consent_text,
                                      checkin_.now()};
  const storage::AuditEntry audit{
      0,       answer.answered_at,           event.id, invitation.person_id, action,
      "guest", {{"version", answer.version}}};
  return checkin_.delete_faces_of(invitation.person_id, [&] {
    return checkin_.store().record_consent(event.id, invitation.person_id, answer, true, audit);
  });
}

GuestView InvitationService::answer_consent(std::string_view code, bool accepted, int version) {
  const auto [invitation, event] = valid(code);
  if (version != event.consent_version)
    throw DomainError(Reason::kConsentVersionChanged, CurrentConsent{event.consent_version});
  if (accepted) {
    const storage::ConsentAnswer answer{version, true, event.consent_text, checkin_.now()};
    checkin_.store().record_consent(event.id, invitation.person_id, answer, false,
                                    {0,
                                     answer.answered_at,
                                     event.id,
                                     invitation.person_id,
                                     "consent_accepted",
                                     "guest",
                                     {{"version", version}}});
  } else {
    withdraw(invitation, event, "consent_declined");
  }
  return view(invitation, event);
}

EnrolResult InvitationService::enrol_face(std::string_view code, std::string_view image) {
  const auto [invitation, event] = valid(code);
  if (view(invitation, event).consent != storage::ConsentState::kAccepted)
    throw DomainError(Reason::kConsentRequired);
  EnrolRequest request;
  request.person_id = invitation.person_id;
  request.label = kGuestSelfie;
  request.duplicates_within_event = event.id;
  EnrolResult result;
  try {
    result = checkin_.enrol(request, image);
  } catch (const DomainError& e) {
    // A guest learns nothing about who the look-alike is.
    if (e.reason == Reason::kPossibleDuplicate) throw DomainError(Reason::kPossibleDuplicate);
    throw;
  }
  const storage::Id kept = result.template_id;
  for (const auto& t : checkin_.store().list_templates(invitation.person_id))
    if (t.label == kGuestSelfie && t.id != kept) checkin_.delete_template(t.id);
  checkin_.store().append_audit({0,
                                 checkin_.now(),
                                 event.id,
                                 invitation.person_id,
                                 "face_enrolled",
                                 "guest",
                                 {{"template_id", kept}}});
  return result;
}

storage::Scrub InvitationService::delete_face(std::string_view code) {
  const auto [invitation, event] = valid(code);
  return withdraw(invitation, event, "face_deleted");
}

CodeCheckIn InvitationService::check_in(storage::Id event_id, std::optional<storage::Id> kiosk_id,
                                        std::string_view code_or_url) {
  const std::string code = invitation_code_in(code_or_url);
  if (code.empty()) throw DomainError(Reason::kNotAnInvitationCode);
  const storage::Event current = checkin_.store().get_event(event_id);
  // Another event's code is reported as unknown: a kiosk learns nothing
  // about other events' guests.
  const auto found = checkin_.store().find_invitation(code);
  if (!found || found->event_id != event_id) throw DomainError(Reason::kInvitationNotFound);
  const auto [invitation, event] = valid(code);
  checkin_.require_checkin_open(current);
  CodeCheckIn out;
  out.result = checkin_.check_in_attendee(event_id, invitation.person_id, kiosk_id,
                                          storage::CheckInMethod::kQr);
  out.person = checkin_.store().get_person(invitation.person_id);
  return out;
}

}  // namespace facecheck::checkin
