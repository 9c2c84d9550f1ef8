// The CSV summary of a run: one row per metric and period with mean, sd and quantiles.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/io/run_metadata.hpp"
#include "engine/io/totals_section.hpp"
#include "engine/stats/result_cube.hpp"
#include "engine/stats/summary.hpp"

namespace funnelsim::engine {

/// The CSV text, layout in docs/output_formats.md: header
/// `metric,period,mean,sd,p05,p10,p25,p50,p75,p90,p95`, then for each metric in cube order
/// one row per period (labelled by metadata.period_labels), then for each metric one row
/// per totals label. Numbers in shortest round-trip form (std::to_chars; "nan", "inf" for
/// non-finite values); a field holding a comma, quote or line break is quoted as RFC 4180
/// says; lines end in "\n". The CSV holds no metadata: the JSON file carries it.
///
/// Throws std::invalid_argument (check_run_metadata, check_summary) if the inputs disagree.
///
/// Tested by tests/engine/json_csv_writer_test.cpp.
std::string csv_text(const RunMetadata& metadata, const ResultCube& cube,
                     const std::vector<PeriodStats>& stats,
                     const std::optional<TotalsSection>& totals = std::nullopt);

/// Writes csv_text(...) to `path` through an AtomicFile: the file appears complete or not at
/// all. Throws as csv_text does, and std::runtime_error naming the path if writing fails.
void write_csv(const std::string& path, const RunMetadata& metadata, const ResultCube& cube,
               const std::vector<PeriodStats>& stats,
               const std::optional<TotalsSection>& totals = std::nullopt);

}  // namespace funnelsim::engine
