#include "tools/funnelsim/what_if_output.hpp"

#include <charconv>
#include <cmath>

#include "engine/io/hdf5_writer.hpp"
#include "engine/io/run_metadata.hpp"
#include "engine/io/totals_section.hpp"
#include "engine/stats/period_aggregation.hpp"
#include "funnelsim/version.hpp"

namespace funnelsim::cli {

namespace {

std::string number(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, end);
}

}  // namespace

Json scenario_json(const models::Scenario& scenario) {
  Json j;
  j["scenario_name"] = scenario.name;
  j["scenario_file"] = scenario.file_name;
  j["scenario_text"] = scenario.text;
  j["overrides"] = scenario.overrides;
  return j;
}

Json what_if_document(std::string_view format, const engine::RunConfig& config,
                      const models::Scenario& scenario) {
  Json j;
  j["format"] = format;
  j["format_version"] = {1, 0};
  j["engine_version"] = ENGINE_VERSION;
  j["seed"] = config.seed;
  j["replications"] = config.replications;
  j["scenario"] = scenario_json(scenario);
  return j;
}

Json stats_json(const engine::PeriodStats& stats) {
  Json j;
  for (const auto& field : engine::PeriodStats::FIELDS) j[field.name] = stats.*field.values;
  return j;
}

Json difference_json(const engine::DifferenceStats& stats) {
  Json j;
  for (const auto& field : engine::DifferenceStats::FIELDS) j[field.name] = stats.*field.values;
  return j;
}

std::string comparison_json(const WhatIfRun& run, const models::Comparison& c) {
  Json j;
  j["format"] = "funnelsim.comparison";
  j["format_version"] = {1, 0};
  j["engine_version"] = ENGINE_VERSION;
  j["seed"] = run.config.seed;
  j["first_replication"] = run.config.first_replication;
  j["replications"] = run.config.replications;
  j["base"] = scenario_json(*run.base);
  j["variant"] = scenario_json(*run.variant);
  j["months"] = c.base.months;
  j["total_labels"] = c.base.total_labels;
  Json metrics = Json::object();
  for (std::size_t k = 0; k < c.metrics.size(); ++k) {
    const auto [b, v] = c.index[k];
    Json m;
    m["aggregation"] = engine::aggregation_name(c.base.total_rules[b]);
    m["monthly"] = {{"base", stats_json(c.base.monthly[b])},
                    {"variant", stats_json(c.variant.monthly[v])},
                    {"difference", difference_json(c.monthly[k])}};
    m["totals"] = {{"base", stats_json(c.base.totals[b])},
                   {"variant", stats_json(c.variant.totals[v])},
                   {"difference", difference_json(c.totals[k])}};
    metrics[c.metrics[k]] = std::move(m);
  }
  j["metrics"] = std::move(metrics);
  j["only_in_base"] = c.only_base;
  j["only_in_variant"] = c.only_variant;
  return j.dump(1) + "\n";
}

std::string comparison_csv(const models::Comparison& c) {
  std::string out =
      "metric,period,base_mean,base_p10,base_p50,base_p90,variant_mean,variant_p10,"
      "variant_p50,variant_p90,difference_mean,difference_se,lo90,hi90,p_higher,se_unpaired,"
      "narrowing\n";
  auto rows = [&](const std::string& name, const std::vector<std::string>& labels,
                  const engine::PeriodStats& b, const engine::PeriodStats& v,
                  const engine::DifferenceStats& d) {
    for (std::size_t p = 0; p < labels.size(); ++p) {
      out += name + "," + labels[p];
      for (double x : {b.mean[p], b.p10[p], b.p50[p], b.p90[p], v.mean[p], v.p10[p], v.p50[p],
                       v.p90[p], d.mean[p], d.se[p], d.lo90[p], d.hi90[p], d.p_higher[p],
                       d.se_unpaired[p], d.narrowing[p]})
        out.append(",").append(number(x));
      out += "\n";
    }
  };
  for (std::size_t k = 0; k < c.metrics.size(); ++k) {
    const auto [b, v] = c.index[k];
    rows(c.metrics[k], c.base.months, c.base.monthly[b], c.variant.monthly[v], c.monthly[k]);
    rows(c.metrics[k], c.base.total_labels, c.base.totals[b], c.variant.totals[v], c.totals[k]);
  }
  return out;
}

void write_difference_hdf5(const std::string& path, const WhatIfRun& run,
                           const models::Comparison& c) {
  const std::size_t n = c.base.cube.replications(), months = c.base.cube.periods();
  engine::ResultCube diff(n, months, c.metrics);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t m = 0; m < months; ++m)
      for (std::size_t k = 0; k < c.metrics.size(); ++k)
        diff.at(i, m, k) =
            c.variant.cube.at(i, m, c.index[k][1]) - c.base.cube.at(i, m, c.index[k][0]);
  engine::RunMetadata meta;
  meta.scenario_name = "difference: " + run.variant->name + " - " + run.base->name;
  meta.scenario_file = run.variant->file_name;
  meta.scenario_text = run.variant->text;
  meta.overrides = run.variant->overrides;
  meta.seed = run.config.seed;
  meta.first_replication = run.config.first_replication;
  meta.replications = run.config.replications;
  meta.period_axis = "months";
  meta.period_labels = c.base.months;
  engine::write_hdf5(path, meta, diff);
}

}  // namespace funnelsim::cli
