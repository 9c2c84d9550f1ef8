// Synthetic CRM history: one replication of a scenario, written as a lead event log.
#pragma once

#include <cstdint>
#include <string>

#include "models/funnel/funnel_model.hpp"

namespace funnelsim::calibration {

/// The recorded history of replication `replication` of `model` under `seed`
/// (FunnelModel::simulate_history) as CSV in the long layout of docs/history_format.md:
/// `lead_id,stage,timestamp,source,segment,amount`, one row per stage entry, in time order
/// (a lead's zero-delay steps keep the order they happened in). Timestamps are UTC to the
/// second from the scenario's start month; leads of the starting funnel appear at their
/// entry into their starting stage, before the start. `amount` is the lead's deal value, in
/// whole dollars, on the rows of pipeline stages; empty elsewhere. `leads` receives the
/// number of leads written.
std::string synthetic_history_csv(const models::FunnelModel& model, std::uint64_t seed,
                                  std::uint64_t replication, std::uint64_t* leads = nullptr);

}  // namespace funnelsim::calibration
