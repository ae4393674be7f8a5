// The LFW open-set identification protocol behind `facecheck eval-identify`:
// which photos are enrolled, which are searched, and which people are never
// enrolled. Separate from the embedding step so the CLI and the real-data
// test run the same protocol, and each unique photo is embedded once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "eval/identification.h"
#include "vision/face_engine.h"
#include "vision/face_types.h"

namespace facecheck::eval {

struct LabelledImage {
  std::string identity;
  std::string path;  // relative to the images folder
};

// identify_ge5.tsv: `identity<TAB>image`, '#' lines are comments. File order
// is kept: a person's first listed photo is the one enrolled.
std::vector<LabelledImage> read_identity_list(const std::filesystem::path& path);

struct PersonRow {
  std::string identity;
  int images = 0;
};

// people.tsv: `identity<TAB>n_images<TAB>fold`, '#' lines are comments.
std::vector<PersonRow> read_people(const std::filesystem::path& path);

// `count` people of `people` who are not in `enrolled`, one photo each
// (their first, <Name>/<Name>_0001.jpg). They are drawn by a Fisher-Yates
// shuffle driven by std::mt19937 (whose output the standard fixes), so a
// seed names the same strangers on every platform, spread over all of LFW
// rather than the alphabetical start of one fold. Throws std::invalid_argument
// when fewer than `count` are available.
std::vector<LabelledImage> pick_unknowns(const std::vector<PersonRow>& people,
                                         const std::vector<LabelledImage>& enrolled, size_t count,
                                         uint32_t seed);

// The list grouped by person, in order of first appearance, photos in file
// order.
std::vector<std::pair<std::string, std::vector<std::string>>> group_by_identity(
    const std::vector<LabelledImage>& list);

struct ProtocolOptions {
  size_t templates = 1;  // photos enrolled per person: the first `templates` enrollable ones
  // 1-based index of a person's first probe photo; 0 = every photo that is
  // not a template. Set it above `templates` to search with the same probes
  // whatever the number of templates, so FNIR for K = 1, 2, 3 compares like
  // with like.
  size_t first_probe = 0;
  // Photos check-in's enrolment would refuse (see try_enrol): skipped as
  // templates, the next photo is enrolled instead -- what an organiser does
  // when enrolment asks for a better photo. They may still be probes: a
  // kiosk takes whatever face walks up.
  std::set<std::string> not_enrollable;
};

struct IdentifyProtocol {
  std::vector<std::string> images;  // every photo used, each once
  struct Person {
    std::string identity;
    std::vector<size_t> templates;  // indices into images
  };
  std::vector<Person> gallery;
  struct Probe {
    size_t image = 0;
    size_t mate = 0;  // index into gallery (mated probes only)
  };
  std::vector<Probe> mated;
  std::vector<size_t> nonmated;  // indices into images
  size_t not_enrolled = 0;       // listed people left out
};

// People left without `templates` enrollable photos or without a probe are
// left out (counted in `not_enrolled`). Throws std::invalid_argument if an
// unknown is also a listed identity or nobody is left.
IdentifyProtocol build_protocol(const std::vector<LabelledImage>& list,
                                const std::vector<LabelledImage>& unknowns,
                                const ProtocolOptions& options);

struct ScoredSearches {
  std::vector<MatedSearch> mated;
  std::vector<NonMatedSearch> nonmated;
  // Every different-person distance: non-mated probe x enrolled person and
  // mated probe x other enrolled person (the per-pair impostor distribution).
  std::vector<float> impostor;
};

// Each search's distance to each enrolled person (the nearest of the
// person's templates, like gallery::Gallery): mated[i][p] for
// protocol.mated[i], nonmated[j][p] for protocol.nonmated[j]. `embeddings`
// is indexed like protocol.images; throws std::invalid_argument otherwise.
struct SearchDistances {
  std::vector<std::vector<float>> mated, nonmated;
};
SearchDistances search_distances(const IdentifyProtocol& protocol,
                                 const std::vector<vision::Embedding>& embeddings,
                                 vision::ScoreMetric metric = vision::ScoreMetric::Euclidean);

// The searches scored from those distances.
ScoredSearches score_protocol(const IdentifyProtocol& protocol, const SearchDistances& distances);
ScoredSearches score_protocol(const IdentifyProtocol& protocol,
                              const std::vector<vision::Embedding>& embeddings,
                              vision::ScoreMetric metric = vision::ScoreMetric::Euclidean);

// Fisher-Yates driven by std::mt19937, whose output the standard fixes
// (std::shuffle's algorithm is left to the library): a seed gives the same
// order on every platform. The modulo bias is below 1e-6 for a few thousand
// items and is deterministic.
template <typename T>
void fixed_shuffle(std::vector<T>& items, std::mt19937& rng) {
  for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[rng() % i]);
}

// What check-in's enrolment (CheckinService::enrol) makes of a photo: the
// enrol detector at its own minimum score with no retries, the labelled
// (most central) face -- an operator would pick it when several are found --
// and a refusal when the face fails the quality thresholds. A template the
// service would refuse, e.g. a face looking down whose landmarks collapse,
// embeds close to many people and would set the strict thresholds on its own.
struct EnrolAttempt {
  bool accepted = false;
  std::string problem;  // "no_face" or the first quality problem
  vision::Embedding embedding{};
};

EnrolAttempt try_enrol(vision::FaceEngine& engine, const cv::Mat& image,
                       const vision::DetectOptions& detect,
                       const vision::QualityThresholds& quality, const vision::EmbedOptions& embed);

// One person's enrolment under check-in's rules: `photos` are tried in
// order until `templates` are accepted. Every attempt is returned, in order.
using EnrolAttempts = std::vector<std::pair<std::string, EnrolAttempt>>;
EnrolAttempts enrol_in_order(vision::FaceEngine& engine, const std::vector<std::string>& photos,
                             const std::filesystem::path& images_dir, size_t templates,
                             const vision::DetectOptions& detect,
                             const vision::QualityThresholds& quality,
                             const vision::EmbedOptions& embed);

// Everybody's attempts sorted into the accepted templates' embeddings and
// the refused photos (path -> problem).
struct GatedEnrolment {
  std::map<std::string, vision::Embedding> enrolled;
  std::map<std::string, std::string> refused;
};
GatedEnrolment sort_attempts(const std::vector<EnrolAttempts>& people);

}  // namespace facecheck::eval
