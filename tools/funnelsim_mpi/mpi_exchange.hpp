// The replications of a run shared among the ranks of an MPI communicator (Open MPI).
#pragma once

#include <mpi.h>

#include <cstddef>
#include <span>
#include <string>

#include "engine/run/replication_exchange.hpp"

namespace funnelsim::cli {

/// Gathers every rank's block of rows to every rank with one MPI_Allgatherv, counted in rows
/// (a contiguous datatype of `row` doubles), so a block of any size fits MPI's int counts.
/// Rows arrive in rank order, which is replication order: nothing is reduced, so the cube is
/// the one a single process computes, bit for bit.
class MpiExchange final : public engine::ReplicationExchange {
 public:
  explicit MpiExchange(MPI_Comm comm);
  std::size_t rank() const override { return rank_; }
  std::size_t ranks() const override { return ranks_; }
  void exchange(std::span<const double> mine, std::span<double> all,
                std::span<const std::size_t> counts, std::size_t row) override;
  [[noreturn]] void abort(const std::string& message) override;

 private:
  MPI_Comm comm_;
  std::size_t rank_ = 0;
  std::size_t ranks_ = 1;
};

}  // namespace funnelsim::cli
