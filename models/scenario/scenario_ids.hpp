// The ids a scenario declares (segments, sources, stages), for resolving references between
// sections.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace funnelsim::models {

/// A list of ids in file order. `known` is false when its section was missing or not a map:
/// then a reference cannot be checked, and reporting it would only repeat the first problem.
struct IdList {
  std::vector<std::string> ids;
  bool known = false;

  std::optional<std::size_t> index_of(std::string_view id) const {
    for (std::size_t i = 0; i < ids.size(); ++i)
      if (ids[i] == id) return i;
    return std::nullopt;
  }
  std::size_t size() const { return ids.size(); }
};

struct ScenarioIds {
  IdList segments;
  IdList sources;
  IdList stages;
};

}  // namespace funnelsim::models
