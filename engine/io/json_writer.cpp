#include "engine/io/json_writer.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

#include "engine/io/atomic_file.hpp"
#include "engine/io/output_checks.hpp"

namespace funnelsim::engine {
namespace {

using Json = nlohmann::ordered_json;

Json metrics_object(const ResultCube& cube, const std::vector<PeriodStats>& stats) {
  Json metrics = Json::object();
  for (std::size_t m = 0; m < stats.size(); ++m) {
    Json& metric = metrics[cube.metric_names()[m]];
    metric = Json::object();
    for (const auto& field : PeriodStats::FIELDS)
      metric[std::string(field.name)] = stats[m].*field.values;
  }
  return metrics;
}

}  // namespace

std::string json_text(const RunMetadata& metadata, const ResultCube& cube,
                      const std::vector<PeriodStats>& stats,
                      const std::optional<TotalsSection>& totals) {
  check_run_metadata("json_text", metadata, cube);
  check_summary("json_text", cube, stats, totals);

  // Key order is part of the format (docs/output_formats.md): short metadata first, the
  // results next, and the long scenario text last so the numbers are near the top.
  Json document = Json::object();
  document["format"] = metadata.format;
  document["format_version"] = metadata.format_version;
  document["engine_version"] = metadata.engine_version;
  document["scenario_name"] = metadata.scenario_name;
  document["scenario_file"] = metadata.scenario_file;
  document["seed"] = metadata.seed;
  document["first_replication"] = metadata.first_replication;
  document["replications"] = metadata.replications;
  document["overrides"] = metadata.overrides;
  document["period_axis"] = metadata.period_axis;
  document[metadata.period_axis] = metadata.period_labels;
  document["metrics"] = metrics_object(cube, stats);
  if (totals) {
    Json& section = document["totals"];
    section = Json::object();
    section["periods"] = totals->period_labels;
    section["metrics"] = metrics_object(cube, totals->stats);
    Json& rules = section["rules"];
    rules = Json::object();
    for (std::size_t m = 0; m < cube.metrics(); ++m)
      rules[cube.metric_names()[m]] =
          aggregation_name(totals->rules.empty() ? PeriodAggregation::Sum : totals->rules[m]);
  }
  document["scenario_text"] = metadata.scenario_text;

  try {
    return document.dump(2) + "\n";
  } catch (const nlohmann::json::exception& error) {
    // dump() refuses invalid UTF-8 (type_error 316); say which run it was.
    throw std::runtime_error("json_text: cannot write the result of scenario '" +
                             metadata.scenario_name + "' as JSON: " + error.what());
  }
}

void write_json(const std::string& path, const RunMetadata& metadata, const ResultCube& cube,
                const std::vector<PeriodStats>& stats, const std::optional<TotalsSection>& totals) {
  write_file_atomically(path, json_text(metadata, cube, stats, totals));
}

}  // namespace funnelsim::engine
