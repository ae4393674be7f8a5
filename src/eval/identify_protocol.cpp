#include "eval/identify_protocol.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

#include "vision/image_decoder.h"

namespace facecheck::eval {
namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, '\t')) fields.push_back(field);
  return fields;
}

// Calls row(fields, line_no) for every non-comment line with >= min_fields.
template <typename Row>
void read_tsv(const std::filesystem::path& path, size_t min_fields, const char* expected, Row row) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const auto fields = split_tabs(line);
    if (fields.size() < min_fields || fields[0].empty())
      throw std::runtime_error(path.string() + ":" + std::to_string(line_no) + ": expected " +
                               expected);
    row(fields, line_no);
  }
}

}  // namespace

std::vector<LabelledImage> read_identity_list(const std::filesystem::path& path) {
  std::vector<LabelledImage> rows;
  read_tsv(path, 2, "identity<TAB>image", [&](const auto& f, int) {
    rows.push_back({f[0], f[1]});
  });
  if (rows.empty()) throw std::runtime_error("no images listed in " + path.string());
  return rows;
}

std::vector<PersonRow> read_people(const std::filesystem::path& path) {
  std::vector<PersonRow> rows;
  read_tsv(path, 2, "identity<TAB>n_images<TAB>fold", [&](const auto& f, int line_no) {
    try {
      rows.push_back({f[0], std::stoi(f[1])});
    } catch (const std::exception&) {
      throw std::runtime_error(path.string() + ":" + std::to_string(line_no) +
                               ": n_images is not a number");
    }
  });
  return rows;
}

std::vector<LabelledImage> pick_unknowns(const std::vector<PersonRow>& people,
                                         const std::vector<LabelledImage>& enrolled, size_t count,
                                         uint32_t seed) {
  std::set<std::string> excluded;
  for (const auto& e : enrolled) excluded.insert(e.identity);
  std::vector<const PersonRow*> candidates;
  for (const auto& p : people)
    if (p.images > 0 && !excluded.count(p.identity)) candidates.push_back(&p);
  if (candidates.size() < count)
    throw std::invalid_argument("only " + std::to_string(candidates.size()) +
                                " people outside the list, " + std::to_string(count) +
                                " unknowns asked for");
  std::mt19937 rng(seed);
  fixed_shuffle(candidates, rng);
  std::vector<LabelledImage> picked;
  for (size_t i = 0; i < count; ++i) {
    const auto& name = candidates[i]->identity;
    picked.push_back({name, name + "/" + name + "_0001.jpg"});
  }
  return picked;
}

std::vector<std::pair<std::string, std::vector<std::string>>> group_by_identity(
    const std::vector<LabelledImage>& list) {
  std::vector<std::pair<std::string, std::vector<std::string>>> people;
  std::map<std::string, size_t> position;
  for (const auto& row : list) {
    auto [it, added] = position.emplace(row.identity, people.size());
    if (added) people.push_back({row.identity, {}});
    people[it->second].second.push_back(row.path);
  }
  return people;
}

IdentifyProtocol build_protocol(const std::vector<LabelledImage>& list,
                                const std::vector<LabelledImage>& unknowns,
                                const ProtocolOptions& options) {
  if (options.templates == 0) throw std::invalid_argument("templates must be at least 1");
  if (options.first_probe != 0 && options.first_probe <= options.templates)
    throw std::invalid_argument("the first probe photo must come after the enrolled ones");

  const auto people = group_by_identity(list);
  IdentifyProtocol protocol;
  std::map<std::string, size_t> index;
  auto image_index = [&](const std::string& path) {
    auto [it, added] = index.emplace(path, protocol.images.size());
    if (added) protocol.images.push_back(path);
    return it->second;
  };
  const size_t first_probe = options.first_probe ? options.first_probe - 1 : 0;
  std::set<std::string> listed;
  for (const auto& [identity, own] : people) {
    listed.insert(identity);
    std::vector<size_t> templates, probes;  // positions in `own`
    for (size_t i = 0; i < own.size(); ++i) {
      if (templates.size() < options.templates && !options.not_enrollable.count(own[i]))
        templates.push_back(i);
      else if (i >= first_probe)
        probes.push_back(i);
    }
    if (templates.size() < options.templates || probes.empty()) {
      ++protocol.not_enrolled;
      continue;
    }
    IdentifyProtocol::Person person{identity, {}};
    for (size_t i : templates) person.templates.push_back(image_index(own[i]));
    const size_t mate = protocol.gallery.size();
    protocol.gallery.push_back(std::move(person));
    for (size_t i : probes) protocol.mated.push_back({image_index(own[i]), mate});
  }
  if (protocol.gallery.empty())
    throw std::invalid_argument("nobody in the list can be enrolled and searched for");
  for (const auto& u : unknowns) {
    if (listed.count(u.identity))
      throw std::invalid_argument("unknown " + u.identity + " is also in the list");
    protocol.nonmated.push_back(image_index(u.path));
  }
  return protocol;
}

