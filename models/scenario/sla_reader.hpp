// Reads the `sla` section.
#pragma once

#include <vector>

#include "models/scenario/map_cursor.hpp"
#include "models/scenario/sla.hpp"

namespace funnelsim::models {

/// The section, and per target the cursor of its `metric` (checked against the scenario's
/// metric names once the rest of the scenario is known: check_sla_metrics).
struct SlaRead {
  Sla sla;
  std::vector<YamlCursor> metric_at;
};

/// Reads `sla`; Sla{} when absent. Each target: `metric` (required, a metric name), exactly one
/// of `at_least` / `at_most` (a number >= 0), optional `label`; `confidence` in (0, 1).
SlaRead read_sla(const MapCursor& root);

/// Reports each target whose metric is not one of `metric_names` (with the nearest), and
/// targets on another target's `sla.*` metric.
void check_sla_metrics(const SlaRead& read, const std::vector<std::string>& metric_names);

}  // namespace funnelsim::models
