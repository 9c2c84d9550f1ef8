// Runs a ReplicationModel over a range of replications on TBB threads, into a ResultCube.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cstddef>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/run/progress.hpp"
#include "engine/run/replication_exchange.hpp"
#include "engine/run/replication_model.hpp"
#include "engine/run/run_config.hpp"
#include "engine/stats/result_cube.hpp"

namespace funnelsim::engine {

/// Simulates `count` replications from `first` into rows [row0, row0 + count) of `cube`.
template <ReplicationModel Model>
void simulate_rows(const Model& model, const RunConfig& config, std::uint64_t first,
                   std::size_t count, ResultCube& cube, Progress* progress) {
  if (count == 0) return;
  const int threads =
      config.threads == 0 ? tbb::task_arena::automatic : static_cast<int>(config.threads);
  // TBB caps its worker pool at the core count; a request for more threads (to prove that
  // results do not depend on the thread count, say) lifts the cap for this run only.
  std::optional<tbb::global_control> allow;
  if (config.threads > static_cast<std::size_t>(tbb::info::default_concurrency()))
    allow.emplace(tbb::global_control::max_allowed_parallelism, config.threads);
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, count, 1),
                      [&](const tbb::blocked_range<std::size_t>& range) {
                        for (std::size_t i = range.begin(); i != range.end(); ++i) {
                          model.simulate(config.seed, first + i, cube.slice(i));
                          if (progress) progress->tick();
                        }
                      });
  });
}

/// Simulates replications [config.first_replication, + config.replications) of `model`.
/// Replication first_replication + i is written to row i of the returned cube.
///
/// Deterministic: each replication is a pure function of (seed, replication index) and writes
/// only its own slice, so the cube is bit-identical for every thread count and for every way
/// of splitting the range (tests/engine/replication_runner_test.cpp and
/// tests/models/reproducibility_test.cpp prove it). An exception thrown by the model
/// propagates to the caller after the parallel loop stops.
///
/// With a ReplicationExchange of more than one process installed, this process simulates
/// only its rank_block and the exchange assembles the whole cube on every process, in
/// replication order: the same bytes as one process computes. An exception then aborts
/// every process (the others would wait for this one's rows forever).
template <ReplicationModel Model>
ResultCube run_replications(const Model& model, const RunConfig& config,
                            Progress* progress = nullptr) {
  config.validate();
  ResultCube cube(config.replications, model.period_count(), model.metric_names());
  ReplicationExchange* exchange = replication_exchange();
  if (exchange == nullptr || exchange->ranks() < 2) {
    simulate_rows(model, config, config.first_replication, config.replications, cube, progress);
    if (progress) progress->finish();
    return cube;
  }
  const std::size_t ranks = exchange->ranks();
  const ReplicationBlock mine = rank_block(config.replications, ranks, exchange->rank());
  ResultCube block(mine.count, model.period_count(), model.metric_names());
  try {
    simulate_rows(model, config, config.first_replication + mine.first, mine.count, block,
                  progress);
  } catch (const std::exception& e) {
    exchange->abort(e.what());
  }
  std::vector<std::size_t> counts(ranks);
  for (std::size_t r = 0; r < ranks; ++r)
    counts[r] = rank_block(config.replications, ranks, r).count;
  exchange->exchange(block.values(), cube.mutable_values(), counts,
                     model.period_count() * model.metric_names().size());
  if (progress) progress->finish();
  return cube;
}

}  // namespace funnelsim::engine
