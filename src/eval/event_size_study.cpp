#include "eval/event_size_study.h"

#include <numeric>
#include <random>
#include <stdexcept>

#include "eval/identification.h"

namespace facecheck::eval {
namespace {

// `count` of [0, n), drawn with fixed_shuffle as pick_unknowns draws strangers.
std::vector<size_t> draw_people(size_t n, size_t count, std::mt19937& rng) {
  std::vector<size_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  fixed_shuffle(all, rng);
  all.resize(count);
  return all;
}

}  // namespace

EventSizeOutcome study_event_size(const IdentifyProtocol& protocol,
                                  const SearchDistances& distances, const EventSizeStudy& study) {
  const size_t people = protocol.gallery.size();
  if (study.event_size == 0 || study.event_size > people)
    throw std::invalid_argument("event size must be between 1 and the " + std::to_string(people) +
                                " people enrolled");
  if (study.events == 0 || study.photos == 0 || !study.threshold_for)
    throw std::invalid_argument("study_event_size: events, photos and threshold_for are needed");
  if (distances.mated.size() != protocol.mated.size() ||
      distances.nonmated.size() != protocol.nonmated.size())
    throw std::invalid_argument("study_event_size: one distance row per search expected");
  const size_t templates_per_person = protocol.gallery.front().templates.size();
  EventSizeOutcome out;
  out.event_size = study.event_size;
  out.events = study.events;
  out.threshold = study.threshold_for(study.event_size * templates_per_person);

  std::mt19937 rng(study.seed);
  double photos_right = 0, photos_wrong = 0, people_right = 0, people_wrong = 0, strangers_in = 0;
  for (size_t e = 0; e < study.events; ++e) {
    const auto event = draw_people(people, study.event_size, rng);
    std::vector<long> column(people, -1);  // person -> position in this event
    for (size_t k = 0; k < event.size(); ++k) column[event[k]] = static_cast<long>(k);

    std::vector<MatedSearch> attendee_searches;
    std::vector<size_t> attendee_of;
    std::vector<NonMatedSearch> stranger_searches;
    std::vector<float> row(event.size());
    auto search = [&](const std::vector<float>& all_people, long mate) {
      for (size_t k = 0; k < event.size(); ++k) row[k] = all_people[event[k]];
      if (mate >= 0) {
        attendee_searches.push_back(mated_search(row, static_cast<size_t>(mate)));
        attendee_of.push_back(static_cast<size_t>(mate));
      } else {
        stranger_searches.push_back(nonmated_search(row));
      }
    };
    for (size_t i = 0; i < distances.mated.size(); ++i)
      search(distances.mated[i], column[protocol.mated[i].mate]);
    for (const auto& d : distances.nonmated) search(d, -1);
    const float t = out.threshold;
    const double n_searches = static_cast<double>(attendee_searches.size());
    photos_right += (1 - fnir_at(attendee_searches, t)) * n_searches;
    photos_wrong += misidentification_at(attendee_searches, t) * n_searches;
    out.attendee_searches += attendee_searches.size();
    const auto per_person = attendee_outcome(attendee_searches, attendee_of, t, study.photos);
    people_right += per_person.checked_in * static_cast<double>(per_person.attendees);
    people_wrong += per_person.as_someone_else * static_cast<double>(per_person.attendees);
    out.attendees += per_person.attendees;
    strangers_in += fpir_at(stranger_searches, t) * static_cast<double>(stranger_searches.size());
    out.stranger_searches += stranger_searches.size();
  }
  auto share = [](double hits, size_t n) { return n ? hits / static_cast<double>(n) : 0.0; };
  out.photos_checked_in = share(photos_right, out.attendee_searches);
  out.photos_as_someone_else = share(photos_wrong, out.attendee_searches);
  out.attendees_checked_in = share(people_right, out.attendees);
  out.attendees_as_someone_else = share(people_wrong, out.attendees);
  out.fpir = share(strangers_in, out.stranger_searches);
  return out;
}

}  // namespace facecheck::eval
