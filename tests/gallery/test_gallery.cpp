#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "gallery/gallery.h"
#include "gallery/gallery_set.h"

using facecheck::gallery::Gallery;
using facecheck::gallery::Match;
using facecheck::vision::Embedding;
using facecheck::vision::embedding_distance;

namespace {

// The expanded |q|²+|x|²−2q·x form rounds differently from the direct
// difference; 1e-4 is far below the ~0.6 decision threshold.
constexpr float kTol = 1e-4f;

// Like dlib's output: unit direction, norm close to but not exactly 1.
Embedding random_embedding(std::mt19937& rng) {
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<float> scale(0.95f, 1.05f);
  Embedding e(128);
  float n2 = 0;
  for (float& v : e) {
    v = normal(rng);
    n2 += v * v;
  }
  const float s = scale(rng) / std::sqrt(n2);
  for (float& v : e) v *= s;
  return e;
}

Embedding near(const Embedding& e, float noise, std::mt19937& rng) {
  std::normal_distribution<float> normal(0.f, noise);
  Embedding out = e;
  for (float& v : out) v += normal(rng);
  return out;
}

struct Stored {
  int64_t person;
  Embedding e;
};

// The reference: every template compared directly, best per person, sorted.
std::vector<Match> naive_search(const std::map<int64_t, Stored>& templates, const Embedding& q,
                                size_t k) {
  std::map<int64_t, Match> best;
  for (const auto& [tid, t] : templates) {
    const float d = embedding_distance(q, t.e);
    const auto it = best.find(t.person);
    if (it == best.end() || d < it->second.distance) best[t.person] = {t.person, tid, d};
  }
  std::vector<Match> out;
  for (const auto& entry : best) out.push_back(entry.second);
  std::sort(out.begin(), out.end(),
            [](const Match& a, const Match& b) { return a.distance < b.distance; });
  out.resize(std::min(k, out.size()));
  return out;
}

// Near-ties may legitimately swap places between the two computations, so
// the comparison is by distance at each rank plus the consistency of every
// returned (person, template, distance) triple.
void expect_matches_naive(const std::vector<Match>& got, const std::map<int64_t, Stored>& templates,
                          const Embedding& q, size_t k) {
  const auto want = naive_search(templates, q, k);
  const auto everyone = naive_search(templates, q, std::numeric_limits<size_t>::max());
  std::map<int64_t, float> best_of;
  for (const Match& m : everyone) best_of[m.person_id] = m.distance;
  ASSERT_EQ(got.size(), want.size());
  std::set<int64_t> seen;
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i].distance, want[i].distance, kTol) << "rank " << i;
    if (i > 0) {
      EXPECT_LE(got[i - 1].distance, got[i].distance);
    }
    EXPECT_TRUE(seen.insert(got[i].person_id).second) << "person twice: " << got[i].person_id;
    const auto t = templates.find(got[i].template_id);
    ASSERT_NE(t, templates.end());
    EXPECT_EQ(t->second.person, got[i].person_id);
    EXPECT_NEAR(got[i].distance, embedding_distance(q, t->second.e), kTol);
    EXPECT_NEAR(got[i].distance, best_of.at(got[i].person_id), kTol);
  }
}

class GalleryRandom : public ::testing::Test {
 protected:
  void SetUp() override {
    std::uniform_int_distribution<int> per_person(1, 3);
    int64_t tid = 5000;
    for (int64_t person = 0; person < 1000; ++person) {
      const int n = per_person(rng_);
      const Embedding base = random_embedding(rng_);
      for (int j = 0; j < n; ++j) {
        // Templates of one person lie near each other, as real ones do.
        const Embedding e = near(base, 0.02f, rng_);
        gallery_.add(person, tid, e);
        templates_[tid++] = {person, e};
      }
    }
  }

