#include "cli/enrol_plan.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "cli/commands.h"

namespace facecheck::cli {
namespace {

namespace fs = std::filesystem;

bool is_photo(const fs::path& p) {
  const std::string name = p.filename().string();
  // The state file is tab-separated lines.
  if (name.starts_with(".") || name.find_first_of("\t\n") != std::string::npos) return false;
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp" || ext == ".webp";
}

std::string display_name(std::string id) {
  std::replace(id.begin(), id.end(), '_', ' ');
  return id;
}

}  // namespace

std::vector<PlannedPerson> plan_folder(const fs::path& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) throw CommandError(folder.string() + " is not a folder");
  const fs::path root = fs::absolute(folder);
  std::map<std::string, PlannedPerson> people;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    const fs::path& p = entry.path();
    if (p.filename().string().starts_with(".")) continue;
    if (entry.is_directory()) {
      PlannedPerson person{p.filename().string(), display_name(p.filename().string()), {}};
      for (const auto& file : fs::directory_iterator(p, ec))
        if (file.is_regular_file() && is_photo(file.path())) person.photos.push_back(file.path());
      std::sort(person.photos.begin(), person.photos.end());
      if (!person.photos.empty()) people[person.external_id] = std::move(person);
    } else if (entry.is_regular_file() && is_photo(p)) {
      auto& person = people[p.stem().string()];
      person.external_id = p.stem().string();
      person.name = display_name(person.external_id);
      person.photos.push_back(p);
    }
  }
  if (ec) throw CommandError("cannot read " + folder.string() + ": " + ec.message());
  std::vector<PlannedPerson> out;
  for (auto& [id, person] : people) out.push_back(std::move(person));
  return out;
}

EnrolState::EnrolState(const fs::path& file) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    const auto tab = line.find('\t');
    if (tab == std::string::npos) continue;  // a line cut short by a crash
    const auto tab2 = line.find('\t', tab + 1);
    if (tab2 == std::string::npos) continue;
    done_[line.substr(0, tab)] = line.substr(tab + 1, tab2 - tab - 1);
  }
  file_ = std::fopen(file.c_str(), "a");
  if (!file_)
    throw CommandError("cannot write the state file " + file.string() + ": " +
                       std::strerror(errno));
}

EnrolState::~EnrolState() {
  if (file_) std::fclose(file_);
}

bool EnrolState::finished(const fs::path& photo) const { return done_.count(photo.string()) > 0; }

void EnrolState::record(const fs::path& photo, const std::string& outcome,
                        const std::string& code) {
  std::lock_guard lock(mutex_);
  std::fprintf(file_, "%s\t%s\t%s\n", photo.c_str(), outcome.c_str(), code.c_str());
  std::fflush(file_);
  ::fsync(::fileno(file_));
}

}  // namespace facecheck::cli
