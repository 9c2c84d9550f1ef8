#include "tools/funnelsim/cli.hpp"

#include <CLI/CLI.hpp>

#include "funnelsim/version.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "tools/funnelsim/commands.hpp"

namespace funnelsim::cli {

namespace {

void add_scenario_options(CLI::App& cmd, ScenarioInput& input) {
  cmd.add_option("scenario", input.path,
                 "Scenario file (YAML, see scenarios/README.md). Default: the embedded scenario, "
                 "printed by `funnelsim default-scenario`.")
      ->type_name("SCENARIO");
  cmd.add_option("--set", input.overrides,
                 "Override one scenario value by its dotted key path, validated like the file; "
                 "repeatable. VALUE is YAML: --set sources.webinars.monthly_volume=800 "
                 "--set 'calendar.working_days=[mon,tue,wed,thu]'")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
}

}  // namespace

int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app{
      "funnelsim: Monte Carlo forecasts of the B2B sales-and-marketing funnel, month by month, "
      "with honest uncertainty."};
  app.set_version_flag("--version", std::string("funnelsim ") + ENGINE_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  funnelsim forecast                              # the embedded example company\n"
      "  funnelsim default-scenario > mine.yaml          # a documented starting point\n"
      "  funnelsim validate mine.yaml                    # every problem, with line and key\n"
      "  funnelsim forecast mine.yaml -n 5000 --json out.json\n"
      "`funnelsim COMMAND --help` explains each command; scenarios/README.md each scenario key.");

  ForecastOptions forecast;
  CLI::App* fc = app.add_subcommand(
      "forecast",
      "Simulate the scenario and print, per month, the P10 / P50 / P90 and mean of the leads "
      "entering each stage, pipeline created and bookings ($), with quarter and horizon totals.");
  add_scenario_options(*fc, forecast.scenario);
  add_run_options(*fc, forecast.run, "the scenario's run.replications, else 1000");
  fc->add_option("--json", forecast.json,
                 "Write monthly and total statistics as JSON "
                 "(format funnelsim.forecast 1.0, docs/output_formats.md)")
      ->type_name("FILE");
  fc->add_option("--csv", forecast.csv,
                 "Write the same statistics as CSV, one row per metric and period")
      ->type_name("FILE");
  fc->add_option("--hdf5", forecast.hdf5,
                 "Write every replication's monthly values (one dataset per metric) as HDF5")
      ->type_name("FILE");
  fc->add_option("--report", forecast.report,
                 "Write a self-contained HTML report: a fan chart per stage, pipeline and "
                 "bookings, capacity, valves and the SLA commitments; opens offline in any "
                 "browser (docs/output_formats.md, \"HTML report\")")
      ->type_name("FILE");
  fc->add_option("--history", forecast.history,
                 "With --report: draw what happened over the fans, month by month, from this "
                 "CRM history (docs/history_format.md; its stages are the scenario's)")
      ->type_name("HISTORY.csv");
  fc->add_option("--metrics", forecast.metrics,
                 "Only print these metrics' tables (files always hold all), e.g. "
                 "--metrics volume.mql,bookings")
      ->delimiter(',')
      ->type_name("LIST");
  fc->add_flag("-q,--quiet", forecast.quiet, "Print no progress bar and no tables (errors only)");
  fc->footer(
      "Examples:\n"
      "  funnelsim forecast                                  # the embedded example company\n"
      "  funnelsim forecast my.yaml -n 5000 --json out.json  # more replications, JSON output\n"
      "  funnelsim forecast my.yaml --set sources.webinars.monthly_volume=800 --metrics "
      "volume.mql\n"
      "  funnelsim forecast my.yaml --seed 7 --hdf5 runs.h5 --quiet\n"
      "  funnelsim forecast --report forecast.html\n"
      "Exit codes: 0 ok, 1 failure while running or writing, 2 bad input (nothing written).");