  std::vector<Embedding> queries(int n) {
    std::vector<Embedding> out;
    std::uniform_int_distribution<size_t> pick(0, templates_.size() - 1);
    for (int i = 0; i < n; ++i) {
      if (i % 2 == 0) {
        out.push_back(random_embedding(rng_));
      } else {
        auto it = templates_.begin();
        std::advance(it, static_cast<std::ptrdiff_t>(pick(rng_)));
        out.push_back(near(it->second.e, 0.05f, rng_));
      }
    }
    return out;
  }

  std::mt19937 rng_{42};
  Gallery gallery_;
  std::map<int64_t, Stored> templates_;
};

}  // namespace

TEST_F(GalleryRandom, MatchesBruteForce) {
  EXPECT_EQ(gallery_.size(), templates_.size());
  EXPECT_EQ(gallery_.people(), 1000u);
  // k = 1 and 5 take the short-list path, 50 and "all" the hash-map path.
  for (const size_t k : {size_t{1}, size_t{5}, size_t{50}, size_t{5000}}) {
    for (const Embedding& q : queries(20)) {
      SCOPED_TRACE(k);
      expect_matches_naive(gallery_.search(q, k), templates_, q, k);
    }
  }
}

TEST_F(GalleryRandom, StillMatchesAfterRemovals) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int64_t> person(0, 999);
  for (int i = 0; i < 200; ++i) {
    const int64_t p = person(rng);
    size_t expected = 0;
    for (auto it = templates_.begin(); it != templates_.end();) {
      if (it->second.person == p) {
        it = templates_.erase(it);
        ++expected;
      } else {
        ++it;
      }
    }
    EXPECT_EQ(gallery_.remove_person(p), expected);
  }
  // Single templates too, so the swap-with-last path runs on arbitrary rows.
  for (int i = 0; i < 200 && !templates_.empty(); ++i) {
    auto it = templates_.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(rng() % templates_.size()));
    EXPECT_TRUE(gallery_.remove_template(it->first));
    templates_.erase(it);
  }
  std::set<int64_t> persons;
  for (const auto& entry : templates_) persons.insert(entry.second.person);
  EXPECT_EQ(gallery_.size(), templates_.size());
  EXPECT_EQ(gallery_.people(), persons.size());
  for (const size_t k : {size_t{1}, size_t{10}, size_t{100}}) {
    for (const Embedding& q : queries(10))
      expect_matches_naive(gallery_.search(q, k), templates_, q, k);
  }
}

TEST(Gallery, KNearestPeopleInOrderEachPersonOnce) {
  Gallery g;
  Embedding base(128, 0.f);
  base[0] = 1.f;
  const auto offset = [&](float dy) {
    Embedding e = base;
    e[1] = dy;
    return e;
  };
  g.add(1, 10, offset(0.10f));
  g.add(1, 11, offset(0.05f));  // person 1's best
  g.add(1, 12, offset(0.01f));  // nearer than anyone, still one entry
  g.add(2, 20, offset(0.20f));
  g.add(3, 30, offset(0.30f));
  g.add(3, 31, offset(0.02f));
  g.add(4, 40, offset(0.90f));
  EXPECT_EQ(g.people(), 4u);
  const auto m = g.search(base, 3);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].person_id, 1);
  EXPECT_EQ(m[0].template_id, 12);
  EXPECT_NEAR(m[0].distance, 0.01f, kTol);
  EXPECT_EQ(m[1].person_id, 3);
  EXPECT_EQ(m[1].template_id, 31);
  EXPECT_EQ(m[2].person_id, 2);
  EXPECT_EQ(g.search(base, 100).size(), 4u);  // fewer people than k
  EXPECT_TRUE(g.search(base, 0).empty());
}

TEST(Gallery, IdenticalQueryIsExactlyZeroAndNormsAreNotAssumed) {
  std::mt19937 rng(3);
  Gallery g;
  const Embedding a = random_embedding(rng);
  Embedding big = random_embedding(rng);
  for (float& v : big) v *= 3.f;  // far from unit norm: the formula must not assume |x| = 1
  g.add(1, 1, a);
  g.add(2, 2, big);
  EXPECT_EQ(g.search(a)[0].distance, 0.f);
  const auto m = g.search(a, 2);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_NEAR(m[1].distance, embedding_distance(a, big), kTol);
}

