// RFC 4180 CSV, as used for guest-list import and attendance export. The
// files come from and go to spreadsheets (Excel, WPS, LibreOffice), so the
// parser accepts what they write and the writer defends against what they
// would execute.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace facecheck::checkin {

// A malformed file. `line` is the 1-based physical line (the one an editor
// shows), so an organizer can find and fix the spot.
struct CsvError : std::runtime_error {
  CsvError(int line, const std::string& message);
  int line;
};

// Parses UTF-8 CSV: optional BOM, CRLF, LF or lone-CR line ends, quoted fields
// with "" escapes and embedded separators and line breaks (kept verbatim).
// Rows keep however many fields they have. Blank lines at the end of the file
// are dropped; a blank line elsewhere is a row with one empty field.
// Throws CsvError on invalid UTF-8, an unterminated quoted field (reported at
// the line where it opens) or text between a closing quote and the next
// separator.
std::vector<std::vector<std::string>> parse_csv(std::string_view text);

// One field, quoted only when needed. A field that a spreadsheet would run as
// a formula gets a leading ' (see the definition).
std::string csv_field(std::string_view value);

// One record ending in CRLF. A record of a single empty field is written as
// "" so it reads back as itself rather than as a blank line.
std::string csv_row(const std::vector<std::string>& fields);

// A time as spreadsheets read it: ISO 8601 in UTC ("2026-12-02T09:30:00Z").
std::string iso_time(std::int64_t unix_seconds);

}  // namespace facecheck::checkin
