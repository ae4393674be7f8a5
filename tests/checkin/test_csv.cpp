#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "checkin/csv.h"

using namespace facecheck::checkin;

namespace {

using Rows = std::vector<std::vector<std::string>>;

// The line a CsvError reports, or 0 when nothing was thrown.
int error_line(std::string_view text) {
  try {
    parse_csv(text);
  } catch (const CsvError& e) {
    EXPECT_NE(std::string(e.what()).find("line " + std::to_string(e.line)), std::string::npos)
        << e.what();
    return e.line;
  }
  return 0;
}

}  // namespace

TEST(ParseCsv, ChineseNamesAndQuotedSeparators) {
  const std::string text =
      "姓名,手机,单位\r\n"
      "张三,13800000000,\"北京市,朝阳区\"\r\n"
      "欧阳娜娜,,\"第一行\n第二行\"\r\n"
      "\"He said \"\"你好\"\"\",x,\"\"\r\n";
  const Rows want = {{"姓名", "手机", "单位"},
                     {"张三", "13800000000", "北京市,朝阳区"},
                     {"欧阳娜娜", "", "第一行\n第二行"},
                     {"He said \"你好\"", "x", ""}};
  EXPECT_EQ(parse_csv(text), want);
}

TEST(ParseCsv, BomAndLineEndings) {
  EXPECT_EQ(parse_csv("\xEF\xBB\xBFname,email\r\nA,a@x\r\n"),
            (Rows{{"name", "email"}, {"A", "a@x"}}));
  EXPECT_EQ(parse_csv("a\nb\r\nc\rd"), (Rows{{"a"}, {"b"}, {"c"}, {"d"}}));
  // Line breaks inside quotes are data and stay byte for byte.
  EXPECT_EQ(parse_csv("\"x\r\ny\",z\r\n"), (Rows{{"x\r\ny", "z"}}));
  // Only a BOM at the very start is a BOM.
  EXPECT_EQ(parse_csv("a\n\xEF\xBB\xBF"
                      "b\n"),
            (Rows{{"a"},
                  {"\xEF\xBB\xBF"
                   "b"}}));
  EXPECT_TRUE(parse_csv("").empty());
  EXPECT_TRUE(parse_csv("\xEF\xBB\xBF").empty());
}

TEST(ParseCsv, BlankLines) {
  EXPECT_EQ(parse_csv("a,b\r\n"), (Rows{{"a", "b"}}));
  EXPECT_EQ(parse_csv("a,b"), (Rows{{"a", "b"}}));
  EXPECT_EQ(parse_csv("a,b\r\n\r\n\n"), (Rows{{"a", "b"}}));  // editors leave these
  EXPECT_EQ(parse_csv("a\n\nb\n"), (Rows{{"a"}, {""}, {"b"}}));
  EXPECT_TRUE(parse_csv("\n\r\n").empty());
  EXPECT_EQ(parse_csv("a\n\"\"\n"), (Rows{{"a"}, {""}}));  // an explicit "" is not blank
  EXPECT_EQ(parse_csv("a\n,\n"), (Rows{{"a"}, {"", ""}}));
}

TEST(ParseCsv, RaggedRowsAndSpacesAsIs) {
  EXPECT_EQ(parse_csv("a,b,c\nd\ne,f,\n,\n"),
            (Rows{{"a", "b", "c"}, {"d"}, {"e", "f", ""}, {"", ""}}));
  EXPECT_EQ(parse_csv(" a , b ,"), (Rows{{" a ", " b ", ""}}));
  // A stray quote inside an unquoted field is text.
  EXPECT_EQ(parse_csv("5\" screen,ok\n"), (Rows{{"5\" screen", "ok"}}));
}

TEST(ParseCsv, UnterminatedQuoteReportsWhereItOpens) {
  EXPECT_EQ(error_line("name,note\nA,\"never closed\nB,x\nC,y\n"), 2);
  EXPECT_EQ(error_line("\""), 1);
  EXPECT_EQ(error_line("a\r\nb\r\n\"x\"\"\r\n"), 3);  // the last "" is an escape, not a close
  // Lines inside an earlier quoted field still count.
  EXPECT_EQ(error_line("\"1\n2\n3\",ok\n\"open"), 4);
}

TEST(ParseCsv, TextAfterClosingQuoteIsAnError) {
  EXPECT_EQ(error_line("ok\n\"abc\"def,x\n"), 2);
  EXPECT_EQ(error_line("\"a\" ,b"), 1);
}

