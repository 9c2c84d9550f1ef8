// Entry point of funnelsim-mpi: the funnelsim command with its replications spread over the
// ranks of MPI_COMM_WORLD. Every rank parses the same command line and runs the same command;
// run_replications gives each rank a block and gathers the whole cube to every rank, so every
// rank takes the same decisions (commit --solve's bisection, say) and computes the same
// outputs. Rank 0 alone prints and writes; the others' output goes nowhere. All ranks exit
// with the highest exit code of any.
#include <mpi.h>

#include <iostream>
#include <streambuf>

#include "engine/io/atomic_file.hpp"
#include "engine/run/replication_exchange.hpp"
#include "tools/funnelsim/cli.hpp"
#include "tools/funnelsim_mpi/mpi_exchange.hpp"

namespace {

// Swallows what a rank other than 0 would print.
class NullBuffer : public std::streambuf {
 protected:
  int overflow(int c) override { return traits_type::not_eof(c); }
};

}  // namespace

int main(int argc, char** argv) {
  int provided = 0;
  // Only the main thread calls MPI; TBB's workers never do.
  if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    std::cerr << "funnelsim-mpi: MPI_Init_thread failed\n";
    return 1;
  }
  int code = 1;
  {
    funnelsim::cli::MpiExchange exchange(MPI_COMM_WORLD);
    funnelsim::engine::set_replication_exchange(&exchange);
    const bool root = exchange.rank() == 0;
    NullBuffer nothing;
    std::ostream quiet(&nothing);
    if (!root) funnelsim::engine::set_output_discarded(true);
    try {
      code =
          funnelsim::cli::run_cli(argc, argv, root ? std::cout : quiet, root ? std::cerr : quiet);
    } catch (const std::exception& e) {
      exchange.abort(e.what());
    }
    funnelsim::engine::set_replication_exchange(nullptr);
  }
  int worst = code;
  MPI_Allreduce(&code, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return worst;
}
