#include "cli/serve_config.h"

#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "storage/records.h"
#include "vision/recognizer_model.h"

namespace facecheck::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using Setter = void (*)(ServeConfig&, const std::string&);

struct Setting {
  const char* key;
  const char* type;  // shown in --help: N, X, TEXT, DIR; "" for a flag
  const char* help;  // ends with the default
  Setter set;
  bool is_flag() const { return *type == '\0'; }
};

// Parsers name the key; the caller adds where the value came from.
int64_t to_int(const std::string& text, int64_t min, int64_t max) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    throw std::invalid_argument("must be an integer");
  if (v < min || v > max)
    throw std::invalid_argument("must be between " + std::to_string(min) + " and " +
                                std::to_string(max));
  return v;
}

double to_double(const std::string& text, double min, double max) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty()) throw std::invalid_argument("must be a number");
  if (!(v >= min && v <= max)) {
    std::ostringstream range;  // 0.01, not std::to_string's 0.010000
    range << "must be between " << min << " and " << max;
    throw std::invalid_argument(range.str());
  }
  return v;
}

bool to_bool(const std::string& text) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  throw std::invalid_argument("must be true or false");
}

// "10.0.0.2, ::1" -> {"10.0.0.2", "::1"}: IP addresses only (no names: a
// name would be resolved once, silently, and trusted forever).
std::vector<std::string> address_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item.empty()) continue;
    in6_addr any;
    if (::inet_pton(AF_INET, item.c_str(), &any) != 1 &&
        ::inet_pton(AF_INET6, item.c_str(), &any) != 1)
      throw std::invalid_argument("'" + item + "' is not an IP address");
    out.push_back(item);
  }
  return out;
}

