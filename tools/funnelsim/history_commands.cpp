// `funnelsim simulate-history`, `funnelsim calibrate` and `funnelsim backtest`: the commands
// that read or write CRM lead history.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "engine/io/atomic_file.hpp"
#include "funnelsim/version.hpp"
#include "models/calibration/backtest.hpp"
#include "models/calibration/calibrate.hpp"
#include "models/calibration/history.hpp"
#include "models/calibration/synthetic_history.hpp"
#include "models/funnel/funnel_model.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "tools/funnelsim/cli.hpp"
#include "tools/funnelsim/commands.hpp"
#include "tools/funnelsim/run_options.hpp"
#include "tools/funnelsim/scenario_input.hpp"
#include "tools/report/report_writer.hpp"

namespace funnelsim::cli {

namespace {

/// "YYYY-MM" or "YYYY-MM-01" as a month number (year * 12 + month - 1).
std::optional<int> parse_month(const std::string& text, bool allow_first_day) {
  int year = 0, month = 0, day = 1;
  char tail = 0;
  const bool with_day = allow_first_day &&
                        std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &year, &month, &day, &tail) == 3;
  if (!with_day && std::sscanf(text.c_str(), "%4d-%2d%c", &year, &month, &tail) != 2)
    return std::nullopt;
  if (text.size() != (with_day ? 10u : 7u) || year < 1900 || year > 2200 || month < 1 ||
      month > 12 || day != 1)
    return std::nullopt;
  return year * 12 + month - 1;
}

/// The structure scenario and the history, or nullopt with the problems appended: every row's
/// problem becomes one diagnostic naming the file, row and column.
std::optional<calibration::History> read_input(const HistoryInput& input,
                                               std::optional<models::Scenario>& structure,
                                               std::vector<models::Diagnostic>& problems) {
  structure = load_input(input.structure, problems);
  if (!structure) return std::nullopt;
  calibration::HistorySchema schema;
  for (const models::Stage& s : structure->stages) schema.stages.push_back(s.id);
  schema.entry_stage = structure->entry_stage;
  try {
    return calibration::read_history(input.history, schema);
  } catch (const calibration::HistoryReadError& e) {
    add_history_problems(input.history, e, problems);
  }
  return std::nullopt;
}

std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "-";
  std::ostringstream s;
  s << std::fixed << std::setprecision(decimals) << v;
  return s.str();
}

/// Significant digits for a table cell.
std::string sig(double v, int digits = 4) {
  if (std::isnan(v)) return "-";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, v);
  return buffer;
}

nlohmann::json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

}  // namespace

int run_simulate_history_command(const SimulateHistoryOptions& options, std::ostream& out,
                                 std::ostream& err) {
  std::vector<models::Diagnostic> problems;
  ScenarioInput input = options.scenario;
  if (options.months)
    input.overrides.push_back("calendar.horizon_months=" + std::to_string(*options.months));
  const auto scenario = load_input(input, problems);
  std::set<std::string> seen;
  check_output_path("--out", options.out, seen, problems);
  if (!problems.empty()) {
    report_problems(problems, err);
    return EXIT_BAD_INPUT;
  }
  try {
    const models::FunnelModel model(*scenario);
    const std::uint64_t seed = options.seed     ? *options.seed
                               : scenario->seed ? *scenario->seed
                                                : engine::RunConfig::DEFAULT_SEED;
    std::uint64_t leads = 0;
    const std::string csv =
        calibration::synthetic_history_csv(model, seed, options.replication, &leads);
    engine::write_file_atomically(options.out, csv);
    if (!options.quiet)
      out << "Wrote " << options.out << ": " << leads << " leads over "
          << scenario->calendar.horizon_months << " months from " << model.period_labels().front()
          << " (replication " << options.replication << " of seed " << seed << ").\n";
  } catch (const std::exception& e) {
    err << "funnelsim simulate-history: " << e.what() << '\n';
    return EXIT_FAILURE_RUN;
  }
  return EXIT_OK;
}

