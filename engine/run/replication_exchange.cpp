#include "engine/run/replication_exchange.hpp"

#include <algorithm>

namespace funnelsim::engine {

namespace {
ReplicationExchange* installed = nullptr;
}  // namespace

ReplicationExchange* replication_exchange() {
  return installed;
}

void set_replication_exchange(ReplicationExchange* exchange) {
  installed = exchange;
}

ReplicationBlock rank_block(std::size_t replications, std::size_t ranks, std::size_t rank) {
  const std::size_t base = replications / ranks, extra = replications % ranks;
  return {rank * base + std::min(rank, extra), base + (rank < extra ? 1 : 0)};
}

}  // namespace funnelsim::engine
