// What the default threshold does for an event of a given size, measured
// rather than extrapolated: many random events of N people are drawn from
// the benchmark's gallery, each searched with its attendees' photos and
// with everyone else's (strangers to that event), at the threshold the
// server would choose for N templates.
//
// The gallery of `eval-identify` has one fixed size (198 people on LFW);
// the server's default threshold changes with the event's size
// (checkin/open_set_threshold.h). This closes the loop between the two: it
// checks, at sizes the benchmark can sample, that strangers stay at the
// target rate and says how many attendees are checked in -- per photo and
// per attendee (docs/identification.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "eval/identify_protocol.h"

namespace facecheck::eval {

struct EventSizeOutcome {
  size_t event_size = 0;  // people per event
  size_t events = 0;      // events drawn
  float threshold = 0;
  // Over every attendee search of every event:
  size_t attendee_searches = 0;
  double photos_checked_in = 0;       // the attendee returned below T
  double photos_as_someone_else = 0;  // another attendee returned below T
  // Over every attendee of every event, with their first `photos` searches:
  size_t attendees = 0;
  double attendees_checked_in = 0;
  double attendees_as_someone_else = 0;
  // Strangers: the never-enrolled photos plus the photos of listed people
  // not drawn into this event.
  size_t stranger_searches = 0;
  double fpir = 0;
};

struct EventSizeStudy {
  size_t event_size = 50;
  size_t events = 100;
  uint32_t seed = 1;
  size_t photos = 2;  // searches per attendee counted for the per-attendee rate
  // The threshold for an event holding this many templates.
  std::function<float(size_t templates)> threshold_for;
};

// `distances`: search_distances(protocol, embeddings), computed once for
// every size studied. Throws std::invalid_argument if event_size is 0 or
// larger than the gallery, events or photos is 0, threshold_for is empty, or
// the distances do not match the protocol.
EventSizeOutcome study_event_size(const IdentifyProtocol& protocol,
                                  const SearchDistances& distances, const EventSizeStudy& study);

}  // namespace facecheck::eval
