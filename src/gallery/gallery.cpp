#include "gallery/gallery.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>

#include "gallery/vector_math.h"

namespace facecheck::gallery {
namespace {

using detail::dot;

// Up to this k the running top list is a short sorted array; beyond it a
// per-person hash map is cheaper than scanning the list for every row.
constexpr size_t kFewPeople = 32;

// The scan shared by both top-k strategies: |q|² + |x|² − 2 q·x per row.
// Squared distances order like distances, so the square root is taken only
// for the k results. The pointers are hoisted because the visitor writes
// memory, which would otherwise make the compiler reload them every row.
template <size_t kDim, class Visit>
void scan_fixed(const float* query, float query_norm2, const float* rows, const float* norms2,
                size_t count, Visit&& visit) {
  for (size_t row = 0; row < count; ++row)
    visit((query_norm2 + norms2[row]) - 2.f * dot(query, rows + row * kDim, kDim), row);
}

// The dimensions in use get a loop whose length the compiler knows.
template <class Visit>
void scan_rows(const float* query, float query_norm2, const float* rows, const float* norms2,
               size_t count, size_t dim, Visit&& visit) {
  if (dim == 128) return scan_fixed<128>(query, query_norm2, rows, norms2, count, visit);
  if (dim == 512) return scan_fixed<512>(query, query_norm2, rows, norms2, count, visit);
  for (size_t row = 0; row < count; ++row)
    visit((query_norm2 + norms2[row]) - 2.f * dot(query, rows + row * dim, dim), row);
}

}  // namespace

Gallery::Gallery(size_t dimension, vision::ScoreMetric metric, GalleryOptions options)
    : dim_(dimension), metric_(metric), options_(options) {
  if (dimension == 0) throw std::invalid_argument("gallery dimension must be positive");
}

Gallery::~Gallery() = default;

vision::Embedding Gallery::prepared(const vision::Embedding& e, const char* what) const {
  if (e.size() != dim_)
    throw std::invalid_argument(std::string(what) + " has " + std::to_string(e.size()) +
                                " values; this gallery holds " + std::to_string(dim_));
  for (float v : e) {
    if (!std::isfinite(v)) throw std::invalid_argument(std::string(what) + " is not finite");
  }
  vision::Embedding out = e;
  if (metric_ == vision::ScoreMetric::Cosine) {
    vision::l2_normalise(out);
    if (dot(out.data(), out.data(), dim_) == 0.f)
      throw std::invalid_argument(std::string(what) + " is a zero vector");
  }
  return out;
}

// On unit vectors |q - x|^2 = 2 - 2 cos, so the cosine distance is half of it.
float Gallery::distance_of(float dist2) const {
  // Rounding can push the expanded form slightly below 0 for near-identical
  // vectors; the true distance there is ~0.
  const float d2 = std::max(dist2, 0.f);
  return metric_ == vision::ScoreMetric::Cosine ? 0.5f * d2 : std::sqrt(d2);
}

void Gallery::add(int64_t person_id, int64_t template_id, const vision::Embedding& input) {
  const vision::Embedding e = prepared(input, "embedding");
  const float norm2 = dot(e.data(), e.data(), dim_);
  std::unique_lock lock(mutex_);
  if (const auto it = row_of_template_.find(template_id); it != row_of_template_.end()) {
    const size_t row = it->second;
    if (person_ids_[row] != person_id) {
      if (--templates_of_person_[person_ids_[row]] == 0)
        templates_of_person_.erase(person_ids_[row]);
      ++templates_of_person_[person_id];
      person_ids_[row] = person_id;
    }
    std::copy(e.begin(), e.end(), rows_.begin() + static_cast<std::ptrdiff_t>(row * dim_));
    norms2_[row] = norm2;
    if (index_) index_->add(template_id, e.data());
    return;
  }
  if (index_) index_->add(template_id, e.data());
  row_of_template_.emplace(template_id, person_ids_.size());
  ++templates_of_person_[person_id];
  rows_.insert(rows_.end(), e.begin(), e.end());
  norms2_.push_back(norm2);
  person_ids_.push_back(person_id);
  template_ids_.push_back(template_id);
}

// Swap-with-last keeps the rows contiguous in O(1); row order carries no
// meaning, so nothing else has to move.
void Gallery::erase_row(size_t row) {
  const size_t last = person_ids_.size() - 1;
  if (index_) index_->remove(template_ids_[row]);
  row_of_template_.erase(template_ids_[row]);
  if (const auto it = templates_of_person_.find(person_ids_[row]); --it->second == 0) {
    templates_of_person_.erase(it);
  }
  if (row != last) {
    std::copy_n(rows_.begin() + static_cast<std::ptrdiff_t>(last * dim_), dim_,
                rows_.begin() + static_cast<std::ptrdiff_t>(row * dim_));
    norms2_[row] = norms2_[last];
    person_ids_[row] = person_ids_[last];
    template_ids_[row] = template_ids_[last];
    row_of_template_[template_ids_[row]] = row;
  }
  rows_.resize(last * dim_);
  norms2_.pop_back();
  person_ids_.pop_back();
  template_ids_.pop_back();
}

size_t Gallery::remove_person(int64_t person_id) {
  std::unique_lock lock(mutex_);
  const auto it = templates_of_person_.find(person_id);
  if (it == templates_of_person_.end()) return 0;
  const size_t removed = it->second;
  size_t remaining = removed;
  // Walking backwards, the row swapped into a freed slot has already been
  // looked at, so no template of this person is skipped.
  for (size_t row = person_ids_.size(); remaining > 0 && row-- > 0;) {
    if (person_ids_[row] == person_id) {
      erase_row(row);
      --remaining;
    }
  }
  return removed;
}

bool Gallery::remove_template(int64_t template_id) {
  std::unique_lock lock(mutex_);
  const auto it = row_of_template_.find(template_id);
  if (it == row_of_template_.end()) return false;
  erase_row(it->second);
  return true;
}

size_t Gallery::size() const {
  std::shared_lock lock(mutex_);
  return person_ids_.size();
}

size_t Gallery::people() const {
  std::shared_lock lock(mutex_);
  return templates_of_person_.size();
}

// Keeps the best row of up to k distinct people, sorted nearest first. Once
// the list is full almost every row fails the first comparison, so the
// per-row cost is the distance alone.
std::vector<Gallery::Candidate> Gallery::top_few(const float* query, float query_norm2,
                                                 size_t k) const {
  std::vector<Candidate> top;
  top.reserve(k);
  const int64_t* persons = person_ids_.data();
  scan_rows(query, query_norm2, rows_.data(), norms2_.data(), person_ids_.size(), dim_,
            [&](float d2, size_t row) {
              if (top.size() == k && !(d2 < top.back().dist2)) return;
              size_t pos = 0;
              while (pos < top.size() && persons[top[pos].row] != persons[row]) ++pos;
              if (pos < top.size()) {
                if (!(d2 < top[pos].dist2)) return;  // the person already has a nearer row
              } else if (top.size() < k) {
                top.push_back({});
              } else {
                pos = top.size() - 1;  // evict the farthest person
              }
              top[pos] = {d2, row};
              for (; pos > 0 && top[pos].dist2 < top[pos - 1].dist2; --pos) {
                std::swap(top[pos], top[pos - 1]);
              }
            });
  return top;
}

// For large k (e.g. "everyone, ranked"): best row per person, then a
// partial sort of the people.
std::vector<Gallery::Candidate> Gallery::top_many(const float* query, float query_norm2,
                                                  size_t k) const {
  std::unordered_map<int64_t, Candidate> best;
  best.reserve(templates_of_person_.size());
  const int64_t* persons = person_ids_.data();
  scan_rows(query, query_norm2, rows_.data(), norms2_.data(), person_ids_.size(), dim_,
            [&](float d2, size_t row) {
              const auto [it, inserted] = best.try_emplace(persons[row], Candidate{d2, row});
              if (!inserted && d2 < it->second.dist2) it->second = {d2, row};
            });
  std::vector<Candidate> all;
  all.reserve(best.size());
  for (const auto& entry : best) all.push_back(entry.second);
  const auto nearer = [](const Candidate& a, const Candidate& b) {
    return a.dist2 < b.dist2 || (a.dist2 == b.dist2 && a.row < b.row);
  };
  k = std::min(k, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(), nearer);
  all.resize(k);
  return all;
}

// The index proposes templates; each is scored with the scan's own formula
// (so a match has the same distance either way) and the best of each person
// kept. The proposals are few (search_candidates), so a flat list suffices.
std::vector<Gallery::Candidate> Gallery::top_indexed(const float* query, float query_norm2,
                                                     size_t k) const {
  const size_t wanted = std::max(options_.index.search_candidates, 4 * k);
  std::vector<Candidate> best;
  for (const int64_t template_id : index_->nearest(query, wanted)) {
    const auto it = row_of_template_.find(template_id);
    if (it == row_of_template_.end()) continue;  // cannot happen: both change under one lock
    const size_t row = it->second;
    const float d2 =
        (query_norm2 + norms2_[row]) - 2.f * dot(query, rows_.data() + row * dim_, dim_);
    const auto same = std::find_if(best.begin(), best.end(), [&](const Candidate& c) {
      return person_ids_[c.row] == person_ids_[row];
    });
    if (same == best.end()) {
      best.push_back({d2, row});
    } else if (d2 < same->dist2) {
      *same = {d2, row};
    }
  }
  std::sort(best.begin(), best.end(), [](const Candidate& a, const Candidate& b) {
    return a.dist2 < b.dist2 || (a.dist2 == b.dist2 && a.row < b.row);
  });
  if (best.size() > k) best.resize(k);
  return best;
}

std::vector<Match> Gallery::search_with(const vision::Embedding& input, size_t k,
                                        bool use_index) const {
  const vision::Embedding query = prepared(input, "query");
  if (k == 0) return {};
  // Computed with the same dot() as the stored norms, so a query identical
  // to a template cancels to exactly 0 instead of a small rounding residue.
  const float query_norm2 = dot(query.data(), query.data(), dim_);
  std::shared_lock lock(mutex_);
  std::vector<Candidate> top;
  if (use_index && index_ && k <= kFewPeople) {
    top = top_indexed(query.data(), query_norm2, k);
  } else if (k <= kFewPeople) {
    top = top_few(query.data(), query_norm2, k);
  } else {
    top = top_many(query.data(), query_norm2, k);
  }
  std::vector<Match> matches;
  matches.reserve(top.size());
  for (const Candidate& c : top) {
    matches.push_back({person_ids_[c.row], template_ids_[c.row], distance_of(c.dist2)});
  }
  return matches;
}

std::vector<Match> Gallery::search(const vision::Embedding& query, size_t k) const {
  return search_with(query, k, true);
}

std::vector<Match> Gallery::search_exact(const vision::Embedding& query, size_t k) const {
  return search_with(query, k, false);
}

bool Gallery::indexed() const {
  std::shared_lock lock(mutex_);
  return index_ != nullptr;
}

void Gallery::build_index(unsigned threads, const std::function<void(size_t, size_t)>& progress) {
  std::unique_lock lock(mutex_);
  auto index = std::make_unique<HnswIndex>(dim_, options_.index, person_ids_.size());
  index->add_all(template_ids_.data(), rows_.data(), template_ids_.size(), threads, progress);
  index_ = std::move(index);
}

void Gallery::load_index(const std::filesystem::path& file) {
  std::unique_lock lock(mutex_);
  auto index = HnswIndex::load(file, dim_, options_.index, [&](int64_t template_id) {
    const auto it = row_of_template_.find(template_id);
    return it == row_of_template_.end() ? nullptr : rows_.data() + it->second * dim_;
  });
  for (size_t row = 0; row < template_ids_.size(); ++row) {  // enrolled since the snapshot
    if (!index->contains(template_ids_[row]))
      index->add(template_ids_[row], rows_.data() + row * dim_);
  }
  index_ = std::move(index);
}

void Gallery::save_index(const std::filesystem::path& file) const {
  std::shared_lock lock(mutex_);
  if (!index_) throw std::logic_error("the gallery has no index to save");
  index_->save(file);
}

size_t Gallery::index_waypoints() const {
  std::shared_lock lock(mutex_);
  return index_ ? index_->removed() : 0;
}

void Gallery::set_search_candidates(size_t n) {
  if (n == 0) throw std::invalid_argument("a search needs at least one candidate");
  std::unique_lock lock(mutex_);
  options_.index.search_candidates = n;
  if (index_) index_->set_search_candidates(n);
}

}  // namespace facecheck::gallery
