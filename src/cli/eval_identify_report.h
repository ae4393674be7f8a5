// What `facecheck eval-identify` prints beside its headline numbers: the
// threshold sweep, per-attendee rates, random events of other sizes, the
// nearest strangers, and the optional embeddings file. Each prints its
// human-readable lines and returns the same figures as JSON for the
// command's last line. Kept apart so the command itself reads as the
// protocol: enrol, embed, score, report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "eval/identification.h"
#include "eval/identify_protocol.h"
#include "vision/face_types.h"
#include "vision/recognizer_model.h"

namespace facecheck::cli::identify_report {

void print_point(const char* name, const eval::OperatingPoint& p);
nlohmann::json point_json(const eval::OperatingPoint& p);

// FNIR/FPIR on a fixed grid of thresholds, with the per-pair false match
// rate and the FPIR it predicts for an event of `planned_event_size`.
nlohmann::json sweep(const eval::ScoredSearches& s, size_t planned_event_size);

// Attendees checked in by one of their first 1, 2 or 3 photos at `threshold`.
nlohmann::json per_attendee(const char* name, const eval::IdentifyProtocol& protocol,
                            const eval::ScoredSearches& s, float threshold);

// Random events of each size at the server's default threshold for them
// (eval::study_event_size); every size must fit the gallery.
nlohmann::json event_sizes(const std::vector<size_t>& sizes, size_t events, uint32_t seed,
                           const eval::IdentifyProtocol& protocol,
                           const eval::SearchDistances& distances,
                           const vision::RecognizerModel& model);

// The `shown_at_most` strangers nearest to an enrolled person.
nlohmann::json closest_strangers(const eval::IdentifyProtocol& protocol,
                                 const eval::ScoredSearches& s, size_t shown_at_most);

// One row per photo (role, identity, image, the embedding's values) into `out`, opened
// on `path`. Throws CommandError when the write fails.
void write_embeddings(std::ofstream& out, const std::string& path,
                      const eval::IdentifyProtocol& protocol,
                      const std::vector<vision::Embedding>& embeddings);

}  // namespace facecheck::cli::identify_report
