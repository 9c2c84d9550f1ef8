// Reads the `scoring` (lead score, threshold, engagement) and `nurture` (stage, tracks)
// sections, and checks where the probability `scored` is written.
#pragma once

#include "models/scenario/map_cursor.hpp"
#include "models/scenario/nurture.hpp"
#include "models/scenario/sales_ready.hpp"
#include "models/scenario/scenario_ids.hpp"
#include "models/scenario/stage_reader.hpp"

namespace funnelsim::models {

/// Reads `scoring`; Scoring{} (defined = false) when absent. Also checks every transition
/// written `scored` (stages.scored): it must leave the entry stage, there is at most one, and
/// it needs the `scoring` section, which in turn needs one (and `leads.fit_score`). The
/// engagement probability is expanded to [persona][segment] using `leads.personas` (one row
/// when there are none) and `ids.segments`.
Scoring read_scoring(const MapCursor& root, const LeadAttributes& leads, const ScenarioIds& ids,
                     const StageTable& stages);

/// Reads `nurture`; Nurture{} when absent. Needs a `scoring` section; the nurture stage has
/// no transitions and is not the entry stage; `returns_to` (default: the target of the
/// `scored` transition) and `exit_to` are neither; one track per kind of lead.
Nurture read_nurture(const MapCursor& root, const Scoring& scoring, const ScenarioIds& ids,
                     const StageTable& stages);

}  // namespace funnelsim::models
