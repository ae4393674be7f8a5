// The one UTF-8 validator: the store checks every text it keeps with it, the
// guest-list reader finds the first bad byte of a file with it, and the log
// writer escapes what is not valid.
#pragma once

#include <cstddef>
#include <string_view>

namespace facecheck::storage {

// The length (1-4) of the well-formed UTF-8 sequence starting at text[i]
// (Unicode Table 3-7: no overlong forms, surrogates or code points above
// U+10FFFF), or 0 when none starts there.
size_t utf8_sequence_length(std::string_view text, size_t i);

// Offset of the first byte that does not start a well-formed sequence, or
// std::string_view::npos when the whole text is valid.
size_t first_invalid_utf8(std::string_view text);
inline bool is_valid_utf8(std::string_view text) {
  return first_invalid_utf8(text) == std::string_view::npos;
}

}  // namespace facecheck::storage
