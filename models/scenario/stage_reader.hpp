// Reads the `stages` section: stage flags, the entry stage, and each stage's transitions.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "models/scenario/map_cursor.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/scenario_ids.hpp"

namespace funnelsim::models {

/// Where one stage was written, so the graph checks can point at it.
struct StageSite {
  YamlCursor stage;  ///< positioned at the stage id
  std::optional<YamlCursor> transitions;
  bool complete = true;  ///< every transition's target and probability could be read
};

/// A transition whose probability is written `scored`, and where: the scoring reader checks
/// that it leaves the entry stage and that the scenario has a `scoring` section.
struct ScoredSite {
  std::size_t stage = 0;                  ///< the stage it leaves
  std::optional<std::size_t> transition;  ///< index in that stage's transitions, if it was read
  YamlCursor probability;                 ///< positioned at the `scored` value
  /// The stage already has a remainder or scored transition: read_stages reported it.
  bool second_in_stage = false;
};

/// The stages read from a scenario, index-aligned with `ids.stages`.
struct StageTable {
  std::vector<Stage> stages;
  std::vector<StageSite> sites;
  std::optional<std::size_t> entry;
  bool complete = false;  ///< the whole graph was read, so checks over it are meaningful
  /// The transitions written `scored`, in file order.
  std::vector<ScoredSite> scored;
};

/// Reads `stages` from the scenario root and fills `ids.stages`. Needs `ids.sources` and
/// `ids.segments` to expand probabilities to every (source, segment) pair.
StageTable read_stages(const MapCursor& root, ScenarioIds& ids);

}  // namespace funnelsim::models
