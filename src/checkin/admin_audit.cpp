#include "checkin/admin_audit.h"

#include "checkin/csv.h"

namespace facecheck::checkin {
namespace {

std::string optional_id(const std::optional<storage::Id>& id) {
  return id ? std::to_string(*id) : "";
}

}  // namespace

void record_admin_action(storage::Store& store, const std::string& actor,
                         const AdminAction& action) {
  store.append_audit(
      {0, 0, action.event_id, action.person_id, action.action, actor, action.details});
}

std::string export_audit_log_csv(const storage::Store& store, storage::Timestamp since) {
  std::string out = "\xEF\xBB\xBF";  // so that spreadsheets read UTF-8
  out += csv_row({"at", "action", "actor", "event_id", "person_id", "details"});
  for (const auto& e : store.list_audit_since(since))
    out += csv_row({iso_time(e.at), e.action, e.actor, optional_id(e.event_id),
                    optional_id(e.person_id), storage::audit_details_text(e.details)});
  return out;
}

}  // namespace facecheck::checkin