int run_calibrate_command(const CalibrateOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<models::Diagnostic> problems;
  std::set<std::string> seen;
  check_output_path("--out", options.out, seen, problems);
  check_output_path("--json", options.json, seen, problems);
  std::optional<int> as_of;
  if (!options.as_of.empty()) {
    as_of = parse_month(options.as_of, true);
    if (!as_of)
      problems.push_back(command_line_problem(
          "--as-of", options.as_of,
          "must be the first day of a month, YYYY-MM-01 or YYYY-MM (the fitted scenario "
          "starts on it)"));
  }
  std::optional<models::Scenario> structure;
  std::optional<calibration::History> history = read_input(options.input, structure, problems);
  if (history && !as_of) as_of = calibration::complete_months(*history).end;
  if (!problems.empty()) {
    report_problems(problems, err);
    return EXIT_BAD_INPUT;
  }

  calibration::CalibrationOptions copt;
  copt.horizon_months = options.horizon;
  copt.history_name = options.input.history;
  calibration::Calibration cal;
  try {
    cal = calibration::calibrate(*history, *structure, *as_of, copt);
  } catch (const std::invalid_argument& e) {
    report_problems({command_line_problem("--as-of", calibration::month_label(*as_of), e.what())},
                    err);
    return EXIT_BAD_INPUT;
  }
  try {
    // The fitted scenario must load like any other before it is written.
    models::load_scenario_text(cal.scenario_text, options.out);
  } catch (const models::ScenarioError& e) {
    err << "funnelsim calibrate: the fitted scenario does not validate (a bug; please report "
           "it with the history):\n";
    for (const auto& d : e.diagnostics()) err << "  " << d.format() << '\n';
    return EXIT_FAILURE_RUN;
  }
  try {
    engine::write_file_atomically(options.out, cal.scenario_text);
    if (!options.json.empty()) {
      nlohmann::ordered_json j;
      j["format"] = "funnelsim.calibration";
      j["format_version"] = {1, 0};
      j["engine_version"] = ENGINE_VERSION;
      j["history"] = options.input.history;
      j["structure"] = structure->file_name;
      j["as_of"] = calibration::month_label(*as_of) + "-01";
      j["leads"] = cal.leads;
      j["events"] = cal.events;
      j["months"] = {{"first", calibration::month_label(cal.months.first)},
                     {"count", cal.months.end - cal.months.first}};
      j["starting_leads"] = cal.starting_leads;
      j["scenario"] = options.out;
      auto& lines = j["estimates"] = nlohmann::ordered_json::array();
      for (const calibration::FitLine& l : cal.lines)
        lines.push_back({{"key", l.key},
                         {"estimate", number_or_null(l.estimate)},
                         {"se", l.se >= 0.0 ? number_or_null(l.se) : nlohmann::json(nullptr)},
                         {"n", l.n},
                         {"unit", l.unit},
                         {"note", l.note}});
      auto& delays = j["delays"] = nlohmann::ordered_json::array();
      for (const calibration::DelayChoice& d : cal.delays) {
        nlohmann::ordered_json c = nlohmann::ordered_json::array();
        for (const calibration::DelayFit& f : d.fit.candidates)
          c.push_back({{"family", calibration::family_name(f.family)},
                       {"p1", number_or_null(f.p1)},
                       {"p2", number_or_null(f.p2)},
                       {"se1", number_or_null(f.se1)},
                       {"se2", number_or_null(f.se2)},
                       {"aic", number_or_null(f.aic)},
                       {"ks_distance", number_or_null(f.ks_distance)},
                       {"converged", f.converged}});
        delays.push_back({{"from", d.from},
                          {"to", d.to},
                          {"chosen", calibration::family_name(d.fit.chosen.family)},
                          {"mean_days", number_or_null(d.fit.chosen.mean())},
                          {"reason", d.fit.reason},
                          {"events", d.events},
                          {"censored", d.censored},
                          {"candidates", c}});
      }
      j["notes"] = cal.notes;
      engine::write_file_atomically(options.json, j.dump(2) + "\n");
    }
  } catch (const std::exception& e) {
    err << "funnelsim calibrate: " << e.what() << '\n';
    return EXIT_FAILURE_RUN;
  }
  if (options.quiet) return EXIT_OK;

  out << "Calibrated " << options.input.history << " as of " << calibration::month_label(*as_of)
      << "-01: " << cal.leads << " leads, " << cal.events << " events";
  if (cal.months.end > cal.months.first)
    out << ", inquiries over " << (cal.months.end - cal.months.first) << " months ("
        << calibration::month_label(cal.months.first) << " .. "
        << calibration::month_label(cal.months.end - 1) << ")";
  out << ".\n\n";
  std::size_t width = 10;
  for (const calibration::FitLine& l : cal.lines) width = std::max(width, l.key.size());
  out << std::left << std::setw(static_cast<int>(width)) << "estimate" << std::right
      << std::setw(12) << "value" << std::setw(11) << "+- se" << std::setw(10) << "n"
      << "  unit / note\n";
  for (const calibration::FitLine& l : cal.lines)
    out << std::left << std::setw(static_cast<int>(width)) << l.key << std::right << std::setw(12)
        << sig(l.estimate, 5) << std::setw(11) << (l.se >= 0.0 ? sig(l.se, 3) : "") << std::setw(10)
        << sig(l.n, 7) << "  " << l.unit << (l.note.empty() ? "" : "; " + l.note) << '\n';
  out << "\nDelays (censored maximum likelihood; AIC, lower is better):\n";
  for (const calibration::DelayChoice& d : cal.delays) {
    out << "  " << d.from << " -> " << d.to << ": " << calibration::family_name(d.fit.chosen.family)
        << ", mean " << sig(d.fit.chosen.mean(), 4) << " days, " << sig(d.events, 6) << " moves, "
        << sig(d.censored, 6) << " waiting (weighted). ";
    for (const calibration::DelayFit& f : d.fit.candidates)
      if (f.converged)
        out << calibration::family_name(f.family) << " AIC " << fixed(f.aic, 1) << "  ";
    out << '\n';
  }
  out << "\nStarting funnel: " << cal.starting_leads << " leads open on the as-of date.\n";
  for (const std::string& note : cal.notes) out << "Note: " << note << ".\n";
  out << "Wrote " << options.out << (options.json.empty() ? "" : " and " + options.json)
      << ". Next: funnelsim forecast " << options.out << "\n";
  return EXIT_OK;
}

