// Settings every command that runs replications shares: replications, seed, threads, and the
// checks made before anything runs (output paths, memory).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/run/run_config.hpp"
#include "models/scenario/diagnostic.hpp"
#include "models/scenario/scenario.hpp"

namespace CLI {
class App;
}

namespace funnelsim::cli {

struct RunOptions {
  std::optional<std::size_t> replications;
  std::optional<std::uint64_t> seed;
  std::size_t threads = 0;
};

/// Adds -n/--replications, -s/--seed and -t/--threads to `cmd`. `replications_default`
/// describes the default in --help.
void add_run_options(CLI::App& cmd, RunOptions& options, const std::string& replications_default);

/// The run configuration: command line first, then the scenario's `run` section, then
/// `default_replications` (0: the engine's default) and the engine's default seed. Problems
/// (replications out of range, too many threads) are appended to `problems`.
engine::RunConfig resolve_run_config(const RunOptions& options, const models::Scenario* scenario,
                                     std::vector<models::Diagnostic>& problems,
                                     std::size_t default_replications = 0);

/// Output paths are checked before anything runs, so a typo in a directory name costs no
/// simulation time and never leaves a partial set of files. `seen` catches two outputs
/// given the same path.
/// The run's date, YYYY-MM-DD in UTC: today, or the date of SOURCE_DATE_EPOCH (seconds since
/// 1970) when that is set, so that reproducible builds and tests can pin it.
std::string run_date();

/// check_output_path for an HTML report, which also needs the charting libraries built in.
void check_report_path(const std::string& option, const std::string& path,
                       std::set<std::string>& seen, std::vector<models::Diagnostic>& problems);

void check_output_path(const std::string& option, const std::string& path,
                       std::set<std::string>& seen, std::vector<models::Diagnostic>& problems);

/// Refuses, before the run, result cubes that would not fit in half of the machine's memory
/// (`runs` cubes of replications x months x metrics held at once).
void check_memory(std::size_t replications, std::size_t months, std::size_t metrics,
                  std::vector<models::Diagnostic>& problems, std::size_t runs = 1);

}  // namespace funnelsim::cli
