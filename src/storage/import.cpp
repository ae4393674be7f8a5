// Bulk import of an event's attendee list: all rows or none.
#include <algorithm>
#include <unordered_map>

#include "storage/store.h"
#include "storage/store_internal.h"

namespace facecheck::storage {

using namespace internal;

namespace {

// Normalises every row in place and reports what can be judged from the
// rows alone: invalid fields, and an external_id that an earlier row
// already used. `bad[i]` is set for each reported row.
std::vector<ImportRowError> check_rows(std::vector<Person>& rows, std::vector<bool>& bad) {
  std::vector<ImportRowError> errors;
  std::unordered_map<std::string, size_t> first_row;
  for (size_t i = 0; i < rows.size(); ++i) {
    std::string error = check_person(rows[i]);
    if (error.empty() && rows[i].external_id) {
      const auto [it, inserted] = first_row.emplace(*rows[i].external_id, i);
      if (!inserted) error = "external_id \"" + it->first + "\" appears in an earlier row too";
    }
    if (!error.empty()) {
      errors.push_back({i, std::move(error)});
      bad[i] = true;
    }
  }
  return errors;
}

std::optional<Id> person_with_external_id(Database& db, const std::optional<std::string>& id) {
  if (!id) return std::nullopt;
  Statement stmt = db.prepare("SELECT id FROM people WHERE external_id = ?");
  stmt.bind(1, *id);
  if (!stmt.step()) return std::nullopt;
  return stmt.int64(0);
}

Id insert_person(Database& db, const Person& p, Timestamp at) {
  Statement stmt = db.prepare(
      "INSERT INTO people (name, organisation, title, email, phone, external_id, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
  stmt.bind_all(p.name, p.organisation, p.title, p.email, p.phone, p.external_id, at);
  stmt.expect_row("insert returned no row");
  return stmt.int64(0);
}

void link_attendee(Database& db, Id event_id, Id person_id, Timestamp at) {
  Statement stmt = db.prepare(
      "INSERT INTO event_attendees (event_id, person_id, added_at) VALUES (?, ?, ?) "
      "ON CONFLICT DO NOTHING");
  stmt.bind_all(event_id, person_id, at).run();
}

// Writes one row: links the existing person with its external_id (kLink),
// or creates the person. Returns an error message, or "" on success.
std::string write_row(Database& db, Id event_id, const Person& row, ExistingPeople existing,
                      Timestamp at, ImportResult& result, Id& person_id) {
  if (const auto found = person_with_external_id(db, row.external_id)) {
    if (existing == ExistingPeople::kReject)
      return "external_id \"" + *row.external_id + "\" already belongs to person " +
             std::to_string(*found);
    person_id = *found;
    ++result.linked;
  } else {
    person_id = insert_person(db, row, at);
    ++result.created;
  }
  link_attendee(db, event_id, person_id, at);
  return "";
}

// Writes every good row in one transaction and commits it when no row
// failed. Rows keep being written after an error so that one run reports
// every bad row; the rollback then discards them all. Each row runs under a
// savepoint: PostgreSQL refuses every statement after a failed one until
// the transaction, or a savepoint, is rolled back.
void write_rows(Database& db, Id event_id, const std::vector<Person>& people,
                const std::vector<bool>& bad, ExistingPeople existing, ImportResult& result) {
  Transaction tx(db);
  require_row(db, "events", event_id, "event");
  const Timestamp at = now();
  result.person_ids.assign(people.size(), 0);
  for (size_t i = 0; i < people.size(); ++i) {
    if (bad[i]) continue;
    std::string error;
    Savepoint row(db);
    try {
      error = write_row(db, event_id, people[i], existing, at, result, result.person_ids[i]);
    } catch (const Retryable&) {
      throw;  // the whole transaction is retried, not the row
    } catch (const StorageError& e) {
      // Some errors (disk full, I/O) end the transaction; carrying on would
      // write the remaining rows outside it.
      if (!db.in_transaction()) throw;
      row.rollback();
      error = e.what();
    }
    if (!error.empty()) result.errors.push_back({i, std::move(error)});
  }
  if (!result.ok()) {
    std::stable_sort(result.errors.begin(), result.errors.end(),
                     [](const auto& a, const auto& b) { return a.row < b.row; });
    result = ImportResult{std::move(result.errors), {}, 0, 0};
    return;  // tx rolls back
  }
  tx.commit();
}

}  // namespace

ImportResult Store::import_people(Id event_id, const std::vector<Person>& rows,
                                  ExistingPeople existing) {
  std::vector<Person> people = rows;
  std::vector<bool> bad(people.size(), false);
  const std::vector<ImportRowError> invalid_rows = check_rows(people, bad);
  return retrying([&] {
    return pool_->with_writer([&](Database& db) {
      ImportResult attempt;  // a retried attempt starts from scratch
      attempt.errors = invalid_rows;
      write_rows(db, event_id, people, bad, existing, attempt);
      return attempt;
    });
  });
}

}  // namespace facecheck::storage
