#include "checkin/csv.h"

#include <ctime>

#include "storage/utf8.h"

namespace facecheck::checkin {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr size_t kNone = std::string_view::npos;

// The physical line of a byte offset, counting CRLF, LF and lone CR as one
// break each. Only called when reporting an error, so a rescan is fine.
int line_at(std::string_view text, size_t offset) {
  int line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
      ++line;
    }
  }
  return line;
}

bool at_record_end(std::string_view text, size_t i) {
  return i >= text.size() || text[i] == '\r' || text[i] == '\n';
}

}  // namespace

CsvError::CsvError(int line, const std::string& message)
    : std::runtime_error("CSV line " + std::to_string(line) + ": " + message), line(line) {}

std::vector<std::vector<std::string>> parse_csv(std::string_view text) {
  if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
  if (const size_t bad = storage::first_invalid_utf8(text); bad != kNone) {
    // Chinese Excel saves "CSV" as GBK by default; say how to get UTF-8.
    throw CsvError(line_at(text, bad),
                   "invalid UTF-8 (save the file as \"CSV UTF-8\"; GBK/ANSI is not supported)");
  }
  std::vector<std::vector<std::string>> records;
  size_t trailing_blank = 0;  // blank lines since the last non-blank record
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    std::vector<std::string> record;
    bool blank = true;  // nothing at all on the line, not even ""
    while (true) {
      std::string field;
      if (i < n && text[i] == '"') {
        blank = false;
        const size_t open = i++;
        while (true) {
          const size_t quote = text.find('"', i);
          if (quote == kNone) throw CsvError(line_at(text, open), "unterminated quoted field");
          field.append(text.substr(i, quote - i));
          i = quote + 1;
          if (i < n && text[i] == '"') {  // "" is an escaped quote
            field += '"';
            ++i;
          } else {
            break;
          }
        }
        if (!at_record_end(text, i) && text[i] != ',') {
          // Lenient readers would glue the text on; that hides a broken
          // export, so refuse instead.
          throw CsvError(line_at(text, i), "text after a closing quote");
        }
      } else {
        // A quote inside an unquoted field is kept as text (e.g. 5" screen).
        size_t end = text.find_first_of(",\r\n", i);
        if (end == kNone) end = n;
        field.append(text.substr(i, end - i));
        if (end > i) blank = false;
        i = end;
      }
      record.push_back(std::move(field));
      if (i < n && text[i] == ',') {
        blank = false;
        ++i;  // at the very end of the text this still yields one more, empty field
        continue;
      }
      break;
    }
    if (i < n) i += (text[i] == '\r' && i + 1 < n && text[i + 1] == '\n') ? 2 : 1;
    trailing_blank = blank ? trailing_blank + 1 : 0;
    records.push_back(std::move(record));
  }
  records.resize(records.size() - trailing_blank);
  return records;
}

std::string csv_field(std::string_view value) {
  std::string out;
  // Spreadsheet formula injection: Excel, WPS, LibreOffice and Sheets treat a
  // cell starting with = + - @ as a formula (some also skip a leading tab or
  // CR first), so a guest named =HYPERLINK(...) would run when an organizer
  // opens the export. A leading ' makes the cell plain text. This also marks
  // phone numbers like +86..., which keeps spreadsheets from turning them
  // into numbers.
  if (!value.empty() && std::string_view("=+-@\t\r").find(value.front()) != kNone) out += '\'';
  out += value;
  // A leading BOM would be stripped by a reader of the first field of a file.
  const bool quote = value.find_first_of(",\"\r\n") != kNone || value.starts_with(kBom);
  if (!quote) return out;
  std::string quoted = "\"";
  for (char c : out) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string csv_row(const std::vector<std::string>& fields) {
  if (fields.size() == 1 && fields.front().empty()) return "\"\"\r\n";
  std::string row;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) row += ',';
    row += csv_field(fields[i]);
  }
  row += "\r\n";
  return row;
}

std::string iso_time(std::int64_t unix_seconds) {
  char buf[32];
  std::tm tm{};
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace facecheck::checkin