  CompareOptions compare;
  CLI::App* cc = app.add_subcommand(
      "compare",
      "Run a base and a variant scenario on the same random numbers, replication by "
      "replication, and report for every metric and month the change with a 90% interval, the "
      "probability that the variant is higher, and how much pairing narrowed the interval.");
  cc->add_option("base", compare.base_path, "Base scenario file (default: the embedded scenario)")
      ->type_name("BASE");
  cc->add_option("variant", compare.variant_path,
                 "Variant scenario file (often a few lines that `extends` the base). Default: "
                 "the base with the --set overrides")
      ->type_name("VARIANT");
  cc->add_option("--set", compare.sets,
                 "Override one value of the VARIANT by its dotted key path; repeatable "
                 "(see `forecast --help`)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  add_run_options(*cc, compare.run, "the base's run.replications, else 1000");
  cc->add_option("--json", compare.json,
                 "Write base, variant and difference statistics of every metric as JSON "
                 "(format funnelsim.comparison 1.0, docs/output_formats.md)")
      ->type_name("FILE");
  cc->add_option("--csv", compare.csv, "Write the same as CSV, one row per metric and period")
      ->type_name("FILE");
  cc->add_option("--hdf5", compare.hdf5,
                 "Write every replication's variant - base values as HDF5 (forecast layout)")
      ->type_name("FILE");
  cc->add_option("--report", compare.report,
                 "Write an HTML report: per metric (--metrics, else every stage volume, "
                 "pipeline and bookings) the monthly variant - base difference with its 90% "
                 "interval")
      ->type_name("FILE");
  cc->add_option("--metrics", compare.metrics,
                 "Also print month-by-month difference tables of these metrics")
      ->delimiter(',')
      ->type_name("LIST");
  cc->add_option("--top", compare.top, "Rows of the table of metrics that moved most")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cc->add_flag("-q,--quiet", compare.quiet, "Print nothing but errors");
  cc->footer(
      "Examples:\n"
      "  funnelsim compare --set capacity.pools.sdr.headcount=12      # the default scenario, "
      "two more SDRs\n"
      "  funnelsim compare scenarios/default.yaml scenarios/examples/two_more_sdrs.yaml\n"
      "  funnelsim compare my.yaml --set scoring.threshold=60 --metrics volume.mql,volume.sql "
      "--json diff.json\n"
      "Both runs use the base's seed and replication count. Exit codes: 0 ok, 1 failure while "
      "running or writing, 2 bad input (nothing run or written).");

  ValvesOptions valves;
  CLI::App* vv = app.add_subcommand(
      "valves",
      "The valve effect: the scenario run without its valves, with them and (with more than "
      "one) with each alone, on the same random numbers. Prints per month what each valve did "
      "(a reserve programme's firings, leads and cost; a cold list's touches, leads, hours and "
      "accounts left; named accounts' opportunities and hours), each SLA metric's mean, spread "
      "and probability of meeting its target without -> with the valves, the cost per extra "
      "lead, each valve's paired effect on the horizon's SLA volumes, pipeline and bookings, "
      "and the idle capacity used. The twin run without capacity limits is skipped (it "
      "changes only conversions_lost).");
  add_scenario_options(*vv, valves.scenario);
  add_run_options(*vv, valves.run, "the scenario's run.replications, else 1000");
  vv->add_option("--report", valves.report,
                 "Write an HTML report of the valve effect: per SLA metric, pipeline, bookings "
                 "and valve activity, the monthly difference with - without the valves and its "
                 "90% interval")
      ->type_name("FILE");
  vv->add_option("--json", valves.json,
                 "Write the runs without and with the valves, every metric's paired difference "
                 "and each valve's effect (format funnelsim.valves 1.0, laid out as "
                 "funnelsim.comparison plus `effects`)")
      ->type_name("FILE");
  vv->add_flag("-q,--quiet", valves.quiet, "Print nothing but errors");
  vv->footer(
      "Examples:\n"
      "  funnelsim valves                     # the default scenario's three valves\n"
      "  funnelsim valves --set valves.cold_lists.target_accounts.idle_share=0.6\n"
      "  funnelsim valves my.yaml -n 2000 --json valves.json\n"
      "Exit codes: 0 ok, 1 failure while running or writing, 2 bad input.");

  CommitOptions commit;
  CLI::App* mc = app.add_subcommand(
      "commit",
      "The SLA commitment table: per month and quarter, the volume each SLA metric reaches "
      "with the given confidence and the probability of meeting each target as written; or, "
      "with --solve, the smallest value of a lever that meets a target with that confidence.");
  add_scenario_options(*mc, commit.scenario);
  add_run_options(*mc, commit.run,
                  "the scenario's run.replications, else 1000; with --solve " +
                      std::to_string(CommitOptions::SOLVE_REPLICATIONS) + " per value");
  mc->add_option("--confidence", commit.confidence,
                 "Share of simulated futures a commitment must hold in, strictly between 0 and "
                 "1 (default: the scenario's sla.confidence, else 0.9)")
      ->type_name("Q");
  mc->add_option("--target", commit.target,
                 "METRIC>=VALUE or METRIC<=VALUE a month, instead of the scenario's sla targets; "
                 "quote it for the shell, which reads > as a redirection: --target "
                 "'volume.sal>=450'")
      ->type_name("TARGET");
  mc->add_option("--solve", commit.solve,
                 "Find the smallest value of this numeric setting (a lever that raises the "
                 "metric: a source's volume, a programme budget, a headcount) that meets "
                 "--target with the confidence, by bracketing and bisection over paired runs")
      ->type_name("KEY");
  mc->add_option("--period", commit.period,
                 "--solve: where the target must hold: each-month (every month), a month "
                 "(2027-03), a quarter (2027-Q1) or total")
      ->capture_default_str();
  mc->add_option("--range", commit.range,
                 "--solve: LOW:HIGH to search (default: bracket "
                 "from the scenario's value, doubling or halving)")
      ->type_name("LOW:HIGH");
  mc->add_option("--tolerance", commit.tolerance,
                 "--solve: stop when the bracket is this share of the answer wide (whole-number "
                 "levers: 1)")
      ->capture_default_str()
      ->check(CLI::Range(1e-6, 0.5));
  mc->add_option("--json", commit.json,
                 "Write the table (funnelsim.commitment 1.0) or the solve (funnelsim.solve 1.0)")
      ->type_name("FILE");
  mc->add_option("--markdown", commit.markdown,
                 "Write the commitment sheet both teams sign, as Markdown")
      ->type_name("FILE");
  mc->add_flag("-q,--quiet", commit.quiet, "Print nothing but errors");
  mc->footer(
      "Examples:\n"
      "  funnelsim commit                                   # the default scenario's SLA, 90%\n"
      "  funnelsim commit --confidence 0.8 --markdown sla.md --json sla.json\n"
      "  funnelsim commit --solve sources.webinars.monthly_volume --target 'volume.sal>=270' "
      "--confidence 0.9\n"
      "  funnelsim commit --solve capacity.pools.sdr.headcount --target "
      "'queue.sdr.within_sla>=0.3' "
      "--period 2027-Q2\n"
      "Exit codes: 0 ok, 1 failure while running or writing (or no value meets the target), "
      "2 bad input.");

  SweepOptions sweep;
  CLI::App* sc = app.add_subcommand(
      "sweep",
      "Run the scenario over a grid of one or two settings, every point on the same random "
      "numbers, and tabulate a metric at each point with its paired change from the first.");
  add_scenario_options(*sc, sweep.scenario);
  sc->add_option("--param", sweep.params,
                 "KEY=V1,V2,... or KEY=FROM:TO:POINTS (ends included); KEY is a numeric "
                 "setting's dotted path as for --set. Give one or two (a grid).")
      ->type_name("KEY=VALUES")
      ->required()
      ->allow_extra_args(false);
  sc->add_option("--metric", sweep.metrics, "Metric(s) to tabulate, e.g. volume.sql,bookings")
      ->delimiter(',')
      ->required()
      ->type_name("LIST");
  sc->add_option("--period", sweep.period,
                 "Period shown in the table: a month (2027-03), a quarter (2027-Q1) or total; "
                 "the files hold every period")
      ->capture_default_str();
  add_run_options(*sc, sweep.run,
                  std::to_string(SweepOptions::DEFAULT_REPLICATIONS) +
                      " per point; paired points need fewer than a forecast");
  sc->add_option("--json", sweep.json,
                 "Write every point's statistics (format funnelsim.sweep 1.0)")
      ->type_name("FILE");
  sc->add_option("--csv", sweep.csv, "Write one row per point, metric and period")
      ->type_name("FILE");
  sc->add_flag("-q,--quiet", sweep.quiet, "Print nothing but errors");
  sc->footer(
      "Examples:\n"
      "  funnelsim sweep --param capacity.pools.sdr.headcount=8:14:7 --metric volume.sql\n"
      "  funnelsim sweep --param scoring.threshold=40,45,50,55,60 --metric volume.mql,"
      "sales_ready.accepted --period 2027-Q2\n"
      "  funnelsim sweep my.yaml --param sources.webinars.monthly_volume=300:700:5 --param "
      "capacity.pools.sdr.headcount=10,12 --metric volume.sql --json grid.json\n"
      "Exit codes: 0 ok, 1 failure while running or writing, 2 bad input (nothing run).");

  SensitivityOptions sensitivity;
  CLI::App* tc = app.add_subcommand(
      "sensitivity",
      "Swing each lever of the scenario (volumes, probabilities, thresholds, headcounts, plan "
      "settings) down and up, on the same random numbers, and rank the levers by their effect "
      "on one metric: a tornado.");
  add_scenario_options(*tc, sensitivity.scenario);
  tc->add_option("--metric", sensitivity.metric, "The metric to explain, e.g. volume.sql")
      ->required();
  tc->add_option("--params", sensitivity.params,
                 "Only these settings (dotted keys); default: every lever of the scenario "
                 "(scenarios/README.md lists what counts as one)")
      ->delimiter(',')
      ->type_name("LIST");
  tc->add_option("--swing", sensitivity.swing,
                 "Relative swing each way, e.g. 20% or 0.2 (whole-number levers move at least "
                 "1; probabilities stay in [0, 1])")
      ->capture_default_str();
  tc->add_option("--period", sensitivity.period, "A month (2027-03), a quarter (2027-Q1) or total")
      ->capture_default_str();
  add_run_options(*tc, sensitivity.run,
                  std::to_string(SensitivityOptions::DEFAULT_REPLICATIONS) +
                      " per run; 2 runs per lever plus the base");
  tc->add_option("--json", sensitivity.json,
                 "Write every lever's low / high effect (format funnelsim.sensitivity 1.0)")
      ->type_name("FILE");
  tc->add_option("--report", sensitivity.report,
                 "Write an HTML report with the tornado chart of every lever swung")
      ->type_name("FILE");
  tc->add_option("--top", sensitivity.top, "Levers shown in the tornado")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  tc->add_flag("-q,--quiet", sensitivity.quiet, "Print nothing but errors");
  tc->footer(
      "Examples:\n"
      "  funnelsim sensitivity --metric volume.sql\n"
      "  funnelsim sensitivity --metric bookings --params "
      "capacity.pools.ae.headcount,stages.opportunity.transitions.won.probability.rate\n"
      "  funnelsim sensitivity my.yaml --metric sales_ready.accepted --swing 10% --period "
      "2027-Q1 --json tornado.json\n"
      "Exit codes: 0 ok, 1 failure while running or writing, 2 bad input (nothing run).");

  ScenarioInput validate;
  CLI::App* vc = app.add_subcommand(
      "validate",
      "Check a scenario completely and report every problem with file, line, key and rule.");
  add_scenario_options(*vc, validate);
  vc->footer(
      "Examples:\n"
      "  funnelsim validate my.yaml\n"
      "  funnelsim validate my.yaml --set stages.mql.transitions.sal.probability=0.55\n"
      "Exit codes: 0 valid, 2 problems found (all are listed).");

  SimulateHistoryOptions simulate;
  CLI::App* hc = app.add_subcommand(
      "simulate-history",
      "Write synthetic CRM history drawn from a scenario: one replication, every lead's stage "
      "entries as a CSV event log in the format calibrate and backtest read "
      "(docs/history_format.md). For demos, tests and trying calibrate on known truth.");
  add_scenario_options(*hc, simulate.scenario);
  hc->add_option("-o,--out", simulate.out, "The CSV file to write")->required()->type_name("FILE");
  hc->add_option("--months", simulate.months,
                 "Months of history (the scenario's calendar.horizon_months otherwise), from "
                 "its calendar.start")
      ->check(CLI::Range(1, 120))
      ->type_name("N");
  hc->add_option("-s,--seed", simulate.seed, "Master seed (default: the scenario's run.seed)")
      ->type_name("N");
  hc->add_option("--replication", simulate.replication,
                 "Which replication becomes the history (another one is another possible past)")
      ->type_name("K");
  hc->add_flag("-q,--quiet", simulate.quiet, "Print nothing but errors");
  hc->footer(
      "Examples:\n"
      "  funnelsim simulate-history --months 24 --out history.csv      # two years of the "
      "default company\n"
      "  funnelsim simulate-history my.yaml --set calendar.start=2025-01 --months 24 --out h.csv\n"
      "Exit codes: 0 ok, 1 failure while writing, 2 bad input (nothing written).");

  auto add_history_input = [](CLI::App& cmd, HistoryInput& input) {
    cmd.add_option("history", input.history,
                   "Lead history exported from the CRM: CSV, one row per stage event (or one "
                   "row per lead with a timestamp column per stage); docs/history_format.md")
        ->required()
        ->type_name("HISTORY.csv");
    cmd.add_option("--structure", input.structure.path,
                   "Scenario that names the stages (ids, labels, the entry stage, pipeline and "
                   "bookings flags) and lends its working days, arrival hours and the deal "
                   "values of segments without amounts. Default: the embedded scenario")
        ->type_name("SCENARIO");
  };

  CalibrateOptions calibrate;
  CLI::App* kc = app.add_subcommand(
      "calibrate",
      "Fit a complete scenario to CRM history known on the as-of date: per source the monthly "
      "volume, trend, seasonality and overdispersion (negative binomial regression); per "
      "transition its delay (gamma, lognormal or Weibull by censored maximum likelihood, "
      "chosen by AIC, or an empirical table) and per source its probability (Beta posterior "
      "pooled toward the overall rate); deal values; and the leads open on the as-of date. "
      "Prints the fit report: each estimate, its uncertainty and sample size.");
  add_history_input(*kc, calibrate.input);
  kc->add_option("--as-of", calibrate.as_of,
                 "Fit on the events before this date, the first day of a month (YYYY-MM-01 or "
                 "YYYY-MM); the fitted scenario starts that month. Default: the month after "
                 "the history's last complete month")
      ->type_name("DATE");
  kc->add_option("-o,--out", calibrate.out,
                 "The fitted scenario (YAML, with a comment on each value's data)")
      ->required()
      ->type_name("FILE");
  kc->add_option("--json", calibrate.json,
                 "Write the fit report as JSON (format funnelsim.calibration 1.0)")
      ->type_name("FILE");
  kc->add_option("--horizon", calibrate.horizon, "calendar.horizon_months of the fitted scenario")
      ->check(CLI::Range(1, 120))
      ->type_name("MONTHS");
  kc->add_flag("-q,--quiet", calibrate.quiet, "Print nothing but errors");
  kc->footer(
      "Examples:\n"
      "  funnelsim calibrate history.csv --as-of 2027-01-01 --out fitted.yaml\n"
      "  funnelsim calibrate history.csv --structure my_stages.yaml --out fitted.yaml "
      "--json fit.json\n"
      "  funnelsim forecast fitted.yaml                  # then forecast from the fit\n"
      "Exit codes: 0 ok, 1 failure while fitting or writing, 2 bad input (every problem in the "
      "history is listed with its row; nothing written).");

  BacktestOptions backtest;
  CLI::App* tb = app.add_subcommand(
      "backtest",
      "Prove the forecast on data it has not seen: for each origin month, calibrate on the "
      "events before it, forecast the next months, and score against what happened: coverage "
      "of the 50%, 80% and 90% intervals, CRPS and the error of the median, per metric, next "
      "to simple baselines (last month, trailing 3-month mean, same month last year).");
  add_history_input(*tb, backtest.input);
  tb->add_option("--origins", backtest.origins,
                 "Origin months: FROM..TO (2026-01..2026-06) or a list (2026-01,2026-04). "
                 "Default: every month with at least 3 complete months of history before it")
      ->type_name("MONTHS");
  tb->add_option("--horizon", backtest.horizon, "Months forecast from each origin")
      ->check(CLI::Range(1, 24))
      ->type_name("MONTHS");
  add_run_options(*tb, backtest.run, "400 per origin");
  tb->add_option("--json", backtest.json,
                 "Write every scored point and the scores (format funnelsim.backtest 1.0)")
      ->type_name("FILE");
  tb->add_option("--csv", backtest.csv,
                 "Write every scored point as CSV: origin, month, metric, actual, median, "
                 "interval bounds, covered, CRPS and the baselines")
      ->type_name("FILE");
  tb->add_option("--report", backtest.report,
                 "Write an HTML report: per metric the forecast one month ahead from each "
                 "origin against what happened, and the coverage of every metric at each level")
      ->type_name("FILE");
  tb->add_flag("-q,--quiet", backtest.quiet, "Print nothing but errors");
  tb->footer(
      "Examples:\n"
      "  funnelsim simulate-history --months 24 --out history.csv\n"
      "  funnelsim backtest history.csv --origins 2027-07..2027-12 --horizon 3\n"
      "  funnelsim backtest crm.csv --structure my_stages.yaml --json backtest.json\n"
      "Exit codes: 0 ok, 1 failure while running or writing, 2 bad input (nothing written).");

  ReportOptions report;
  CLI::App* rc = app.add_subcommand(
      "report",
      "Write the HTML report of a forecast saved with `forecast --hdf5`: the same file "
      "`forecast --report` writes for that run, rebuilt from the replications and the "
      "scenario text the HDF5 file holds.");
  rc->add_option("result", report.result, "A forecast's HDF5 file (forecast --hdf5)")
      ->required()
      ->type_name("RESULT.h5");
  rc->add_option("-o,--out", report.out, "The HTML file to write")->required()->type_name("FILE");
  rc->footer(
      "Examples:\n"
      "  funnelsim forecast my.yaml -n 5000 --hdf5 runs.h5 --quiet\n"
      "  funnelsim report runs.h5 --out forecast.html\n"
      "Exit codes: 0 ok, 1 failure while writing, 2 bad input (an unreadable file, results "
      "that do not match their scenario; nothing written).");

  CLI::App* dc = app.add_subcommand(
      "default-scenario", "Print the embedded default scenario (a documented starting point).");
  dc->footer("Example:\n  funnelsim default-scenario > my.yaml");

  BenchOptions bench;
  CLI::App* bc = app.add_subcommand(
      "bench",
      "Measure speed: wall time, replications and leads per second at several thread counts, "
      "parallel efficiency and peak memory.");
  add_scenario_options(*bc, bench.scenario);
  bc->add_option("-n,--replications", bench.replications, "Replications per run")
      ->capture_default_str();
  bc->add_option("-s,--seed", bench.seed, "Random seed")->capture_default_str();
  bc->add_option("--threads", bench.threads, "Thread counts to measure (default: 1 and all cores)")
      ->delimiter(',')
      ->type_name("LIST");
  bc->add_option("--repeat", bench.repeat, "Runs per thread count; the median is reported")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  bc->footer(
      "Examples:\n"
      "  funnelsim bench                                  # the default scenario\n"
      "  funnelsim bench scenarios/examples/r1.yaml -n 2000 --threads 1,2");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? EXIT_OK : EXIT_BAD_INPUT;
  }

  if (fc->parsed()) return run_forecast_command(forecast, out, err);
  if (cc->parsed()) return run_compare_command(compare, out, err);
  if (sc->parsed()) return run_sweep_command(sweep, out, err);
  if (mc->parsed()) return run_commit_command(commit, out, err);
  if (vv->parsed()) return run_valves_command(valves, out, err);
  if (tc->parsed()) return run_sensitivity_command(sensitivity, out, err);
  if (vc->parsed()) return run_validate_command(validate, out, err);
  if (bc->parsed()) return run_bench_command(bench, out, err);
  if (rc->parsed()) return run_report_command(report, out, err);
  if (hc->parsed()) return run_simulate_history_command(simulate, out, err);
  if (kc->parsed()) return run_calibrate_command(calibrate, out, err);
  if (tb->parsed()) return run_backtest_command(backtest, out, err);
  if (dc->parsed()) {
    out << models::default_scenario_text();
    return EXIT_OK;
  }
  return EXIT_BAD_INPUT;
}

}  // namespace funnelsim::cli
