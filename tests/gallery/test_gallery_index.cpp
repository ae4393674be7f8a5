// The HNSW index of large galleries: it must agree with the exact scan,
// never return a removed template, and survive a restart through a snapshot
// that holds no face vectors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "gallery/gallery.h"
#include "gallery/gallery_set.h"
#include "gallery/hnsw_index.h"

namespace fs = std::filesystem;
using facecheck::gallery::Gallery;
using facecheck::gallery::GalleryOptions;
using facecheck::gallery::GallerySet;
using facecheck::gallery::IndexReport;
using facecheck::gallery::SnapshotError;
using facecheck::vision::Embedding;
using facecheck::vision::ScoreMetric;

namespace {

constexpr size_t kDim = 64;

Embedding unit(Embedding e) {
  float n2 = 0;
  for (float v : e) n2 += v * v;
  for (float& v : e) v /= std::sqrt(n2);
  return e;
}

Embedding random_unit(std::mt19937& rng) {
  std::normal_distribution<float> normal;
  Embedding e(kDim);
  for (float& v : e) v = normal(rng);
  return unit(e);
}

Embedding near(const Embedding& centre, float spread, std::mt19937& rng) {
  std::normal_distribution<float> normal(0.f, spread);
  Embedding e = centre;
  for (float& v : e) v += normal(rng);
  return unit(e);
}

// People with three templates each around their own centre, plus strangers
// with one template each: the shape of a real gallery.
struct Population {
  std::vector<Embedding> centres;
  Gallery gallery;
  explicit Population(size_t people, size_t strangers, uint32_t seed = 7,
                      GalleryOptions options = {})
      : gallery(kDim, ScoreMetric::Cosine, options) {
    std::mt19937 rng(seed);
    int64_t template_id = 1;
    for (size_t p = 0; p < people; ++p) {
      centres.push_back(random_unit(rng));
      for (int t = 0; t < 3; ++t)
        gallery.add(int64_t(p + 1), template_id++, near(centres.back(), 0.05f, rng));
    }
    for (size_t s = 0; s < strangers; ++s)
      gallery.add(int64_t(people + s + 1), template_id++, random_unit(rng));
  }
};

fs::path scratch(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("facecheck-index-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(GalleryIndex, AgreesWithTheExactScanAndScoresExactly) {
  Population pop(400, 3000);
  pop.gallery.build_index(2);
  ASSERT_TRUE(pop.gallery.indexed());
  std::mt19937 rng(99);
  size_t agree = 0;
  for (size_t p = 0; p < pop.centres.size(); ++p) {
    const Embedding q = near(pop.centres[p], 0.08f, rng);
    const auto fast = pop.gallery.search(q, 3);
    const auto exact = pop.gallery.search_exact(q, 3);
    ASSERT_EQ(fast.size(), 3u);
    agree += fast[0].person_id == exact[0].person_id;
    // Whatever the index proposes is scored by the scan's own formula.
    if (fast[0].template_id == exact[0].template_id) {
      EXPECT_EQ(fast[0].distance, exact[0].distance);
    }
    EXPECT_EQ(fast[0].person_id, int64_t(p + 1));
    EXPECT_LT(fast[0].distance, fast[1].distance);
    EXPECT_NE(fast[0].person_id, fast[1].person_id);  // one entry per person
  }
  EXPECT_EQ(agree, pop.centres.size());
  // Large k is answered by the scan, index or not.
  EXPECT_EQ(pop.gallery.search(pop.centres[0], 100).size(), 100u);
}

TEST(GalleryIndex, RemovedPeopleAndTemplatesAreNeverReturned) {
  Population pop(200, 2000);
  pop.gallery.build_index(1);
  std::mt19937 rng(5);
  for (int64_t person = 1; person <= 50; ++person) {
    ASSERT_EQ(pop.gallery.remove_person(person), 3u);
    const auto found = pop.gallery.search(pop.centres[size_t(person - 1)], 5);
    for (const auto& m : found) EXPECT_NE(m.person_id, person);
  }
  EXPECT_EQ(pop.gallery.index_waypoints(), 150u);
  // A template re-added under its id replaces its vector in the index too.
  const Embedding moved = random_unit(rng);
  pop.gallery.add(200, 600, moved);  // template 600 belonged to person 200
  const auto found = pop.gallery.search(moved, 1);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].template_id, 600);
  EXPECT_NEAR(found[0].distance, 0.f, 1e-5f);
}