int run_backtest_command(const BacktestOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<models::Diagnostic> problems;
  std::set<std::string> seen;
  check_output_path("--json", options.json, seen, problems);
  check_output_path("--csv", options.csv, seen, problems);
  check_report_path("--report", options.report, seen, problems);
  const engine::RunConfig config =
      resolve_run_config(options.run, nullptr, problems, BacktestOptions::DEFAULT_REPLICATIONS);
  calibration::BacktestOptions bopt;
  if (!options.origins.empty()) {
    const std::string& o = options.origins;
    const auto dots = o.find("..");
    if (dots != std::string::npos) {
      const auto from = parse_month(o.substr(0, dots), false);
      const auto to = parse_month(o.substr(dots + 2), false);
      if (!from || !to || *to < *from)
        problems.push_back(command_line_problem(
            "--origins", o, "must be FROM..TO with months YYYY-MM and FROM not after TO"));
      else
        for (int m = *from; m <= *to; ++m) bopt.origins.push_back(m);
    } else {
      std::stringstream list(o);
      std::string item;
      while (std::getline(list, item, ','))
        if (const auto m = parse_month(item, false))
          bopt.origins.push_back(*m);
        else
          problems.push_back(command_line_problem(
              "--origins", item, "must be a month YYYY-MM (a list: 2026-01,2026-04)"));
    }
  }
  std::optional<models::Scenario> structure;
  std::optional<calibration::History> history = read_input(options.input, structure, problems);
  if (!problems.empty()) {
    report_problems(problems, err);
    return EXIT_BAD_INPUT;
  }
  bopt.horizon = options.horizon;
  bopt.replications = config.replications;
  bopt.seed = config.seed;
  bopt.threads = config.threads;
  bopt.calibration.history_name = options.input.history;

  calibration::Backtest bt;
  try {
    const bool progress = !options.quiet && ::isatty(STDERR_FILENO);
    bt =
        calibration::run_backtest(*history, *structure, bopt, [&](std::size_t done, std::size_t n) {
          if (progress) err << "\rorigin " << done << " of " << n << std::flush;
          if (progress && done == n) err << '\n';
        });
  } catch (const std::invalid_argument& e) {
    report_problems({command_line_problem("--origins", options.origins, e.what())}, err);
    return EXIT_BAD_INPUT;
  } catch (const std::exception& e) {
    err << "funnelsim backtest: " << e.what() << '\n';
    return EXIT_FAILURE_RUN;
  }

  try {
    if (!options.csv.empty()) {
      std::ostringstream csv;
      csv << "origin,month,step,metric,actual,median,mean";
      for (double level : calibration::BACKTEST_LEVELS) {
        const std::string l = std::to_string(static_cast<int>(std::lround(100 * level)));
        csv << ",lower" << l << ",upper" << l << ",covered" << l;
      }
      csv << ",crps,last_month,trailing_3,seasonal_naive\n";
      csv << std::setprecision(10);
      for (const calibration::BacktestPoint& p : bt.points) {
        csv << calibration::month_label(p.origin) << ','
            << calibration::month_label(p.origin + p.step - 1) << ',' << p.step << ','
            << bt.metrics[p.metric] << ',' << p.actual << ',' << p.median << ',' << p.mean;
        for (std::size_t l = 0; l < calibration::BACKTEST_LEVELS.size(); ++l)
          csv << ',' << p.lower[l] << ',' << p.upper[l] << ',' << (p.covered[l] ? 1 : 0);
        csv << ',' << p.crps << ',' << p.last << ',' << p.trailing3 << ',';
        if (!std::isnan(p.seasonal)) csv << p.seasonal;
        csv << '\n';
      }
      engine::write_file_atomically(options.csv, csv.str());
    }
    if (!options.json.empty()) {
      nlohmann::ordered_json j;
      j["format"] = "funnelsim.backtest";
      j["format_version"] = {1, 0};
      j["engine_version"] = ENGINE_VERSION;
      j["history"] = options.input.history;
      j["structure"] = structure->file_name;
      j["seed"] = config.seed;
      j["replications"] = config.replications;
      j["horizon"] = options.horizon;
      nlohmann::ordered_json origins = nlohmann::ordered_json::array();
      for (int m : bt.origins) origins.push_back(calibration::month_label(m));
      j["origins"] = origins;
      j["levels"] = calibration::BACKTEST_LEVELS;
      auto score_json = [](const calibration::MetricScores& s) {
        return nlohmann::ordered_json{{"metric", s.metric},
                                      {"points", s.points},
                                      {"coverage", s.coverage},
                                      {"crps", number_or_null(s.crps)},
                                      {"mae_median", number_or_null(s.mae_median)},
                                      {"mae_last_month", number_or_null(s.mae_last)},
                                      {"mae_trailing_3", number_or_null(s.mae_trailing3)},
                                      {"mae_seasonal_naive", number_or_null(s.mae_seasonal)},
                                      {"seasonal_points", s.seasonal_points},
                                      {"mean_actual", number_or_null(s.mean_actual)}};
      };
      auto& scores = j["scores"] = nlohmann::ordered_json::array();
      for (const calibration::MetricScores& s : bt.scores) scores.push_back(score_json(s));
      j["every_volume"] = score_json(bt.overall_volume);
      auto& points = j["points"] = nlohmann::ordered_json::array();
      for (const calibration::BacktestPoint& p : bt.points)
        points.push_back({{"origin", calibration::month_label(p.origin)},
                          {"month", calibration::month_label(p.origin + p.step - 1)},
                          {"metric", bt.metrics[p.metric]},
                          {"actual", p.actual},
                          {"median", p.median},
                          {"mean", p.mean},
                          {"lower", p.lower},
                          {"upper", p.upper},
                          {"covered", p.covered},
                          {"crps", p.crps},
                          {"last_month", number_or_null(p.last)},
                          {"trailing_3", number_or_null(p.trailing3)},
                          {"seasonal_naive", number_or_null(p.seasonal)}});
      j["notes"] = bt.notes;
      engine::write_file_atomically(options.json, j.dump(2) + "\n");
    }
  } catch (const std::exception& e) {
    err << "funnelsim backtest: " << e.what() << '\n';
    return EXIT_FAILURE_RUN;
  }
  if (!options.report.empty()) try {
      report::write_backtest_report(options.report, {&*structure, &bt, options.input.history,
                                                     config, options.horizon, run_date()});
    } catch (const std::exception& e) {
      err << "funnelsim backtest: " << e.what() << '\n';
      return EXIT_FAILURE_RUN;
    }
  if (options.quiet) return EXIT_OK;

  out << "Backtest of " << options.input.history << ": " << bt.origins.size() << " origins ("
      << calibration::month_label(bt.origins.front()) << " .. "
      << calibration::month_label(bt.origins.back()) << "), " << options.horizon
      << "-month horizon, " << config.replications << " replications each, " << fixed(bt.seconds, 1)
      << " s.\n"
      << "Coverage: share of actual months inside the forecast's central interval (a calibrated "
         "forecast is near the level).\nCRPS and MAE in the metric's unit; a baseline's error is "
         "its MAE (the CRPS of a point forecast).\n\n";
  std::size_t width = 14;
  for (const std::string& m : bt.metrics) width = std::max(width, m.size());
  out << std::left << std::setw(static_cast<int>(width)) << "metric" << std::right << std::setw(7)
      << "points" << std::setw(7) << "50%" << std::setw(7) << "80%" << std::setw(7) << "90%"
      << std::setw(11) << "CRPS" << std::setw(11) << "MAE med" << std::setw(11) << "last mo"
      << std::setw(11) << "trail 3" << std::setw(11) << "seasonal" << std::setw(11) << "mean\n";
  auto row = [&](const calibration::MetricScores& s) {
    out << std::left << std::setw(static_cast<int>(width)) << s.metric << std::right << std::setw(7)
        << s.points;
    for (double c : s.coverage) out << std::setw(7) << fixed(100.0 * c, 0) + "%";
    out << std::setw(11) << sig(s.crps) << std::setw(11) << sig(s.mae_median) << std::setw(11)
        << sig(s.mae_last) << std::setw(11) << sig(s.mae_trailing3) << std::setw(11)
        << (s.seasonal_points > 0 ? sig(s.mae_seasonal) : "-") << std::setw(11)
        << sig(s.mean_actual) << '\n';
  };
  for (const calibration::MetricScores& s : bt.scores) row(s);
  row(bt.overall_volume);
  for (const std::string& note : bt.notes) out << "Note: " << note << ".\n";
  return EXIT_OK;
}

}  // namespace funnelsim::cli
