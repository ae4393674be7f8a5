// `facecheck serve`: the HTTP server for kiosks, the Mini Program and the
// admin pages. Settings: serve_config.h; first start: serve_setup.h.
#include <sodium.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <iostream>
#include <opencv2/core.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "checkin/checkin_service.h"
#include "checkin/engine_pool.h"
#include "checkin/retention.h"
#include "cli/commands.h"
#include "cli/serve_config.h"
#include "cli/serve_setup.h"
#include "cli/server_lock.h"
#include "cli/stop_signals.h"
#include "http/server.h"
#include "storage/change_feed.h"
#include "vision/face_actions.h"
#include "vision/model_store.h"
#include "vision/recognizer_model.h"

namespace facecheck::cli {
namespace {

namespace fs = std::filesystem;

const char* const kServeFooter = R"(
Every setting can also come from the environment (the FACECHECK_* name shown)
or from the JSON config file (the key shown), e.g. {"port": 9000, "workers": 2}.
Flags override the environment, which overrides the file, which overrides the
defaults. The data folder holds facecheck.db, config.json and admin-key.txt.

On the first start (no admin key yet) an admin key is created, printed once
and written to DIR/admin-key.txt (mode 0600) for scripts. Logs go to stderr;
stdout carries only the key, the demo kiosk URL and the listening URL.)";

void setup_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("facecheck");
  spdlog::set_default_logger(logger);
  const auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off")
    throw CommandError("log_level must be trace, debug, info, warn, error or off");
  spdlog::set_level(parsed);
}

checkin::CheckinSettings checkin_settings(const ServeConfig& c) {
  checkin::CheckinSettings s;
  if (c.threshold) s.match_threshold = static_cast<float>(*c.threshold);
  if (!c.model.empty()) s.model = vision::recognizer_model(c.model).id;
  s.store_photos = c.store_photos;
  s.galleries.gallery.index_from = c.index_from == 0 ? SIZE_MAX : static_cast<size_t>(c.index_from);
  s.galleries.snapshot_dir = fs::path(c.data_dir) / "index";
  s.galleries.index_threads = static_cast<unsigned>(c.index_threads ? c.index_threads : c.workers);
  for (vision::ImageLimits* limits : {&s.image_limits, &s.frame_limits}) {
    limits->max_pixels = c.max_pixels;
    limits->max_bytes = static_cast<size_t>(c.max_body_mb * 1024 * 1024);
  }
  return s;
}

http::ServerOptions server_options(const ServeConfig& c) {
  http::ServerOptions o;
  o.host = c.host;
  o.port = c.port;
  o.http_threads = c.http_threads;
  o.max_streams = c.max_streams;
  o.max_connections = static_cast<size_t>(c.max_connections);
  o.max_body_bytes = static_cast<size_t>(c.max_body_mb * 1024 * 1024);
  o.legacy_routes = c.legacy_routes;
  o.legacy_event = c.legacy_event;
  o.kiosk_rps = c.kiosk_rps;
  o.kiosk_burst = 2 * c.kiosk_rps;
  o.public_url = c.public_url;
  o.default_liveness = *storage::parse_liveness_policy(c.default_liveness);
  o.web_root = fs::is_directory(c.web_root) ? c.web_root : "";
  o.trusted_proxies = c.trusted_proxies;
  return o;
}

// The certificate and key, read at start-up: a bad file stops the server
// before it listens rather than failing every handshake.
std::shared_ptr<const http::TlsContext> load_tls(const ServeConfig& c) {
  if (c.tls_cert.empty()) return nullptr;
  try {
    return http::TlsContext::load(c.tls_cert, c.tls_key);
  } catch (const std::runtime_error& e) {
    throw CommandError(e.what());
  }
}

std::string display_host(const std::string& host) {
  return host == "0.0.0.0" || host.empty() ? "127.0.0.1" : host;
}

void print_demo(storage::Store& store, const std::string& base_url,
                storage::LivenessPolicy liveness) {
  const auto demo = create_demo(store, liveness);
  if (!demo) return;
  std::cout << "facecheck: demo event " << demo->event_id << " created; kiosk URL:\n  " << base_url
            << "/kiosk.html#token=" << demo->kiosk_token << "\n";
}

