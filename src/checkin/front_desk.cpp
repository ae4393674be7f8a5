#include "checkin/front_desk.h"

#include <algorithm>
#include <map>

namespace facecheck::checkin {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool matches(const storage::Person& p, const std::string& needle) {
  if (needle.empty()) return true;
  for (const std::string* field : {&p.name, &p.organisation, &p.phone, &p.email})
    if (lower(*field).find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

DeskSearch FrontDesk::search(storage::Id event_id, const std::string& text, size_t limit) const {
  storage::Store& store = checkin_.store();
  std::map<storage::Id, storage::ConsentState> consent;
  for (const auto& row : store.list_invitations(event_id))
    if (!row.invitation.revoked_at) consent[row.invitation.person_id] = row.consent;
  const std::string needle = lower(text);
  DeskSearch found;
  for (auto& a : store.list_attendees(event_id)) {
    if (!matches(a.person, needle)) continue;
    ++found.total;
    if (found.attendees.size() >= limit) continue;
    DeskAttendee d{std::move(a), std::nullopt};
    if (const auto it = consent.find(d.attendee.person.id); it != consent.end())
      d.consent = it->second;
    found.attendees.push_back(std::move(d));
  }
  return found;
}

CodeCheckIn FrontDesk::check_in(storage::Id event_id, storage::Id person_id,
                                std::optional<storage::Id> device_id, const std::string& actor) {
  checkin_.require_checkin_open(checkin_.store().get_event(event_id));
  CodeCheckIn out;
  out.result =
      checkin_.check_in_attendee(event_id, person_id, device_id, storage::CheckInMethod::kManual);
  out.person = checkin_.store().get_person(person_id);
  if (!out.result.already)
    checkin_.store().append_audit(
        {0, checkin_.now(), event_id, person_id, "checkin_manual", actor, {}});
  return out;
}

void FrontDesk::undo(storage::Id event_id, storage::Id person_id, const std::string& actor) {
  checkin_.store().get_event(event_id);  // NotFound for an unknown event
  const storage::AuditEntry audit{0, checkin_.now(), event_id, person_id, "checkin_undone", actor,
                                  {}};
  if (!checkin_.store().undo_checkin(event_id, person_id, audit))
    throw DomainError(Reason::kNotCheckedIn);
}

WalkIn FrontDesk::walk_in(storage::Id event_id, const storage::Person& person, bool check_in_now,
                          std::optional<storage::Id> device_id, const std::string& actor) {
  const storage::Event event = checkin_.store().get_event(event_id);
  if (check_in_now) checkin_.require_checkin_open(event);
  WalkIn out;
  out.person = checkin_.create_attendee(event_id, person);
  try {
    out.invitation = invitations_.invite(event_id, {out.person.id}).invitations.at(0);
  } catch (...) {
    checkin_.delete_person(out.person.id);  // nothing half-made stays behind
    throw;
  }
  checkin_.store().append_audit(
      {0, checkin_.now(), event_id, out.person.id, "walk_in_registered", actor, {}});
  if (check_in_now) out.check_in = check_in(event_id, out.person.id, device_id, actor).result;
  return out;
}

}  // namespace facecheck::checkin
