// `facecheck bench-search`: how well and how fast a gallery of N templates
// is searched through its HNSW index, against the exact scan. Real
// embeddings of LFW photos are the mates and the queries (each listed
// person's first photo enrolled, the others searched); real embeddings of
// the other photos, then synthetic vectors fitted to those
// (eval/embedding_population.h), fill the gallery up to N as distractors.
// Results go to docs/performance.md; the last line printed is JSON.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "checkin/checkin_service.h"
#include "cli/commands.h"
#include "cli/percentile.h"
#include "cli/progress.h"
#include "cli/worker_pool.h"
#include "eval/embedding_population.h"
#include "eval/identify_protocol.h"
#include "eval/labelled_face.h"
#include "gallery/gallery.h"
#include "vision/image_decoder.h"
#include "vision/recognizer_model.h"

namespace facecheck::cli {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

struct SearchArgs {
  size_t templates = 100000;
  size_t dim = 512;
  std::string list;
  std::string images = "../shared/data/lfw/images";
  std::string cache;  // embeddings of the photos, reused across runs
  size_t queries = 1000;
  gallery::IndexParams index;
  std::vector<size_t> sweep;  // further search_candidates to try on the same index
  int threads = int(std::max(1u, std::thread::hardware_concurrency()));
  uint64_t seed = 1;
};

struct Workload {
  std::vector<vision::Embedding> mates;    // person i's template
  std::vector<vision::Embedding> queries;  // photos of listed people
  std::vector<size_t> query_person;        // index into mates
  std::vector<vision::Embedding> real_distractors;
};

size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * size_t(sysconf(_SC_PAGESIZE));
}

const vision::RecognizerModel& model_of_dimension(size_t dim) {
  const auto& preferred = vision::recognizer_model(vision::kDefaultModelId);
  if (size_t(preferred.dimension) == dim) return preferred;
  for (const auto* card : vision::recognizer_models())
    if (size_t(card->dimension) == dim) return *card;
  throw CommandError("--dim " + std::to_string(dim) + ": no recognition model of that dimension");
}

// The cache: "# facecheck embeddings <model>" then `image<TAB>values...`.
std::map<std::string, vision::Embedding> read_cache(const std::string& path,
                                                    const std::string& model) {
  std::map<std::string, vision::Embedding> out;
  std::ifstream in(path);
  std::string line;
  if (path.empty() || !in || !std::getline(in, line)) return out;
  if (line != "# facecheck embeddings " + model) return out;  // another model: recompute
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::string image;
    std::getline(row, image, '\t');
    vision::Embedding e;
    for (float v; row >> v;) e.push_back(v);
    out[image] = std::move(e);
  }
  return out;
}

void write_cache(const std::string& path, const std::string& model,
                 const std::map<std::string, vision::Embedding>& all) {
  if (path.empty()) return;
  std::ofstream out(path + ".tmp");
  out << "# facecheck embeddings " << model << '\n';
  for (const auto& [image, e] : all) {
    out << image;
    for (float v : e) out << '\t' << v;
    out << '\n';
  }
  if (!out.flush()) throw CommandError("cannot write " + path);
  out.close();
  fs::rename(path + ".tmp", path);
}

// Every photo's embedding, from the cache or the model (enrolment settings).
std::map<std::string, vision::Embedding> embed_photos(const SearchArgs& args,
                                                      const std::vector<std::string>& images,
                                                      const std::string& model) {
  auto known = read_cache(args.cache, model);
  std::vector<std::string> todo;
  for (const auto& image : images)
    if (!known.count(image)) todo.push_back(image);
  std::vector<vision::Embedding> fresh(todo.size());
  const checkin::CheckinSettings product;
  for_each_with_engine(
      todo.size(), args.threads, "embedding",
      [&](vision::FaceEngine& engine, size_t i) {
        const cv::Mat image = vision::read_image_file(fs::path(args.images) / todo[i]);
        fresh[i] = eval::embed_labelled_face(engine, image, product.enrol_detector, true,
                                             product.enrol_embed.with_model(model))
                       .embedding;
      },
      model);
  for (size_t i = 0; i < todo.size(); ++i) known[todo[i]] = std::move(fresh[i]);
  if (!todo.empty()) write_cache(args.cache, model, known);
  return known;
}

