// Presentation-attack detection metrics in ISO/IEC 30107-3 terms.
//
// BPCER: share of bona fide (live) presentations classified as attacks.
// APCER: share of attack presentations of one type classified as live; a
// system's APCER is that of its worst type. Both at one threshold on a live
// score (higher = more likely live).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace facecheck::eval {

struct PadSample {
  std::string kind;    // "live", or the attack type ("print", "replay", ...)
  std::string source;  // where the sample came from (a dataset), for grouping
  float live_score = 0.f;
  bool is_live() const { return kind == "live"; }
};

struct ErrorCount {
  size_t errors = 0, total = 0;
  double rate() const { return total ? double(errors) / double(total) : 0.0; }
};

struct PadRates {
  float threshold = 0.f;
  ErrorCount bpcer;                         // live samples scored below threshold
  std::map<std::string, ErrorCount> apcer;  // per attack type: scored at or above
  ErrorCount apcer_all;                     // every attack pooled
  double worst_apcer() const;
};

// Live when score >= threshold.
PadRates pad_rates(const std::vector<PadSample>& samples, float threshold);

// The highest threshold at which at most `target` of the live samples
// (a share in [0, 1]) fall below it: the strictest setting that keeps BPCER
// within target on these samples. 0 when there are none.
float threshold_for_bpcer(const std::vector<PadSample>& samples, double target);

// Leave-one-source-out cross-validation of threshold_for_bpcer: for each
// source, the threshold is chosen on every other source's live samples and
// the held-out source is scored at it; the counts are pooled. Shows how the
// chosen threshold generalises to data it was not chosen on.
PadRates cross_validated_rates(const std::vector<PadSample>& samples, double target);

}  // namespace facecheck::eval
