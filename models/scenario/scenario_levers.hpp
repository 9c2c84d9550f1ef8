// The numeric settings of a scenario that a planner can pull (volumes, probabilities,
// thresholds, headcounts, plan settings), for sweeps and sensitivity analysis.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "models/scenario/scenario.hpp"

namespace funnelsim::models {

/// One numeric setting, addressed by the dotted key path `--set` takes.
struct Lever {
  std::string key;
  double value = 0.0;    ///< as the scenario (with its overrides) sets it
  bool whole = false;    ///< only whole numbers are valid (headcounts, counts, attempts)
  double lower = 0.0;    ///< the smallest valid value
  double upper = 1e300;  ///< the largest valid value
};

/// The setting at `key` when it is a single number; otherwise `error` says why not (no such
/// key, with the keys that exist at the deepest level reached; or not a number, with the
/// value written there). Ranges are those of scenario_levers() for a lever key, else
/// [-1e300, 1e300].
std::optional<Lever> numeric_setting(const Scenario& scenario, const std::string& key,
                                     std::string& error);

/// Every lever of the scenario, in file order. A lever is a number written at one of these
/// places (`*` any id or index):
///   sources.*.monthly_volume | daily_volume, sources.*.bursts.*.volume,
///   stages.*.transitions.*.probability (a number, or its `rate`),
///   scoring.threshold, scoring.engagement.points_per_touch,
///   sales_ready.rules.min_score | timeline_within_months, sales_ready.cooldown_days,
///   sales_ready.max_recycles, nurture.tracks.*.cadence_days | touches,
///   capacity.pools.*.headcount, capacity.pools.*.hires.*.count,
///   capacity.pools.*.work.max_attempts | max_open | contact_probability,
///   capacity.pools.*.schedule.hours_per_day, capacity.pools.*.speed_to_lead.expire_after_days,
///   compensation.sdr | ae .variable_share | base_salary_per_month, compensation.*.payout.*,
///   valves.reserve_programmes.*.yield (or its mean) | lead_time_days | spread_days | cost |
///   cooldown_days | max_per_quarter | budget | trigger.below.
/// Distribution parameters, seasonality and calendar settings are not levers.
std::vector<Lever> scenario_levers(const Scenario& scenario);

/// The value of `lever` moved by `swing` (e.g. -0.2 or +0.2) relative to its value, clamped
/// to its range; a whole-number lever is rounded and, if rounding gives back its value, moved
/// by one in the swing's direction (within range).
double swung_value(const Lever& lever, double swing);

/// Shortest text that reads back as `x` ("800", "0.35", "1e-05").
std::string number_text(double x);

}  // namespace funnelsim::models
