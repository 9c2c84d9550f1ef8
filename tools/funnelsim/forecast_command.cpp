// `funnelsim forecast` and `funnelsim validate`.
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <set>

#include "engine/io/csv_writer.hpp"
#include "engine/io/hdf5_writer.hpp"
#include "engine/io/json_writer.hpp"
#include "engine/stats/result_cube.hpp"
#include "funnelsim/version.hpp"
#include "models/calibration/backtest.hpp"
#include "models/calibration/history.hpp"
#include "models/funnel/forecast.hpp"
#include "models/funnel/funnel_model.hpp"
#include "tools/funnelsim/cli.hpp"
#include "tools/funnelsim/commands.hpp"
#include "tools/funnelsim/run_options.hpp"
#include "tools/funnelsim/scenario_input.hpp"
#include "tools/funnelsim/terminal_report.hpp"
#include "tools/report/report_writer.hpp"

namespace funnelsim::cli {

namespace {

/// The history's monthly actuals of the report's metrics, from 12 months before the
/// forecast's start to its end (complete months only); problems with the file are appended.
report::Actuals read_actuals(const std::string& path, const models::Scenario& scenario,
                             std::vector<models::Diagnostic>& problems) {
  calibration::HistorySchema schema;
  for (const models::Stage& s : scenario.stages) schema.stages.push_back(s.id);
  schema.entry_stage = scenario.entry_stage;
  calibration::History history;
  try {
    history = calibration::read_history(path, schema);
  } catch (const calibration::HistoryReadError& e) {
    add_history_problems(path, e, problems);
    return {};
  }
  const int start = scenario.calendar.start_year * 12 + scenario.calendar.start_month - 1;
  calibration::MonthSpan span = calibration::complete_months(history);
  span.first = std::max(span.first, start - 12);
  span.end = std::min(span.end, start + scenario.calendar.horizon_months);
  if (span.end <= span.first) {
    problems.push_back(command_line_problem(
        "--history", path,
        "has no complete month between 12 months before the forecast's start and its end"));
    return {};
  }
  std::vector<std::string> metrics;
  for (const models::Stage& s : scenario.stages) metrics.push_back("volume." + s.id);
  metrics.emplace_back("pipeline.created");
  metrics.emplace_back("bookings");
  const auto values = calibration::monthly_actuals(history, scenario, metrics, span);
  bool amounts = false;
  for (const calibration::HistoryLead& lead : history.leads) amounts = amounts || lead.amount >= 0;
  report::Actuals actuals;
  for (std::size_t k = 0; k < metrics.size(); ++k) {
    if (!amounts && !metrics[k].starts_with("volume.")) continue;  // no dollars to show
    auto& series = actuals[metrics[k]];
    for (int m = span.first; m < span.end; ++m)
      series.emplace_back(calibration::month_label(m),
                          values[k][static_cast<std::size_t>(m - span.first)]);
  }
  return actuals;
}

}  // namespace

int run_forecast_command(const ForecastOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<models::Diagnostic> problems;
  auto scenario = load_input(options.scenario, problems);

  const engine::RunConfig config =
      resolve_run_config(options.run, scenario ? &*scenario : nullptr, problems);
  std::set<std::string> seen;
  check_output_path("--json", options.json, seen, problems);
  check_output_path("--csv", options.csv, seen, problems);
  check_output_path("--hdf5", options.hdf5, seen, problems);
  check_report_path("--report", options.report, seen, problems);

  report::Actuals actuals;
  if (!options.history.empty() && options.report.empty())
    problems.push_back(command_line_problem("--history", options.history,
                                            "is drawn in the report: give --report too"));
  if (!options.history.empty() && !options.report.empty() && scenario)
    actuals = read_actuals(options.history, *scenario, problems);

  std::optional<models::FunnelModel> model;
  if (scenario) {
    model.emplace(*scenario);
    const std::vector<std::string> metric_names = model->metric_names();
    for (const auto& m : options.metrics)
      if (std::find(metric_names.begin(), metric_names.end(), m) == metric_names.end())
        problems.push_back(
            command_line_problem("--metrics", m, "is not a metric of this scenario"));
    if (problems.empty())
      check_memory(config.replications, model->period_count(), metric_names.size(), problems);
  }
  if (!problems.empty()) {
    report_problems(problems, err);
    return EXIT_BAD_INPUT;
  }

  try {
    const bool show_progress = !options.quiet && ::isatty(STDERR_FILENO);
    engine::Progress progress_bar(err, config.replications);
    engine::Progress silent;
    const models::Forecast forecast =
        models::run_forecast(*model, config, show_progress ? &progress_bar : &silent);

    engine::RunMetadata meta;
    meta.scenario_name = scenario->name;
    meta.scenario_file = scenario->file_name;
    meta.scenario_text = scenario->text;
    meta.overrides = scenario->overrides;
    meta.seed = config.seed;
    meta.first_replication = config.first_replication;
    meta.replications = config.replications;
    meta.period_axis = "months";
    meta.period_labels = forecast.months;
    meta.run_date = run_date();
    const engine::TotalsSection totals{forecast.total_labels, forecast.totals,
                                       forecast.total_rules};
    if (!options.json.empty())
      engine::write_json(options.json, meta, forecast.cube, forecast.monthly, totals);
    if (!options.csv.empty())
      engine::write_csv(options.csv, meta, forecast.cube, forecast.monthly, totals);
    if (!options.hdf5.empty()) engine::write_hdf5(options.hdf5, meta, forecast.cube);
    if (!options.report.empty())
      report::write_forecast_report(
          options.report, {&*scenario, &forecast, config, meta.run_date, actuals, options.history});
    if (!options.quiet) print_forecast(out, *scenario, config, forecast, options.metrics);
  } catch (const std::exception& e) {
    err << "funnelsim forecast: " << e.what() << '\n';
    return EXIT_FAILURE_RUN;
  }
  return EXIT_OK;
}

int run_validate_command(const ScenarioInput& input, std::ostream& out, std::ostream& err) {
  std::vector<models::Diagnostic> problems;
  const auto scenario = load_input(input, problems);
  if (!scenario) {
    report_problems(problems, err);
    return EXIT_BAD_INPUT;
  }
  out << (scenario->file_name.empty() ? "<default>" : scenario->file_name) << ": valid. \""
      << scenario->name << "\": " << scenario->sources.size() << " sources, "
      << scenario->segments.size()
      << (scenario->segments.size() == 1 ? " segment, " : " segments, ") << scenario->stages.size()
      << " stages, " << scenario->calendar.horizon_months << " months from "
      << scenario->calendar.start_year << '-' << (scenario->calendar.start_month < 10 ? "0" : "")
      << scenario->calendar.start_month << ".\n";
  return EXIT_OK;
}

}  // namespace funnelsim::cli
