// `funnelsim compare`: a base and a variant on the same random numbers, and what moved.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "engine/io/atomic_file.hpp"
#include "engine/io/hdf5_writer.hpp"
#include "funnelsim/version.hpp"
#include "models/funnel/comparison.hpp"
#include "models/funnel/funnel_model.hpp"
#include "tools/funnelsim/cli.hpp"
#include "tools/funnelsim/commands.hpp"
#include "tools/funnelsim/scenario_input.hpp"
#include "tools/funnelsim/terminal_report.hpp"
#include "tools/funnelsim/what_if_output.hpp"
#include "tools/report/report_writer.hpp"

namespace funnelsim::cli {

namespace {

std::string scenario_label(const models::Scenario& s) {
  return (s.file_name.empty() ? std::string("<default>") : s.file_name);
}

/// Metrics ranked for the terminal: those whose 90% interval over the horizon excludes zero,
/// by the size of the change relative to the base (absolute change when the base is 0).
std::vector<std::size_t> ranked_metrics(const models::Comparison& c, std::size_t total) {
  std::vector<std::size_t> moved;
  for (std::size_t k = 0; k < c.metrics.size(); ++k) {
    const auto& d = c.totals[k];
    if (d.lo90[total] > 0.0 || d.hi90[total] < 0.0) moved.push_back(k);
  }
  auto size = [&](std::size_t k) {
    const double base = std::abs(c.base.totals[c.index[k][0]].mean[total]);
    const double change = std::abs(c.totals[k].mean[total]);
    return base > 0.0 ? change / base : change;
  };
  std::stable_sort(moved.begin(), moved.end(),
                   [&](std::size_t a, std::size_t b) { return size(a) > size(b); });
  return moved;
}

std::string format_ratio(double x) {
  char buf[32];
  if (!std::isfinite(x)) return "exact";
  std::snprintf(buf, sizeof buf, x < 10.0 ? "%.1fx" : "%.0fx", x);
  return buf;
}

void print_comparison(std::ostream& out, const models::Scenario& base,
                      const models::Scenario& variant, const engine::RunConfig& config,
                      const models::Comparison& c, const std::vector<std::string>& only,
                      std::size_t top, double seconds) {
  char buf[320];
  out << "funnelsim " << ENGINE_VERSION << "  compare\n";
  out << "  base:    " << base.name << "  (" << scenario_label(base) << ")\n";
  out << "  variant: " << variant.name << "  (" << scenario_label(variant) << ")\n";
  for (const auto& o : variant.overrides) out << "           --set " << o << '\n';
  std::snprintf(buf, sizeof buf,
                "%zu replications each on the same random numbers (seed %llu), %zu months from "
                "%s, %.2f s\n",
                config.replications, static_cast<unsigned long long>(config.seed),
                c.base.months.size(), c.base.months.front().c_str(), seconds);
  out << buf;

  const std::size_t total = c.base.total_labels.size() - 1;
  const std::vector<std::size_t> moved = ranked_metrics(c, total);
  std::size_t identical = 0;
  for (std::size_t k = 0; k < c.metrics.size(); ++k) {
    bool same = true;
    for (std::size_t m = 0; m < c.base.months.size() && same; ++m)
      same = c.monthly[k].mean[m] == 0.0 && c.monthly[k].sd[m] == 0.0;
    identical += same ? 1 : 0;
  }
  out << "\nMetrics that moved most over the horizon (" << c.base.months.front() << " .. "
      << c.base.months.back() << "), variant - base; only changes whose 90% interval excludes 0:\n";
  if (moved.empty()) out << "  none: every change is within the noise of this many replications.\n";
  std::snprintf(buf, sizeof buf, "  %-36s %10s %10s %10s %23s %8s %6s %7s\n", "metric", "base",
                "variant", "change", "90% interval", "change%", "P(hi)", "pairing");
  if (!moved.empty()) out << buf;
  std::vector<double> narrowing;
  for (std::size_t i = 0; i < moved.size() && i < top; ++i) {
    const std::size_t k = moved[i];
    const std::string& name = c.metrics[k];
    const double b = c.base.totals[c.index[k][0]].mean[total];
    const double v = c.variant.totals[c.index[k][1]].mean[total];
    const auto& d = c.totals[k];
    char pct[32] = "";
    if (b != 0.0) std::snprintf(pct, sizeof pct, "%+.1f%%", 100.0 * d.mean[total] / std::abs(b));
    const std::string interval = interval_text(name, d.lo90[total], d.hi90[total]);
    std::snprintf(buf, sizeof buf, "  %-36s %10s %10s %10s %23s %8s %6.2f %7s\n", name.c_str(),
                  format_value(name, b).c_str(), format_value(name, v).c_str(),
                  signed_value(name, d.mean[total]).c_str(), interval.c_str(), pct,
                  d.p_higher[total], format_ratio(d.narrowing[total]).c_str());
    out << buf;
    if (std::isfinite(d.narrowing[total])) narrowing.push_back(d.narrowing[total]);
  }
  if (moved.size() > top)
    out << "  ... and " << moved.size() - top << " more (--top N shows more; the files hold all)\n";
  if (!narrowing.empty()) {
    std::sort(narrowing.begin(), narrowing.end());
    std::snprintf(buf, sizeof buf,
                  "Pairing narrowed these intervals %s to %s (median %s) against two independent "
                  "runs of the same size.\n",
                  format_ratio(narrowing.front()).c_str(), format_ratio(narrowing.back()).c_str(),
                  format_ratio(narrowing[narrowing.size() / 2]).c_str());
    out << buf;
  }
  out << c.metrics.size() - moved.size() - identical << " other metrics changed within the noise; "
      << identical << " are identical in every replication and month.\n";
  if (!c.only_base.empty() || !c.only_variant.empty()) {
    out << "Not compared:";
    if (!c.only_base.empty()) out << " " << c.only_base.size() << " metrics only in the base";
    if (!c.only_variant.empty())
      out << (c.only_base.empty() ? " " : "; ") << c.only_variant.size()
          << " metrics only in the variant";
    out << " (listed in the JSON).\n";
  }
  out << "P(hi): share of replications in which the variant is higher. pairing: how many times "
         "narrower\nthe paired interval is than independent runs would give.\n";

  for (const std::string& name : only) {
    const auto at = std::find(c.metrics.begin(), c.metrics.end(), name);
    const std::size_t k = static_cast<std::size_t>(at - c.metrics.begin());
    out << '\n' << metric_title(base, name) << "  [" << name << "], variant - base\n";
    std::snprintf(buf, sizeof buf, "  %-9s %11s %11s %11s %25s %6s\n", "period", "base", "variant",
                  "change", "90% interval", "P(hi)");
    out << buf;
    auto line = [&](const std::string& label, const engine::PeriodStats& b,
                    const engine::PeriodStats& v, const engine::DifferenceStats& d, std::size_t p) {
      const std::string interval = interval_text(name, d.lo90[p], d.hi90[p]);
      std::snprintf(buf, sizeof buf, "  %-9s %11s %11s %11s %25s %6.2f\n", label.c_str(),
                    format_value(name, b.mean[p]).c_str(), format_value(name, v.mean[p]).c_str(),
                    signed_value(name, d.mean[p]).c_str(), interval.c_str(), d.p_higher[p]);
      out << buf;
    };
    for (std::size_t m = 0; m < c.base.months.size(); ++m)
      line(c.base.months[m], c.base.monthly[c.index[k][0]], c.variant.monthly[c.index[k][1]],
           c.monthly[k], m);
    for (std::size_t q = 0; q < c.base.total_labels.size(); ++q)
      line(c.base.total_labels[q], c.base.totals[c.index[k][0]], c.variant.totals[c.index[k][1]],
           c.totals[k], q);
  }
}

}  // namespace

int run_compare_command(const CompareOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<models::Diagnostic> problems;
  if (options.variant_path.empty() && options.sets.empty())
    problems.push_back(command_line_problem(
        "VARIANT", "", "nothing to compare: give a VARIANT scenario file or --set KEY=VALUE"));
  const auto base = load_input(ScenarioInput{options.base_path, {}}, problems);
  const ScenarioInput variant_input = options.variant_path.empty()
                                          ? ScenarioInput{options.base_path, options.sets}
                                          : ScenarioInput{options.variant_path, options.sets};
  const auto variant = load_input(variant_input, problems);
  const engine::RunConfig config =
      resolve_run_config(options.run, base ? &*base : nullptr, problems);
  std::set<std::string> seen;
  check_output_path("--json", options.json, seen, problems);
  check_output_path("--csv", options.csv, seen, problems);
  check_output_path("--hdf5", options.hdf5, seen, problems);
  check_report_path("--report", options.report, seen, problems);

  std::optional<models::FunnelModel> base_model, variant_model;
  if (base && variant) {
    base_model.emplace(*base);
    variant_model.emplace(*variant);
    if (base_model->period_labels() != variant_model->period_labels())
      problems.push_back(command_line_problem(
          "VARIANT", scenario_label(*variant),
          "forecasts other months than the base: give both the same calendar.start and "
          "horizon_months"));
    const auto bn = base_model->metric_names(), vn = variant_model->metric_names();
    for (const auto& m : options.metrics)
      if (std::find(bn.begin(), bn.end(), m) == bn.end() ||
          std::find(vn.begin(), vn.end(), m) == vn.end())
        problems.push_back(
            command_line_problem("--metrics", m, "is not a metric of both scenarios"));
    if (problems.empty())
      check_memory(config.replications, base_model->period_count(), std::max(bn.size(), vn.size()),
                   problems, 2);
  }
  if (!problems.empty()) {
    report_problems(problems, err);
    return EXIT_BAD_INPUT;
  }

  try {
    const bool show_progress = !options.quiet && ::isatty(STDERR_FILENO);
    engine::Progress progress_bar(err, 2 * config.replications);
    engine::Progress silent;
    engine::Progress* progress = show_progress ? &progress_bar : &silent;
    models::Forecast b = models::run_forecast(*base_model, config, progress);
    models::Forecast v = models::run_forecast(*variant_model, config, progress);
    const double seconds = b.seconds + v.seconds;
    const models::Comparison c = models::pair_forecasts(std::move(b), std::move(v));
    const WhatIfRun run{&*base, &*variant, config};
    if (!options.json.empty()) engine::write_file_atomically(options.json, comparison_json(run, c));
    if (!options.csv.empty()) engine::write_file_atomically(options.csv, comparison_csv(c));
    if (!options.hdf5.empty()) write_difference_hdf5(options.hdf5, run, c);
    if (!options.report.empty())
      report::write_comparison_report(options.report,
                                      {&*base, &*variant, &c, config, options.metrics, run_date()});
    if (!options.quiet)
      print_comparison(out, *base, *variant, config, c, options.metrics, options.top, seconds);
  } catch (const std::exception& e) {
    err << "funnelsim compare: " << e.what() << '\n';
    return EXIT_FAILURE_RUN;
  }
  return EXIT_OK;
}

}  // namespace funnelsim::cli