SearchDistances search_distances(const IdentifyProtocol& protocol,
                                 const std::vector<vision::Embedding>& embeddings,
                                 vision::ScoreMetric metric) {
  if (embeddings.size() != protocol.images.size())
    throw std::invalid_argument("search_distances: one embedding per image expected");
  const size_t people = protocol.gallery.size();
  auto distances_from = [&](size_t image) {
    std::vector<float> d(people);
    for (size_t p = 0; p < people; ++p) {
      float best = std::numeric_limits<float>::infinity();
      for (size_t t : protocol.gallery[p].templates)
        best = std::min(best, vision::embedding_distance(embeddings[image], embeddings[t], metric));
      d[p] = best;
    }
    return d;
  };
  SearchDistances out;
  for (const auto& probe : protocol.mated) out.mated.push_back(distances_from(probe.image));
  for (size_t image : protocol.nonmated) out.nonmated.push_back(distances_from(image));
  return out;
}

ScoredSearches score_protocol(const IdentifyProtocol& protocol, const SearchDistances& distances) {
  if (distances.mated.size() != protocol.mated.size() ||
      distances.nonmated.size() != protocol.nonmated.size())
    throw std::invalid_argument("score_protocol: one distance row per search expected");
  const size_t people = protocol.gallery.size();
  ScoredSearches scored;
  scored.impostor.reserve(protocol.mated.size() * (people - 1) + protocol.nonmated.size() * people);
  for (size_t i = 0; i < protocol.mated.size(); ++i) {
    const auto& d = distances.mated[i];
    const size_t mate = protocol.mated[i].mate;
    scored.mated.push_back(mated_search(d, mate));
    for (size_t p = 0; p < people; ++p)
      if (p != mate) scored.impostor.push_back(d[p]);
  }
  for (const auto& d : distances.nonmated) {
    scored.nonmated.push_back(nonmated_search(d));
    scored.impostor.insert(scored.impostor.end(), d.begin(), d.end());
  }
  return scored;
}

ScoredSearches score_protocol(const IdentifyProtocol& protocol,
                              const std::vector<vision::Embedding>& embeddings,
                              vision::ScoreMetric metric) {
  return score_protocol(protocol, search_distances(protocol, embeddings, metric));
}

EnrolAttempt try_enrol(vision::FaceEngine& engine, const cv::Mat& image,
                       const vision::DetectOptions& detect,
                       const vision::QualityThresholds& quality,
                       const vision::EmbedOptions& embed) {
  EnrolAttempt attempt;
  const auto faces = engine.detect(image, detect);
  const auto central = vision::most_central_face(faces, image.size());
  if (!central) {
    attempt.problem = "no_face";
    return attempt;
  }
  vision::FaceAnalysis face;
  try {
    face = engine.analyze_face(image, faces[*central], quality, embed);
  } catch (const std::invalid_argument&) {  // landmarks collapsed: no face in the box
    attempt.problem = "no_face";
    return attempt;
  }
  attempt.embedding = face.embedding;
  attempt.accepted = face.quality.acceptable();
  if (!attempt.accepted) attempt.problem = face.quality.problems.front();
  return attempt;
}

EnrolAttempts enrol_in_order(vision::FaceEngine& engine, const std::vector<std::string>& photos,
                             const std::filesystem::path& images_dir, size_t templates,
                             const vision::DetectOptions& detect,
                             const vision::QualityThresholds& quality,
                             const vision::EmbedOptions& embed) {
  EnrolAttempts tried;
  size_t accepted = 0;
  for (const auto& path : photos) {
    if (accepted == templates) break;
    const cv::Mat image = vision::read_image_file(images_dir / path);
    tried.emplace_back(path, try_enrol(engine, image, detect, quality, embed));
    accepted += tried.back().second.accepted;
  }
  return tried;
}

GatedEnrolment sort_attempts(const std::vector<EnrolAttempts>& people) {
  GatedEnrolment out;
  for (const auto& person : people)
    for (const auto& [path, attempt] : person) {
      if (attempt.accepted)
        out.enrolled[path] = attempt.embedding;
      else
        out.refused[path] = attempt.problem;
    }
  return out;
}

}  // namespace facecheck::eval