Workload real_workload(const SearchArgs& args, const std::string& model) {
  const auto list = eval::read_identity_list(args.list);
  std::set<std::string> listed;
  for (const auto& item : list) listed.insert(item.path);
  std::vector<std::string> images(listed.begin(), listed.end());
  std::vector<std::string> others;
  if (!fs::is_directory(args.images)) throw CommandError("--images: no such folder " + args.images);
  for (const auto& e : fs::recursive_directory_iterator(args.images)) {
    if (!e.is_regular_file() || e.path().extension() != ".jpg") continue;
    const std::string rel = fs::relative(e.path(), args.images).string();
    if (!listed.count(rel)) others.push_back(rel);
  }
  std::sort(others.begin(), others.end());
  images.insert(images.end(), others.begin(), others.end());
  const auto embedded = embed_photos(args, images, model);

  Workload w;
  for (const auto& [identity, photos] : eval::group_by_identity(list)) {
    w.mates.push_back(embedded.at(photos.front()));
    for (size_t p = 1; p < photos.size(); ++p) {
      w.queries.push_back(embedded.at(photos[p]));
      w.query_person.push_back(w.mates.size() - 1);
    }
  }
  for (const auto& image : others) w.real_distractors.push_back(embedded.at(image));
  return w;
}

struct Run {
  size_t search_candidates;
  double recall_at_1, mate_at_1, p50_us, p99_us;
};

// The index's answers against the exact scan's, one query at a time on
// this thread.
Run measure(const gallery::Gallery& g, const Workload& w, size_t queries,
            const std::vector<int64_t>& exact_top, size_t search_candidates) {
  std::vector<double> us;
  size_t agree = 0, mate = 0;
  for (size_t q = 0; q < queries; ++q) {
    const auto start = Clock::now();
    const auto found = g.search(w.queries[q], 1);
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    const int64_t top = found.empty() ? -1 : found.front().person_id;
    agree += top == exact_top[q];
    mate += top == int64_t(w.query_person[q]);
  }
  return {search_candidates, double(agree) / double(queries), double(mate) / double(queries),
          percentile(us, 0.5), percentile(us, 0.99)};
}

