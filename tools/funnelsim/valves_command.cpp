// `funnelsim valves`: the valve effect, the same replications with and without the valves.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "engine/io/atomic_file.hpp"
#include "funnelsim/version.hpp"
#include "models/funnel/comparison.hpp"
#include "models/funnel/funnel_model.hpp"
#include "tools/funnelsim/cli.hpp"
#include "tools/funnelsim/commands.hpp"
#include "tools/funnelsim/scenario_input.hpp"
#include "tools/funnelsim/terminal_report.hpp"
#include "tools/funnelsim/what_if_output.hpp"
#include "tools/funnelsim/what_if_runs.hpp"

namespace funnelsim::cli {

namespace {

std::size_t index_of(const models::Comparison& c, const std::string& metric) {
  const auto at = std::find(c.metrics.begin(), c.metrics.end(), metric);
  return at == c.metrics.end() ? c.metrics.size()
                               : static_cast<std::size_t>(at - c.metrics.begin());
}

}  // namespace

int run_valves_command(const ValvesOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<models::Diagnostic> problems;
  const auto scenario = load_input(options.scenario, problems);
  const engine::RunConfig config =
      resolve_run_config(options.run, scenario ? &*scenario : nullptr, problems);
  std::set<std::string> seen;
  check_output_path("--json", options.json, seen, problems);
  if (scenario && scenario->valves.reserve_programmes.empty())
    problems.push_back(command_line_problem(
        "SCENARIO", scenario->file_name,
        "has no valves: add a `valves` section (scenarios/README.md) to see their effect"));
  std::vector<Point> points(2);
  if (problems.empty()) {
    points[0].sets = {"valves="};  // the same scenario without its valves
    load_points(options.scenario, {}, points, problems);
  }
  if (!problems.empty()) {
    report_problems(problems, err);
    return EXIT_BAD_INPUT;
  }
  try {
    const double seconds = run_points(points, config, !options.quiet, err);
    const models::Comparison c =
        models::pair_forecasts(std::move(points[0].forecast), std::move(points[1].forecast));
    const models::Forecast& with = c.variant;
    const std::size_t months = with.months.size(), total = with.total_labels.size() - 1;

    // Valve cost per month, summed over the programmes (with-valves run).
    std::vector<double> cost(months + with.total_labels.size(), 0.0);
    for (const auto& p : scenario->valves.reserve_programmes) {
      const std::size_t k = with.cube.metric_index("valve." + p.id + ".cost");
      for (std::size_t m = 0; m < months; ++m) cost[m] += with.monthly[k].mean[m];
      for (std::size_t g = 0; g < with.total_labels.size(); ++g)
        cost[months + g] += with.totals[k].mean[g];
    }

    if (!options.json.empty()) {
      const WhatIfRun run{&*points[0].scenario, &*points[1].scenario, config};
      Json j = Json::parse(comparison_json(run, c));
      j["format"] = "funnelsim.valves";
      engine::write_file_atomically(options.json, j.dump(1) + "\n");
    }
    if (options.quiet) return EXIT_OK;

    char buf[320];
    out << "funnelsim " << ENGINE_VERSION << "  valves  " << scenario->name << "  ("
        << (scenario->file_name.empty() ? "<default>" : scenario->file_name) << ")\n";
    std::snprintf(buf, sizeof buf,
                  "%zu replications with and without the valves, on the same random numbers "
                  "(seed %llu), %.1f s\n",
                  config.replications, static_cast<unsigned long long>(config.seed), seconds);
    out << buf;
    for (const auto& p : scenario->valves.reserve_programmes) {
      out << "\nReserve programme " << p.id << ": source " << scenario->sources[p.source].id
          << ", $" << format_count(p.cost) << " a firing\n";
      std::snprintf(buf, sizeof buf, "  %-9s %10s %10s %12s\n", "period", "firings", "leads",
                    "cost");
      out << buf;
      const auto k_fired = with.cube.metric_index("valve." + p.id + ".fired");
      const auto k_leads = with.cube.metric_index("valve." + p.id + ".leads");
      const auto k_cost = with.cube.metric_index("valve." + p.id + ".cost");
      auto line = [&](const std::string& label, const std::vector<engine::PeriodStats>& s,
                      std::size_t i) {
        std::snprintf(buf, sizeof buf, "  %-9s %10.2f %10s %12s\n", label.c_str(),
                      s[k_fired].mean[i], format_count(s[k_leads].mean[i]).c_str(),
                      format_dollars(s[k_cost].mean[i]).c_str());
        out << buf;
      };
      for (std::size_t m = 0; m < months; ++m) line(with.months[m], with.monthly, m);
      for (std::size_t g = 0; g < with.total_labels.size(); ++g)
        line(with.total_labels[g], with.totals, g);
    }
    for (const auto& t : scenario->sla.targets) {
      const std::size_t k = index_of(c, t.metric);
      const std::size_t met = index_of(c, "sla." + t.id + ".met");
      if (k == c.metrics.size() || met == c.metrics.size()) continue;
      const auto [bk, vk] = c.index[k];
      const auto [bm, vm] = c.index[met];
      out << '\n' << t.label << "  [" << t.metric << "]: without -> with valves\n";
      std::snprintf(buf, sizeof buf, "  %-9s %21s %21s %19s %14s\n", "period", "mean", "sd",
                    "P(meet)", "$ per extra");
      out << buf;
      auto line = [&](const std::string& label, const std::vector<engine::PeriodStats>& bs,
                      const std::vector<engine::PeriodStats>& vs, const engine::DifferenceStats& d,
                      std::size_t i, double spent) {
        const std::string mean = format_value(t.metric, bs[bk].mean[i]) + " -> " +
                                 format_value(t.metric, vs[vk].mean[i]);
        const std::string sd =
            format_value(t.metric, bs[bk].sd[i]) + " -> " + format_value(t.metric, vs[vk].sd[i]);
        const std::string meet =
            format_share(bs[bm].mean[i]) + " -> " + format_share(vs[vm].mean[i]);
        const bool counts = with.total_rules[vk] == engine::PeriodAggregation::Sum;
        const std::string per = counts && d.mean[i] > 0.0 && spent > 0.0
                                    ? format_dollars(spent / d.mean[i])
                                    : std::string("-");
        std::snprintf(buf, sizeof buf, "  %-9s %21s %21s %19s %14s\n", label.c_str(), mean.c_str(),
                      sd.c_str(), meet.c_str(), per.c_str());
        out << buf;
      };
      for (std::size_t m = 0; m < months; ++m)
        line(with.months[m], c.base.monthly, with.monthly, c.monthly[k], m, cost[m]);
      for (std::size_t g = 0; g < with.total_labels.size(); ++g)
        line(with.total_labels[g], c.base.totals, with.totals, c.totals[k], g, cost[months + g]);
    }
    // Idle capacity the valves' leads used: per pool, the paired fall in idle hours.
    bool header = false;
    for (const auto& pool : scenario->capacity.pools) {
      const std::size_t k = index_of(c, "capacity." + pool.id + ".idle_hours");
      if (k == c.metrics.size()) continue;
      if (!header) {
        out << "\nIdle capacity used by the valves' leads (paired fall in idle hours, horizon):\n";
        header = true;
      }
      std::snprintf(buf, sizeof buf, "  %-20s %10s of %s idle hours (90%% interval %s .. %s)\n",
                    pool.id.c_str(), format_count(-c.totals[k].mean[total]).c_str(),
                    format_count(c.base.totals[c.index[k][0]].mean[total]).c_str(),
                    format_count(-c.totals[k].hi90[total]).c_str(),
                    format_count(-c.totals[k].lo90[total]).c_str());
      out << buf;
    }
    out << "\n$ per extra: the valves' mean cost over the paired mean gain of a volume (-: no "
           "gain, or not a\nvolume). The cold list and named-account valves are not modelled "
           "yet; --json holds every\nmetric's paired difference.\n";
  } catch (const std::exception& e) {
    err << "funnelsim valves: " << e.what() << '\n';
    return EXIT_FAILURE_RUN;
  }
  return EXIT_OK;
}

}  // namespace funnelsim::cli
