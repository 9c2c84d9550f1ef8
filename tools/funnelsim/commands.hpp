// Options and entry points of the funnelsim subcommands.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace funnelsim::cli {

/// Where the scenario comes from and how it is changed on the command line.
struct ScenarioInput {
  std::string path;                    ///< empty: the embedded default scenario
  std::vector<std::string> overrides;  ///< --set KEY=VALUE
};

struct ForecastOptions {
  ScenarioInput scenario;
  std::optional<std::size_t> replications;
  std::optional<std::uint64_t> seed;
  std::size_t threads = 0;
  std::string json, csv, hdf5;
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

int run_forecast_command(const ForecastOptions& options, std::ostream& out, std::ostream& err);
int run_validate_command(const ScenarioInput& input, std::ostream& out, std::ostream& err);
int run_bench_command(const BenchOptions& options, std::ostream& out, std::ostream& err);

}  // namespace funnelsim::cli
