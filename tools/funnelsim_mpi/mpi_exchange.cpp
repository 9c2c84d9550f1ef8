#include "tools/funnelsim_mpi/mpi_exchange.hpp"

#include <climits>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <vector>

namespace funnelsim::cli {

namespace {

void check(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(std::string(what) + " failed: " + std::string(text, length));
}

int as_int(std::size_t n, const char* what) {
  if (n > static_cast<std::size_t>(INT_MAX))
    throw std::length_error(std::string(what) + " " + std::to_string(n) +
                            " exceeds MPI's int counts");
  return static_cast<int>(n);
}

}  // namespace

MpiExchange::MpiExchange(MPI_Comm comm) : comm_(comm) {
  int rank = 0, size = 1;
  check(MPI_Comm_rank(comm_, &rank), "MPI_Comm_rank");
  check(MPI_Comm_size(comm_, &size), "MPI_Comm_size");
  rank_ = static_cast<std::size_t>(rank);
  ranks_ = static_cast<std::size_t>(size);
}

void MpiExchange::exchange(std::span<const double> mine, std::span<double> all,
                           std::span<const std::size_t> counts, std::size_t row) {
  if (row == 0) return;
  if (mine.size() != counts[rank_] * row)
    throw std::logic_error("MpiExchange: this rank's block does not match its count");
  std::vector<int> sizes(ranks_), offsets(ranks_);
  std::size_t offset = 0;
  for (std::size_t r = 0; r < ranks_; ++r) {
    sizes[r] = as_int(counts[r], "a block of replications");
    offsets[r] = as_int(offset, "the replication offset");
    offset += counts[r];
  }
  if (offset * row != all.size())
    throw std::logic_error("MpiExchange: the blocks do not add up to the cube");
  MPI_Datatype row_type;
  check(MPI_Type_contiguous(as_int(row, "a replication's values"), MPI_DOUBLE, &row_type),
        "MPI_Type_contiguous");
  check(MPI_Type_commit(&row_type), "MPI_Type_commit");
  const int code = MPI_Allgatherv(mine.data(), sizes[rank_], row_type, all.data(), sizes.data(),
                                  offsets.data(), row_type, comm_);
  MPI_Type_free(&row_type);
  check(code, "MPI_Allgatherv");
}

void MpiExchange::abort(const std::string& message) {
  std::cerr << "funnelsim-mpi: rank " << rank_ << " of " << ranks_ << " failed: " << message
            << "\nfunnelsim-mpi: aborting every rank; nothing was written\n";
  std::cerr.flush();
  MPI_Abort(comm_, 1);
  std::abort();  // MPI_Abort does not return; this only satisfies [[noreturn]]
}

}  // namespace funnelsim::cli
