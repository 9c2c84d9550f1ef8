// Reads the `valves` section: the reserve programmes marketing launches when a month runs
// behind its SLA target, the SDRs' cold lists and the AEs' named accounts.
#pragma once

#include <optional>

#include "models/scenario/map_cursor.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/scenario_ids.hpp"
#include "models/scenario/sla.hpp"
#include "models/scenario/stage_reader.hpp"
#include "models/scenario/valves.hpp"

namespace funnelsim::models {

/// What the valves refer to, read before them.
struct ValveContext {
  const ScenarioIds& ids;
  const std::vector<Source>& sources;
  const StageTable& table;
  const Capacity& capacity;
};

/// Reads `valves`; Valves{} (defined = false) when absent, and also when the section has a
/// problem (every one is reported). Needs at least one of `reserve_programmes`, `cold_lists`
/// and `named_accounts`; ids are unique across the three. A programme's `budget`, when set,
/// covers at least one firing.
/// Each programme's `source` is a declared source; its `yield` is a count of leads (a number
/// or a distribution, mean in (0, MAX_COUNT_MEAN]); `lead_time_days` is shorter than the
/// horizon of `calendar` (not checked when the calendar could not be read); its trigger's
/// `target` is a target of `sla` (read before, from the same root) that is an at_least target
/// on `volume.<stage>` of a declared stage, and its `check_days` are days 1 .. 28, strictly
/// ascending. A cold list's or named accounts' `pool` is a pool of `capacity` (for a cold list,
/// one that works a stage), `enters` a stage other than the entry stage; named accounts'
/// `source` has no inquiries of its own, and their `win_probability` needs a transition from
/// `enters` to a bookings stage.
Valves read_valves(const MapCursor& root, const std::optional<Calendar>& calendar, const Sla& sla,
                   const ValveContext& context);

}  // namespace funnelsim::models
