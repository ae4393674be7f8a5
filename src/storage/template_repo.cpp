// Face templates: a person's enrolled embeddings and, optionally, the photos
// they were computed from.
#include "storage/store.h"
#include "storage/store_internal.h"
#include "vision/recognizer_model.h"

namespace facecheck::storage {

using namespace internal;

namespace {

// A template must say which model made it, with that model's dimension:
// the gallery never compares embeddings of different models.
std::string check_embedding_model(const std::string& model, size_t dimension) {
  try {
    const auto& card = vision::recognizer_model(model);
    if (size_t(card.dimension) != dimension)
      return "embedding has " + std::to_string(dimension) + " values; model " + model + " makes " +
             std::to_string(card.dimension);
    return "";
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
}

std::vector<FaceTemplate> read_templates(Statement& stmt) {
  std::vector<FaceTemplate> templates;
  while (stmt.step()) templates.push_back(template_from_row(stmt));
  return templates;
}

}  // namespace

FaceTemplate Store::add_template(const FaceTemplate& tmpl, const std::optional<Bytes>& photo) {
  std::string label = tmpl.label;
  throw_if_invalid(check_text(label, "label", false));
  throw_if_invalid(check_embedding_model(tmpl.model, tmpl.embedding.size()));
  const Bytes embedding = encode_embedding(tmpl.embedding);
  const std::string quality = encode_quality(tmpl.quality);
  return write(*pool_, [&](Database& db) {
    require_row(db, "people", tmpl.person_id, "person");
    Statement stmt = db.prepare(
        std::string("INSERT INTO face_templates (person_id, model, dim, embedding, quality, "
                    "label, photo, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING ") +
        kTemplateColumns);
    stmt.bind_all(tmpl.person_id, tmpl.model, static_cast<std::int64_t>(tmpl.embedding.size()),
                  embedding, quality, label, photo, now());
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

Scrub Store::delete_template(Id template_id) {
  return write_and_scrub(*pool_, *scrubber_, [&](Database& db) {
    Statement stmt = db.prepare("DELETE FROM face_templates WHERE id = ?");
    stmt.bind(1, template_id).run();
    if (db.changes() == 0)
      throw NotFound("face template " + std::to_string(template_id) + " not found");
  });
}

std::vector<FaceTemplate> Store::list_reembeddable(const std::string& model) const {
  return read(*pool_, [&](Database& db) {
    Statement stmt = db.prepare(std::string("SELECT ") + kTemplateColumns +
                                " FROM face_templates WHERE photo IS NOT NULL AND model != ?"
                                " ORDER BY id");
    stmt.bind(1, model);
    return read_templates(stmt);
  });
}

std::int64_t Store::count_not_reembeddable(const std::string& model) const {
  return read(*pool_, [&](Database& db) {
    Statement stmt =
        db.prepare("SELECT count(*) FROM face_templates WHERE photo IS NULL AND model != ?");
    stmt.bind(1, model);
    stmt.expect_row("count returned no row");
    return stmt.int64(0);
  });
}

FaceTemplate Store::replace_template(Id old_id, const FaceTemplate& replacement) {
  throw_if_invalid(check_embedding_model(replacement.model, replacement.embedding.size()));
  const Bytes embedding = encode_embedding(replacement.embedding);
  const std::string quality = encode_quality(replacement.quality);
  return write_and_scrub(*pool_, *scrubber_, [&](Database& db) {
    // The photo moves inside SQLite, never through this process's memory.
    Statement insert = db.prepare(
        std::string("INSERT INTO face_templates (person_id, model, dim, embedding, quality, "
                    "label, photo, created_at) SELECT person_id, ?, ?, ?, ?, label, photo, ? "
                    "FROM face_templates WHERE id = ? RETURNING ") +
        kTemplateColumns);
    insert.bind_all(replacement.model, static_cast<std::int64_t>(replacement.embedding.size()),
                    embedding, quality, now(), old_id);
    if (!insert.step()) throw NotFound("face template " + std::to_string(old_id) + " not found");
    FaceTemplate added = template_from_row(insert);
    while (insert.step()) {
    }  // run to completion before the next statement
    db.prepare("DELETE FROM face_templates WHERE id = ?").bind_all(old_id).run();
    return added;
  });
}

std::int64_t Store::delete_all_photos() {
  return write_and_scrub(*pool_, *scrubber_, [&](Database& db) {
    db.exec("UPDATE face_templates SET photo = NULL WHERE photo IS NOT NULL");
    return static_cast<std::int64_t>(db.changes());
  });
}

// ---- Retention ----

std::vector<FacesDue> Store::faces_due_for_purge(Timestamp now) const {
  return read(*pool_, [&](Database& db) {
    // Per enrolled attendee, the event whose retention ends last; a person
    // is due only when even that one has ended.
    Statement stmt = db.prepare(
        "SELECT person_id, event_id, due_at FROM ("
        "  SELECT a.person_id, e.id AS event_id,"
        "    e.ends_at + 60 * e.checkin_closes_after_min + 86400 * e.retain_faces_days AS due_at,"
        "    row_number() OVER (PARTITION BY a.person_id ORDER BY"
        "      e.ends_at + 60 * e.checkin_closes_after_min + 86400 * e.retain_faces_days DESC,"
        "      e.id DESC) AS latest"
        "  FROM event_attendees a JOIN events e ON e.id = a.event_id"
        "  WHERE EXISTS (SELECT 1 FROM face_templates t WHERE t.person_id = a.person_id))"
        " WHERE latest = 1 AND due_at <= ? ORDER BY person_id");
    stmt.bind(1, now);
    std::vector<FacesDue> due;
    while (stmt.step()) due.push_back({stmt.int64(0), stmt.int64(1), stmt.int64(2)});
    return due;
  });
}

Scrub Store::purge_faces(Id person_id, const AuditEntry& audit) {
  return write_and_scrub(*pool_, *scrubber_, [&](Database& db) {
    Statement del = db.prepare("DELETE FROM face_templates WHERE person_id = ?");
    del.bind(1, person_id).run();
    AuditEntry entry = audit;
    entry.details["templates"] = static_cast<std::int64_t>(db.changes());
    append_audit_row(db, entry);
  });
}

}  // namespace facecheck::storage
