// Selected order statistics (k-th smallest values) of a sample, without sorting it.
#pragma once

#include <cstddef>
#include <span>

namespace funnelsim::engine {

/// out[i] = the ranks[i]-th smallest of `values` (0-based), exactly the value a full sort
/// would put at index ranks[i]. `ranks` must be ascending and below values.size(), `out`
/// as long as `ranks`, and `values` free of NaN (they have no order); `values` is reordered.
///
/// Why not std::sort: quantiles of a 100,000-replication column need about 14 order
/// statistics, and sorting the column (or even nth_element, whose partitions mispredict
/// branches on every element) costs several times more than this bucket selection: one pass
/// for the range, one to count values into 4096 equal-width buckets, one to copy out the few
/// buckets that hold a wanted rank, then nth_element inside those small buckets. The bucket
/// index is a monotone function of the value, so bucket order is value order and the result
/// is exact. Degenerate spreads (an extreme outlier, infinities) only make it slower, never
/// wrong: it falls back to nth_element over the whole sample.
///
/// Throws std::invalid_argument if the sizes or ranks are inconsistent.
///
/// Tested by tests/engine/order_statistics_test.cpp (against std::sort on many shapes).
void select_order_statistics(std::span<double> values, std::span<const std::size_t> ranks,
                             std::span<double> out);

}  // namespace funnelsim::engine
