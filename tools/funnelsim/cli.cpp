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
  fc->add_option("-n,--replications", forecast.replications,
                 "Number of replications (default: the scenario's run.replications, else 1000)")
      ->type_name("N");
  fc->add_option("-s,--seed", forecast.seed,
                 "Random seed (default: the scenario's run.seed, else 20270101). The same seed "
                 "gives bit-identical results for any thread count.")
      ->type_name("S");
  fc->add_option("-t,--threads", forecast.threads, "Threads (default 0: all cores)")
      ->type_name("T");
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
      "Exit codes: 0 ok, 1 failure while running or writing, 2 bad input (nothing written).");

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
  if (vc->parsed()) return run_validate_command(validate, out, err);
  if (bc->parsed()) return run_bench_command(bench, out, err);
  if (dc->parsed()) {
    out << models::default_scenario_text();
    return EXIT_OK;
  }
  return EXIT_BAD_INPUT;
}

}  // namespace funnelsim::cli
