// The settings of `facecheck serve`, from four layers: built-in defaults, a
// JSON config file (DIR/config.json unless --config), environment variables
// (FACECHECK_*), and command-line flags; each layer overrides the ones
// before it. Each setting has one key, spelled the same in all three
// places: "max_body_mb" in the file, FACECHECK_MAX_BODY_MB, --max-body-mb.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace facecheck::cli {

struct ServeConfig {
  std::string data_dir = "facecheck-data";  // flag/env only: it holds the file
  std::string config_file;                  // empty: <data_dir>/config.json
  std::string models_dir;                   // empty: the vision default
  std::string database;                     // postgresql:// URI; empty: <data_dir>/facecheck.db
  std::string host = "127.0.0.1";
  int port = 8080;
  bool legacy_routes = false;
  std::optional<int64_t> legacy_event;
  int workers = 2;        // face engines (each ~150 MB, one core at a time)
  int engine_queue = 16;  // requests waiting for an engine before 503
  int http_threads = 16;
  int max_streams = 0;  // 0: http_threads / 2
  // Below FD_SETSIZE (1024): httplib answers 500 on sockets numbered above.
  int max_connections = 512;
  double max_body_mb = 10;
  int64_t max_pixels = 40'000'000;
  double kiosk_rps = 5;
  bool store_photos = false;
  std::optional<double> threshold;
  std::string model;  // empty: the default recognition model
  bool demo = false;
  std::string default_liveness = "active";  // off, passive or active
  std::string public_url;                   // origin of invitation links; empty: the request's Host
  std::string tls_cert, tls_key;            // PEM files; both set: https
  std::vector<std::string> trusted_proxies;  // whose X-Forwarded-* are believed
  std::string web_root;  // empty: found next to the executable or in ./clients/web
  std::string log_level = "info";
  int64_t index_from = 20000;  // templates from which a gallery gets an HNSW index; 0: never
  int index_threads = 0;       // threads building an index; 0: as many as workers
};

// Registers every setting as an option (with its FACECHECK_* variable) on
// `cmd`, and after parsing merges the layers into a ServeConfig.
class ServeConfigBuilder {
 public:
  void add_options(CLI::App& cmd);
  // Throws CommandError naming the layer and key of a bad value.
  ServeConfig build() const;

 private:
  std::map<std::string, std::string> text_;  // key -> value given by flag or env
  std::map<std::string, bool> flags_;
  std::map<std::string, CLI::Option*> options_;
};

// The folder served at "/", following the rules in ServeConfig::web_root.
std::string default_web_root();

}  // namespace facecheck::cli
