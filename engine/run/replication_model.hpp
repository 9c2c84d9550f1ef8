// The one narrow interface through which a model plugs into the engine.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace funnelsim::engine {

/// A model turns (seed, replication index) into one replication's [period][metric] values.
/// It derives its own random streams from StreamKey{seed, replication, ...}, so the result
/// is a pure function of those two numbers and the model's configuration. simulate() is
/// const and may be called concurrently from many threads: any scratch memory must be
/// local to the call (or thread-local), never shared.
template <class M>
concept ReplicationModel = requires(const M& m, std::uint64_t seed, std::uint64_t replication,
                                    std::span<double> out) {
  { m.period_count() } -> std::convertible_to<std::size_t>;
  { m.metric_names() } -> std::convertible_to<std::vector<std::string>>;
  { m.simulate(seed, replication, out) } -> std::same_as<void>;
};

}  // namespace funnelsim::engine
