// Checks over the whole stage graph: outgoing probabilities above 1, and stages leads can never
// leave.
#pragma once

#include <cstddef>
#include <vector>

#include "models/scenario/scenario_ids.hpp"
#include "models/scenario/stage_reader.hpp"

namespace funnelsim::models {

/// Reports, per stage whose transitions were all read, the (source, segment) pair whose fixed
/// probabilities and Beta means sum highest when that sum exceeds 1. Then, if the whole graph
/// was read, reports the trap: stages reachable from the entry stage or from `cohort_stages`
/// from which no exit is reachable. An exit is a stage without transitions, or one whose
/// outgoing probabilities can sum below 1 for some pair (a remainder or a scored transition
/// fills a stage up to 1; a Beta probability can always be drawn low). Problems go to the sink
/// of the stage cursors.
void check_stage_graph(const StageTable& table, const std::vector<std::size_t>& cohort_stages,
                       const ScenarioIds& ids);

}  // namespace funnelsim::models
