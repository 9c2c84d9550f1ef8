// Reproducible random streams: one fast generator per (seed, replication, stream, substream).
#pragma once

#include <Random123/threefry.h>

#include <bit>
#include <cstdint>
#include <limits>

namespace funnelsim::engine {

/// Identifies one independent random stream. A run is a pure function of these numbers:
/// never of a thread id or a shared generator, so results do not depend on threading.
/// `stream` names a subsystem (the model defines names such as ARRIVALS or DELAYS) and
/// `substream` separates its parts (one per source, one per transition, ...), so that a
/// change in how many draws one part consumes never shifts the draws of another.
struct StreamKey {
  std::uint64_t seed = 0;
  std::uint64_t replication = 0;
  std::uint32_t stream = 0;
  std::uint32_t substream = 0;
};

/// xoshiro256++ (Blackman & Vigna, 2019) whose 256-bit state is the Threefry-4x64-20
/// image of the StreamKey. Threefry is a counter-based bijection (Salmon et al., SC'11),
/// so distinct keys give statistically independent states; xoshiro then generates at about
/// 1 ns a draw, where Threefry itself costs several. Satisfies UniformRandomBitGenerator.
///
/// Tested by tests/engine/rng_test.cpp (pinned known answers, key separation).
class RandomStream {
 public:
  using result_type = std::uint64_t;

  explicit RandomStream(const StreamKey& key) {
    using Threefry = r123::Threefry4x64;
    const Threefry::ctr_type ctr = {{key.replication,
                                     (std::uint64_t{key.stream} << 32) | key.substream,
                                     0x66756e6e656c73ULL /* "funnels" */, 0}};
    const Threefry::key_type k = {{key.seed, 0x6d2b79f5a1e3c0b7ULL, 0, 0}};
    const Threefry::ctr_type out = Threefry()(ctr, k);
    for (int i = 0; i < 4; ++i) s_[i] = out[i];
    // The all-zero state is the one fixed point of xoshiro; Threefry makes it
    // astronomically unlikely, but a generator must never be able to get stuck.
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
  }

  /// A cheap stream for one item (a lead in a queue, say) from a 64-bit word drawn from a
  /// keyed stream: the state is four SplitMix64 outputs of the word (Vigna's recommended
  /// seeding for xoshiro). Costs a few nanoseconds where the keyed constructor costs tens,
  /// so each lead can own its draws and keep them whatever order it is served in.
  static RandomStream from_word(std::uint64_t word) {
    RandomStream stream;
    for (int i = 0; i < 4; ++i) {
      word += 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = word;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      stream.s_[i] = z ^ (z >> 31);
    }
    if ((stream.s_[0] | stream.s_[1] | stream.s_[2] | stream.s_[3]) == 0) stream.s_[0] = 1;
    return stream;
  }

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() {
    const std::uint64_t result = std::rotl(s_[0] + s_[3], 23) + s_[0];
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = std::rotl(s_[3], 45);
    return result;
  }

  /// Uniform on [0, 1): the top 53 bits, so every value is an exact multiple of 2^-53.
  double uniform01() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }

  /// Uniform on the open interval (0, 1): midpoints of a 2^-52 grid, so the largest value is
  /// 1 - 2^-53 (exact in a double) and log() and unbounded inversions always stay finite.
  double uniform_open01() { return (static_cast<double>((*this)() >> 12) + 0.5) * 0x1.0p-52; }

 private:
  RandomStream() = default;
  std::uint64_t s_[4];
};

}  // namespace funnelsim::engine
