// People (attendees): CRUD, search, lookup by external id.
#include <algorithm>

#include "storage/store.h"
#include "storage/store_internal.h"

namespace facecheck::storage {

using namespace internal;

namespace {

constexpr int kMaxPageSize = 1000;

// `?1` is the search text: every searchable column is matched against it.
// lower() folds ASCII only, which is what SQLite offers without ICU; Chinese
// has no case, so substring matching is exact there.
constexpr const char* kSearchFilter =
    " WHERE ?1 = ''"
    " OR instr(lower(name), lower(?1)) > 0"
    " OR instr(lower(organisation), lower(?1)) > 0"
    " OR instr(lower(email), lower(?1)) > 0"
    " OR instr(phone, ?1) > 0"
    " OR instr(lower(external_id), lower(?1)) > 0";

// Throws Conflict when another person (not `self`) already has the
// external_id. The UNIQUE constraint would catch it too, but its message
// names a column, not the person who holds the value.
void require_free_external_id(Database& db, const std::optional<std::string>& external_id,
                              Id self) {
  if (!external_id) return;
  Statement stmt = db.prepare("SELECT id FROM people WHERE external_id = ? AND id != ?");
  stmt.bind_all(*external_id, self);
  if (stmt.step())
    throw Conflict("external_id \"" + *external_id + "\" already belongs to person " +
                   std::to_string(stmt.int64(0)));
}

}  // namespace

namespace {

// `p` is checked (check_person) already.
Person insert_person(Database& db, const Person& p) {
  require_free_external_id(db, p.external_id, 0);
  Statement stmt = db.prepare(
      std::string("INSERT INTO people (name, organisation, title, email, phone, external_id, "
                  "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ") +
      kPersonColumns);
  stmt.bind_all(p.name, p.organisation, p.title, p.email, p.phone, p.external_id, now());
  stmt.expect_row("insert returned no row");
  return person_from_row(stmt);
}

}  // namespace

Person Store::create_person(const Person& person) {
  Person p = person;
  throw_if_invalid(check_person(p));
  return write(*pool_, [&](Database& db) { return insert_person(db, p); });
}

Person Store::create_attendee(Id event_id, const Person& person) {
  Person p = person;
  throw_if_invalid(check_person(p));
  return write(*pool_, [&](Database& db) {
    require_row(db, "events", event_id, "event");
    const Person created = insert_person(db, p);
    Statement link =
        db.prepare("INSERT INTO event_attendees (event_id, person_id, added_at) VALUES (?, ?, ?)");
    link.bind_all(event_id, created.id, now()).run();
    return created;
  });
}

Person Store::get_person(Id id) const {
  return read(*pool_, [&](Database& db) {
    Statement stmt =
        db.prepare(std::string("SELECT ") + kPersonColumns + " FROM people WHERE id = ?");
    stmt.bind(1, id);
    stmt.expect_row("person " + std::to_string(id) + " not found");
    return person_from_row(stmt);
  });
}

std::optional<Person> Store::find_person_by_external_id(std::string_view external_id) const {
  const std::string key = trimmed(external_id);
  if (key.empty()) return std::nullopt;
  return read(*pool_, [&](Database& db) -> std::optional<Person> {
    Statement stmt =
        db.prepare(std::string("SELECT ") + kPersonColumns + " FROM people WHERE external_id = ?");
    stmt.bind(1, key);
    if (!stmt.step()) return std::nullopt;
    return person_from_row(stmt);
  });
}

Page<Person> Store::list_people(const PeopleQuery& query) const {
  const std::string search = trimmed(query.search);
  const int limit = std::clamp(query.limit, 1, kMaxPageSize);
  const int offset = std::max(query.offset, 0);
  return read(*pool_, [&](Database& db) {
    Page<Person> page;
    Statement count = db.prepare(std::string("SELECT count(*) FROM people") + kSearchFilter);
    count.bind(1, search).expect_row("count returned no row");
    page.total = count.int64(0);
    Statement stmt = db.prepare(std::string("SELECT ") + kPersonColumns + " FROM people" +
                                kSearchFilter + " ORDER BY name, id LIMIT ?2 OFFSET ?3");
    stmt.bind_all(search, limit, offset);
    while (stmt.step()) page.items.push_back(person_from_row(stmt));
    return page;
  });
}

Person Store::update_person(const Person& person) {
  Person p = person;
  throw_if_invalid(check_person(p));
  return write(*pool_, [&](Database& db) {
    require_row(db, "people", p.id, "person");
    require_free_external_id(db, p.external_id, p.id);
    Statement stmt = db.prepare(
        std::string("UPDATE people SET name = ?, organisation = ?, title = ?, email = ?, "
                    "phone = ?, external_id = ? WHERE id = ? RETURNING ") +
        kPersonColumns);
    stmt.bind_all(p.name, p.organisation, p.title, p.email, p.phone, p.external_id, p.id);
    stmt.expect_row("person " + std::to_string(p.id) + " not found");
    return person_from_row(stmt);
  });
}

Scrub Store::delete_person(Id id) {
  return write_and_scrub(*pool_, *scrubber_, [&](Database& db) {
    // The cascades remove templates (with their photos), attendance and
    // check-ins.
    Statement stmt = db.prepare("DELETE FROM people WHERE id = ?");
    stmt.bind(1, id).run();
    if (db.changes() == 0) throw NotFound("person " + std::to_string(id) + " not found");
  });
}

}  // namespace facecheck::storage
