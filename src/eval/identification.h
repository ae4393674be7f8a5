// Open-set 1:N identification metrics on precomputed distances, measured the
// way NIST FRVT reports them (NISTIR 8271): a search either has a mate in the
// gallery (mated) or not (non-mated), and a threshold T decides whether the
// nearest enrolled person is returned at all (distance < T, as in check-in).
//
//   FNIR(T): fraction of mated searches that do NOT return the right person
//            below T -- the mate is farther than T, or a wrong person is
//            nearer than the mate (rank > 1).
//   FPIR(T): fraction of non-mated searches whose nearest person is below T
//            -- a stranger who would be checked in as somebody.
//
// Kept apart from the CLI so every formula is tested on made-up distances
// (tests/eval/test_identification.cpp). See docs/identification.md.
#pragma once

#include <cstddef>
#include <vector>

namespace facecheck::eval {

// A search by a probe whose person is enrolled. Distances are to a person:
// the nearest of that person's templates, as gallery::Gallery::search does.
struct MatedSearch {
  float mate_distance = 0;        // to the probe's own enrolled person
  float best_other_distance = 0;  // to the nearest OTHER enrolled person (inf if none)
  // 1 + the number of other people at a distance <= mate_distance. A tie
  // counts against the mate: the gallery would return either of them.
  size_t mate_rank = 1;
};

// A search by a probe whose person is not enrolled.
struct NonMatedSearch {
  float best_distance = 0;  // to the nearest enrolled person
  size_t nearest = 0;       // which one, so the worst cases can be looked at
};

// Builds a MatedSearch from the probe's distance to every enrolled person.
MatedSearch mated_search(const std::vector<float>& person_distances, size_t mate);
// Builds a NonMatedSearch from the probe's distance to every enrolled person.
NonMatedSearch nonmated_search(const std::vector<float>& person_distances);

double fnir_at(const std::vector<MatedSearch>& mated, float threshold);
double fpir_at(const std::vector<NonMatedSearch>& nonmated, float threshold);
// Fraction of mated searches that return a WRONG person below the threshold:
// for check-in, somebody else is checked in on this attendee's face.
double misidentification_at(const std::vector<MatedSearch>& mated, float threshold);
// Closed-set rank-1 identification rate: the mate is the nearest person,
// whatever its distance.
double rank1_rate(const std::vector<MatedSearch>& mated);

// The largest threshold T (accept: distance < T) such that at most
// floor(max_rate * n) of the n `distances` lie below T, i.e. the rate of
// accepted samples stays at or under max_rate. Throws std::invalid_argument
// on an empty input or a rate outside [0, 1]. When every sample may be
// accepted, returns the largest distance nudged up by one float step.
float largest_threshold_at_rate(std::vector<float> distances, double max_rate);

// The largest threshold keeping FPIR at or under target_fpir.
float threshold_at_fpir(const std::vector<NonMatedSearch>& nonmated, double target_fpir);

// --- Per attendee ----------------------------------------------------------
// FNIR counts photos. An organiser counts people: the kiosk keeps taking
// photos (the Mini Program every 500 ms) until one checks the guest in, and
// a check-in is recorded once per attendee. So the same searches are also
// reported per attendee, over each attendee's first `photos` searches.
struct AttendeeOutcome {
  size_t attendees = 0;        // attendees with at least one search
  double checked_in = 0;       // share with a search returning them below T
  double as_someone_else = 0;  // share with a search returning ANOTHER person below T
};

// `attendee_of[i]` names the attendee of mated[i] (any id); an attendee's
// searches count in the order they appear. Throws std::invalid_argument if
// the two lists differ in length or `photos` is 0.
AttendeeOutcome attendee_outcome(const std::vector<MatedSearch>& mated,
                                 const std::vector<size_t>& attendee_of, float threshold,
                                 size_t photos);

// --- Larger galleries -----------------------------------------------------
// A stranger is compared with every one of the N enrolled people and is
// falsely identified if ANY of them is nearer than T. If each comparison is a
// false match with probability p(T) (the per-pair false match rate) and the
// comparisons were independent,
//     FPIR_N(T) = 1 - (1 - p(T))^N  ~  N * p(T)   for small N*p,
// so FPIR grows about linearly with the gallery: an event 5x larger lets ~5x
// more strangers through at the same threshold, and the threshold has to
// tighten until p(T) <= 1 - (1 - FPIR_target)^(1/N). The comparisons are not
// truly independent (some strangers resemble many people), so the estimate is
// checked against the FPIR measured on the real gallery size (see the report).

// FPIR_N for a per-pair false match rate p.
double fpir_for_gallery_size(double pair_fmr, size_t gallery_size);
// The per-pair false match rate a gallery of N people may have for FPIR_N to
// stay at target_fpir (the inverse of fpir_for_gallery_size).
double pair_fmr_for_fpir(double target_fpir, size_t gallery_size);
// p(T): the fraction of impostor (different-person) distances below T.
double pair_fmr_at(const std::vector<float>& impostor_distances, float threshold);
// The largest threshold whose per-pair false match rate, measured on
// `impostor_distances`, keeps the estimated FPIR_N at or under target_fpir.
float threshold_for_gallery_size(const std::vector<float>& impostor_distances, size_t gallery_size,
                                 double target_fpir);

// One threshold and what it does to both kinds of search.
struct OperatingPoint {
  float threshold = 0;
  double fpir = 0;
  double fnir = 0;
  double misidentification = 0;
};

OperatingPoint operating_point(const std::vector<MatedSearch>& mated,
                               const std::vector<NonMatedSearch>& nonmated, float threshold);

struct IdentificationReport {
  size_t mated_searches = 0;
  size_t nonmated_searches = 0;
  size_t impostor_pairs = 0;
  double rank1 = 0;
  OperatingPoint at_fpir_1pct;    // threshold: largest with FPIR <= 1%
  OperatingPoint at_fpir_0_1pct;  // threshold: largest with FPIR <= 0.1%
  // The same 1% target extrapolated to a planned event of planned_size people.
  size_t planned_size = 0;
  double planned_pair_fmr = 0;       // the per-pair rate that event can afford
  OperatingPoint at_planned_size;    // FPIR/FNIR measured on THIS gallery
  double planned_fpir_estimate = 0;  // FPIR_N predicted at that threshold
  // Sanity check of the independence assumption: the FPIR the formula
  // predicts for the measured gallery at the 1% threshold, to set beside the
  // measured one (at_fpir_1pct.fpir).
  double predicted_fpir_1pct_here = 0;
};

// `impostor_distances`: every different-person distance the searches saw
// (each non-mated probe to every enrolled person, each mated probe to every
// other person). `gallery_size`: people enrolled in this measurement.
IdentificationReport evaluate_identification(const std::vector<MatedSearch>& mated,
                                             const std::vector<NonMatedSearch>& nonmated,
                                             const std::vector<float>& impostor_distances,
                                             size_t gallery_size, size_t planned_size = 1000,
                                             double planned_fpir = 0.01);

}  // namespace facecheck::eval
