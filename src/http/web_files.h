// The web clients (kiosk and admin pages) as static files, and the security
// headers of every response. Only files directly in the web root whose
// names are plain (letters, digits, '-', '_', one extension from a fixed
// list) are served: no NUL or other decoded oddities, no folders, no
// README or package.json.
#pragma once

#include <httplib.h>

#include <string>

namespace facecheck::http {

// The Content-Security-Policy of the pages: everything from this server
// only, no inline script or style, no plugins, never framed. data: images
// only for the pages' empty favicon (href="data:,").
extern const char* const kPagePolicy;

// Registers GET for the web root's files; false when `web_root` is not a
// folder.
bool add_web_files(httplib::Server& server, const std::string& web_root);

// nosniff and DENY framing on every response; the page policy on HTML, a
// policy that allows nothing on everything else (JSON, CSV, streams).
void install_security_headers(httplib::Server& server);

}  // namespace facecheck::http
