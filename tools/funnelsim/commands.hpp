// Options and entry points of the funnelsim subcommands.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tools/funnelsim/run_options.hpp"

namespace funnelsim::cli {

/// Where the scenario comes from and how it is changed on the command line.
struct ScenarioInput {
  std::string path;                    ///< empty: the embedded default scenario
  std::vector<std::string> overrides;  ///< --set KEY=VALUE
};

struct ForecastOptions {
  ScenarioInput scenario;
  RunOptions run;
  std::string json, csv, hdf5, report;
  std::string history;               ///< --report: actuals overlaid from this CRM history (CSV)
  std::vector<std::string> metrics;  ///< restrict the terminal tables; empty = all
  bool quiet = false;
};

struct BenchOptions {
  ScenarioInput scenario;
  std::size_t replications = 1000;
  std::uint64_t seed = 1;
  std::vector<std::size_t> threads;  ///< empty: 1 and all cores
  int repeat = 3;
};

struct CompareOptions {
  std::string base_path;          ///< empty: the embedded default scenario
  std::string variant_path;       ///< empty: the base with `sets` applied
  std::vector<std::string> sets;  ///< --set KEY=VALUE, applied to the variant
  RunOptions run;
  std::string json, csv, hdf5, report;
  std::vector<std::string> metrics;  ///< monthly difference tables for these
  std::size_t top = 15;              ///< rows of the "moved most" table
  bool quiet = false;
};

struct SweepOptions {
  static constexpr std::size_t DEFAULT_REPLICATIONS = 200;
  ScenarioInput scenario;
  std::vector<std::string> params;   ///< KEY=LIST or KEY=FROM:TO:POINTS, one or two
  std::vector<std::string> metrics;  ///< at least one
  std::string period = "total";
  RunOptions run;
  std::string json, csv;
  bool quiet = false;
};

struct SensitivityOptions {
  static constexpr std::size_t DEFAULT_REPLICATIONS = 80;
  ScenarioInput scenario;
  std::string metric;
  std::vector<std::string> params;  ///< empty: every lever of the scenario
  std::string swing = "20%";
  std::string period = "total";
  RunOptions run;
  std::string json, report;
  std::size_t top = 20;
  bool quiet = false;
};

struct CommitOptions {
  static constexpr std::size_t SOLVE_REPLICATIONS = 400;
  ScenarioInput scenario;
  RunOptions run;
  std::optional<double> confidence;   ///< default: the scenario's sla.confidence, else 0.9
  std::string target;                 ///< METRIC>=V or METRIC<=V; empty: the scenario's sla
  std::string solve;                  ///< a lever key: find its smallest value meeting target
  std::string period = "each-month";  ///< --solve: each-month, a month, a quarter or total
  std::string range;                  ///< --solve: LOW:HIGH bracket to start from
  double tolerance = 0.005;           ///< --solve: relative width of the final bracket
  std::string json, markdown;
  bool quiet = false;
};

struct ValvesOptions {
  ScenarioInput scenario;
  RunOptions run;
  std::string json, report;
  bool quiet = false;
};

struct SimulateHistoryOptions {
  ScenarioInput scenario;
  std::string out;                    ///< the CSV to write
  std::optional<int> months;          ///< calendar.horizon_months of the history
  std::optional<std::uint64_t> seed;  ///< default: the scenario's run.seed, else the engine's
  std::uint64_t replication = 0;      ///< which replication is the history
  bool quiet = false;
};

/// What calibrate and backtest share: the history, the structure scenario, the as-of date.
struct HistoryInput {
  std::string history;      ///< CSV (docs/history_format.md)
  ScenarioInput structure;  ///< names the stages; default: the embedded scenario
};

struct CalibrateOptions {
  HistoryInput input;
  std::string as_of;  ///< YYYY-MM-01 or YYYY-MM; empty: after the last complete month
  std::string out;    ///< the fitted scenario (YAML)
  std::string json;   ///< the fit report (funnelsim.calibration 1.0)
  int horizon = 12;
  bool quiet = false;
};

struct BacktestOptions {
  static constexpr std::size_t DEFAULT_REPLICATIONS = 400;
  HistoryInput input;
  std::string origins;  ///< FROM..TO or a comma list of YYYY-MM; empty: every month possible
  int horizon = 3;
  RunOptions run;
  std::string json, csv, report;
  bool quiet = false;
};

struct ReportOptions {
  std::string result;  ///< a forecast's HDF5 file
  std::string out;     ///< the HTML file to write
};

/// `funnelsim report RESULT.h5 --out FILE.html`: the forecast report from saved results.
int run_simulate_history_command(const SimulateHistoryOptions& options, std::ostream& out,
                                 std::ostream& err);
int run_calibrate_command(const CalibrateOptions& options, std::ostream& out, std::ostream& err);
int run_backtest_command(const BacktestOptions& options, std::ostream& out, std::ostream& err);
int run_report_command(const ReportOptions& options, std::ostream& out, std::ostream& err);
int run_valves_command(const ValvesOptions& options, std::ostream& out, std::ostream& err);
int run_commit_command(const CommitOptions& options, std::ostream& out, std::ostream& err);
int run_sweep_command(const SweepOptions& options, std::ostream& out, std::ostream& err);
int run_sensitivity_command(const SensitivityOptions& options, std::ostream& out,
                            std::ostream& err);
int run_compare_command(const CompareOptions& options, std::ostream& out, std::ostream& err);
int run_forecast_command(const ForecastOptions& options, std::ostream& out, std::ostream& err);
int run_validate_command(const ScenarioInput& input, std::ostream& out, std::ostream& err);
int run_bench_command(const BenchOptions& options, std::ostream& out, std::ostream& err);

}  // namespace funnelsim::cli
