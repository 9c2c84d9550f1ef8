// `funnelsim sweep`: one scenario over a one- or two-parameter grid, paired across points.
#include <cmath>
#include <cstdio>
#include <set>

#include "engine/io/atomic_file.hpp"
#include "funnelsim/version.hpp"
#include "models/funnel/funnel_model.hpp"
#include "models/scenario/scenario_levers.hpp"
#include "tools/funnelsim/cli.hpp"
#include "tools/funnelsim/commands.hpp"
#include "tools/funnelsim/scenario_input.hpp"
#include "tools/funnelsim/terminal_report.hpp"
#include "tools/funnelsim/what_if_output.hpp"
#include "tools/funnelsim/what_if_runs.hpp"

namespace funnelsim::cli {

namespace {

constexpr std::size_t MAX_POINTS_PER_PARAM = 200;
constexpr std::size_t MAX_GRID_POINTS = 400;

struct Param {
  std::string key;
  std::vector<double> values;
};

std::optional<double> parse_double(const std::string& text) {
  try {
    std::size_t used = 0;
    const double x = std::stod(text, &used);
    if (used != text.size() || !std::isfinite(x)) return std::nullopt;
    return x;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::vector<std::string> split(const std::string& text, char by) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = text.find(by, start);
    parts.push_back(text.substr(start, at == std::string::npos ? at : at - start));
    if (at == std::string::npos) return parts;
    start = at + 1;
  }
}

// KEY=v1,v2,... or KEY=FROM:TO:POINTS.
std::optional<Param> parse_param(const std::string& text, const models::Scenario& scenario,
                                 std::vector<models::Diagnostic>& problems) {
  auto fail = [&](const std::string& rule) {
    problems.push_back(command_line_problem("--param", text, rule));
    return std::nullopt;
  };
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    return fail(
        "must be KEY=LIST or KEY=FROM:TO:POINTS, e.g. capacity.pools.sdr.headcount=8,10,12");
  Param p{text.substr(0, eq), {}};
  std::string error;
  const auto lever = models::numeric_setting(scenario, p.key, error);
  if (!lever) return fail(p.key + " " + error);
  const std::string spec = text.substr(eq + 1);
  if (spec.find(':') != std::string::npos) {
    const auto parts = split(spec, ':');
    if (parts.size() != 3)
      return fail("a range is FROM:TO:POINTS, e.g. 600:1000:5 (five points, ends included)");
    const auto from = parse_double(parts[0]), to = parse_double(parts[1]);
    const auto n = parse_double(parts[2]);
    if (!from || !to || !n || *n != std::floor(*n) || *n < 0)
      return fail("a range is FROM:TO:POINTS with numbers FROM, TO and a whole number POINTS");
    if (*n == 0) return fail("is an empty range: POINTS must be at least 1");
    if (*n > MAX_POINTS_PER_PARAM)
      return fail("has more than " + std::to_string(MAX_POINTS_PER_PARAM) + " points");
    const auto count = static_cast<std::size_t>(*n);
    for (std::size_t i = 0; i < count; ++i) {
      double x = count == 1 ? *from
                            : *from + (*to - *from) * static_cast<double>(i) /
                                          static_cast<double>(count - 1);
      if (lever->whole) x = std::round(x);
      if (p.values.empty() || p.values.back() != x) p.values.push_back(x);
    }
  } else {
    if (spec.empty()) return fail("is an empty range: give at least one value");
    for (const std::string& item : split(spec, ',')) {
      const auto x = parse_double(item);
      if (!x) return fail("'" + item + "' is not a number");
      if (lever->whole && *x != std::floor(*x))
        return fail(p.key + " takes whole numbers; '" + item + "' is not one");
      p.values.push_back(*x);
    }
    if (p.values.size() > MAX_POINTS_PER_PARAM)
      return fail("has more than " + std::to_string(MAX_POINTS_PER_PARAM) + " points");
  }
  return p;
}

std::string last_component(const std::string& key) {
  const std::size_t dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

}  // namespace

int run_sweep_command(const SweepOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<models::Diagnostic> problems;
  const auto scenario = load_input(options.scenario, problems);
  const engine::RunConfig config = resolve_run_config(options.run, scenario ? &*scenario : nullptr,
                                                      problems, SweepOptions::DEFAULT_REPLICATIONS);
  std::set<std::string> seen;
  check_output_path("--json", options.json, seen, problems);
  check_output_path("--csv", options.csv, seen, problems);
  if (options.params.empty() || options.params.size() > 2)
    problems.push_back(command_line_problem("--param", std::to_string(options.params.size()),
                                            "give one or two --param KEY=VALUES"));
  std::vector<Param> params;
  std::optional<PeriodRef> period;
  if (scenario) {
    for (const std::string& text : options.params)
      if (auto p = parse_param(text, *scenario, problems)) params.push_back(std::move(*p));
    if (params.size() == 2 && params[0].key == params[1].key)
      problems.push_back(command_line_problem("--param", params[1].key, "is given twice"));
    const auto names = models::FunnelModel(*scenario).metric_names();
    for (const auto& m : options.metrics)
      if (std::find(names.begin(), names.end(), m) == names.end())
        problems.push_back(command_line_problem("--metric", m, "is not a metric of this scenario"));
    period = find_period(*scenario, options.period, problems);
  }
  std::vector<Point> points;
  if (problems.empty()) {
    const std::size_t n0 = params[0].values.size();
    const std::size_t n1 = params.size() > 1 ? params[1].values.size() : 1;
    if (n0 * n1 > MAX_GRID_POINTS)
      problems.push_back(command_line_problem(
          "--param", std::to_string(n0 * n1) + " points",
          "a grid may have at most " + std::to_string(MAX_GRID_POINTS) + " points"));
    for (std::size_t i = 0; i < n0 && problems.empty(); ++i)
      for (std::size_t j = 0; j < n1; ++j) {
        Point p;
        p.sets.push_back(params[0].key + "=" + models::number_text(params[0].values[i]));
        if (params.size() > 1)
          p.sets.push_back(params[1].key + "=" + models::number_text(params[1].values[j]));
        points.push_back(std::move(p));
      }
    if (problems.empty())
      load_points(options.scenario, twin_off(*scenario, options.metrics), points, problems);
    if (problems.empty()) {
      const models::FunnelModel model(*scenario);
      check_memory(config.replications, model.period_count(), model.metric_names().size(), problems,
                   points.size());
    }
  }
  if (!problems.empty()) {
    report_problems(problems, err);
    return EXIT_BAD_INPUT;
  }

  try {
    const double seconds = run_points(points, config, !options.quiet, err);

    Json j = what_if_document("funnelsim.sweep", config, *scenario);
    Json jp = Json::array();
    for (const Param& p : params) jp.push_back({{"key", p.key}, {"values", p.values}});
    j["params"] = jp;
    j["metrics"] = options.metrics;
    j["months"] = points.front().forecast.months;
    j["total_labels"] = points.front().forecast.total_labels;
    std::string csv = "point";
    for (const Param& p : params) csv.append(",").append(p.key);
    csv += ",metric,period,mean,p10,p50,p90,change_mean,change_lo90,change_hi90,p_higher\n";
    // Per point and metric, the paired change from the first point: computed once, for the
    // files and the table.
    std::vector<std::vector<PairedMetric>> changes(points.size());
    for (std::size_t i = 0; i < points.size(); ++i)
      for (const std::string& m : options.metrics)
        changes[i].push_back(paired_metric(points.front().forecast, points[i].forecast, m));
    Json jpoints = Json::array();
    for (std::size_t i = 0; i < points.size(); ++i) {
      const Point& p = points[i];
      Json point;
      Json settings;
      for (const std::string& s : p.sets) {
        const std::size_t eq = s.find('=');
        settings[s.substr(0, eq)] = std::stod(s.substr(eq + 1));
      }
      point["settings"] = settings;
      Json metrics;
      for (std::size_t mi = 0; mi < options.metrics.size(); ++mi) {
        const std::string& m = options.metrics[mi];
        const std::size_t k = p.forecast.cube.metric_index(m);
        const PairedMetric& change = changes[i][mi];
        metrics[m] = {{"monthly", stats_json(p.forecast.monthly[k])},
                      {"totals", stats_json(p.forecast.totals[k])},
                      {"change_from_first",
                       {{"monthly", difference_json(change.monthly)},
                        {"totals", difference_json(change.totals)}}}};
        auto rows = [&](const std::vector<std::string>& labels, const engine::PeriodStats& s,
                        const engine::DifferenceStats& d) {
          for (std::size_t q = 0; q < labels.size(); ++q) {
            csv += std::to_string(i);
            for (const std::string& set : p.sets)
              csv.append(",").append(set.substr(set.find('=') + 1));
            csv.append(",").append(m).append(",").append(labels[q]);
            for (double x : {s.mean[q], s.p10[q], s.p50[q], s.p90[q], d.mean[q], d.lo90[q],
                             d.hi90[q], d.p_higher[q]})
              csv.append(",").append(models::number_text(x));
            csv += "\n";
          }
        };
        rows(p.forecast.months, p.forecast.monthly[k], change.monthly);
        rows(p.forecast.total_labels, p.forecast.totals[k], change.totals);
      }
      point["metrics"] = metrics;
      jpoints.push_back(std::move(point));
    }
    j["points"] = std::move(jpoints);
    if (!options.json.empty()) engine::write_file_atomically(options.json, j.dump(1) + "\n");
    if (!options.csv.empty()) engine::write_file_atomically(options.csv, csv);
    if (options.quiet) return EXIT_OK;

    char buf[256];
    out << "funnelsim " << ENGINE_VERSION << "  sweep  " << scenario->name << "  ("
        << (scenario->file_name.empty() ? "<default>" : scenario->file_name) << ")\n";
    std::snprintf(buf, sizeof buf,
                  "%zu points, %zu replications each on the same random numbers (seed %llu), "
                  "%.1f s\n",
                  points.size(), config.replications, static_cast<unsigned long long>(config.seed),
                  seconds);
    out << buf;
    for (const auto& o : scenario->overrides) out << "  --set " << o << '\n';
    for (std::size_t mi = 0; mi < options.metrics.size(); ++mi) {
      const std::string& m = options.metrics[mi];
      out << '\n' << metric_title(*scenario, m) << "  [" << m << "], " << period->label << '\n';
      if (params.size() == 1) {
        std::snprintf(buf, sizeof buf, "  %16s %11s %11s %11s %11s %11s %25s\n",
                      last_component(params[0].key).substr(0, 16).c_str(), "mean", "P10", "P50",
                      "P90", "vs first", "90% interval");
        out << buf;
        for (std::size_t i = 0; i < points.size(); ++i) {
          const Point& p = points[i];
          const MetricAt v = metric_at(p.forecast, m, *period);
          const PairedMetric& d = changes[i][mi];
          const engine::DifferenceStats& ds = period->month ? d.monthly : d.totals;
          const std::size_t q = period->index;
          const std::string interval = interval_text(m, ds.lo90[q], ds.hi90[q]);
          std::snprintf(buf, sizeof buf, "  %16s %11s %11s %11s %11s %11s %25s\n",
                        p.sets[0].substr(p.sets[0].find('=') + 1).c_str(),
                        format_value(m, v.mean).c_str(), format_value(m, v.p10).c_str(),
                        format_value(m, v.p50).c_str(), format_value(m, v.p90).c_str(),
                        signed_value(m, ds.mean[q]).c_str(), interval.c_str());
          out << buf;
        }
      } else {
        const std::size_t n1 = params[1].values.size();
        out << "  mean; rows " << params[0].key << ", columns " << params[1].key << '\n';
        std::snprintf(buf, sizeof buf, "  %12s", "");
        out << buf;
        for (double x : params[1].values) {
          std::snprintf(buf, sizeof buf, " %11s", models::number_text(x).c_str());
          out << buf;
        }
        out << '\n';
        for (std::size_t i = 0; i < params[0].values.size(); ++i) {
          std::snprintf(buf, sizeof buf, "  %12s",
                        models::number_text(params[0].values[i]).c_str());
          out << buf;
          for (std::size_t jj = 0; jj < n1; ++jj) {
            const MetricAt v = metric_at(points[i * n1 + jj].forecast, m, *period);
            std::snprintf(buf, sizeof buf, " %11s", format_value(m, v.mean).c_str());
            out << buf;
          }
          out << '\n';
        }
        out << "  (P10 / P50 / P90 and paired changes per point: --json or --csv)\n";
      }
    }
    out << "\n\"vs first\": the paired change from the first point (same random numbers), with its "
           "90% interval.\n";
  } catch (const std::exception& e) {
    err << "funnelsim sweep: " << e.what() << '\n';
    return EXIT_FAILURE_RUN;
  }
  return EXIT_OK;
}

}  // namespace funnelsim::cli
