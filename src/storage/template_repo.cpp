// Face templates: a person's enrolled embeddings and, optionally, the photos
// they were computed from.
#include "storage/store.h"
#include "storage/store_internal.h"

namespace facecheck::storage {

using namespace internal;

namespace {

std::vector<FaceTemplate> read_templates(Statement& stmt) {
  std::vector<FaceTemplate> templates;
  while (stmt.step()) templates.push_back(template_from_row(stmt));
  return templates;
}

}  // namespace

FaceTemplate Store::add_template(const FaceTemplate& tmpl, const std::optional<Bytes>& photo) {
  std::string label = tmpl.label;
  throw_if_invalid(check_text(label, "label", false));
  const Bytes embedding = encode_embedding(tmpl.embedding);
  const std::string quality = encode_json(tmpl.quality);
  return write(*pool_, [&](Database& db) {
    require_row(db, "people", tmpl.person_id, "person");
    Statement stmt = db.prepare(
        std::string("INSERT INTO face_templates (person_id, embedding, quality, label, photo, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING ") +
        kTemplateColumns);
    stmt.bind_all(tmpl.person_id, embedding, quality, label, photo, now());
    stmt.expect_row("insert returned no row");
    return template_from_row(stmt);
  });
}

std::vector<FaceTemplate> Store::list_templates(Id person_id) const {
  return read(*pool_, [&](Database& db) {
    require_row(db, "people", person_id, "person");
    Statement stmt = db.prepare(std::string("SELECT ") + kTemplateColumns +
                                " FROM face_templates WHERE person_id = ? ORDER BY id");
    stmt.bind(1, person_id);
    return read_templates(stmt);
  });
}

std::vector<FaceTemplate> Store::list_event_templates(Id event_id) const {
  return read(*pool_, [&](Database& db) {
    require_row(db, "events", event_id, "event");
    Statement stmt = db.prepare(
        std::string("SELECT ") + kTemplateColumns +
        " FROM event_attendees a JOIN face_templates ON face_templates.person_id = a.person_id"
        " WHERE a.event_id = ? ORDER BY face_templates.person_id, face_templates.id");
    stmt.bind(1, event_id);
    return read_templates(stmt);
  });
}

std::optional<Bytes> Store::template_photo(Id template_id) const {
  return read(*pool_, [&](Database& db) -> std::optional<Bytes> {
    Statement stmt = db.prepare("SELECT photo FROM face_templates WHERE id = ?");
    stmt.bind(1, template_id);
    stmt.expect_row("face template " + std::to_string(template_id) + " not found");
    if (stmt.is_null(0)) return std::nullopt;
    return stmt.blob(0);
  });
}

void Store::delete_template(Id template_id) {
  write_and_scrub(*pool_, [&](Database& db) {
    Statement stmt = db.prepare("DELETE FROM face_templates WHERE id = ?");
    stmt.bind(1, template_id).run();
    if (db.changes() == 0)
      throw NotFound("face template " + std::to_string(template_id) + " not found");
  });
}

std::int64_t Store::delete_all_photos() {
  return write_and_scrub(*pool_, [&](Database& db) {
    db.exec("UPDATE face_templates SET photo = NULL WHERE photo IS NOT NULL");
    return static_cast<std::int64_t>(db.changes());
  });
}

}  // namespace facecheck::storage
