// Files written by the what-if commands (compare, sweep, sensitivity): JSON, CSV and HDF5
// layouts documented in docs/output_formats.md.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "engine/run/run_config.hpp"
#include "engine/stats/paired_difference.hpp"
#include "engine/stats/summary.hpp"
#include "models/funnel/comparison.hpp"
#include "models/scenario/scenario.hpp"

namespace funnelsim::cli {

using Json = nlohmann::ordered_json;

/// The two scenarios and the run settings of a paired run.
struct WhatIfRun {
  const models::Scenario* base = nullptr;
  const models::Scenario* variant = nullptr;
  engine::RunConfig config;
};

/// The opening of a what-if JSON document: format (version 1.0), engine version, seed,
/// replications and the scenario's provenance, in that order.
Json what_if_document(std::string_view format, const engine::RunConfig& config,
                      const models::Scenario& scenario);
/// A scenario's provenance: name, file, text and overrides.
Json scenario_json(const models::Scenario& scenario);
/// Every statistic of `stats` by field name, each an array over the periods.
Json stats_json(const engine::PeriodStats& stats);
/// The same for paired differences.
Json difference_json(const engine::DifferenceStats& stats);

/// The JSON document of `funnelsim compare` (format funnelsim.comparison 1.0).
std::string comparison_json(const WhatIfRun& run, const models::Comparison& c);
/// One row per common metric and period (months, then quarters and total): base and variant
/// mean, P10, P50, P90, then the paired difference.
std::string comparison_csv(const models::Comparison& c);
/// Every replication's variant - base value of each common metric, in the forecast's HDF5
/// layout (so tools reading forecasts read it), the variant's provenance at the root.
void write_difference_hdf5(const std::string& path, const WhatIfRun& run,
                           const models::Comparison& c);

}  // namespace funnelsim::cli