TEST(ParseCsv, InvalidUtf8IsAnError) {
  // 张三 as GBK, which is what Chinese Excel writes for "CSV".
  EXPECT_EQ(error_line("name\nA\n\xD5\xC5\xC8\xFD\n"), 3);
  EXPECT_EQ(error_line("\xC0\xAF"), 1);           // overlong '/'
  EXPECT_EQ(error_line("\xE0\x80\xAF"), 1);       // overlong, 3 bytes
  EXPECT_EQ(error_line("a\r\n\xED\xA0\x80"), 2);  // UTF-16 surrogate
  EXPECT_EQ(error_line("\xF4\x90\x80\x80"), 1);   // above U+10FFFF
  EXPECT_EQ(error_line("ok,\xE4\xB8"), 1);        // truncated at end of file
  EXPECT_EQ(error_line("\xE4\xB8,x"), 1);         // truncated before ASCII
  EXPECT_EQ(error_line("\x80"), 1);               // stray continuation
  EXPECT_EQ(error_line("\"a\nb\xFF\""), 2);       // inside a quoted field
  try {
    parse_csv("\xD5\xC5");
    FAIL();
  } catch (const CsvError& e) {
    EXPECT_NE(std::string(e.what()).find("UTF-8"), std::string::npos);
  }
  // Boundaries that are valid: U+0080, U+07FF, U+FFFF, U+10FFFF, an emoji.
  EXPECT_EQ(
      parse_csv("\xC2\x80,\xDF\xBF,\xEF\xBF\xBF,\xF4\x8F\xBF\xBF,\xF0\x9F\x98\x80"),
      (Rows{{"\xC2\x80", "\xDF\xBF", "\xEF\xBF\xBF", "\xF4\x8F\xBF\xBF", "\xF0\x9F\x98\x80"}}));
}

TEST(CsvField, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("张三"), "张三");
  EXPECT_EQ(csv_field(" spaced "), " spaced ");
  EXPECT_EQ(csv_field(""), "");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\rx"), "\"cr\rx\"");
  EXPECT_EQ(csv_row({"a", "", "b c"}), "a,,b c\r\n");
  EXPECT_EQ(csv_row({""}), "\"\"\r\n");
}

TEST(CsvField, GuardsAgainstFormulaInjection) {
  EXPECT_EQ(csv_field("=HYPERLINK(\"http://evil\")"), "\"'=HYPERLINK(\"\"http://evil\"\")\"");
  EXPECT_EQ(csv_field("=1+1"), "'=1+1");
  EXPECT_EQ(csv_field("+8613800000000"), "'+8613800000000");
  EXPECT_EQ(csv_field("-2+3"), "'-2+3");
  EXPECT_EQ(csv_field("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(csv_field("\t=1"), "'\t=1");  // OWASP: some spreadsheets skip tab and CR first
  EXPECT_EQ(csv_field("\r=1"), "\"'\r=1\"");
  EXPECT_EQ(csv_field("=1,2"), "\"'=1,2\"");
  // Only the first character matters.
  EXPECT_EQ(csv_field("a=b"), "a=b");
  EXPECT_EQ(csv_field("x-1"), "x-1");
  EXPECT_EQ(parse_csv(csv_row({"=cmd|' /C calc'!A0"})), (Rows{{"'=cmd|' /C calc'!A0"}}));
}

TEST(Csv, RoundTripsTrickyStrings) {
  const std::vector<std::string> tricky = {
      "",
      " ",
      ",",
      "\"",
      "\"\"",
      "a\"b",
      "\"a\"",
      "line\nbreak",
      "crlf\r\nx",
      "lone\rcr",
      "\n",
      "x\r\n",
      "张三",
      "欧阳,娜娜",
      "😀 emoji",
      "  padded  ",
      "'already'",
      "trailing,",
      "a,\"b\"\nc",
      "\xEF\xBB\xBF"
      "bom",
      "tab\tin",
      "5\" screen",
      "back\\slash",
  };
  for (const auto& s : tricky) {
    EXPECT_EQ(parse_csv(csv_row({s})), Rows{{s}}) << "[" << s << "]";
  }
  // Whole rows, several per file, including all-empty ones.
  const Rows rows = {tricky, {"", ""}, {""}, {"x"}, {"张三", "", "a\nb"}, {""}};
  std::string file = "\xEF\xBB\xBF";
  for (const auto& r : rows) file += csv_row(r);
  EXPECT_EQ(parse_csv(file), rows);
}

TEST(Csv, RoundTripsRandomFiles) {
  // Pieces that stress the quoting rules.
  const std::vector<std::string> pieces = {"a", ",", "\"", "\n", "\r\n", " ", "张", "'"};
  std::mt19937 rng(9);
  for (int file_no = 0; file_no < 200; ++file_no) {
    Rows rows(1 + rng() % 5);
    for (auto& row : rows) {
      row.resize(1 + rng() % 4);
      for (auto& field : row) {
        for (unsigned n = rng() % 6; n > 0; --n) field += pieces[rng() % pieces.size()];
        if (field.starts_with('\r')) field = "a" + field;  // keep the formula guard out of it
      }
    }
    std::string file;
    for (const auto& r : rows) file += csv_row(r);
    ASSERT_EQ(parse_csv(file), rows) << file;
  }
}
