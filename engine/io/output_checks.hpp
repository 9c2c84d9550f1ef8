// Checks that a writer's inputs agree with each other, before any file is created.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "engine/io/run_metadata.hpp"
#include "engine/io/totals_section.hpp"
#include "engine/stats/result_cube.hpp"
#include "engine/stats/summary.hpp"

namespace funnelsim::engine {

/// Throws std::invalid_argument, starting with `writer` and naming the field, its value and
/// the rule, unless: format is not empty; replications and the number of period labels
/// equal the cube's; period_axis is a plain name (not empty, no '/', not "." or "..") that
/// is not one of the file's own keys (format, metrics, totals, ...); metric names are
/// not empty and unique.
void check_run_metadata(std::string_view writer, const RunMetadata& metadata,
                        const ResultCube& cube);

/// Throws std::invalid_argument, starting with `writer`, unless there is one PeriodStats
/// per metric of the cube with one value per period in every field, and the totals (if
/// any) likewise have one PeriodStats per metric with one value per totals label.
void check_summary(std::string_view writer, const ResultCube& cube,
                   const std::vector<PeriodStats>& stats,
                   const std::optional<TotalsSection>& totals);

}  // namespace funnelsim::engine
