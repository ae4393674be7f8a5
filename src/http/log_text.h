// Client-provided text made safe to write into a log line: a request path
// with %0a, ANSI escapes or NUL must not forge lines or drive the
// operator's terminal.
#pragma once

#include <string>
#include <string_view>

namespace facecheck::http {

// `text` with every control byte (C0, DEL), every C1 control (U+0080 to
// U+009F) and every byte outside valid UTF-8 written as \xHH, and a
// backslash doubled, so an escape in the log always means one. Other UTF-8
// (Chinese names) is kept as it is.
std::string log_safe(std::string_view text);

}  // namespace facecheck::http
