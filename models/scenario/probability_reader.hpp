// Reads a transition probability in any accepted form and expands it to every (source, segment).
#pragma once

#include <optional>
#include <vector>

#include "models/scenario/distribution_spec.hpp"
#include "models/scenario/scenario_ids.hpp"
#include "models/scenario/yaml_cursor.hpp"

namespace funnelsim::models {

/// Returns one ProbabilitySpec per (source, segment) pair, index source * segments + segment,
/// or nullopt after reporting every problem. Forms: a number in [0, 1]; remainder; scored (the
/// scoring model decides; the loader checks where it may appear); {beta: [a, b]};
/// {rate: r, observed_on: n}; {by_source: {...}, default: P}; {by_segment: {...}, default: P}.
/// remainder and scored are not allowed inside a table.
std::optional<std::vector<ProbabilitySpec>> read_probability(const YamlCursor& at,
                                                             const ScenarioIds& ids);

/// The Jeffreys posterior of a rate r observed on n trials: Beta(r n + 1/2, (1 - r) n + 1/2).
ProbabilitySpec beta_from_observed_rate(double rate, double observed_on);

}  // namespace funnelsim::models
