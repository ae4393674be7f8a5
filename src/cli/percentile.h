// The p-quantile (0..1) of a benchmark's samples, nearest rank; 0 for none.
// Shared by the bench commands and bench/load_checkin.cpp.
#pragma once

#include <algorithm>
#include <vector>

namespace facecheck::cli {

inline double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1,
                    static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5))];
}

}  // namespace facecheck::cli
