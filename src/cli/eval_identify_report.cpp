#include "cli/eval_identify_report.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <iostream>

#include "checkin/open_set_threshold.h"
#include "cli/commands.h"
#include "eval/event_size_study.h"

namespace facecheck::cli::identify_report {

using nlohmann::json;

void print_point(const char* name, const eval::OperatingPoint& p) {
  std::cout << name << ": threshold " << p.threshold << ", FNIR " << p.fnir << ", FPIR " << p.fpir
            << ", wrong person returned " << p.misidentification << "\n";
}

json point_json(const eval::OperatingPoint& p) {
  return {{"threshold", p.threshold},
          {"fnir", p.fnir},
          {"fpir", p.fpir},
          {"misidentification", p.misidentification}};
}

// FNIR/FPIR on a grid of 0.01 steps, so an organiser can read off what a
// per-event match_threshold does without rerunning the benchmark. The grid
// spans the model's useful range: from just below the nearest impostor pair
// to where 1% of impostor pairs match (distances differ between models).
json sweep(const eval::ScoredSearches& s, size_t planned_event_size) {
  json rows = json::array();
  if (s.impostor.empty()) return rows;
  std::vector<float> sorted = s.impostor;
  const size_t at_1pct = sorted.size() / 100;
  std::nth_element(sorted.begin(), sorted.begin() + at_1pct, sorted.end());
  const int last = static_cast<int>(std::ceil(sorted[at_1pct] * 100.f));
  const int first =
      static_cast<int>(std::floor(*std::min_element(sorted.begin(), sorted.end()) * 100.f)) - 1;
  std::cout << "threshold  FNIR    FPIR    pair FMR   FPIR est. at N=" << planned_event_size
            << "\n";
  for (int step = std::max(first, 0); step <= last; ++step) {
    const float t = step / 100.0f;
    const auto p = eval::operating_point(s.mated, s.nonmated, t);
    const double fmr = eval::pair_fmr_at(s.impostor, t);
    const double est = eval::fpir_for_gallery_size(fmr, planned_event_size);
    std::cout << "  " << std::setprecision(2) << t << std::setprecision(4) << "     " << p.fnir
              << "  " << p.fpir << "  " << std::setprecision(3) << std::scientific << fmr
              << std::defaultfloat << std::setprecision(4) << "  " << est << "\n";
    rows.push_back({{"threshold", t},
                    {"fnir", p.fnir},
                    {"fpir", p.fpir},
                    {"pair_fmr", fmr},
                    {"fpir_estimate_n1000", est}});
  }
  return rows;
}

// Per attendee: checked in by any of their first 1, 2 or 3 photos (a kiosk
// keeps taking photos until one works), at the given operating point.
json per_attendee(const char* name, const eval::IdentifyProtocol& protocol,
                  const eval::ScoredSearches& s, float threshold) {
  std::vector<size_t> attendee;
  for (const auto& probe : protocol.mated) attendee.push_back(probe.mate);
  json rows = json::array();
  std::cout << name << " (T " << threshold << "), attendees checked in by one of their first";
  for (size_t photos = 1; photos <= 3; ++photos) {
    const auto o = eval::attendee_outcome(s.mated, attendee, threshold, photos);
    std::cout << " " << photos << ": " << o.checked_in << " (as someone else " << o.as_someone_else
              << ")" << (photos < 3 ? "," : "\n");
    rows.push_back({{"photos", photos},
                    {"attendees", o.attendees},
                    {"checked_in", o.checked_in},
                    {"as_someone_else", o.as_someone_else}});
  }
  return rows;
}

// --event-sizes: random events of each size drawn from this gallery, at the
// threshold `facecheck serve` would pick for them (eval/event_size_study.h).
json event_sizes(const std::vector<size_t>& sizes, size_t events, uint32_t seed,
                 const eval::IdentifyProtocol& protocol, const eval::SearchDistances& distances,
                 const vision::RecognizerModel& model) {
  json rows = json::array();
  if (sizes.empty()) return rows;
  std::cout << "random events at the server's default threshold (" << events
            << " events per size; attendees counted by one of their first 2 photos):\n"
            << "  people  threshold  photos in  attendees in  someone else  strangers in\n";
  for (size_t size : sizes) {
    eval::EventSizeStudy study;
    study.event_size = size;
    study.events = events;
    study.seed = seed;
    study.threshold_for = [&model](size_t templates) {
      return checkin::open_set_threshold(templates, model);
    };
    // Sizes were checked against the gallery when the command started.
    const auto o = eval::study_event_size(protocol, distances, study);
    std::cout << "  " << std::setw(6) << size << "  " << std::setw(9) << o.threshold << "  "
              << std::setw(9) << o.photos_checked_in << "  " << std::setw(12)
              << o.attendees_checked_in << "  " << std::setw(12) << o.attendees_as_someone_else
              << "  " << std::setw(12) << o.fpir << "\n";
    rows.push_back({{"event_size", size},
                    {"events", o.events},
                    {"threshold", o.threshold},
                    {"attendee_searches", o.attendee_searches},
                    {"photos_checked_in", o.photos_checked_in},
                    {"photos_as_someone_else", o.photos_as_someone_else},
                    {"attendees", o.attendees},
                    {"attendees_checked_in", o.attendees_checked_in},
                    {"attendees_as_someone_else", o.attendees_as_someone_else},
                    {"stranger_searches", o.stranger_searches},
                    {"fpir", o.fpir}});
  }
  return rows;
}

// The strangers nearest to an enrolled person: the cases that set the strict
// thresholds, worth a look by eye (a mislabelled or shared photo in the data
// would show up here rather than as a model error).
json closest_strangers(const eval::IdentifyProtocol& protocol, const eval::ScoredSearches& s,
                       size_t shown_at_most) {
  std::vector<size_t> order(s.nonmated.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  const size_t shown = std::min<size_t>(shown_at_most, order.size());
  std::partial_sort(order.begin(), order.begin() + shown, order.end(), [&](size_t a, size_t b) {
    return s.nonmated[a].best_distance < s.nonmated[b].best_distance;
  });
  json rows = json::array();
  std::cout << "closest strangers:\n";
  for (size_t k = 0; k < shown; ++k) {
    const auto& search = s.nonmated[order[k]];
    const auto& image = protocol.images[protocol.nonmated[order[k]]];
    const auto& person = protocol.gallery[search.nearest].identity;
    std::cout << "  " << search.best_distance << "  " << image << " ~ " << person << "\n";
    rows.push_back({{"distance", search.best_distance}, {"image", image}, {"nearest", person}});
  }
  return rows;
}

// --embeddings-out: one row per photo (role, identity, image, 128 numbers),
// so decision rules other than a plain threshold can be studied offline on
// exactly the embeddings this run measured.
void write_embeddings(std::ofstream& out, const std::string& path,
                      const eval::IdentifyProtocol& protocol,
                      const std::vector<vision::Embedding>& embeddings) {
  std::vector<std::pair<std::string, std::string>> role(protocol.images.size());
  for (const auto& person : protocol.gallery)
    for (size_t t : person.templates) role[t] = {"template", person.identity};
  for (const auto& probe : protocol.mated)
    role[probe.image] = {"mated", protocol.gallery[probe.mate].identity};
  for (size_t i : protocol.nonmated) role[i] = {"nonmated", "-"};
  const size_t dim = embeddings.empty() ? 0 : embeddings.front().size();
  out << "# role\tidentity\timage\tembedding (" << dim << " values)\n";
  for (size_t i = 0; i < protocol.images.size(); ++i) {
    out << role[i].first << '\t' << role[i].second << '\t' << protocol.images[i];
    for (float v : embeddings[i]) out << '\t' << v;
    out << '\n';
  }
  if (!out.flush()) throw CommandError("cannot write " + path);
}

}  // namespace facecheck::cli::identify_report
