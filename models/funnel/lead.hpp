// One lead moving through the funnel's stages after the entry stage.
#pragma once

#include <cstdint>

namespace funnelsim::models {

/// Its source is implied by the bucket it waits in (pending leads are kept per source).
/// 16 bytes: a replication streams tens of thousands of leads through its buckets, and at
/// 24 bytes they no longer fit in L2. A float holds a deal value to about 1e-7 of itself
/// (cents on a $100k deal); sums of dollars are kept in double.
struct Lead {
  double time;            ///< days since the forecast start: when it enters its next stage
  float value;            ///< deal value in dollars; < 0 until drawn
  std::uint16_t segment;  ///< segment index
  /// 1 + the replication-wide index of the rep whose open deal this is (AE pools with
  /// `holds`); 0 when no rep holds it.
  std::uint16_t owner;
};
static_assert(sizeof(Lead) == 16);

}  // namespace funnelsim::models
