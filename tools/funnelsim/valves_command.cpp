// `funnelsim valves`: the valve effect, the same replications with and without the valves.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/io/atomic_file.hpp"
#include "funnelsim/version.hpp"
#include "models/funnel/comparison.hpp"
#include "models/funnel/funnel_model.hpp"
#include "tools/funnelsim/cli.hpp"
#include "tools/funnelsim/commands.hpp"
#include "tools/funnelsim/run_options.hpp"
#include "tools/funnelsim/scenario_input.hpp"
#include "tools/funnelsim/terminal_report.hpp"
#include "tools/funnelsim/what_if_output.hpp"
#include "tools/funnelsim/what_if_runs.hpp"
#include "tools/report/report_writer.hpp"

namespace funnelsim::cli {

namespace {

std::size_t index_of(const models::Comparison& c, const std::string& metric) {
  const auto at = std::find(c.metrics.begin(), c.metrics.end(), metric);
  return at == c.metrics.end() ? c.metrics.size()
                               : static_cast<std::size_t>(at - c.metrics.begin());
}

// One valve of any kind, as the command reports it.
struct ValveRef {
  std::string id;
  std::string kind;  ///< "reserve programme", "cold list", "named accounts"
};

std::vector<ValveRef> valves_of(const models::Valves& v) {
  std::vector<ValveRef> all;
  for (const auto& p : v.reserve_programmes) all.push_back({p.id, "reserve programme"});
  for (const auto& c : v.cold_lists) all.push_back({c.id, "cold list"});
  for (const auto& n : v.named_accounts) all.push_back({n.id, "named accounts"});
  return all;
}

// The scenario with valve `keep` alone.
models::Scenario only_valve(models::Scenario s, const std::string& keep) {
  auto prune = [&](auto& list) {
    std::erase_if(list, [&](const auto& valve) { return valve.id != keep; });
  };
  prune(s.valves.reserve_programmes);
  prune(s.valves.cold_lists);
  prune(s.valves.named_accounts);
  return s;
}

// The metrics whose horizon totals show each valve's effect: the SLA's volume targets, then
// the pipeline and bookings dollars.
std::vector<std::string> effect_metrics(const models::Scenario& s, const models::Forecast& with) {
  std::vector<std::string> metrics;
  for (const auto& t : s.sla.targets) {
    const std::size_t k = with.cube.metric_index(t.metric);
    if (with.total_rules[k] == engine::PeriodAggregation::Sum) metrics.push_back(t.metric);
  }
  for (const char* m : {"pipeline.created", "bookings"}) metrics.emplace_back(m);
  return metrics;
}

// A valve's table of what it did, per month and total label, from the run with every valve.
void print_activity(std::ostream& out, const models::Forecast& with, const std::string& title,
                    const std::string& id, const std::vector<std::pair<std::string, bool>>& what) {
  char buf[320];
  out << '\n' << title << '\n';
  std::string header = "  period   ";
  for (const auto& [name, dollars] : what) {
    std::snprintf(buf, sizeof buf, " %13s", name.c_str());
    header += buf;
  }
  out << header << '\n';
  auto line = [&](const std::string& label, const std::vector<engine::PeriodStats>& stats,
                  std::size_t i) {
    std::string row;
    std::snprintf(buf, sizeof buf, "  %-9s", label.c_str());
    row += buf;
    for (const auto& [name, dollars] : what) {
      const double x = stats[with.cube.metric_index("valve." + id + "." + name)].mean[i];
      std::snprintf(buf, sizeof buf, " %13s",
                    (dollars           ? format_dollars(x)
                     : name == "fired" ? format_value("", x)
                                       : format_count(x))
                        .c_str());
      row += buf;
    }
    out << row << '\n';
  };
  for (std::size_t m = 0; m < with.months.size(); ++m) line(with.months[m], with.monthly, m);
  for (std::size_t g = 0; g < with.total_labels.size(); ++g)
    line(with.total_labels[g], with.totals, g);
}

}  // namespace

int run_valves_command(const ValvesOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<models::Diagnostic> problems;
  const auto scenario = load_input(options.scenario, problems);
  const engine::RunConfig config =
      resolve_run_config(options.run, scenario ? &*scenario : nullptr, problems);
  std::set<std::string> seen;
  check_output_path("--json", options.json, seen, problems);
  check_report_path("--report", options.report, seen, problems);
  std::vector<ValveRef> valves;
  if (scenario) valves = valves_of(scenario->valves);
  if (scenario && valves.empty())
    problems.push_back(command_line_problem(
        "SCENARIO", scenario->file_name,
        "has no valves: add a `valves` section (scenarios/README.md) to see their effect"));
  // Without the valves, with all of them, and (with more than one) with each alone: every run
  // on the same seed and replications, without the twin (it changes only conversions_lost).
  std::vector<Point> points(2);
  if (problems.empty()) {
    const std::vector<std::string> twin = twin_off(*scenario, {});
    points[0].sets = {"valves="};
    points[0].sets.insert(points[0].sets.end(), twin.begin(), twin.end());
    points[1].sets = twin;
    if (load_points(options.scenario, {}, points, problems) && valves.size() > 1)
      for (const ValveRef& v : valves) {
        Point& alone = points.emplace_back();
        alone.scenario = only_valve(*points[1].scenario, v.id);
      }
  }
  if (!problems.empty()) {
    report_problems(problems, err);
    return EXIT_BAD_INPUT;
  }
  try {
    const double seconds = run_points(points, config, !options.quiet, err);
    // Each valve alone against none, before the pairing below takes the forecasts.
    const models::Forecast& none = points[0].forecast;
    const std::vector<std::string> metrics = effect_metrics(*scenario, points[1].forecast);
    struct Effect {
      std::string id, kind;
      const models::Forecast* forecast;
      std::vector<PairedMetric> paired;  ///< per effect metric
    };
    std::vector<Effect> effects;
    for (std::size_t i = 0; i < valves.size(); ++i)
      effects.push_back(
          {valves[i].id, valves[i].kind, &points[valves.size() > 1 ? 2 + i : 1].forecast, {}});
    effects.push_back({"all", "every valve", &points[1].forecast, {}});
    for (Effect& e : effects)
      for (const std::string& m : metrics) e.paired.push_back(paired_metric(none, *e.forecast, m));
    auto cost_of = [&](const models::Forecast& f, std::size_t g) {
      double cost = 0.0;
      const auto& names = f.cube.metric_names();
      for (const auto& p : scenario->valves.reserve_programmes) {
        const auto at = std::find(names.begin(), names.end(), "valve." + p.id + ".cost");
        if (at != names.end())
          cost += f.totals[static_cast<std::size_t>(at - names.begin())].mean[g];
      }
      return cost;
    };

    const models::Comparison c =
        models::pair_forecasts(std::move(points[0].forecast), models::Forecast(points[1].forecast));
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

    if (!options.report.empty()) {
      // The valve effect month by month: each SLA metric, the money, then what each valve
      // added (only in the run with them: drawn against zero).
      std::vector<std::string> shown;
      for (const auto& t : scenario->sla.targets) shown.push_back(t.metric);
      for (const char* m : {"pipeline.created", "bookings"}) shown.emplace_back(m);
      report::write_comparison_report(
          options.report, {&*points[0].scenario, &*points[1].scenario, &c, config, shown,
                           run_date(), "Valve effect: with the valves - without, by month",
                           scenario->name + ": with its valves against without"});
    }
    if (!options.json.empty()) {
      const WhatIfRun run{&*points[0].scenario, &*points[1].scenario, config};
      Json j = Json::parse(comparison_json(run, c));
      j["format"] = "funnelsim.valves";
      Json each = Json::array();
      for (const Effect& e : effects) {
        Json v;
        v["id"] = e.id;
        v["kind"] = e.kind;
        v["cost"] = cost_of(*e.forecast, total);
        Json d;
        for (std::size_t i = 0; i < metrics.size(); ++i)
          d[metrics[i]] = difference_json(e.paired[i].totals);
        v["differences"] = d;
        each.push_back(v);
      }
      j["effects"] = each;
      engine::write_file_atomically(options.json, j.dump(1) + "\n");
    }
    if (options.quiet) return EXIT_OK;

    char buf[320];
    out << "funnelsim " << ENGINE_VERSION << "  valves  " << scenario->name << "  ("
        << (scenario->file_name.empty() ? "<default>" : scenario->file_name) << ")\n";
    std::snprintf(buf, sizeof buf,
                  "%zu replications without the valves, with them%s, on the same random "
                  "numbers (seed %llu): %zu runs, %.1f s\n",
                  config.replications, valves.size() > 1 ? ", and with each alone" : "",
                  static_cast<unsigned long long>(config.seed), points.size(), seconds);
    out << buf;
    for (const auto& p : scenario->valves.reserve_programmes)
      print_activity(out, with,
                     "Reserve programme " + p.id + ": source " + scenario->sources[p.source].id +
                         ", $" + format_count(p.cost) + " a firing (mean per period)",
                     p.id, {{"fired", false}, {"leads", false}, {"cost", true}});
    for (const auto& l : scenario->valves.cold_lists)
      print_activity(out, with,
                     "Cold list " + l.id + ": worked by " + scenario->capacity.pools[l.pool].id +
                         "'s idle time, leads enter " + scenario->stages[l.enters].id +
                         " (mean per period; available and cooling at period end)",
                     l.id,
                     {{"touches", false},
                      {"leads", false},
                      {"hours", false},
                      {"available", false},
                      {"cooling", false}});
    for (const auto& n : scenario->valves.named_accounts)
      print_activity(out, with,
                     "Named accounts " + n.id + ": worked by " +
                         scenario->capacity.pools[n.pool].id +
                         "'s idle time, opportunities enter " + scenario->stages[n.enters].id +
                         " (mean per period)",
                     n.id, {{"opportunities", false}, {"hours", false}, {"accounts_left", false}});
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
    // Each valve's effect on the horizon total, alone against none (paired).
    out << "\nEach valve's effect on the " << with.total_labels[total]
        << ", against no valves (paired mean, 90% interval):\n";
    std::snprintf(buf, sizeof buf, "  %-22s %-18s", "valve", "kind");
    std::string header = buf;
    for (const std::string& m : metrics) {
      std::snprintf(buf, sizeof buf, " %28s", m.c_str());
      header += buf;
    }
    out << header << "  "
        << "cost" << '\n';
    for (const Effect& e : effects) {
      std::snprintf(buf, sizeof buf, "  %-22s %-18s", e.id.c_str(), e.kind.c_str());
      std::string row = buf;
      for (std::size_t i = 0; i < metrics.size(); ++i) {
        const engine::DifferenceStats& d = e.paired[i].totals;
        const std::string cell = signed_value(metrics[i], d.mean[total]) + " " +
                                 interval_text(metrics[i], d.lo90[total], d.hi90[total]);
        std::snprintf(buf, sizeof buf, " %28s", cell.c_str());
        row += buf;
      }
      const double spent = cost_of(*e.forecast, total);
      out << row << "  " << (spent > 0.0 ? format_dollars(spent) : std::string("-")) << '\n';
    }
    // Idle capacity: the hours the cold lists and named accounts spent, and the paired fall in
    // idle hours that the extra inbound leads took.
    out << "\nIdle capacity used (" << with.total_labels[total] << "):\n";
    auto hours_line = [&](const models::IdleWork& w, const char* kind) {
      const std::string& pool = scenario->capacity.pools[w.pool].id;
      const double hours =
          with.totals[with.cube.metric_index("valve." + w.id + ".hours")].mean[total];
      std::snprintf(buf, sizeof buf, "  %-20s %10s hours of %s on %s %s\n", pool.c_str(),
                    format_count(hours).c_str(), pool.c_str(), kind, w.id.c_str());
      out << buf;
    };
    for (const auto& l : scenario->valves.cold_lists) hours_line(l, "cold list");
    for (const auto& n : scenario->valves.named_accounts) hours_line(n, "named accounts");
    for (const auto& pool : scenario->capacity.pools) {
      const std::size_t k = index_of(c, "capacity." + pool.id + ".idle_hours");
      if (k == c.metrics.size()) continue;
      std::snprintf(buf, sizeof buf,
                    "  %-20s %10s of %s idle hours taken by the valves' inbound leads (90%% "
                    "interval %s .. %s)\n",
                    pool.id.c_str(), format_count(-c.totals[k].mean[total]).c_str(),
                    format_count(c.base.totals[c.index[k][0]].mean[total]).c_str(),
                    format_count(-c.totals[k].hi90[total]).c_str(),
                    format_count(-c.totals[k].lo90[total]).c_str());
      out << buf;
    }
    out << "\n$ per extra: the reserve programmes' mean cost over the paired mean gain of a "
           "volume (-: no\ngain, or not a volume). Cold lists and named accounts spend time the "
           "reps are paid for\nanyway. --json holds every metric's paired difference and each "
           "valve's effect.\n";
  } catch (const std::exception& e) {
    err << "funnelsim valves: " << e.what() << '\n';
    return EXIT_FAILURE_RUN;
  }
  return EXIT_OK;
}

}  // namespace funnelsim::cli
