// Reads the `leads` (attributes) and `sales_ready` (criteria) sections.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "models/scenario/map_cursor.hpp"
#include "models/scenario/sales_ready.hpp"
#include "models/scenario/scenario_ids.hpp"
#include "models/scenario/stage_reader.hpp"

namespace funnelsim::models {

/// A stage reference that must name a stage of individual leads: a declared stage (unknown
/// ones are reported with the nearest suggested) other than the entry stage, whose leads are
/// counts (reported with `entry_rule` as the reason).
std::optional<std::size_t> read_individual_stage(
    const YamlCursor& at, const ScenarioIds& ids, const StageTable& stages,
    const std::string& entry_rule = "its leads are counts, not individual leads");

/// A key that refers to a lead attribute `leads.<what>`: reports it at `at` when the
/// scenario's `leads` section does not define that attribute. Returns `defined`.
bool needs_attribute(const YamlCursor& at, bool defined, const char* what);

/// Reads `leads` from the scenario root; LeadAttributes{} (defined = false) when absent.
/// Overrides under by_source and by_segment name ids from `ids` and may only replace an
/// attribute the base section defines.
LeadAttributes read_lead_attributes(const MapCursor& root, const ScenarioIds& ids);

/// Reads `sales_ready`; SalesReady{} when absent. Each rule must refer to an attribute the
/// `leads` section defines (a persona list needs personas, a timeline rule a decision
/// timeline, ...); the stages must exist and `accept_to` must be one of `stage`'s
/// transitions.
SalesReady read_sales_ready(const MapCursor& root, const LeadAttributes& leads,
                            const ScenarioIds& ids, const StageTable& stages);

}  // namespace funnelsim::models
