// Runs a ReplicationModel over a range of replications on TBB threads, into a ResultCube.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

#include "engine/run/progress.hpp"
#include "engine/run/replication_model.hpp"
#include "engine/run/run_config.hpp"
#include "engine/stats/result_cube.hpp"

namespace funnelsim::engine {

/// Simulates replications [config.first_replication, + config.replications) of `model`.
/// Replication first_replication + i is written to row i of the returned cube.
///
/// Deterministic: each replication is a pure function of (seed, replication index) and writes
/// only its own slice, so the cube is bit-identical for every thread count and for every way
/// of splitting the range (tests/engine/replication_runner_test.cpp and
/// tests/models/reproducibility_test.cpp prove it). An exception thrown by the model
/// propagates to the caller after the parallel loop stops.
template <ReplicationModel Model>
ResultCube run_replications(const Model& model, const RunConfig& config,
                            Progress* progress = nullptr) {
  config.validate();
  ResultCube cube(config.replications, model.period_count(), model.metric_names());
  const int threads =
      config.threads == 0 ? tbb::task_arena::automatic : static_cast<int>(config.threads);
  // TBB caps its worker pool at the core count; a request for more threads (to prove that
  // results do not depend on the thread count, say) lifts the cap for this run only.
  std::optional<tbb::global_control> allow;
  if (config.threads > static_cast<std::size_t>(tbb::info::default_concurrency()))
    allow.emplace(tbb::global_control::max_allowed_parallelism, config.threads);
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, config.replications, 1),
                      [&](const tbb::blocked_range<std::size_t>& range) {
                        for (std::size_t i = range.begin(); i != range.end(); ++i) {
                          model.simulate(config.seed, config.first_replication + i, cube.slice(i));
                          if (progress) progress->tick();
                        }
                      });
  });
  if (progress) progress->finish();
  return cube;
}

}  // namespace funnelsim::engine