TEST(GalleryIndex, TemplatesAddedAfterTheBuildAreFound) {
  Population pop(100, 2000);
  pop.gallery.build_index(2);
  std::mt19937 rng(11);
  for (int64_t i = 0; i < 200; ++i) {
    const Embedding e = random_unit(rng);
    pop.gallery.add(100000 + i, 900000 + i, e);
    const auto found = pop.gallery.search(e, 1);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].person_id, 100000 + i);
  }
}

TEST(GalleryIndex, SnapshotRoundTripHoldsNoVectors) {
  const fs::path dir = scratch("roundtrip");
  const fs::path file = dir / "g.hnsw";
  Population original(300, 2000);
  original.gallery.build_index(2);
  original.gallery.save_index(file);
  ASSERT_TRUE(fs::exists(file));
  ASSERT_TRUE(fs::exists(file.string() + ".sum"));

  // No stored vector's bytes appear anywhere in the file.
  std::ifstream in(file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::mt19937 rng(7);  // Population's seed: the first person's first template
  const Embedding centre = random_unit(rng);
  const Embedding first = near(centre, 0.05f, rng);
  const std::string needle(reinterpret_cast<const char*>(first.data()), 8 * sizeof(float));
  EXPECT_EQ(bytes.find(needle), std::string::npos);

  Population restarted(300, 2000);
  restarted.gallery.load_index(file);
  ASSERT_TRUE(restarted.gallery.indexed());
  std::mt19937 queries(3);
  for (size_t p = 0; p < 300; ++p) {
    const Embedding q = near(original.centres[p], 0.08f, queries);
    const auto a = original.gallery.search(q, 2);
    const auto b = restarted.gallery.search(q, 2);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].template_id, b[i].template_id);
      EXPECT_EQ(a[i].distance, b[i].distance);
    }
  }
  fs::remove_all(dir);
}

TEST(GalleryIndex, StaleSnapshotIsBroughtUpToDate) {
  const fs::path dir = scratch("stale");
  const fs::path file = dir / "g.hnsw";
  {
    Population before(300, 2000);
    before.gallery.build_index(2);
    before.gallery.save_index(file);
  }
  // Since the snapshot: 20 people deleted, 20 strangers enrolled.
  Population now(300, 2000);
  for (int64_t person = 1; person <= 20; ++person) now.gallery.remove_person(person);
  std::mt19937 rng(21);
  std::vector<Embedding> added;
  for (int64_t i = 0; i < 20; ++i) {
    added.push_back(random_unit(rng));
    now.gallery.add(50000 + i, 70000 + i, added.back());
  }
  now.gallery.load_index(file);
  for (int64_t person = 1; person <= 20; ++person)
    for (const auto& m : now.gallery.search(now.centres[size_t(person - 1)], 3))
      EXPECT_NE(m.person_id, person);
  for (int64_t i = 0; i < 20; ++i) {
    const auto found = now.gallery.search(added[size_t(i)], 1);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].person_id, 50000 + i);
  }
  fs::remove_all(dir);
}

TEST(GalleryIndex, DamagedOrForeignSnapshotsAreRefused) {
  const fs::path dir = scratch("damaged");
  const fs::path file = dir / "g.hnsw";
  Population pop(100, 1500);
  EXPECT_THROW(pop.gallery.load_index(file), SnapshotError);  // missing
  pop.gallery.build_index(1);
  pop.gallery.save_index(file);

  GalleryOptions other;
  other.index.links = 8;
  Population other_links(100, 1500, 7, other);
  EXPECT_THROW(other_links.gallery.load_index(file), SnapshotError);
  EXPECT_FALSE(other_links.gallery.indexed());

  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);
    f.put('\x5a');
  }
  Population again(100, 1500);
  EXPECT_THROW(again.gallery.load_index(file), SnapshotError);
  EXPECT_FALSE(again.gallery.indexed());
  // Still searchable, exactly.
  EXPECT_EQ(again.gallery.search(again.centres[0], 1).at(0).person_id, 1);
  fs::remove_all(dir);
}