TEST(Gallery, RemoveIsImmediateAndReAddReplaces) {
  std::mt19937 rng(5);
  Gallery g;
  const Embedding a = random_embedding(rng), b = random_embedding(rng);
  g.add(1, 100, a);
  g.add(1, 101, near(a, 0.01f, rng));
  g.add(2, 200, b);
  EXPECT_EQ(g.search(a)[0].person_id, 1);
  EXPECT_EQ(g.remove_person(1), 2u);
  EXPECT_EQ(g.search(a)[0].person_id, 2);
  EXPECT_EQ(g.remove_person(1), 0u);
  EXPECT_EQ(g.people(), 1u);

  g.add(3, 300, a);
  EXPECT_EQ(g.search(a)[0].person_id, 3);
  g.add(4, 300, b);  // same template id: replaces embedding and owner
  EXPECT_EQ(g.size(), 2u);
  EXPECT_EQ(g.people(), 2u);  // persons 2 and 4; 3 has nothing left
  for (const Match& m : g.search(a, 5)) EXPECT_NE(m.person_id, 3);
  EXPECT_EQ(g.search(b, 5).size(), 2u);

  EXPECT_TRUE(g.remove_template(200));
  EXPECT_FALSE(g.remove_template(200));
  EXPECT_EQ(g.people(), 1u);
  EXPECT_EQ(g.search(b)[0].template_id, 300);
  EXPECT_TRUE(g.remove_template(300));
  EXPECT_EQ(g.size(), 0u);
  EXPECT_TRUE(g.search(a, 3).empty());
}

TEST(Gallery, RejectsNonFiniteInput) {
  Gallery g;
  Embedding bad(128, 0.f);
  bad[7] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(g.add(1, 1, bad), std::invalid_argument);
  EXPECT_THROW(g.search(bad), std::invalid_argument);
  bad[7] = std::numeric_limits<float>::infinity();
  EXPECT_THROW(g.add(1, 1, bad), std::invalid_argument);
  EXPECT_EQ(g.size(), 0u);
}

// Writers add a person right on top of the readers' query and then remove
// it; a reader must never see a person whose removal finished before its
// search began. Run under -fsanitize=thread to also check the locking.
TEST(Gallery, ConcurrentSearchesWhileAddingAndRemoving) {
  std::mt19937 rng(11);
  Gallery g;
  for (int64_t p = 0; p < 300; ++p) g.add(p, p, random_embedding(rng));
  const Embedding query = random_embedding(rng);

  constexpr int64_t kFirst = 100000;
  constexpr int kRounds = 300;
  std::atomic<int64_t> removed_upto{kFirst - 1};  // persons <= this are gone
  std::atomic<bool> done{false};
  std::atomic<int> violations{0}, searches{0};

  std::thread writer([&] {
    std::mt19937 wrng(1);
    for (int64_t p = kFirst; p < kFirst + kRounds; ++p) {
      g.add(p, 2 * p, near(query, 0.001f, wrng));
      g.add(p, 2 * p + 1, near(query, 0.002f, wrng));
      EXPECT_EQ(g.remove_person(p), 2u);
      removed_upto.store(p, std::memory_order_release);
    }
  });
  std::thread template_writer([&] {  // churns single templates of person 0
    std::mt19937 wrng(2);
    for (int i = 0; i < kRounds; ++i) {
      g.add(0, 1000000 + i, near(query, 0.01f, wrng));
      EXPECT_TRUE(g.remove_template(1000000 + i));
    }
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&, r] {
      for (int i = 0; i < 100000 && (i < 50 || !done.load()); ++i) {
        const int64_t gone = removed_upto.load(std::memory_order_acquire);
        for (const Match& m : g.search(query, r == 0 ? 1 : (r == 1 ? 5 : 64))) {
          if (m.person_id >= kFirst && m.person_id <= gone) ++violations;
          if (m.template_id >= 1000000) {
            EXPECT_EQ(m.person_id, 0);
          }
        }
        ++searches;
      }
    });
  }
  writer.join();
  template_writer.join();
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(violations.load(), 0);
  EXPECT_GT(searches.load(), 0);
  EXPECT_EQ(g.size(), 300u);
  EXPECT_EQ(g.people(), 300u);
}

