// Settings of one Monte Carlo run, checked as they are set.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace funnelsim::engine {

/// What to run: replications [first_replication, first_replication + replications) with
/// `seed`, on `threads` threads (0 = all cores). Results depend on the seed and the
/// replication indices only, never on the thread count, so a range can be split over
/// processes and the pieces concatenated.
struct RunConfig {
  static constexpr std::uint64_t DEFAULT_SEED = 20270101;
  static constexpr std::size_t DEFAULT_REPLICATIONS = 1000;
  static constexpr std::size_t MAX_REPLICATIONS = 10'000'000;

  std::uint64_t seed = DEFAULT_SEED;
  std::size_t replications = DEFAULT_REPLICATIONS;
  std::uint64_t first_replication = 0;
  std::size_t threads = 0;

  /// Throws std::invalid_argument naming the setting, its value and the rule.
  void validate() const {
    if (replications == 0)
      throw std::invalid_argument("RunConfig: replications is 0, but must be at least 1");
    if (replications > MAX_REPLICATIONS)
      throw std::invalid_argument("RunConfig: replications is " + std::to_string(replications) +
                                  ", but must be at most " + std::to_string(MAX_REPLICATIONS));
    if (threads > 1024)
      throw std::invalid_argument("RunConfig: threads is " + std::to_string(threads) +
                                  ", but must be between 0 (all cores) and 1024");
  }
};

}  // namespace funnelsim::engine
