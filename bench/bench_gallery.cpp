// Search latency of the event gallery at 1k, 10k and 100k templates, next
// to a naive per-template embedding_distance() scan for scale. 100k rows are
// 51 MB, past any cache, so that size measures memory bandwidth.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "gallery/gallery.h"

namespace {

using facecheck::gallery::Gallery;
using facecheck::vision::Embedding;

Embedding random_embedding(std::mt19937& rng) {
  std::normal_distribution<float> normal;
  Embedding e(128);
  float n2 = 0;
  for (float& v : e) {
    v = normal(rng);
    n2 += v * v;
  }
  for (float& v : e) v /= std::sqrt(n2);
  return e;
}

// Two templates per person, as after a typical enrolment.
struct Fixture {
  explicit Fixture(size_t templates) {
    std::mt19937 rng(1);
    for (size_t t = 0; t < templates; ++t) {
      const Embedding e = random_embedding(rng);
      gallery.add(static_cast<int64_t>(t / 2), static_cast<int64_t>(t), e);
      flat.push_back(e);
    }
    for (int i = 0; i < 64; ++i) queries.push_back(random_embedding(rng));
  }
  Gallery gallery;
  std::vector<Embedding> flat;
  std::vector<Embedding> queries;
};

void BM_Search(benchmark::State& state) {
  const Fixture f(static_cast<size_t>(state.range(0)));
  const auto k = static_cast<size_t>(state.range(1));
  size_t i = 0;
  for (auto _ : state) {
    auto matches = f.gallery.search(f.queries[i++ % f.queries.size()], k);
    benchmark::DoNotOptimize(matches.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));  // templates/s
}

void BM_NaiveScan(benchmark::State& state) {
  const Fixture f(static_cast<size_t>(state.range(0)));
  size_t i = 0;
  for (auto _ : state) {
    const Embedding& q = f.queries[i++ % f.queries.size()];
    float best = std::numeric_limits<float>::infinity();
    for (const Embedding& e : f.flat)
      best = std::min(best, facecheck::vision::embedding_distance(q, e));
    benchmark::DoNotOptimize(best);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

// Many check-in stations search one event at once: shared-lock scaling.
void BM_SearchConcurrent(benchmark::State& state) {
  static const Fixture f(10000);
  size_t i = static_cast<size_t>(state.thread_index());
  for (auto _ : state) {
    auto matches = f.gallery.search(f.queries[i++ % f.queries.size()], 1);
    benchmark::DoNotOptimize(matches.data());
  }
}

}  // namespace

BENCHMARK(BM_Search)
    ->ArgsProduct({{1000, 10000, 100000}, {1, 5}})
    ->ArgNames({"templates", "k"})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_NaiveScan)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->ArgName("templates")
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SearchConcurrent)->Threads(1)->Threads(2)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
