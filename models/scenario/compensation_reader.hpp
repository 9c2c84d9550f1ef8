// Reads the `compensation` section: the SDR and AE pay plans, what they pay per stage, the
// stages whose cost per lead is reported, and overrides of the plans' elasticities.
#pragma once

#include "models/scenario/capacity.hpp"
#include "models/scenario/compensation.hpp"
#include "models/scenario/map_cursor.hpp"
#include "models/scenario/scenario_ids.hpp"
#include "models/scenario/stage_reader.hpp"

namespace funnelsim::models {

/// Reads `compensation`; Compensation{} (defined = false) when absent, and also when the section
/// has a problem (every one is reported). Needs at least one of `sdr` and `ae`. A plan's `pool`
/// names a pool of `capacity` whose role matches the plan (sdr or ae), and is required by a
/// base salary > 0 (the cost is salary x the pool's FTE); payouts and `cost_per` name declared
/// stages; the AE `new_logo` payout needs a stage with `bookings: true`. Elasticity overrides
/// replace only the fields they give of Compensation::default_sdr_elasticities() and
/// default_ae_elasticities(), and each plan takes only the keys of its kind (SDR or AE).
Compensation read_compensation(const MapCursor& root, const Capacity& capacity,
                               const ScenarioIds& ids, const StageTable& stages);

}  // namespace funnelsim::models
