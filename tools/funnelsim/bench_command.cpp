// `funnelsim bench`: end-to-end speed and memory of the simulation on this machine.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "engine/run/replication_runner.hpp"
#include "funnelsim/version.hpp"
#include "models/funnel/funnel_model.hpp"
#include "tools/funnelsim/cli.hpp"
#include "tools/funnelsim/commands.hpp"
#include "tools/funnelsim/scenario_input.hpp"

namespace funnelsim::cli {

int run_bench_command(const BenchOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<models::Diagnostic> problems;
  auto scenario = load_input(options.scenario, problems);
  if (options.replications == 0 || options.replications > engine::RunConfig::MAX_REPLICATIONS)
    problems.push_back(command_line_problem("--replications", std::to_string(options.replications),
                                            "must be between 1 and 10,000,000"));
  for (std::size_t t : options.threads)
    if (t == 0 || t > 1024)
      problems.push_back(
          command_line_problem("--threads", std::to_string(t), "must be between 1 and 1024"));
  if (!problems.empty()) {
    report_problems(problems, err);
    return EXIT_BAD_INPUT;
  }
  std::vector<std::size_t> threads = options.threads;
  if (threads.empty()) {
    threads.push_back(1);
    const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
    if (cores > 1) threads.push_back(cores);
  }

  const models::FunnelModel model(*scenario);
  const std::size_t entry = model.volume_metric(scenario->entry_stage);
  std::uint64_t initial = 0;
  for (const auto& c : scenario->initial_funnel) initial += c.count;

  char buf[256];
  out << "funnelsim " << ENGINE_VERSION << " bench: " << scenario->name << ", "
      << options.replications << " replications x " << model.period_count() << " months, seed "
      << options.seed << ", median of " << options.repeat << " runs\n";
  std::snprintf(buf, sizeof buf, "%8s %10s %12s %14s %12s %11s\n", "threads", "wall s", "reps/s",
                "leads/s", "ns/lead", "efficiency");
  out << buf;
  double single = 0.0;
  for (std::size_t t : threads) {
    std::vector<double> walls;
    double leads = 0.0;
    for (int i = 0; i < options.repeat; ++i) {
      engine::RunConfig config;
      config.seed = options.seed;
      config.replications = options.replications;
      config.threads = t;
      const auto start = std::chrono::steady_clock::now();
      const engine::ResultCube cube = engine::run_replications(model, config);
      walls.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      leads = static_cast<double>(initial) * static_cast<double>(options.replications);
      for (std::size_t r = 0; r < cube.replications(); ++r)
        for (std::size_t m = 0; m < cube.periods(); ++m) leads += cube.at(r, m, entry);
    }
    std::sort(walls.begin(), walls.end());
    const double wall = walls[walls.size() / 2];
    if (t == threads.front()) single = wall * static_cast<double>(t);
    const double efficiency = single / (wall * static_cast<double>(t));
    std::snprintf(buf, sizeof buf, "%8zu %10.3f %12.0f %13.2fM %12.2f %10.0f%%\n", t, wall,
                  static_cast<double>(options.replications) / wall, leads / wall / 1e6,
                  wall * 1e9 * static_cast<double>(t) / leads, 100.0 * efficiency);
    out << buf;
  }
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  std::snprintf(
      buf, sizeof buf,
      "leads = inquiries generated plus the starting funnel; ns/lead is CPU time "
      "(threads x wall) per lead.\npeak resident memory: %.1f MiB (result cube: %.1f MiB)\n",
      static_cast<double>(usage.ru_maxrss) / 1024.0,
      static_cast<double>(engine::ResultCube::bytes_needed(
          options.replications, model.period_count(), model.metric_names().size())) /
          (1 << 20));
  out << buf;
  return EXIT_OK;
}

}  // namespace funnelsim::cli
