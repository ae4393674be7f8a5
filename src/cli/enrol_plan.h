// What `facecheck enrol-folder` has to do: the people and photos of a
// folder, less what an earlier run already finished (its state file), so a
// run that was stopped or crashed goes on where it was.
#pragma once

#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace facecheck::cli {

// One person of the folder: FOLDER/<id>/*.jpg (several photos), or
// FOLDER/<id>.jpg (one). `external_id` is <id>; the name is <id> with
// underscores as spaces ("Ada_Lovelace" -> "Ada Lovelace").
struct PlannedPerson {
  std::string external_id;
  std::string name;
  std::vector<std::filesystem::path> photos;  // sorted, absolute
};

// The image files of `folder` by person, sorted by external id. Hidden
// files and other extensions are left out. Throws CommandError when the
// folder cannot be read.
std::vector<PlannedPerson> plan_folder(const std::filesystem::path& folder);

// The state file: one line per finished photo, "path<TAB>outcome<TAB>code",
// appended and synced as each photo finishes. Outcomes: "enrolled" and
// "refused" (a code such as no_face); photos that failed (server away)
// are not written, so the next run tries them again.
class EnrolState {
 public:
  // Reads what an earlier run finished and opens the file for appending.
  explicit EnrolState(const std::filesystem::path& file);
  ~EnrolState();
  EnrolState(const EnrolState&) = delete;
  EnrolState& operator=(const EnrolState&) = delete;

  bool finished(const std::filesystem::path& photo) const;
  // Thread-safe; on disk (fsync) before it returns.
  void record(const std::filesystem::path& photo, const std::string& outcome,
              const std::string& code);
  size_t finished_before() const { return done_.size(); }

 private:
  std::map<std::string, std::string> done_;  // path -> outcome, from earlier runs
  std::FILE* file_ = nullptr;
  std::mutex mutex_;
};

}  // namespace facecheck::cli