void run_bench_search(const SearchArgs& args) {
  const auto& card = model_of_dimension(args.dim);
  if (args.list.empty()) throw CommandError("--list is required (e.g. lfw/identify_ge5.tsv)");
  const Workload w = real_workload(args, std::string(card.id));
  if (w.mates.size() + w.real_distractors.size() > args.templates)
    throw CommandError("--templates must be at least " +
                       std::to_string(w.mates.size() + w.real_distractors.size()) +
                       " (the real embeddings)");
  const size_t synthetic = args.templates - w.mates.size() - w.real_distractors.size();
  const size_t queries = std::min(args.queries, w.queries.size());
  std::cerr << "gallery: " << w.mates.size() << " mates, " << w.real_distractors.size()
            << " real and " << synthetic << " synthetic distractors; " << queries << " queries\n";

  const size_t rss_before = resident_bytes();
  gallery::GalleryOptions options;
  options.index = args.index;
  gallery::Gallery g(args.dim, card.metric, options);
  int64_t next_id = 0;
  for (const auto& e : w.mates) g.add(next_id, next_id, e), ++next_id;
  for (const auto& e : w.real_distractors) g.add(next_id, next_id, e), ++next_id;
  {
    // A Gaussian fitted to real embeddings that are neither mates nor queries.
    const eval::EmbeddingPopulation population(w.real_distractors);
    constexpr size_t kChunk = 65536;
    for (size_t done = 0; done < synthetic; done += kChunk) {
      const size_t n = std::min(kChunk, synthetic - done);
      const std::vector<float> block = population.draw(n, args.seed + done);
      for (size_t i = 0; i < n; ++i, ++next_id)
        g.add(next_id, next_id,
              vision::Embedding(block.begin() + long(i * args.dim),
                                block.begin() + long((i + 1) * args.dim)));
    }
  }
  const size_t rss_exact = resident_bytes();

  Progress build_progress("building index (%)", 100);
  const auto build_start = Clock::now();
  size_t percent = 0;
  g.build_index(unsigned(args.threads), [&](size_t done, size_t total) {
    for (; percent < done * 100 / total; ++percent) build_progress.advance();
  });
  const double build_s = std::chrono::duration<double>(Clock::now() - build_start).count();
  build_progress.finish();
  const size_t rss_indexed = resident_bytes();

  // The exact answers (on every thread), and the exact scan's own latency
  // on one thread.
  std::vector<int64_t> exact_top(queries, -1);
  {
    Progress exact_progress("exact search", queries);
    std::atomic<size_t> next{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < args.threads; ++t)
      pool.emplace_back([&] {
        for (size_t q; (q = next++) < queries; exact_progress.advance()) {
          const auto top = g.search_exact(w.queries[q], 1);
          exact_top[q] = top.empty() ? -1 : top.front().person_id;
        }
      });
    for (auto& t : pool) t.join();
    exact_progress.finish();
  }
  std::vector<double> exact_us;
  for (size_t q = 0; q < std::min<size_t>(queries, 100); ++q) {
    const auto start = Clock::now();
    (void)g.search_exact(w.queries[q], 1);
    exact_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }

  json sweep = json::array();
  // The configured ef first (the headline numbers), then the sweep.
  std::vector<size_t> candidates{args.index.search_candidates};
  for (const size_t ef : args.sweep)
    if (std::find(candidates.begin(), candidates.end(), ef) == candidates.end())
      candidates.push_back(ef);
  std::vector<Run> runs;
  for (const size_t ef : candidates) {
    g.set_search_candidates(ef);
    const Run r = measure(g, w, queries, exact_top, ef);
    std::cerr << "ef " << ef << ": recall@1 " << r.recall_at_1 << ", p50 " << r.p50_us
              << " us, p99 " << r.p99_us << " us\n";
    sweep.push_back({{"search_candidates", ef},
                     {"recall_at_1", r.recall_at_1},
                     {"mate_at_1", r.mate_at_1},
                     {"p50_us", r.p50_us},
                     {"p99_us", r.p99_us}});
    runs.push_back(r);
  }
  const Run& chosen = runs.front();
  size_t exact_mates = 0;
  for (size_t q = 0; q < queries; ++q) exact_mates += exact_top[q] == int64_t(w.query_person[q]);

  json out = {{"templates", g.size()},
              {"dim", args.dim},
              {"model", card.id},
              {"mates", w.mates.size()},
              {"queries", queries},
              {"real_distractors", w.real_distractors.size()},
              {"synthetic_distractors", synthetic},
              {"links", args.index.links},
              {"build_candidates", args.index.build_candidates},
              {"search_candidates", chosen.search_candidates},
              {"sweep", sweep},
              {"exact_p50_us", percentile(exact_us, 0.5)},
              {"exact_mate_at_1", double(exact_mates) / double(queries)},
              {"bytes_per_template_exact", double(rss_exact - rss_before) / double(g.size())},
              {"recall_at_1", chosen.recall_at_1},
              {"p50_us", chosen.p50_us},
              {"p99_us", chosen.p99_us},
              {"build_s", build_s},
              {"bytes_per_template", double(rss_indexed - rss_before) / double(g.size())},
              {"threads", args.threads}};
  std::cout << out.dump() << std::endl;
}

}  // namespace

void add_bench_search_command(CLI::App& app) {
  auto args = std::make_shared<SearchArgs>();
  auto* cmd = app.add_subcommand(
      "bench-search", "Recall and latency of the approximate gallery index against exact search");
  cmd->add_option("--templates", args->templates, "Gallery size")
      ->check(CLI::Range(size_t(1), size_t(50'000'000)));
  cmd->add_option("--dim", args->dim, "Embedding dimension (picks the model: 512 or 128)");
  cmd->add_option("--list", args->list, "identity<TAB>image list (first photo enrolled)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--images", args->images, "Folder the list's paths are relative to");
  cmd->add_option("--cache", args->cache, "File keeping the photos' embeddings between runs");
  cmd->add_option("--queries", args->queries, "Queries at most")
      ->check(CLI::Range(size_t(1), size_t(1'000'000)));
  cmd->add_option("--links", args->index.links, "HNSW M")
      ->check(CLI::Range(size_t(2), size_t(128)));
  cmd->add_option("--build-candidates", args->index.build_candidates, "HNSW ef_construction")
      ->check(CLI::Range(size_t(1), size_t(4096)));
  cmd->add_option("--search-candidates", args->index.search_candidates, "HNSW ef of the result")
      ->check(CLI::Range(size_t(1), size_t(4096)));
  cmd->add_option("--sweep", args->sweep, "Further ef values to measure on the same index")
      ->delimiter(',');
  cmd->add_option("--threads", args->threads, "Threads building the index (searches use one)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--seed", args->seed, "Seed of the synthetic distractors");
  cmd->callback([args] { run_bench_search(*args); });
}

}  // namespace facecheck::cli
