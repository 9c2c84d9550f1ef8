// "Did you mean ...?": the nearest valid key or id to a misspelt one, by edit distance.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace funnelsim::models {

/// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
/// adjacent characters each cost 1 (a swap is the commonest typing slip).
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate nearest to `written`, if it is close enough to be the likely intent: at most
/// one edit for words of up to 4 characters, two up to 8, three beyond. Ties go to the first
/// candidate, so callers list keys in documentation order.
std::optional<std::string> nearest_key(std::string_view written,
                                       const std::vector<std::string>& candidates);

/// " did you mean 'x'?" or, when nothing is close, " valid: a, b, c" (empty when there are no
/// candidates). Appended to an "unknown ..." rule.
std::string suggestion_text(std::string_view written, const std::vector<std::string>& candidates);

}  // namespace funnelsim::models
