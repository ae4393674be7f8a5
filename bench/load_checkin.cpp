// Load benchmark of the check-in service: a real `facecheck serve` process
// on loopback with a 1,000-person event, driven by 1, 4 and 16 concurrent
// kiosk clients posting real LFW photos; then the same photos through the
// same engines in-process (decode + tiny detector + landmarks + embedding,
// the server's check-in settings), to show what HTTP and the database add.
//
//   bench_load_checkin [--people 1000] [--requests 200] [--levels 1,4,16]
//                      [--work DIR] [--workers 2] [--enrol-only] [--strangers N]
//
// --strangers N also posts one photo each of N LFW people never enrolled to
// a full event and counts those checked in: FPIR measured on the real
// server at the event's default threshold.
//
// The enrolled database is kept in DIR (default build/bench-load) and
// reused, so the slow part (1,000 enrolments) runs once; a second run only
// measures. Each level uses a fresh event with the same people, so every
// request is a first check-in (a database write) when recognised.
// Results: docs/performance.md.
#include <algorithm>
#include <atomic>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <set>

#include "checkin/checkin_service.h"
#include "checkin/engine_pool.h"
#include "cli/percentile.h"
#include "http/acceptance_support.h"
#include "vision/image_decoder.h"

namespace {

using facecheck::cli::percentile;

using namespace facecheck::acceptance;
using Clock = std::chrono::steady_clock;

struct Args {
  size_t people = 1000;
  size_t requests = 200;
  std::vector<int> levels = {1, 4, 16};
  fs::path work = fs::path(FACECHECK_SOURCE_DIR) / "build" / "bench-load";
  int workers = 2;
  bool enrol_only = false;
  size_t strangers = 0;  // photos of never-enrolled people to post (0: skip)
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::runtime_error(flag + " needs a value");
      return argv[++i];
    };
    if (flag == "--people") {
      a.people = std::stoul(value());
    } else if (flag == "--requests") {
      a.requests = std::stoul(value());
    } else if (flag == "--work") {
      a.work = value();
    } else if (flag == "--workers") {
      a.workers = std::stoi(value());
    } else if (flag == "--strangers") {
      a.strangers = std::stoul(value());
    } else if (flag == "--enrol-only") {
      a.enrol_only = true;
    } else if (flag == "--levels") {
      a.levels.clear();
      std::istringstream in(value());
      std::string part;
      while (std::getline(in, part, ',')) a.levels.push_back(std::stoi(part));
    } else {
      throw std::runtime_error("unknown option " + flag);
    }
  }
  return a;
}

// The reply's JSON when the status is the expected one; else a clear error.
json& must(const Reply& r, int status, const std::string& what) {
  if (r.status != status)
    throw std::runtime_error(what + ": HTTP " + std::to_string(r.status) + " " + r.body);
  return r.data();
}

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// The candidates for the load event: those with two photos or more first
// (their second photo is a probe), in people.tsv order, then one-photo
// people. Enrolment takes them in this order until the event is full.
std::vector<LfwPerson> candidates() {
  auto all = lfw_all_people();
  std::stable_partition(all.begin(), all.end(),
                        [](const LfwPerson& p) { return p.photos.size() >= 2; });
  return all;
}

