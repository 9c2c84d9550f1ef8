#include "tools/funnelsim/terminal_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "funnelsim/version.hpp"

namespace funnelsim::cli {

std::string format_count(double x) {
  char buf[64];
  if (std::abs(x) < 100.0) {
    std::snprintf(buf, sizeof buf, "%.1f", x);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.0f", std::abs(x));
  std::string digits(buf), grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return (x < 0 ? "-" : "") + grouped;
}

std::string format_dollars(double x) {
  char buf[64];
  const double a = std::abs(x);
  const char* sign = x < 0 ? "-" : "";
  if (a < 1e3)
    std::snprintf(buf, sizeof buf, "%s$%.0f", sign, a);
  else if (a < 1e6)
    std::snprintf(buf, sizeof buf, "%s$%.1fk", sign, a / 1e3);
  else if (a < 1e9)
    std::snprintf(buf, sizeof buf, "%s$%.2fM", sign, a / 1e6);
  else
    std::snprintf(buf, sizeof buf, "%s$%.2fB", sign, a / 1e9);
  return buf;
}

namespace {

bool is_dollars(const std::string& metric) {
  return metric == "pipeline.created" || metric == "bookings";
}

std::string title_of(const models::Scenario& scenario, const std::string& metric) {
  for (const auto& stage : scenario.stages)
    if (metric == "volume." + stage.id)
      return (stage.label.empty() ? stage.id : stage.label) + ": leads entering the stage";
  if (metric == "pipeline.created") return "Pipeline created: deal value of new opportunities";
  if (metric == "bookings") return "Bookings: deal value won";
  return metric;
}

void row(std::ostream& out, const std::string& label, const engine::PeriodStats& s, std::size_t i,
         bool dollars) {
  auto f = [&](double v) { return dollars ? format_dollars(v) : format_count(v); };
  char buf[160];
  std::snprintf(buf, sizeof buf, "  %-9s %11s %11s %11s %11s\n", label.c_str(),
                f(s.mean[i]).c_str(), f(s.p10[i]).c_str(), f(s.p50[i]).c_str(),
                f(s.p90[i]).c_str());
  out << buf;
}

}  // namespace

void print_forecast(std::ostream& out, const models::Scenario& scenario,
                    const engine::RunConfig& config, const models::Forecast& forecast,
                    const std::vector<std::string>& only) {
  char buf[256];
  out << "funnelsim " << ENGINE_VERSION << "  " << scenario.name << "  ("
      << (scenario.file_name.empty() ? "<default>" : scenario.file_name) << ")\n";
  // format_count gives counts under 100 a decimal, for means; a replication count is whole.
  std::snprintf(buf, sizeof buf, "%s replications, seed %llu, %zu months from %s, %.2f s\n",
                (config.replications < 100 ? std::to_string(config.replications)
                                           : format_count(static_cast<double>(config.replications)))
                    .c_str(),
                static_cast<unsigned long long>(config.seed), forecast.months.size(),
                forecast.months.front().c_str(), forecast.seconds);
  out << buf;
  for (const auto& o : scenario.overrides) out << "  --set " << o << '\n';
  out << "P10 and P90 bound the middle 80% of replications; quarters and total are sums per "
         "replication, then quantiles.\n";

  const auto& names = forecast.cube.metric_names();
  for (std::size_t k = 0; k < names.size(); ++k) {
    if (!only.empty() && std::find(only.begin(), only.end(), names[k]) == only.end()) continue;
    const bool dollars = is_dollars(names[k]);
    out << '\n' << title_of(scenario, names[k]) << "  [" << names[k] << "]\n";
    std::snprintf(buf, sizeof buf, "  %-9s %11s %11s %11s %11s\n", "period", "mean", "P10", "P50",
                  "P90");
    out << buf;
    for (std::size_t m = 0; m < forecast.months.size(); ++m)
      row(out, forecast.months[m], forecast.monthly[k], m, dollars);
    for (std::size_t q = 0; q < forecast.total_labels.size(); ++q) {
      std::string label = forecast.total_labels[q];
      const bool partial = label != "total" && forecast.total_groups[q].size() < 3;
      if (partial) label += "*";
      row(out, label, forecast.totals[k], q, dollars);
    }
  }
  bool any_partial = false;
  for (std::size_t q = 0; q + 1 < forecast.total_groups.size(); ++q)
    any_partial |= forecast.total_groups[q].size() < 3;
  if (any_partial)
    out << "\n* a quarter the horizon covers only in part: the sum of its months inside the "
           "horizon.\n";
}

}  // namespace funnelsim::cli