// Every setting of `serve`, in --help order. data and config are separate:
// they say where the file is.
const Setting kSettings[] = {
    {"database", "URI",
     "PostgreSQL shared by several servers (postgresql://user@host/db); default DIR/facecheck.db",
     [](ServeConfig& c, const std::string& v) {
       if (!v.starts_with("postgresql://") && !v.starts_with("postgres://"))
         throw std::invalid_argument("must be a postgresql:// URI");
       c.database = v;
     }},
    {"host", "ADDR", "Address to listen on (0.0.0.0: every interface); default 127.0.0.1",
     [](ServeConfig& c, const std::string& v) { c.host = v; }},
    {"port", "N", "TCP port; 0 picks a free one (the URL printed says which); default 8080",
     [](ServeConfig& c, const std::string& v) { c.port = int(to_int(v, 0, 65535)); }},
    {"models", "DIR", "Folder of the face models (default: ./models or next to the binary)",
     [](ServeConfig& c, const std::string& v) { c.models_dir = v; }},
    {"workers", "N", "Face engines, each inferring on one core (~150 MB each); default 2",
     [](ServeConfig& c, const std::string& v) { c.workers = int(to_int(v, 1, 64)); }},
    {"engine_queue", "N", "Requests that may wait for an engine before 503; default 16",
     [](ServeConfig& c, const std::string& v) { c.engine_queue = int(to_int(v, 1, 10000)); }},
    {"http_threads", "N",
     "Threads serving connections (streams and keep-alive hold one each); default 16",
     [](ServeConfig& c, const std::string& v) { c.http_threads = int(to_int(v, 6, 1024)); }},
    {"max_streams", "N", "Open live-feed streams at most (default http_threads/2)",
     [](ServeConfig& c, const std::string& v) { c.max_streams = int(to_int(v, 1, 1020)); }},
    {"max_connections", "N",
     "Open connections at most, idle ones included (503 beyond); default 512",
     [](ServeConfig& c, const std::string& v) { c.max_connections = int(to_int(v, 8, 900)); }},
    {"max_body_mb", "X", "Largest request body in MiB (413 beyond); default 10",
     [](ServeConfig& c, const std::string& v) { c.max_body_mb = to_double(v, 0.01, 1024); }},
    {"max_pixels", "N", "Largest image in pixels (413 beyond); default 40000000",
     [](ServeConfig& c, const std::string& v) { c.max_pixels = to_int(v, 1, 1'000'000'000); }},
    {"kiosk_rps", "X",
     "Requests per second per kiosk token, bursts of twice that (0: no limit); default 5",
     [](ServeConfig& c, const std::string& v) { c.kiosk_rps = to_double(v, 0, 10000); }},
    {"threshold", "X",
     "Match distance below which a face is recognised, for every event without its own "
     "(default: chosen per event from its size to let in at most 1% of strangers; "
     "docs/identification.md)",
     [](ServeConfig& c, const std::string& v) { c.threshold = to_double(v, 0.01, 2); }},
    {"model", "ID",
     "Recognition model new face templates are made with (check-in also searches every "
     "model an event's templates already use); default arcface-fp-512",
     [](ServeConfig& c, const std::string& v) {
       c.model = std::string(vision::recognizer_model(v).id);
     }},
    {"legacy_routes", "", "Serve the tutorial's /face_register, /face_login, /face_detect",
     [](ServeConfig& c, const std::string& v) { c.legacy_routes = to_bool(v); }},
    {"legacy_event", "ID", "Event the legacy routes use (default: the open event)",
     [](ServeConfig& c, const std::string& v) { c.legacy_event = to_int(v, 1, INT64_MAX); }},
    {"store_photos", "", "Keep enrolment photos (default: embeddings only)",
     [](ServeConfig& c, const std::string& v) { c.store_photos = to_bool(v); }},
    {"demo", "", "With no events yet: create a demo event open today and a kiosk",
     [](ServeConfig& c, const std::string& v) { c.demo = to_bool(v); }},
    {"default_liveness", "POLICY",
     "Liveness of events created without one: off, passive or active (default active; "
     "docs/liveness.md)",
     [](ServeConfig& c, const std::string& v) {
       if (!storage::parse_liveness_policy(v))
         throw std::invalid_argument("must be off, passive or active");
       c.default_liveness = v;
     }},
    {"public_url", "URL",
     "Origin of invitation links, e.g. https://checkin.example.com (default: the Host the "
     "admin's browser used)",
     [](ServeConfig& c, const std::string& v) {
       if (!(v.starts_with("http://") || v.starts_with("https://")) || v.ends_with("/"))
         throw std::invalid_argument(
             "public_url must start with http:// or https:// and not end with /");
       c.public_url = v;
     }},
    {"tls_cert", "FILE", "PEM certificate chain: serve https (with --tls-key; docs/deployment.md)",
     [](ServeConfig& c, const std::string& v) { c.tls_cert = v; }},
    {"tls_key", "FILE", "PEM private key of --tls-cert",
     [](ServeConfig& c, const std::string& v) { c.tls_key = v; }},
    {"trusted_proxies", "ADDRS",
     "Comma-separated addresses of reverse proxies whose X-Forwarded-For/-Proto are "
     "believed (default: none)",
     [](ServeConfig& c, const std::string& v) { c.trusted_proxies = address_list(v); }},
    {"web_root", "DIR", "Folder of the web clients served at / (default: clients/web)",
     [](ServeConfig& c, const std::string& v) { c.web_root = v; }},
    {"index_from", "N",
     "Galleries of at least N face templates are searched through an approximate index, "
     "its graph kept in DIR/index (0: always exact); default 20000 (docs/performance.md)",
     [](ServeConfig& c, const std::string& v) { c.index_from = to_int(v, 0, INT64_MAX); }},
    {"index_threads", "N", "Threads that build a gallery's index (default: workers)",
     [](ServeConfig& c, const std::string& v) { c.index_threads = int(to_int(v, 1, 256)); }},
    {"log_level", "LEVEL", "trace, debug, info, warn, error or off; default info",
     [](ServeConfig& c, const std::string& v) { c.log_level = v; }},
};

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
std::string env_name(const std::string& key) { return "FACECHECK_" + upper(key); }
std::string flag_name(std::string key) {
  std::replace(key.begin(), key.end(), '_', '-');
  return "--" + key;
}

void apply(ServeConfig& config, const Setting& s, const std::string& value,
           const std::string& origin) {
  try {
    s.set(config, value);
  } catch (const std::invalid_argument& e) {
    throw CommandError(origin + ": " + s.key + " " + e.what());
  }
}

std::string json_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();  // numbers and true/false as the parsers read them
}

void apply_file(ServeConfig& config, const fs::path& path, bool required) {
  if (!fs::exists(path)) {
    if (required) throw CommandError("config file " + path.string() + " not found");
    return;
  }
  std::ifstream in(path);
  const json file = json::parse(in, nullptr, false);
  if (file.is_discarded() || !file.is_object())
    throw CommandError(path.string() + ": not a JSON object");
  for (const auto& [key, value] : file.items()) {
    const auto it = std::find_if(std::begin(kSettings), std::end(kSettings),
                                 [&](const Setting& s) { return key == s.key; });
    // A typo would otherwise be silently ignored.
    if (it == std::end(kSettings)) throw CommandError(path.string() + ": unknown key " + key);
    apply(config, *it, json_text(value), path.string());
  }
}

void check(ServeConfig& c) {
  if (c.max_streams == 0) c.max_streams = c.http_threads / 2;
  // Four threads stay free for ordinary requests whatever the streams do.
  if (c.max_streams > c.http_threads - 4)
    throw CommandError("max_streams must be at most http_threads - 4 (" +
                       std::to_string(c.http_threads - 4) + ")");
  if (c.web_root.empty()) c.web_root = default_web_root();
  if (c.tls_cert.empty() != c.tls_key.empty())
    throw CommandError("tls_cert and tls_key go together: give both or neither");
}

}  // namespace

void ServeConfigBuilder::add_options(CLI::App& cmd) {
  options_["data"] = cmd.add_option("--data", text_["data"],
                                    "Folder of the database, config.json and admin-key.txt "
                                    "(default ./facecheck-data)")
                         ->type_name("DIR")
                         ->envname("FACECHECK_DATA_DIR");
  options_["config"] =
      cmd.add_option("--config", text_["config"], "JSON config file (default DIR/config.json)")
          ->type_name("FILE")
          ->envname("FACECHECK_CONFIG");
  for (const Setting& s : kSettings) {
    const std::string help = std::string(s.help) + " [config \"" + s.key + "\"]";
    CLI::Option* opt =
        s.is_flag() ? cmd.add_flag(flag_name(s.key), flags_[s.key], help)
                    : cmd.add_option(flag_name(s.key), text_[s.key], help)->type_name(s.type);
    options_[s.key] = opt->envname(env_name(s.key));
  }
}

ServeConfig ServeConfigBuilder::build() const {
  ServeConfig config;
  if (options_.at("data")->count() > 0) config.data_dir = text_.at("data");
  const bool explicit_config = options_.at("config")->count() > 0;
  config.config_file =
      explicit_config ? text_.at("config") : (fs::path(config.data_dir) / "config.json").string();
  apply_file(config, config.config_file, explicit_config);
  // CLI11 fills an option from its variable when the flag is absent, so
  // count() > 0 means "given by flag or environment"; flags win over the
  // environment there.
  for (const Setting& s : kSettings) {
    if (options_.at(s.key)->count() == 0) continue;
    const std::string value = s.is_flag() ? (flags_.at(s.key) ? "true" : "false") : text_.at(s.key);
    apply(config, s, value, "flag or " + env_name(s.key));
  }
  check(config);
  return config;
}

std::string default_web_root() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path beside = exe.parent_path() / ".." / ".." / "clients" / "web";
    if (fs::is_directory(beside)) return fs::weakly_canonical(beside).string();
    // Installed: /usr/bin/facecheck -> /usr/share/facecheck/web (the .deb).
    const fs::path installed = exe.parent_path().parent_path() / "share" / "facecheck" / "web";
    if (fs::is_directory(installed)) return installed.string();
  }
  return "clients/web";
}

}  // namespace facecheck::cli
