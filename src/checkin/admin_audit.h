// The audit trail of what administrators change: one row per change made
// through the admin API (who, what, when, to which event or person), beside
// the rows guests, kiosks and desks leave (consent, QR and desk check-ins).
// Rows carry ids and counts only, never a name, a face or a secret, so that
// they may outlive what they describe (docs/privacy.md, "The audit log").
#pragma once

#include <optional>
#include <string>

#include "storage/records.h"
#include "storage/store.h"

namespace facecheck::checkin {

// One change, named in the past tense: "event_created", "face_deleted".
struct AdminAction {
  std::string action;
  std::optional<storage::Id> event_id;
  std::optional<storage::Id> person_id;
  storage::AuditDetails details;
};

// Appends `action` as done by `actor` ("admin:1") now.
void record_admin_action(storage::Store& store, const std::string& actor,
                         const AdminAction& action);

// Every audit row at or after `since` (unix seconds), of any event or of
// none, as CSV for spreadsheets: at,action,actor,event_id,person_id,details.
std::string export_audit_log_csv(const storage::Store& store, storage::Timestamp since);

}  // namespace facecheck::checkin
