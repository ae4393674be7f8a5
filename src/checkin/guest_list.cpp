// Guest lists in and out as CSV, and the live statistics of an event.
#include <algorithm>
#include <ctime>
#include <map>

#include "checkin/checkin_service.h"
#include "checkin/csv.h"

namespace facecheck::checkin {
namespace {

// Header names we accept for each person field (English and Chinese, as
// organisers' spreadsheets come in both).
const std::map<std::string, std::string>& column_aliases() {
  static const std::map<std::string, std::string> aliases = {
      {"name", "name"},
      {"姓名", "name"},
      {"organisation", "organisation"},
      {"organization", "organisation"},
      {"company", "organisation"},
      {"单位", "organisation"},
      {"公司", "organisation"},
      {"title", "title"},
      {"职务", "title"},
      {"职位", "title"},
      {"email", "email"},
      {"邮箱", "email"},
      {"phone", "phone"},
      {"电话", "phone"},
      {"手机", "phone"},
      {"external_id", "external_id"},
      {"id", "external_id"},
      {"编号", "external_id"},
  };
  return aliases;
}

std::string lower_ascii(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

ImportSummary CheckinService::import_csv(storage::Id event_id, std::string_view csv,
                                         bool link_existing) {
  store_.get_event(event_id);  // NotFound before we parse anything
  std::vector<std::vector<std::string>> table;
  try {
    table = parse_csv(csv);
  } catch (const CsvError& e) {
    throw DomainError(Reason::kInvalidCsv, {}, e.what());
  }
  if (table.empty()) throw DomainError(Reason::kInvalidCsv, {}, "The CSV file is empty");

  std::vector<std::string> fields;  // field per column, "" = ignored
  bool has_name = false;
  for (const auto& header : table[0]) {
    auto it = column_aliases().find(lower_ascii(header));
    fields.push_back(it == column_aliases().end() ? "" : it->second);
    has_name |= fields.back() == "name";
  }
  if (!has_name) throw DomainError(Reason::kInvalidCsv, {}, "The header row needs a 'name' column");

  std::vector<storage::Person> rows;
  std::vector<size_t> line_of_row;  // blank lines are skipped, so keep the mapping
  for (size_t r = 1; r < table.size(); ++r) {
    const auto& row = table[r];
    if (row.size() == 1 && row[0].empty()) continue;  // blank line
    line_of_row.push_back(r + 1);
    storage::Person p;
    for (size_t c = 0; c < row.size() && c < fields.size(); ++c) {
      const std::string& f = fields[c];
      if (f == "name")
        p.name = row[c];
      else if (f == "organisation")
        p.organisation = row[c];
      else if (f == "title")
        p.title = row[c];
      else if (f == "email")
        p.email = row[c];
      else if (f == "phone")
        p.phone = row[c];
      else if (f == "external_id" && !row[c].empty())
        p.external_id = row[c];
    }
    rows.push_back(p);
  }
  const auto result = store_.import_people(
      event_id, rows,
      link_existing ? storage::ExistingPeople::kLink : storage::ExistingPeople::kReject);
  if (!result.ok()) {
    RowProblems problems;
    for (const auto& e : result.errors) problems.rows.push_back({line_of_row.at(e.row), e.message});
    throw DomainError(Reason::kImportRejected, problems);
  }
  galleries_.attendance_changed(event_id);
  return {rows.size(), size_t(result.created), size_t(result.linked)};
}

std::string CheckinService::export_csv(storage::Id event_id) {
  store_.get_event(event_id);
  std::string out = "\xEF\xBB\xBF";  // BOM: spreadsheets then read the UTF-8 names right
  out += csv_row({"person_id", "name", "organisation", "title", "email", "phone", "external_id",
                  "enrolled", "checked_in", "checked_in_at"});
  for (const auto& a : store_.list_attendees(event_id)) {
    const auto& p = a.person;
    out += csv_row({std::to_string(p.id), p.name, p.organisation, p.title, p.email, p.phone,
                    p.external_id.value_or(""), a.template_count > 0 ? "yes" : "no",
                    a.checked_in_at ? "yes" : "no",
                    a.checked_in_at ? iso_time(*a.checked_in_at) : ""});
  }
  return out;
}

std::string CheckinService::export_audit_csv(storage::Id event_id) {
  store_.get_event(event_id);
  std::string out = "\xEF\xBB\xBF";
  out += csv_row({"at", "action", "actor", "person_id", "details"});
  for (const auto& e : store_.list_audit(event_id))
    out +=
        csv_row({iso_time(e.at), e.action, e.actor, e.person_id ? std::to_string(*e.person_id) : "",
                 storage::audit_details_text(e.details)});
  return out;
}

EventStatistics CheckinService::stats(storage::Id event_id) {
  return {event_id, store_.event_stats(event_id, 600), challenges_.failures(event_id)};
}

}  // namespace facecheck::checkin
