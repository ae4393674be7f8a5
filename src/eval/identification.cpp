#include "eval/identification.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

namespace facecheck::eval {
namespace {

// Rates of an empty set are reported as 0 rather than NaN so a report on a
// tiny subset still prints; the counts beside them say how little it means.
template <typename Range, typename Pred>
double fraction(const Range& items, Pred pred) {
  if (items.empty()) return 0;
  size_t hits = 0;
  for (const auto& item : items) hits += pred(item) ? 1 : 0;
  return static_cast<double>(hits) / static_cast<double>(items.size());
}

}  // namespace

MatedSearch mated_search(const std::vector<float>& person_distances, size_t mate) {
  if (mate >= person_distances.size())
    throw std::invalid_argument("mated_search: mate index outside the gallery");
  MatedSearch s;
  s.mate_distance = person_distances[mate];
  s.best_other_distance = std::numeric_limits<float>::infinity();
  s.mate_rank = 1;
  for (size_t p = 0; p < person_distances.size(); ++p) {
    if (p == mate) continue;
    s.best_other_distance = std::min(s.best_other_distance, person_distances[p]);
    if (person_distances[p] <= s.mate_distance) ++s.mate_rank;
  }
  return s;
}

NonMatedSearch nonmated_search(const std::vector<float>& person_distances) {
  if (person_distances.empty()) throw std::invalid_argument("nonmated_search: empty gallery");
  const auto best = std::min_element(person_distances.begin(), person_distances.end());
  return {*best, static_cast<size_t>(best - person_distances.begin())};
}

double fnir_at(const std::vector<MatedSearch>& mated, float threshold) {
  return fraction(mated, [threshold](const MatedSearch& s) {
    return !(s.mate_rank == 1 && s.mate_distance < threshold);
  });
}

double fpir_at(const std::vector<NonMatedSearch>& nonmated, float threshold) {
  return fraction(nonmated,
                  [threshold](const NonMatedSearch& s) { return s.best_distance < threshold; });
}

double misidentification_at(const std::vector<MatedSearch>& mated, float threshold) {
  return fraction(mated, [threshold](const MatedSearch& s) {
    return s.mate_rank != 1 && s.best_other_distance < threshold;
  });
}

double rank1_rate(const std::vector<MatedSearch>& mated) {
  return fraction(mated, [](const MatedSearch& s) { return s.mate_rank == 1; });
}

float largest_threshold_at_rate(std::vector<float> distances, double max_rate) {
  if (distances.empty()) throw std::invalid_argument("threshold: no distances");
  if (!(max_rate >= 0 && max_rate <= 1))
    throw std::invalid_argument("threshold: rate not in [0,1]");
  // The epsilon keeps 0.01 * 1000 from flooring to 9 through rounding.
  const auto allowed = static_cast<size_t>(std::floor(max_rate * distances.size() + 1e-9));
  if (allowed >= distances.size())
    return std::nextafter(*std::max_element(distances.begin(), distances.end()),
                          std::numeric_limits<float>::infinity());
  // Accepting means distance < T, so T = the (allowed+1)-th smallest distance
  // accepts at most `allowed`; any larger T would accept that one too.
  std::nth_element(distances.begin(), distances.begin() + allowed, distances.end());
  return distances[allowed];
}

float threshold_at_fpir(const std::vector<NonMatedSearch>& nonmated, double target_fpir) {
  std::vector<float> best;
  best.reserve(nonmated.size());
  for (const auto& s : nonmated) best.push_back(s.best_distance);
  return largest_threshold_at_rate(std::move(best), target_fpir);
}

AttendeeOutcome attendee_outcome(const std::vector<MatedSearch>& mated,
                                 const std::vector<size_t>& attendee_of, float threshold,
                                 size_t photos) {
  if (mated.size() != attendee_of.size())
    throw std::invalid_argument("attendee_outcome: one attendee per search expected");
  if (photos == 0) throw std::invalid_argument("attendee_outcome: photos must be at least 1");
  struct Tally {
    size_t searches = 0;
    bool right = false, wrong = false;
  };
  std::map<size_t, Tally> by_attendee;
  for (size_t i = 0; i < mated.size(); ++i) {
    Tally& t = by_attendee[attendee_of[i]];
    if (t.searches++ >= photos) continue;
    t.right = t.right || (mated[i].mate_rank == 1 && mated[i].mate_distance < threshold);
    t.wrong = t.wrong || (mated[i].mate_rank != 1 && mated[i].best_other_distance < threshold);
  }
  AttendeeOutcome out;
  out.attendees = by_attendee.size();
  if (out.attendees == 0) return out;
  for (const auto& [id, t] : by_attendee) {
    out.checked_in += t.right ? 1 : 0;
    out.as_someone_else += t.wrong ? 1 : 0;
  }
  out.checked_in /= static_cast<double>(out.attendees);
  out.as_someone_else /= static_cast<double>(out.attendees);
  return out;
}

double fpir_for_gallery_size(double pair_fmr, size_t gallery_size) {
  if (pair_fmr >= 1) return gallery_size ? 1 : 0;
  // 1 - (1-p)^N without the cancellation that loses p ~ 1e-6 in doubles.
  return -std::expm1(static_cast<double>(gallery_size) * std::log1p(-pair_fmr));
}

double pair_fmr_for_fpir(double target_fpir, size_t gallery_size) {
  if (gallery_size == 0) throw std::invalid_argument("pair_fmr_for_fpir: empty gallery");
  if (target_fpir >= 1) return 1;
  return -std::expm1(std::log1p(-target_fpir) / static_cast<double>(gallery_size));
}

double pair_fmr_at(const std::vector<float>& impostor_distances, float threshold) {
  return fraction(impostor_distances, [threshold](float d) { return d < threshold; });
}

float threshold_for_gallery_size(const std::vector<float>& impostor_distances, size_t gallery_size,
                                 double target_fpir) {
  return largest_threshold_at_rate(impostor_distances,
                                   pair_fmr_for_fpir(target_fpir, gallery_size));
}

OperatingPoint operating_point(const std::vector<MatedSearch>& mated,
                               const std::vector<NonMatedSearch>& nonmated, float threshold) {
  return {threshold, fpir_at(nonmated, threshold), fnir_at(mated, threshold),
          misidentification_at(mated, threshold)};
}

IdentificationReport evaluate_identification(const std::vector<MatedSearch>& mated,
                                             const std::vector<NonMatedSearch>& nonmated,
                                             const std::vector<float>& impostor_distances,
                                             size_t gallery_size, size_t planned_size,
                                             double planned_fpir) {
  IdentificationReport r;
  r.mated_searches = mated.size();
  r.nonmated_searches = nonmated.size();
  r.impostor_pairs = impostor_distances.size();
  r.rank1 = rank1_rate(mated);
  r.at_fpir_1pct = operating_point(mated, nonmated, threshold_at_fpir(nonmated, 0.01));
  r.at_fpir_0_1pct = operating_point(mated, nonmated, threshold_at_fpir(nonmated, 0.001));

  r.planned_size = planned_size;
  r.planned_pair_fmr = pair_fmr_for_fpir(planned_fpir, planned_size);
  const float planned_threshold =
      threshold_for_gallery_size(impostor_distances, planned_size, planned_fpir);
  r.at_planned_size = operating_point(mated, nonmated, planned_threshold);
  r.planned_fpir_estimate =
      fpir_for_gallery_size(pair_fmr_at(impostor_distances, planned_threshold), planned_size);
  r.predicted_fpir_1pct_here = fpir_for_gallery_size(
      pair_fmr_at(impostor_distances, r.at_fpir_1pct.threshold), gallery_size);
  return r;
}

}  // namespace facecheck::eval
