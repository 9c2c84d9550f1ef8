// Reads the `valves` section: the reserve programmes marketing launches when a month runs
// behind its SLA target.
#pragma once

#include <optional>

#include "models/scenario/map_cursor.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/scenario_ids.hpp"
#include "models/scenario/sla.hpp"
#include "models/scenario/valves.hpp"

namespace funnelsim::models {

/// Reads `valves`; Valves{} (defined = false) when absent, and also when the section has a
/// problem (every one is reported). Needs `reserve_programmes` with at least one programme.
/// Each programme's `source` is a declared source; its `yield` is a count of leads (a number
/// or a distribution, mean in (0, MAX_COUNT_MEAN]); `lead_time_days` is shorter than the
/// horizon of `calendar` (not checked when the calendar could not be read); its trigger's
/// `target` is a target of `sla` (read before, from the same root) that is an at_least target
/// on `volume.<stage>` of a declared stage, and its `check_days` are days 1 .. 28, strictly
/// ascending.
Valves read_valves(const MapCursor& root, const std::optional<Calendar>& calendar, const Sla& sla,
                   const ScenarioIds& ids);

}  // namespace funnelsim::models
