#include "http/web_files.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace facecheck::http {
namespace {

namespace fs = std::filesystem;

// Module scripts run only when served with a JavaScript type.
const std::map<std::string, std::string> kTypes = {
    {"html", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"png", "image/png"},
    {"svg", "image/svg+xml"},
    {"ico", "image/x-icon"},
};

// std::regex_match: the whole decoded path, so "/kiosk.js\0.html" (from
// %00) or "/a/../b.js" never match.
const char* const kFileRoute = R"(/([A-Za-z0-9_-]+)\.(html|js|mjs|css|png|svg|ico))";

}  // namespace

const char* const kPagePolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

namespace {

// Writes the file, or a 404 that the error handler turns into JSON.
void send_file(const fs::path& root, const std::string& stem, const std::string& extension,
               httplib::Response& res) {
  const fs::path file = root / (stem + "." + extension);
  std::error_code ec;
  std::ifstream in;
  if (fs::is_regular_file(file, ec)) in.open(file, std::ios::binary);
  if (!in) {
    res.status = 404;
    return;
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  // Pages change with every deploy; a stale cached kiosk page would talk
  // to a changed API.
  res.set_header("Cache-Control", "no-cache");
  res.set_content(bytes.str(), kTypes.at(extension));
}

}  // namespace

bool add_web_files(httplib::Server& server, const std::string& web_root) {
  if (!fs::is_directory(web_root)) return false;
  const fs::path root = fs::weakly_canonical(web_root);
  server.Get(kFileRoute, [root](const httplib::Request& req, httplib::Response& res) {
    send_file(root, req.matches[1].str(), req.matches[2].str(), res);
  });
  // The guest's invitation link: the page reads the code from its own path.
  server.Get(R"(/invite/iv[a-z2-7]{24})", [root](const httplib::Request&, httplib::Response& res) {
    send_file(root, "invite", "html", res);
  });
  return true;
}

void install_security_headers(httplib::Server& server) {
  server.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    const bool page = res.get_header_value("Content-Type").rfind("text/html", 0) == 0;
    res.set_header("Content-Security-Policy",
                   page ? kPagePolicy : "default-src 'none'; frame-ancestors 'none'");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "no-referrer");
  });
}

}  // namespace facecheck::http