// Enrols candidates from their first photo until `target` people are
// enrolled (a resumed run keeps those already enrolled and skips photos
// refused before, listed in `refused_file`); returns person id by name.
std::map<std::string, int64_t> enrol_all(int port, const std::string& key,
                                         const std::vector<LfwPerson>& people, size_t target,
                                         const fs::path& refused_file) {
  Api admin(port, key);
  int64_t base_event = 0;
  const Reply events = admin.get("/api/v1/events");
  for (const auto& e : must(events, 200, "list events")["events"])
    if (e["name"] == "load base") base_event = e["id"].get<int64_t>();
  if (!base_event) {
    const auto now = static_cast<int64_t>(std::time(nullptr));
    json body = open_event_body("load base");
    body["ends_at"] = now + 365LL * 24 * 3600;
    const Reply created = admin.post_json("/api/v1/events", body);
    base_event = must(created, 201, "create event")["id"].get<int64_t>();
  }
  std::map<std::string, int64_t> ids;
  std::set<std::string> done;
  const Reply attendees = admin.get("/api/v1/events/" + std::to_string(base_event) + "/attendees");
  for (const auto& a : must(attendees, 200, "list attendees")["attendees"]) {
    if (a.value("template_count", 0) > 0) {
      ids[a["name"].get<std::string>()] = a["person_id"].get<int64_t>();
      done.insert(a["name"].get<std::string>());
    } else {
      admin.del("/api/v1/people/" + std::to_string(a["person_id"].get<int64_t>()));
    }
  }
  {
    std::ifstream in(refused_file);
    std::string name;
    while (std::getline(in, name)) done.insert(name);
  }
  std::ofstream refused_out(refused_file, std::ios::app);
  std::vector<size_t> todo;
  for (size_t i = 0; i < people.size(); ++i)
    if (!done.count(people[i].name)) todo.push_back(i);
  std::cerr << ids.size() << " enrolled already; enrolling up to " << target << "\n";
  std::mutex mutex;
  std::atomic<size_t> next{0};
  int refused = 0, failed = 0;
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&] {
      Api api(port, key);
      for (size_t k = next++; k < todo.size(); k = next++) {
        {
          std::lock_guard lock(mutex);
          if (ids.size() >= target) break;
        }
        const auto& person = people[todo[k]];
        // Only the first photo: the second is the probe.
        const auto outcome = enrol_lfw_person(api, base_event, person, 1);
        std::lock_guard lock(mutex);
        refused += outcome.refused_quality;
        if (outcome.photo_index == 0) {
          ids[person.name] = outcome.person_id;
        } else {
          ++failed;
          refused_out << person.name << "\n" << std::flush;
          api.del("/api/v1/people/" + std::to_string(outcome.person_id));
        }
        if ((k + 1) % 100 == 0)
          std::cerr << "  " << ids.size() << " enrolled, " << ms_since(start) / 1000 << " s\n";
      }
    });
  for (auto& t : threads) t.join();
  std::cerr << "enrolled " << ids.size() << " people (" << refused << " photos refused, " << failed
            << " people without an enrollable first photo)\n";
  return ids;
}

struct LevelResult {
  int clients = 0;
  size_t requests = 0, ok = 0, checked_in = 0, errors = 0;
  double seconds = 0, p50 = 0, p90 = 0, p99 = 0;
  double p50_fresh = 0, p50_other = 0;  // with a database write / without
};

// A fresh open event with every person in `ids` as an attendee, and one
// kiosk token per client.
struct LoadEvent {
  std::string base;  // /api/v1/events/{id}
  std::vector<std::string> tokens;
};

LoadEvent create_load_event(int port, const std::string& key,
                            const std::map<std::string, int64_t>& ids, int clients,
                            const std::string& name) {
  Api admin(port, key);
  const Reply ev = admin.post_json("/api/v1/events", open_event_body(name));
  const int64_t event_id = must(ev, 201, "create event")["id"].get<int64_t>();
  LoadEvent e{"/api/v1/events/" + std::to_string(event_id), {}};
  for (const auto& [person, id] : ids) {
    const Reply linked = admin.post_json(e.base + "/attendees", {{"person_id", id}});
    must(linked, 201, "add attendee " + person);
  }
  for (int c = 0; c < clients; ++c) {
    const Reply k = admin.post_json(e.base + "/kiosks", {{"name", "kiosk " + std::to_string(c)}});
    e.tokens.push_back(must(k, 201, "create kiosk")["token"].get<std::string>());
  }
  return e;
}

// Open-set check on the real server: photos of people never enrolled, each
// posted once to a full event. FPIR = strangers checked in as an attendee.
struct StrangerResult {
  size_t photos = 0, accepted = 0, no_face = 0, errors = 0;
  double threshold = 0;
  std::vector<double> nearest;  // nearest-attendee distance of each found face
};

StrangerResult run_strangers(int port, const std::string& key,
                             const std::map<std::string, int64_t>& ids,
                             const std::vector<std::string>& photos, int clients) {
  const LoadEvent event = create_load_event(port, key, ids, clients, "strangers");
  StrangerResult r;
  r.photos = photos.size();
  std::mutex mutex;
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      Api kiosk(port, event.tokens[static_cast<size_t>(c)]);
      for (size_t i = next++; i < photos.size(); i = next++) {
        const Reply reply = kiosk.post_image(event.base + "/checkin", photos[i]);
        std::lock_guard lock(mutex);
        if (reply.status != 200) {
          ++r.errors;
          continue;
        }
        const json& body = reply.data();
        r.threshold = body.value("threshold", 0.0);
        if (body["faces"].empty()) ++r.no_face;
        bool accepted = false;
        for (const auto& f : body["faces"]) {
          const std::string status = f.value("status", "");
          accepted |= status == "checked_in" || status == "already_checked_in";
          if (f.contains("distance")) r.nearest.push_back(f["distance"].get<double>());
        }
        r.accepted += accepted;
      }
    });
  for (auto& t : threads) t.join();
  return r;
}