TEST(GalleryIndex, ASnapshotOfAnEarlierFormatIsRefused) {
  // Format 1 held float vectors in its nodes; its checksum line names the
  // format, so a file from before the byte codes is refused unread (and
  // GallerySet then rebuilds the index).
  const fs::path dir = scratch("format1");
  const fs::path file = dir / "g.hnsw";
  Population pop(100, 1500);
  pop.gallery.build_index(1);
  pop.gallery.save_index(file);
  const fs::path sum = file.string() + ".sum";
  std::string line;
  {
    std::ifstream in(sum);
    std::getline(in, line);
  }
  const std::string current = "facecheck-hnsw 2 ";
  ASSERT_EQ(line.rfind(current, 0), 0u) << line;
  std::ofstream(sum, std::ios::trunc) << "facecheck-hnsw 1 " << line.substr(current.size()) << '\n';

  Population again(100, 1500);
  EXPECT_THROW(again.gallery.load_index(file), SnapshotError);
  EXPECT_FALSE(again.gallery.indexed());
  fs::remove_all(dir);
}

TEST(GalleryIndex, ASnapshotThatCannotBeWrittenLeavesNothingBehind) {
  const fs::path dir = scratch("unwritable");
  Population pop(50, 1000);
  pop.gallery.build_index(1);
  const fs::path file = dir / "missing-folder" / "g.hnsw";
  EXPECT_THROW(pop.gallery.save_index(file), std::runtime_error);
  EXPECT_FALSE(fs::exists(file));
  EXPECT_FALSE(fs::exists(file.string() + ".sum"));
  EXPECT_TRUE(fs::is_empty(dir));
  // The set still indexes when its snapshot folder is unusable (here a file).
  const fs::path not_a_folder = dir / "plain-file";
  std::ofstream(not_a_folder) << "x";
  GalleryOptions options;
  options.index_from = 10;
  GallerySet set(options);
  std::mt19937 rng(2);
  for (int64_t i = 1; i <= 20; ++i) {
    Embedding e(512);
    std::normal_distribution<float> normal;
    for (float& v : e) v = normal(rng);
    set.add("arcface-fp-512", i, i, unit(e));
  }
  const auto reports = set.prepare_indexes(not_a_folder, "big", 1);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_FALSE(reports[0].save_error.empty());
  EXPECT_TRUE(set.find("arcface-fp-512")->indexed());
  fs::remove_all(dir);
}

TEST(GalleryIndex, GallerySetIndexesOnlyLargeGalleriesAndReusesSnapshots) {
  const fs::path dir = scratch("set");
  GalleryOptions options;
  options.index_from = 1000;
  const auto fill = [&](GallerySet& set, size_t count) {
    std::mt19937 rng(1);
    for (size_t i = 0; i < count; ++i) {
      Embedding e(512);
      std::normal_distribution<float> normal;
      for (float& v : e) v = normal(rng);
      set.add("arcface-fp-512", int64_t(i + 1), int64_t(i + 1), unit(e));
    }
  };
  GallerySet small(options);
  fill(small, 999);
  EXPECT_TRUE(small.prepare_indexes(dir, "small", 1).empty());
  EXPECT_FALSE(small.find("arcface-fp-512")->indexed());

  GallerySet first(options);
  fill(first, 1500);
  auto reports = first.prepare_indexes(dir, "big", 2);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].source, IndexReport::Source::kBuilt);
  EXPECT_EQ(reports[0].templates, 1500u);
  EXPECT_FALSE(reports[0].why_built.empty());  // there was no snapshot yet
  EXPECT_TRUE(first.find("arcface-fp-512")->indexed());

  GallerySet second(options);
  fill(second, 1500);
  reports = second.prepare_indexes(dir, "big", 2);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].source, IndexReport::Source::kSnapshot);
  EXPECT_TRUE(reports[0].why_built.empty());
  fs::remove_all(dir);
}

}  // namespace
