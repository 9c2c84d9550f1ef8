// Reads the `sources` section: volumes, calendar basis, trend, seasonality, mix and bursts.
#pragma once

#include <optional>
#include <vector>

#include "models/scenario/map_cursor.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/scenario_ids.hpp"

namespace funnelsim::models {

inline constexpr double MAX_VOLUME = 1e7;

/// Reads `sources` from the scenario root, one Source per id in file order even when some of
/// its fields are wrong, so that source indices stay aligned with `ids.sources`, which this
/// fills. `calendar` is absent when the calendar itself was unusable; bursts are then not
/// checked against the horizon.
std::vector<Source> read_sources(const MapCursor& root, const std::optional<Calendar>& calendar,
                                 ScenarioIds& ids);

}  // namespace funnelsim::models
