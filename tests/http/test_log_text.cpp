// log_safe: what a client sends is escaped before it reaches a log line.
#include <gtest/gtest.h>

#include "http/log_text.h"

namespace facecheck::http {
namespace {

using namespace std::string_literals;

TEST(LogSafe, PrintableAsciiAndChineseStayAsTheyAre) {
  EXPECT_EQ(log_safe("/api/v1/events/12/checkin?x=1"), "/api/v1/events/12/checkin?x=1");
  EXPECT_EQ(log_safe("/people/李雷 über €"), "/people/李雷 über €");
  EXPECT_EQ(log_safe("😀"), "😀");
}

TEST(LogSafe, ControlBytesAreEscaped) {
  EXPECT_EQ(log_safe("a\r\nb"), "a\\x0d\\x0ab");
  EXPECT_EQ(log_safe("\x1b[31mred"), "\\x1b[31mred");
  EXPECT_EQ(log_safe("nul\0end"s), "nul\\x00end");
  EXPECT_EQ(log_safe("\t\x07\x7f"), "\\x09\\x07\\x7f");
  for (int c = 0; c < 0x20; ++c)
    EXPECT_EQ(log_safe(std::string(1, static_cast<char>(c))).substr(0, 2), "\\x") << c;
}

TEST(LogSafe, BackslashesAreDoubledSoEscapesCannotBeForged) {
  EXPECT_EQ(log_safe("\\x0a"), "\\\\x0a");
  EXPECT_EQ(log_safe("a\\b"), "a\\\\b");
}

TEST(LogSafe, C1ControlsAndInvalidUtf8AreEscaped) {
  EXPECT_EQ(log_safe("\xc2\x9b"
                     "31m"),
            "\\xc2\\x9b31m");                              // U+009B, the 8-bit CSI
  EXPECT_EQ(log_safe("\x9b"), "\\x9b");                    // a lone continuation byte
  EXPECT_EQ(log_safe("\xe6\x9d"), "\\xe6\\x9d");           // a truncated sequence
  EXPECT_EQ(log_safe("\xc0\xaf"), "\\xc0\\xaf");           // an overlong '/'
  EXPECT_EQ(log_safe("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
  EXPECT_EQ(log_safe("\xc2\xa0"), "\xc2\xa0");             // U+00A0 is fine
}

}  // namespace
}  // namespace facecheck::http
