#include "tools/funnelsim/run_options.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>

#include "tools/funnelsim/scenario_input.hpp"
#include "tools/report/report_writer.hpp"

namespace funnelsim::cli {

void add_run_options(CLI::App& cmd, RunOptions& options, const std::string& replications_default) {
  cmd.add_option("-n,--replications", options.replications,
                 "Number of replications (default: " + replications_default + ")")
      ->type_name("N");
  cmd.add_option("-s,--seed", options.seed,
                 "Random seed (default: the scenario's run.seed, else 20270101). The same seed "
                 "gives bit-identical results for any thread count.")
      ->type_name("S");
  cmd.add_option("-t,--threads", options.threads, "Threads (default 0: all cores)")->type_name("T");
}

engine::RunConfig resolve_run_config(const RunOptions& options, const models::Scenario* scenario,
                                     std::vector<models::Diagnostic>& problems,
                                     std::size_t default_replications) {
  engine::RunConfig config;
  config.threads = options.threads;
  config.seed = options.seed                 ? *options.seed
                : scenario && scenario->seed ? *scenario->seed
                                             : config.seed;
  if (default_replications != 0) config.replications = default_replications;
  config.replications = options.replications ? *options.replications
                        : scenario && scenario->replications && default_replications == 0
                            ? *scenario->replications
                            : config.replications;
  if (config.replications == 0 || config.replications > engine::RunConfig::MAX_REPLICATIONS)
    problems.push_back(command_line_problem("--replications", std::to_string(config.replications),
                                            "must be between 1 and 10,000,000"));
  if (config.threads > 1024)
    problems.push_back(command_line_problem("--threads", std::to_string(config.threads),
                                            "must be between 0 (all cores) and 1024"));
  return config;
}

void check_output_path(const std::string& option, const std::string& path,
                       std::set<std::string>& seen, std::vector<models::Diagnostic>& problems) {
  if (path.empty()) return;
  namespace fs = std::filesystem;
  const fs::path p(path);
  std::error_code ec;
  const fs::path parent = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  if (!fs::is_directory(parent, ec))
    problems.push_back(command_line_problem(
        option, path, "the directory '" + parent.string() + "' does not exist"));
  else if (::access(parent.c_str(), W_OK) != 0)
    problems.push_back(command_line_problem(
        option, path, "the directory '" + parent.string() + "' is not writable"));
  if (fs::is_directory(p, ec))
    problems.push_back(command_line_problem(option, path, "is a directory; give a file name"));
  if (!seen.insert(fs::weakly_canonical(p, ec).string()).second)
    problems.push_back(command_line_problem(option, path, "is also the path of another output"));
}

std::string run_date() {
  std::time_t when = std::time(nullptr);
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr && *epoch != '\0') {
    char* end = nullptr;
    const long long seconds = std::strtoll(epoch, &end, 10);
    if (end != nullptr && *end == '\0' && seconds >= 0) when = static_cast<std::time_t>(seconds);
  }
  std::tm utc{};
  gmtime_r(&when, &utc);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &utc);
  return buf;
}

void check_report_path(const std::string& option, const std::string& path,
                       std::set<std::string>& seen, std::vector<models::Diagnostic>& problems) {
  check_output_path(option, path, seen, problems);
  if (!path.empty() && !report::libraries_available())
    problems.push_back(command_line_problem(
        option, path,
        "needs the charting libraries this build lacks: run `bash tools/setup.sh build` (npm "
        "installs them into tools/report/node_modules) and build again"));
}

void check_memory(std::size_t replications, std::size_t months, std::size_t metrics,
                  std::vector<models::Diagnostic>& problems, std::size_t runs) {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return;
  const double physical = static_cast<double>(pages) * static_cast<double>(page);
  // The cube, plus the quarter/total cube and a column copy while summarising.
  const double need = static_cast<double>(runs) * static_cast<double>(replications) *
                      static_cast<double>(metrics) * static_cast<double>(months + months / 3 + 2) *
                      8.0;
  if (need > 0.5 * physical)
    problems.push_back(command_line_problem(
        "--replications", std::to_string(replications),
        "needs about " + std::to_string(static_cast<long long>(need / (1 << 20))) +
            " MiB of results, more than half of this machine's " +
            std::to_string(static_cast<long long>(physical / (1 << 20))) + " MiB"));
}

}  // namespace funnelsim::cli
