#include "http/log_text.h"

#include "storage/utf8.h"

namespace facecheck::http {
namespace {

void escape_byte(std::string& out, unsigned char c) {
  static const char* const kHex = "0123456789abcdef";
  out += "\\x";
  out += kHex[c >> 4];
  out += kHex[c & 0xf];
}

// The length of the valid UTF-8 sequence starting at text[i], or 0 for an
// invalid one and for the C1 controls U+0080..U+009F (C2 80..C2 9F), which
// terminals obey like the C0 ones.
size_t printable_utf8_length(std::string_view text, size_t i) {
  const size_t length = storage::utf8_sequence_length(text, i);
  if (length == 2 && static_cast<unsigned char>(text[i]) == 0xc2 &&
      static_cast<unsigned char>(text[i + 1]) < 0xa0)
    return 0;
  return length;
}

}  // namespace

std::string log_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\\') {
      out += "\\\\";
      ++i;
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
      ++i;
    } else if (const size_t length = c >= 0x80 ? printable_utf8_length(text, i) : 0) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      escape_byte(out, c);
      ++i;
    }
  }
  return out;
}

}  // namespace facecheck::http
