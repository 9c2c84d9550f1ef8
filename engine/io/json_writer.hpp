// The JSON summary of a run: metadata, then mean, sd and quantiles per metric and period.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/io/run_metadata.hpp"
#include "engine/io/totals_section.hpp"
#include "engine/stats/result_cube.hpp"
#include "engine/stats/summary.hpp"

namespace funnelsim::engine {

/// The JSON document, layout in docs/output_formats.md: keys in a fixed order, the
/// metadata first, then `<period_axis>` (the labels), `metrics` (per metric in cube order,
/// per statistic, an array over periods) and `totals` if given. Numbers are printed so that
/// they parse back to the same double (shortest round-trip form); NaN and infinities, which
/// JSON cannot represent, are written as null. Indented, one value per line, so that two
/// results diff cleanly. `cube` gives the metric names and checks the shapes.
///
/// Throws std::invalid_argument (check_run_metadata, check_summary) if the inputs disagree,
/// and std::runtime_error if a string is not valid UTF-8.
///
/// Tested by tests/engine/json_csv_writer_test.cpp.
std::string json_text(const RunMetadata& metadata, const ResultCube& cube,
                      const std::vector<PeriodStats>& stats,
                      const std::optional<TotalsSection>& totals = std::nullopt);

/// Writes json_text(...) to `path` through an AtomicFile: the file appears complete or not at
/// all. Throws as json_text does, and std::runtime_error naming the path if writing fails.
void write_json(const std::string& path, const RunMetadata& metadata, const ResultCube& cube,
                const std::vector<PeriodStats>& stats,
                const std::optional<TotalsSection>& totals = std::nullopt);

}  // namespace funnelsim::engine