// Waits for SIGINT/SIGTERM until `done`; on a signal, stops the server
// (repeatedly: a stop that lands before listening starts is a no-op).
void wait_for_signal(StopSignals& signals, std::atomic<bool>& done, http::ApiServer& server) {
  bool stopping = false;
  while (!done) {
    if (!stopping) {
      if (const auto signo = signals.wait(std::chrono::milliseconds(200))) {
        spdlog::info("signal {}: stopping", *signo);
        stopping = true;
      }
    }
    if (stopping) {
      server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

// --test-challenge-actions: every liveness challenge asks for these actions,
// so a browser test's prepared video can follow them. A server that anyone
// can predict is not checking liveness, so it takes an explicit opt-in.
std::vector<vision::FaceAction> test_challenge_actions(const std::string& list) {
  if (list.empty()) return {};
  const char* allowed = std::getenv("FACECHECK_ENABLE_TEST_FLAGS");
  if (!allowed || std::string(allowed) != "1")
    throw CommandError(
        "--test-challenge-actions makes liveness predictable; it is refused unless "
        "FACECHECK_ENABLE_TEST_FLAGS=1 (tests only)");
  std::vector<vision::FaceAction> actions;
  std::stringstream in(list);
  for (std::string name; std::getline(in, name, ',');) {
    const auto action = vision::parse_face_action(name);
    if (!action)
      throw CommandError("--test-challenge-actions: unknown action '" + name +
                         "' (turn_left, turn_right, nod, blink)");
    actions.push_back(*action);
  }
  return actions;
}

void run_serve(const ServeConfigBuilder& builder, const std::string& test_actions) {
  const ServeConfig config = builder.build();
  setup_logging(config.log_level);
  auto tls = load_tls(config);
  // From here on SIGINT/SIGTERM stop the server, whichever thread the
  // kernel hands them to (threads of OpenBLAS included).
  StopSignals stop_signals;
  if (sodium_init() < 0) throw CommandError("libsodium failed to initialise");

  storage::Store store = open_data_dir(config.data_dir, config.database);
  // One server per data folder; `restore` waits for it to stop.
  const ServerLock lock(config.data_dir, "serve");
  ensure_admin_key(store, config.data_dir);
  // One engine per core does the parallelism; OpenCV's own threads would
  // only fight them.
  if (config.workers > 1) cv::setNumThreads(1);
  const fs::path models =
      config.models_dir.empty() ? vision::default_models_dir() : fs::path(config.models_dir);
  checkin::EnginePool engines(models, config.workers, static_cast<size_t>(config.engine_queue));
  checkin::CheckinSettings settings = checkin_settings(config);
  settings.challenge.fixed_actions = test_challenge_actions(test_actions);
  settings.challenge.model = settings.model;
  if (!settings.challenge.fixed_actions.empty())
    spdlog::warn("liveness challenges are fixed by --test-challenge-actions: tests only");
  checkin::CheckinService service(store, engines, std::move(settings));
  // Servers sharing PostgreSQL hear of each other's enrolments and
  // deletions through the feed; a lone SQLite server needs none.
  std::optional<storage::ChangeFeed> feed;
  if (!config.database.empty())
    feed.emplace(config.database,
                 storage::ChangeFeed::Callbacks{
                     [&service](const storage::Change& c) { service.apply_remote_change(c); },
                     [&service] { service.resync_galleries(); }});
  http::ServerOptions options = server_options(config);
  options.tls = std::move(tls);
  http::ApiServer server(std::move(options), store, service, engines);
  const int port = server.bind();
  const std::string base_url = (config.tls_cert.empty() ? "http://" : "https://") +
                               display_host(config.host) + ":" + std::to_string(port);
  if (config.demo)
    print_demo(store, base_url, *storage::parse_liveness_policy(config.default_liveness));
  spdlog::info(
      "data {}, database {}, {} engine(s), {} HTTP threads, {} stream slots, legacy "
      "routes {}",
      config.data_dir, config.database.empty() ? "SQLite" : "PostgreSQL", config.workers,
      config.http_threads, config.max_streams, config.legacy_routes ? "on" : "off");
  std::cout << "facecheck: listening on " << base_url << std::endl;

  // Faces past their events' retention period go at start-up and then
  // hourly: a server restarted daily still purges on time.
  checkin::RetentionJob retention(
      store, [&service] { return service.now(); },
      [&service](storage::Id person) { service.forget_faces(person); });
  retention.start(std::chrono::hours(1));

  std::atomic<bool> done{false};
  std::thread signals([&] { wait_for_signal(stop_signals, done, server); });
  const bool ok = server.run();
  done = true;
  signals.join();
  server.stop();
  retention.stop();
  feed.reset();
  try {
    service.save_gallery_indexes();
  } catch (const std::exception& e) {  // the next start rebuilds them
    spdlog::warn("gallery index snapshots not saved: {}", e.what());
  }
  spdlog::info("stopped");
  if (!ok) throw CommandError("the server stopped with an error", 1);
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto builder = std::make_shared<ServeConfigBuilder>();
  auto* cmd = app.add_subcommand("serve", "Run the HTTP server (API, live feed, web clients)");
  builder->add_options(*cmd);
  cmd->footer(kServeFooter);
  auto test_actions = std::make_shared<std::string>();
  cmd->add_option("--test-challenge-actions", *test_actions,
                  "TESTS ONLY: every liveness challenge asks these actions (comma-separated); "
                  "refused unless FACECHECK_ENABLE_TEST_FLAGS=1");
  cmd->callback([builder, test_actions] { run_serve(*builder, *test_actions); });
}

}  // namespace facecheck::cli