LevelResult run_level(int port, const std::string& key, const std::map<std::string, int64_t>& ids,
                      const std::vector<std::string>& probes, int clients) {
  const LoadEvent event =
      create_load_event(port, key, ids, clients, "load " + std::to_string(clients) + " clients");
  const std::string& base = event.base;
  const std::vector<std::string>& tokens = event.tokens;
  LevelResult r;
  r.clients = clients;
  r.requests = probes.size();
  std::vector<double> latency(probes.size(), 0);
  std::vector<int> status(probes.size(), 0);
  std::vector<bool> fresh(probes.size(), false);
  std::atomic<size_t> next{0};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      Api kiosk(port, tokens[static_cast<size_t>(c)]);
      for (size_t i = next++; i < probes.size(); i = next++) {
        const auto t = Clock::now();
        const Reply reply = kiosk.post_image(base + "/checkin", probes[i]);
        latency[i] = ms_since(t);
        status[i] = reply.status;
        if (reply.status == 200)
          for (const auto& f : reply.data()["faces"])
            if (f.value("status", "") == "checked_in") fresh[i] = true;
      }
    });
  for (auto& t : threads) t.join();
  r.seconds = ms_since(start) / 1000;
  for (size_t i = 0; i < probes.size(); ++i) {
    r.ok += status[i] == 200;
    r.errors += status[i] != 200;
    r.checked_in += fresh[i];
  }
  r.p50 = percentile(latency, 0.5);
  r.p90 = percentile(latency, 0.9);
  r.p99 = percentile(latency, 0.99);
  std::vector<double> with_write, without;
  for (size_t i = 0; i < probes.size(); ++i)
    (fresh[i] ? with_write : without).push_back(latency[i]);
  r.p50_fresh = percentile(with_write, 0.5);
  r.p50_other = percentile(without, 0.5);
  return r;
}

struct EngineResult {
  int clients = 0;
  double seconds = 0, p50 = 0, p99 = 0;
};

// The same photos through an EnginePool of the server's size, with the
// server's check-in detector and embedding options: decode on the calling
// thread (as the HTTP thread does), analysis on an engine.
EngineResult run_engines(facecheck::checkin::EnginePool& pool,
                         const std::vector<std::string>& probes, int clients) {
  const facecheck::checkin::CheckinSettings settings;
  std::vector<double> latency(probes.size(), 0);
  std::atomic<size_t> next{0};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&] {
      for (size_t i = next++; i < probes.size(); i = next++) {
        const auto t = Clock::now();
        const cv::Mat frame = facecheck::vision::decode_image(probes[i], settings.image_limits);
        pool.run([&](facecheck::vision::FaceAnalyzer& engine) {
          return engine.analyze(frame, settings.checkin_detector, {}, settings.checkin_embed)
              .size();
        });
        latency[i] = ms_since(t);
      }
    });
  for (auto& t : threads) t.join();
  return {clients, ms_since(start) / 1000, percentile(latency, 0.5), percentile(latency, 0.99)};
}

}  // namespace

