#include "storage/store_internal.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <random>
#include <thread>
#include <tuple>

namespace facecheck::storage::internal {
namespace {

// Generous for names, emails and titles; it only stops pasted documents.
constexpr size_t kMaxTextBytes = 1000;

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

Timestamp now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

void pause_before_retry(int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  const int base_ms = 2 << std::min(attempt, 6);  // 4, 8, 16 ... ms
  std::uniform_int_distribution<int> jitter(0, base_ms);
  std::this_thread::sleep_for(std::chrono::milliseconds(base_ms + jitter(random)));
}

void require_row(Database& db, std::string_view table, Id id, std::string_view what) {
  // `table` is always a literal from this layer, never user input.
  Statement stmt = db.prepare("SELECT 1 FROM " + std::string(table) + " WHERE id = ?");
  stmt.bind(1, id);
  stmt.expect_row(std::string(what) + " " + std::to_string(id) + " not found");
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && is_ascii_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_ascii_space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

std::string check_text(std::string& text, std::string_view field, bool required) {
  text = trimmed(text);
  const std::string name(field);
  if (!is_valid_utf8(text)) return name + " is not valid UTF-8";
  if (text.find('\0') != std::string::npos) return name + " contains a NUL character";
  if (required && text.empty()) return name + " is empty";
  if (text.size() > kMaxTextBytes)
    return name + " is longer than " + std::to_string(kMaxTextBytes) + " bytes";
  return "";
}

std::string check_person(Person& person) {
  for (auto [field, value, required] :
       {std::tuple{"name", &person.name, true},
        std::tuple{"organisation", &person.organisation, false},
        std::tuple{"title", &person.title, false}, std::tuple{"email", &person.email, false},
        std::tuple{"phone", &person.phone, false}}) {
    if (auto error = check_text(*value, field, required); !error.empty()) return error;
  }
  if (person.external_id) {
    if (auto error = check_text(*person.external_id, "external_id", false); !error.empty())
      return error;
    if (person.external_id->empty()) person.external_id.reset();
  }
  return "";
}

void throw_if_invalid(const std::string& message) {
  if (!message.empty()) throw Invalid(message);
}

Bytes encode_embedding(const vision::Embedding& embedding) {
  // Little-endian whatever the host, so a database file can move between
  // machines.
  Bytes out;
  out.reserve(embedding.size() * sizeof(float));
  for (float value : embedding) {
    if (!std::isfinite(value)) throw Invalid("embedding contains a non-finite value");
    const auto bits = std::bit_cast<std::uint32_t>(value);
    for (int shift = 0; shift < 32; shift += 8)
      out.push_back(static_cast<std::uint8_t>(bits >> shift));
  }
  return out;
}

vision::Embedding decode_embedding(const Bytes& blob, size_t dimension) {
  if (blob.size() != dimension * sizeof(float))
    throw StorageError("corrupt embedding: " + std::to_string(blob.size()) + " bytes, expected " +
                       std::to_string(dimension * sizeof(float)));
  vision::Embedding embedding(dimension);
  for (size_t i = 0; i < embedding.size(); ++i) {
    std::uint32_t bits = 0;
    for (int b = 3; b >= 0; --b) bits = (bits << 8) | blob[i * 4 + b];
    embedding[i] = std::bit_cast<float>(bits);
  }
  return embedding;
}

Person person_from_row(const Statement& row, int first) {
  Person p;
  p.id = row.int64(first);
  p.name = row.text(first + 1);
  p.organisation = row.text(first + 2);
  p.title = row.text(first + 3);
  p.email = row.text(first + 4);
  p.phone = row.text(first + 5);
  p.external_id = row.optional_text(first + 6);
  p.created_at = row.int64(first + 7);
  return p;
}

FaceTemplate template_from_row(const Statement& row) {
  FaceTemplate t;
  t.id = row.int64(0);
  t.person_id = row.int64(1);
  t.model = row.text(7);
  t.embedding = decode_embedding(row.blob(2), static_cast<size_t>(row.int64(8)));
  t.quality = decode_quality(row.text(3));
  t.label = row.text(4);
  t.has_photo = row.int64(5) != 0;
  t.created_at = row.int64(6);
  return t;
}

}  // namespace facecheck::storage::internal
