#include "engine/io/output_checks.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <stdexcept>
#include <string>

namespace funnelsim::engine {
namespace {

// Keys a result file uses itself; the period axis becomes a key (JSON) or a dataset name
// (HDF5) beside them, so it must not collide.
constexpr std::array<std::string_view, 13> RESERVED_KEYS = {
    "format",        "format_version", "engine_version", "scenario_name",     "scenario_file",
    "scenario_text", "overrides",      "seed",           "first_replication", "replications",
    "period_axis",   "metrics",        "totals"};

[[noreturn]] void refuse(std::string_view writer, const std::string& message) {
  throw std::invalid_argument(std::string(writer) + ": " + message);
}

void check_stats_shape(std::string_view writer, std::string_view section,
                       const std::vector<PeriodStats>& stats, const ResultCube& cube,
                       std::size_t periods) {
  if (stats.size() != cube.metrics())
    refuse(writer, std::string(section) + " has statistics for " + std::to_string(stats.size()) +
                       " metrics, but the cube has " + std::to_string(cube.metrics()));
  for (std::size_t m = 0; m < stats.size(); ++m)
    for (const auto& field : PeriodStats::FIELDS) {
      const std::size_t size = (stats[m].*field.values).size();
      if (size != periods)
        refuse(writer, std::string(section) + " field '" + std::string(field.name) +
                           "' of metric '" + cube.metric_names()[m] + "' has " +
                           std::to_string(size) + " values, but there are " +
                           std::to_string(periods) + " periods");
    }
}

}  // namespace

void check_run_metadata(std::string_view writer, const RunMetadata& metadata,
                        const ResultCube& cube) {
  if (metadata.format.empty()) refuse(writer, "format is empty, but must name the format");
  if (metadata.replications != cube.replications())
    refuse(writer, "metadata replications is " + std::to_string(metadata.replications) +
                       ", but the cube has " + std::to_string(cube.replications()));
  if (metadata.period_labels.size() != cube.periods())
    refuse(writer, "there are " + std::to_string(metadata.period_labels.size()) +
                       " period labels, but the cube has " + std::to_string(cube.periods()) +
                       " periods");
  const std::string& axis = metadata.period_axis;
  if (axis.empty() || axis == "." || axis == ".." || axis.find('/') != std::string::npos)
    refuse(writer, "period_axis is '" + axis + "', but must be a plain name such as 'months'");
  if (std::find(RESERVED_KEYS.begin(), RESERVED_KEYS.end(), axis) != RESERVED_KEYS.end())
    refuse(writer, "period_axis is '" + axis + "', but that name is a key of the file itself");
  std::set<std::string_view> seen;
  for (const std::string& name : cube.metric_names()) {
    if (name.empty()) refuse(writer, "a metric name is empty");
    if (!seen.insert(name).second) refuse(writer, "metric name '" + name + "' appears twice");
  }
}

void check_summary(std::string_view writer, const ResultCube& cube,
                   const std::vector<PeriodStats>& stats,
                   const std::optional<TotalsSection>& totals) {
  check_stats_shape(writer, "the summary", stats, cube, cube.periods());
  if (totals)
    check_stats_shape(writer, "the totals", totals->stats, cube, totals->period_labels.size());
}

}  // namespace funnelsim::engine
