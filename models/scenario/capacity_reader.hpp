// Reads the `capacity` section: rep pools, their headcount plans, schedules, work content,
// queues and speed-to-lead decay.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "models/scenario/capacity.hpp"
#include "models/scenario/map_cursor.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/scenario_ids.hpp"
#include "models/scenario/stage_reader.hpp"

namespace funnelsim::models {

/// A pool of `role` with every key at its role's default (scenarios/README.md, `capacity`):
/// what a pool gets for each key the file leaves out. Id, label, works and headcount are
/// left empty.
RepPool default_pool(RepPool::Role role);

/// The SDR qualification decay from the published lead-response audit: (0, 1), (60, 1),
/// (120, 0.143), (1440, 0.0167) in minutes.
DecayCurve published_qualification_decay();

/// Reads `capacity` from the scenario root; Capacity{} (no pools) when it is absent. Needs the
/// ids of every section and the stages as read, to resolve `works`, `holds`, `qualifies` and
/// `lost_to` and to check them against the stage graph; `calendar` is absent when it was
/// unusable (hires are then not checked against the horizon).
/// A `pool` key of another section: the index of a pool of `capacity` (read before, from the
/// same root). Without a `capacity` section the error says `needs_capacity` (why the key needs
/// one); an unknown id is reported with the nearest one, unless `capacity.pools` could not be
/// read (its own problem is reported there).
std::optional<std::size_t> read_pool_reference(const YamlCursor& at, const MapCursor& root,
                                               const Capacity& capacity,
                                               const std::string& needs_capacity);

Capacity read_capacity(const MapCursor& root, const std::optional<Calendar>& calendar,
                       const ScenarioIds& ids, const StageTable& stages);

}  // namespace funnelsim::models
