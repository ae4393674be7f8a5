// Guest-list CSV: parse_csv on arbitrary bytes must throw CsvError or give
// rows that survive a round trip through the writer (csv_row), which only
// adds the ' that defuses spreadsheet formulas.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "checkin/csv.h"
#include "fuzz_check.h"

using namespace facecheck::checkin;

namespace {

std::string defused(const std::string& field) {
  const bool formula =
      !field.empty() && std::string_view("=+-@\t\r").find(field[0]) != std::string_view::npos;
  return formula ? "'" + field : field;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::vector<std::string>> rows;
  try {
    rows = parse_csv(text);
  } catch (const CsvError& e) {
    FUZZ_CHECK(e.line >= 1);
    return 0;
  }
  std::string written;
  for (const auto& row : rows) written += csv_row(row);
  const auto again = parse_csv(written);  // our own output must parse
  FUZZ_CHECK(again.size() == rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    FUZZ_CHECK(again[r].size() == rows[r].size());
    for (size_t f = 0; f < rows[r].size(); ++f) FUZZ_CHECK(again[r][f] == defused(rows[r][f]));
  }
  return 0;
}
