// How the replications of a run are shared among processes (MPI ranks, say). The engine knows
// only this interface; the plain build installs none and one process runs every replication.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace funnelsim::engine {

/// The processes of a distributed run. Every process runs the same command on the same input,
/// so every run of replications happens on every process in the same order; each process
/// simulates its block (rank_block) and exchange() gives every process the whole cube.
class ReplicationExchange {
 public:
  virtual ~ReplicationExchange() = default;
  virtual std::size_t rank() const = 0;
  virtual std::size_t ranks() const = 0;
  /// Collective: each process passes its block's rows, `counts[rank()]` rows of `row`
  /// doubles; on return `all` holds every process's rows in rank order (so in replication
  /// order), on every process. Nothing is summed: the bytes arrive as they were computed.
  virtual void exchange(std::span<const double> mine, std::span<double> all,
                        std::span<const std::size_t> counts, std::size_t row) = 0;
  /// A failure on this process while others are running: stops them all, with `message`.
  [[noreturn]] virtual void abort(const std::string& message) = 0;
};

/// The exchange run_replications uses; nullptr (the default) for one process.
ReplicationExchange* replication_exchange();
void set_replication_exchange(ReplicationExchange* exchange);

/// Static blocks: of `replications`, process `rank` of `ranks` runs `count` from `first`
/// (relative to the run's first replication); the first replications % ranks processes run
/// one more than the others.
struct ReplicationBlock {
  std::size_t first = 0;
  std::size_t count = 0;
};
ReplicationBlock rank_block(std::size_t replications, std::size_t ranks, std::size_t rank);

}  // namespace funnelsim::engine
