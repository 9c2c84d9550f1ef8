#include "models/scenario/key_suggestion.hpp"

#include <algorithm>

namespace funnelsim::models {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rolling rows suffice: the swap term looks two rows back.
  std::vector<std::size_t> two_back(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        current[j] = std::min(current[j], two_back[j - 2] + 1);
    }
    std::swap(two_back, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::optional<std::string> nearest_key(std::string_view written,
                                       const std::vector<std::string>& candidates) {
  const std::size_t limit = written.size() <= 4 ? 1 : written.size() <= 8 ? 2 : 3;
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    const std::size_t d = edit_distance(written, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::string suggestion_text(std::string_view written, const std::vector<std::string>& candidates) {
  if (const auto near = nearest_key(written, candidates)) return "; did you mean '" + *near + "'?";
  if (candidates.empty()) return "";
  std::string text = "; valid: ";
  for (std::size_t i = 0; i < candidates.size(); ++i) text += (i > 0 ? ", " : "") + candidates[i];
  return text;
}

}  // namespace funnelsim::models