// Any dimension: 512-d cosine galleries (ArcFace), and an odd size that
// exercises the scalar tail of the dot product, each against brute force.
TEST(Gallery, CosineGalleriesOfAnyDimensionMatchBruteForce) {
  using facecheck::vision::ScoreMetric;
  for (const size_t dim : {size_t{512}, size_t{37}}) {
    SCOPED_TRACE(dim);
    std::mt19937 rng(static_cast<unsigned>(dim));
    std::normal_distribution<float> normal;
    auto random_vector = [&] {
      Embedding e(dim);
      for (float& v : e) v = normal(rng) * 3.f;  // not unit length: the gallery normalises
      return e;
    };
    Gallery g(dim, ScoreMetric::Cosine);
    EXPECT_EQ(g.dimension(), dim);
    std::vector<Embedding> stored;
    for (int64_t t = 0; t < 300; ++t) {
      stored.push_back(random_vector());
      g.add(t / 3, t, stored.back());
    }
    for (int q = 0; q < 20; ++q) {
      const Embedding query = random_vector();
      float best = 10;
      int64_t best_person = -1;
      for (size_t t = 0; t < stored.size(); ++t) {
        const float d = facecheck::vision::cosine_distance(query, stored[t]);
        if (d < best) best = d, best_person = int64_t(t / 3);
      }
      const auto found = g.search(query, 1);
      ASSERT_EQ(found.size(), 1u);
      EXPECT_EQ(found[0].person_id, best_person);
      EXPECT_NEAR(found[0].distance, best, kTol);
    }
    // A stored vector finds itself at distance ~0, whatever its length.
    Embedding doubled = stored[5];
    for (float& v : doubled) v *= 2;
    EXPECT_NEAR(g.search(doubled, 1)[0].distance, 0.f, kTol);
    // Wrong sizes and zero vectors are refused.
    EXPECT_THROW(g.add(1, 999, Embedding(dim + 1, 1.f)), std::invalid_argument);
    EXPECT_THROW(g.search(Embedding(128, 1.f)), std::invalid_argument);
    EXPECT_THROW(g.add(1, 999, Embedding(dim, 0.f)), std::invalid_argument);
  }
}

// One gallery per model: a 128-d dlib template is never compared with a
// 512-d ArcFace query, and removal reaches every model.
TEST(GallerySet, KeepsModelsApart) {
  facecheck::gallery::GallerySet set;
  set.add("dlib-resnet34-128", 1, 10, Embedding(128, 0.1f));
  Embedding arc(512, 0.f);
  arc[0] = 1;
  set.add("arcface-fp-512", 2, 20, arc);
  set.add("arcface-fp-512", 1, 11, Embedding(512, 0.5f));
  EXPECT_EQ(set.size(), 3u);
  const auto models = set.models();
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0], "arcface-fp-512");  // the default model first
  EXPECT_EQ(set.find("arcface-fp-512")->search(arc, 1)[0].person_id, 2);
  EXPECT_EQ(set.find("dlib-resnet34-128")->size(), 1u);
  EXPECT_THROW(set.add("dlib-resnet34-128", 3, 30, Embedding(512, 0.1f)), std::invalid_argument);
  EXPECT_THROW(set.add("unknown-model", 3, 30, Embedding(128, 0.1f)), std::invalid_argument);
  EXPECT_EQ(set.remove_person(1), 2u);
  EXPECT_EQ(set.models(), std::vector<std::string_view>{"arcface-fp-512"});
  EXPECT_TRUE(set.remove_template(20));
  EXPECT_FALSE(set.remove_template(20));
  EXPECT_EQ(set.size(), 0u);
}