int main(int argc, char** argv) try {
  const Args args = parse(argc, argv);
  if (!lfw_available()) {
    std::cerr << "LFW not found under " << lfw_dir() << "\n";
    return 2;
  }
  const auto people = candidates();
  fs::create_directories(args.work);
  const fs::path data = args.work / "data";
  std::map<std::string, int64_t> ids;
  std::vector<std::string> probes;
  std::vector<LevelResult> levels;
  {
    ServerProcess server(data, {"--workers", std::to_string(args.workers), "--kiosk-rps", "0",
                                "--http-threads", "32", "--engine-queue", "64"});
    if (!server.start()) {
      std::cerr << "server did not start\n" << server.log() << "\n";
      return 1;
    }
    ids = enrol_all(server.port(), server.admin_key(), people, args.people,
                    args.work / "refused.txt");
    std::set<std::string> in_database;
    for (const auto& [name, id] : ids) in_database.insert(name);
    // An earlier, larger run may have enrolled more: the event takes the
    // first `people` of them in candidate order.
    std::map<std::string, int64_t> event_ids;
    for (const auto& p : people)
      if (ids.count(p.name) && event_ids.size() < args.people) event_ids[p.name] = ids[p.name];
    ids = std::move(event_ids);
    if (args.enrol_only) return 0;
    // Probes: enrolled people's second photo, in people order.
    for (const auto& p : people)
      if (p.photos.size() >= 2 && ids.count(p.name) && probes.size() < args.requests)
        probes.push_back(read_text(p.photos[1]));
    std::cerr << "probes: " << probes.size() << ", event of " << ids.size() << " people\n";
    for (const int clients : args.levels) {
      levels.push_back(run_level(server.port(), server.admin_key(), ids, probes, clients));
      std::cerr << "  " << clients << " clients: " << levels.back().seconds << " s\n";
    }
    if (args.strangers > 0) {
      // The last people of the candidate order, none of them in the database:
      // one photo each.
      std::vector<std::string> photos;
      for (auto it = people.rbegin(); it != people.rend() && photos.size() < args.strangers; ++it)
        if (!in_database.count(it->name)) photos.push_back(read_text(it->photos[0]));
      auto s = run_strangers(server.port(), server.admin_key(), ids, photos, 4);
      std::sort(s.nearest.begin(), s.nearest.end());
      std::cout << std::fixed << std::setprecision(3) << "strangers: " << s.photos
                << " photos of people never enrolled against the " << ids.size()
                << "-person event (threshold " << s.threshold << "): accepted " << s.accepted
                << " (FPIR " << 100.0 * s.accepted / std::max<size_t>(1, s.photos - s.no_face)
                << "% of those with a face), no face " << s.no_face << ", errors " << s.errors
                << "; nearest distances:";
      for (size_t i = 0; i < std::min<size_t>(5, s.nearest.size()); ++i)
        std::cout << " " << s.nearest[i];
      std::cout << "\n";
    }
  }
  // The server is stopped: the engines now have the cores to themselves, as
  // the server's had.
  std::vector<EngineResult> engines;
  {
    if (args.workers > 1) cv::setNumThreads(1);
    const fs::path models = facecheck::testing::models_dir();
    facecheck::checkin::EnginePool pool(models, args.workers, 1024);
    run_engines(pool, std::vector<std::string>(probes.begin(), probes.begin() + 4), 2);  // warm up
    for (const int clients : args.levels) engines.push_back(run_engines(pool, probes, clients));
  }

  std::cout << std::fixed << std::setprecision(1);
  std::cout << "\n| clients | requests | HTTP check-ins/s | p50 ms | p90 ms | p99 ms | fresh "
               "check-ins | errors | engine-only photos/s | engine p50 ms | engine p99 ms | "
               "throughput overhead |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (size_t i = 0; i < levels.size(); ++i) {
    const auto& h = levels[i];
    const auto& e = engines[i];
    const double http_rate = static_cast<double>(h.requests) / h.seconds;
    const double engine_rate = static_cast<double>(h.requests) / e.seconds;
    std::cout << "| " << h.clients << " | " << h.requests << " | " << http_rate << " | " << h.p50
              << " | " << h.p90 << " | " << h.p99 << " | " << h.checked_in << " | " << h.errors
              << " | " << engine_rate << " | " << e.p50 << " | " << e.p99 << " | "
              << 100.0 * (engine_rate / http_rate - 1.0) << "% |\n";
  }
  std::cout << "\np50 latency of requests that checked someone in (a database write) vs the "
               "rest:\n";
  for (const auto& h : levels)
    std::cout << "  " << h.clients << " client(s): " << h.p50_fresh << " ms vs " << h.p50_other
              << " ms\n";
  std::cout << "\nevent size " << ids.size() << " people, " << args.workers
            << " face engine(s); load average at the end: ";
  std::ifstream load("/proc/loadavg");
  std::string line;
  std::getline(load, line);
  std::cout << line << "\n";
  return 0;
} catch (const std::exception& e) {
  std::cerr << "bench_load_checkin: " << e.what() << "\n";
  return 1;
}
