// `funnelsim sensitivity`: a tornado of the scenario's levers by their effect on one metric.
#include <algorithm>
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
#include "tools/report/report_writer.hpp"

namespace funnelsim::cli {

namespace {

struct Bar {
  models::Lever lever;
  double low = 0.0, high = 0.0;  ///< the lever's values at the two ends of the swing
  std::size_t low_point = 0, high_point = 0;
  double low_change = 0.0, high_change = 0.0;
  double low_lo = 0, low_hi = 0, high_lo = 0, high_hi = 0;  ///< 90% intervals
};

std::optional<double> parse_swing(const std::string& text) {
  std::string t = text;
  const bool percent = !t.empty() && t.back() == '%';
  if (percent) t.pop_back();
  try {
    std::size_t used = 0;
    double x = std::stod(t, &used);
    if (used != t.size()) return std::nullopt;
    if (percent) x /= 100.0;
    if (!(x > 0.0 && x < 1.0)) return std::nullopt;
    return x;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string tornado_bar(double change, double scale, int half) {
  const int n = scale > 0.0 ? static_cast<int>(std::lround(std::abs(change) / scale * half)) : 0;
  std::string left(static_cast<std::size_t>(half), ' '), right(static_cast<std::size_t>(half), ' ');
  if (change < 0)
    for (int i = 0; i < n && i < half; ++i) left[static_cast<std::size_t>(half - 1 - i)] = '#';
  if (change > 0)
    for (int i = 0; i < n && i < half; ++i) right[static_cast<std::size_t>(i)] = '#';
  return left + "|" + right;
}

}  // namespace

int run_sensitivity_command(const SensitivityOptions& options, std::ostream& out,
                            std::ostream& err) {
  std::vector<models::Diagnostic> problems;
  const auto scenario = load_input(options.scenario, problems);
  const engine::RunConfig config =
      resolve_run_config(options.run, scenario ? &*scenario : nullptr, problems,
                         SensitivityOptions::DEFAULT_REPLICATIONS);
  std::set<std::string> seen;
  check_output_path("--json", options.json, seen, problems);
  check_report_path("--report", options.report, seen, problems);
  const auto swing = parse_swing(options.swing);
  if (!swing)
    problems.push_back(command_line_problem(
        "--swing", options.swing, "must be a share between 0 and 1 or a percentage, e.g. 20%"));
  std::vector<Bar> bars;
  std::optional<PeriodRef> period;
  std::vector<std::string> skipped;
  if (scenario) {
    const auto names = models::FunnelModel(*scenario).metric_names();
    if (std::find(names.begin(), names.end(), options.metric) == names.end())
      problems.push_back(
          command_line_problem("--metric", options.metric, "is not a metric of this scenario"));
    period = find_period(*scenario, options.period, problems);
    std::vector<models::Lever> levers;
    if (options.params.empty()) {
      levers = models::scenario_levers(*scenario);
    } else {
      for (const std::string& key : options.params) {
        std::string error;
        if (auto lever = models::numeric_setting(*scenario, key, error))
          levers.push_back(*lever);
        else
          problems.push_back(command_line_problem("--params", key, error));
      }
    }
    if (swing)
      for (const models::Lever& lever : levers) {
        Bar bar;
        bar.lever = lever;
        if (models::swung_value(lever, -*swing) == lever.value &&
            models::swung_value(lever, *swing) == lever.value)
          skipped.push_back(lever.key + " (0 or at the end of its range)");
        else
          bars.push_back(bar);
      }
  }
  // The base, then each lever's low and high point. A swung value that breaks a rule of the
  // scenario (a probability pushing its stage's total over 1, say) is retried with half the
  // swing, up to three times; a lever with no valid end is reported as not swung.
  std::vector<Point> points(1);
  if (problems.empty() && bars.empty())
    problems.push_back(command_line_problem(
        "--params", "", "no lever to swing: every one is 0 or at the end of its range"));
  if (problems.empty()) {
    const std::vector<std::string> extra = twin_off(*scenario, {options.metric});
    load_point(options.scenario, extra, points.front(), problems);
    std::vector<Bar> kept;
    for (Bar& bar : bars) {
      bool ok = true;
      for (const double direction : {-1.0, 1.0}) {
        double s = *swing;
        std::vector<models::Diagnostic> why;
        for (int attempt = 0; attempt < 4; ++attempt, s /= 2.0) {
          const double value = models::swung_value(bar.lever, direction * s);
          Point p{{bar.lever.key + "=" + models::number_text(value)}, {}, {}};
          why.clear();
          if (value == bar.lever.value) continue;
          if (load_point(options.scenario, extra, p, why)) {
            (direction < 0 ? bar.low : bar.high) = value;
            (direction < 0 ? bar.low_point : bar.high_point) = points.size();
            points.push_back(std::move(p));
            break;
          }
        }
        if (!why.empty() || (direction < 0 ? bar.low_point : bar.high_point) == 0) {
          ok = false;
          skipped.push_back(bar.lever.key + " (" +
                            (why.empty() ? std::string("cannot move") : why.front().rule) + ")");
          break;
        }
      }
      if (ok) kept.push_back(bar);
    }
    bars = std::move(kept);
  }
  if (!problems.empty()) {
    report_problems(problems, err);
    return EXIT_BAD_INPUT;
  }

  try {
    const double seconds = run_points(points, config, !options.quiet, err);
    const std::string& m = options.metric;
    const std::size_t q = period->index;
    const models::Forecast& base = points.front().forecast;
    for (Bar& bar : bars) {
      const PairedMetric lo = paired_metric(base, points[bar.low_point].forecast, m);
      const PairedMetric hi = paired_metric(base, points[bar.high_point].forecast, m);
      const engine::DifferenceStats& l = period->month ? lo.monthly : lo.totals;
      const engine::DifferenceStats& h = period->month ? hi.monthly : hi.totals;
      bar.low_change = l.mean[q];
      bar.low_lo = l.lo90[q];
      bar.low_hi = l.hi90[q];
      bar.high_change = h.mean[q];
      bar.high_lo = h.lo90[q];
      bar.high_hi = h.hi90[q];
    }
    std::stable_sort(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) {
      return std::abs(a.high_change - a.low_change) > std::abs(b.high_change - b.low_change);
    });
    const MetricAt at_base = metric_at(base, m, *period);

    if (!options.json.empty()) {
      Json j = what_if_document("funnelsim.sensitivity", config, *scenario);
      j["metric"] = m;
      j["period"] = period->label;
      j["swing"] = *swing;
      j["base"] = {
          {"mean", at_base.mean}, {"p10", at_base.p10}, {"p50", at_base.p50}, {"p90", at_base.p90}};
      Json jl = Json::array();
      for (const Bar& bar : bars) {
        const MetricAt low = metric_at(points[bar.low_point].forecast, m, *period);
        const MetricAt high = metric_at(points[bar.high_point].forecast, m, *period);
        jl.push_back({{"key", bar.lever.key},
                      {"value", bar.lever.value},
                      {"low",
                       {{"value", bar.low},
                        {"mean", low.mean},
                        {"change", bar.low_change},
                        {"lo90", bar.low_lo},
                        {"hi90", bar.low_hi}}},
                      {"high",
                       {{"value", bar.high},
                        {"mean", high.mean},
                        {"change", bar.high_change},
                        {"lo90", bar.high_lo},
                        {"hi90", bar.high_hi}}},
                      {"range", std::abs(bar.high_change - bar.low_change)}});
      }
      j["levers"] = std::move(jl);
      j["skipped"] = skipped;
      engine::write_file_atomically(options.json, j.dump(1) + "\n");
    }
    if (!options.report.empty()) {
      report::TornadoReportInput tornado{&*scenario, config,       m,  period->label,
                                         *swing,     at_base.mean, {}, run_date()};
      for (const Bar& bar : bars)
        tornado.bars.push_back({bar.lever.key, bar.low, bar.high, bar.low_change, bar.high_change,
                                bar.low_lo, bar.low_hi, bar.high_lo, bar.high_hi});
      report::write_tornado_report(options.report, tornado);
    }
    if (options.quiet) return EXIT_OK;

    char buf[400];
    out << "funnelsim " << ENGINE_VERSION << "  sensitivity  " << scenario->name << "  ("
        << (scenario->file_name.empty() ? "<default>" : scenario->file_name) << ")\n";
    std::snprintf(buf, sizeof buf,
                  "%zu levers swung -%.0f%% / +%.0f%%: %zu runs of %zu replications on the same "
                  "random numbers (seed %llu), %.1f s\n",
                  bars.size(), 100.0 * *swing, 100.0 * *swing, points.size(), config.replications,
                  static_cast<unsigned long long>(config.seed), seconds);
    out << buf;
    for (const auto& o : scenario->overrides) out << "  --set " << o << '\n';
    out << metric_title(*scenario, m) << "  [" << m << "], " << period->label << ": base mean "
        << format_value(m, at_base.mean) << " (P10 " << format_value(m, at_base.p10) << ", P90 "
        << format_value(m, at_base.p90) << ")\n\n";
    double scale = 0.0;
    for (const Bar& bar : bars)
      scale = std::max({scale, std::abs(bar.low_change), std::abs(bar.high_change)});
    std::snprintf(buf, sizeof buf, "  %-46s %21s %10s %10s  %s\n", "lever", "low .. high value",
                  "at low", "at high", "change at low (-) and high (+)");
    out << buf;
    const std::size_t shown = std::min(bars.size(), options.top);
    for (std::size_t i = 0; i < shown; ++i) {
      const Bar& bar = bars[i];
      const std::string values =
          models::number_text(bar.low) + " .. " + models::number_text(bar.high);
      std::string lo(bar.low_change > 0 ? "+" : ""), hi(bar.high_change > 0 ? "+" : "");
      lo += format_value(m, bar.low_change);
      hi += format_value(m, bar.high_change);
      std::snprintf(
          buf, sizeof buf, "  %-46s %21s %10s %10s  %s%s\n", bar.lever.key.substr(0, 46).c_str(),
          values.c_str(), lo.c_str(), hi.c_str(), tornado_bar(bar.low_change, scale, 12).c_str(),
          (bar.low_lo <= 0.0 && bar.low_hi >= 0.0 && bar.high_lo <= 0.0 && bar.high_hi >= 0.0)
              ? "  (within noise)"
              : "");
      out << buf;
      std::snprintf(buf, sizeof buf, "  %-46s %21s %10s %10s  %s\n", "", "", "", "",
                    tornado_bar(bar.high_change, scale, 12).c_str());
      out << buf;
    }
    if (bars.size() > shown)
      out << "  ... and " << bars.size() - shown << " more (--top N, or --json for all)\n";
    if (!skipped.empty()) {
      out << "Not swung:\n";
      for (const auto& s : skipped) out << "  " << s << '\n';
    }
    out << "Changes are paired means against the base (same random numbers); each lever's upper "
           "bar is\nits low value, the lower bar its high value. \"within noise\": both 90% "
           "intervals include 0.\n";
  } catch (const std::exception& e) {
    err << "funnelsim sensitivity: " << e.what() << '\n';
    return EXIT_FAILURE_RUN;
  }
  return EXIT_OK;
}

}  // namespace funnelsim::cli
