#include "engine/stats/order_statistics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace funnelsim::engine {
namespace {

constexpr std::size_t BUCKETS = 4096;
// Below this many values the bucket passes cost more than they save.
constexpr std::size_t MIN_VALUES_FOR_BUCKETS = 2048;

/// Places the ranks (ascending, all within [first, last)) of `values` at their sorted
/// positions. Each nth_element only partitions between the neighbouring ranks already
/// placed, so the cost is about n log(#ranks).
void place_ranks(std::span<double> values, std::size_t first, std::size_t last,
                 std::span<const std::size_t> ranks) {
  if (ranks.empty()) return;
  const std::size_t middle = ranks.size() / 2;
  const std::size_t rank = ranks[middle];
  std::nth_element(values.begin() + static_cast<std::ptrdiff_t>(first),
                   values.begin() + static_cast<std::ptrdiff_t>(rank),
                   values.begin() + static_cast<std::ptrdiff_t>(last));
  place_ranks(values, first, rank, ranks.first(middle));
  place_ranks(values, rank + 1, last, ranks.subspan(middle + 1));
}

/// Smallest and largest value. A plain loop compiles to branch-free minsd/maxsd, where
/// std::minmax_element branches on every element; four lanes hide their latency.
std::pair<double, double> value_range(std::span<const double> values) {
  std::array<double, 4> low, high;
  low.fill(values[0]);
  high.fill(values[0]);
  std::size_t i = 0;
  for (; i + 4 <= values.size(); i += 4)
    for (std::size_t lane = 0; lane < 4; ++lane) {
      low[lane] = std::min(low[lane], values[i + lane]);
      high[lane] = std::max(high[lane], values[i + lane]);
    }
  for (; i < values.size(); ++i) {
    low[0] = std::min(low[0], values[i]);
    high[0] = std::max(high[0], values[i]);
  }
  return {std::min(std::min(low[0], low[1]), std::min(low[2], low[3])),
          std::max(std::max(high[0], high[1]), std::max(high[2], high[3]))};
}

void select_by_partitioning(std::span<double> values, std::span<const std::size_t> ranks,
                            std::span<double> out) {
  std::vector<std::size_t> unique(ranks.begin(), ranks.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  place_ranks(values, 0, values.size(), unique);
  for (std::size_t i = 0; i < ranks.size(); ++i) out[i] = values[ranks[i]];
}

}  // namespace

void select_order_statistics(std::span<double> values, std::span<const std::size_t> ranks,
                             std::span<double> out) {
  const std::size_t n = values.size();
  if (out.size() != ranks.size())
    throw std::invalid_argument("select_order_statistics: " + std::to_string(ranks.size()) +
                                " ranks but room for " + std::to_string(out.size()) + " results");
  for (std::size_t i = 0; i < ranks.size(); ++i)
    if (ranks[i] >= n || (i > 0 && ranks[i] < ranks[i - 1]))
      throw std::invalid_argument("select_order_statistics: rank " + std::to_string(ranks[i]) +
                                  " is out of order or not below the " + std::to_string(n) +
                                  " values");
  if (ranks.empty()) return;

  const auto [low, high] = value_range(values);
  if (low == high) {  // every value is the same (this also covers n == 1)
    std::fill(out.begin(), out.end(), low);
    return;
  }
  const double scale = static_cast<double>(BUCKETS) / (high - low);
  if (n < MIN_VALUES_FOR_BUCKETS || n >= UINT32_MAX || !std::isfinite(high - low) ||
      !std::isfinite(scale)) {
    select_by_partitioning(values, ranks, out);
    return;
  }
  // Subtraction, multiplication and truncation are each monotone (IEEE rounding never
  // reverses an order), so x <= y implies bucket(x) <= bucket(y).
  const auto bucket = [low, scale](double x) {
    return std::min(static_cast<std::size_t>((x - low) * scale), BUCKETS - 1);
  };

  std::vector<std::uint32_t> start(BUCKETS + 1, 0);  // counts, then first rank per bucket
  for (const double x : values) ++start[bucket(x) + 1];
  for (std::size_t b = 0; b < BUCKETS; ++b) start[b + 1] += start[b];

  // The bucket of each rank, and room for the values of each wanted bucket, in bucket order.
  std::vector<std::size_t> rank_bucket(ranks.size());
  std::vector<std::uint32_t> offset(BUCKETS, UINT32_MAX);  // UINT32_MAX: not wanted
  std::uint32_t wanted_values = 0;
  for (std::size_t i = 0, b = 0; i < ranks.size(); ++i) {
    while (start[b + 1] <= ranks[i]) ++b;
    rank_bucket[i] = b;
    if (offset[b] == UINT32_MAX) {
      offset[b] = wanted_values;
      wanted_values += start[b + 1] - start[b];
    }
  }
  std::vector<double> candidates(wanted_values);
  std::vector<std::uint32_t> fill = offset;
  for (const double x : values) {
    const std::size_t b = bucket(x);
    if (fill[b] != UINT32_MAX) candidates[fill[b]++] = x;
  }

  // Within a bucket, value order is unknown: select there, all ranks of the bucket at once.
  for (std::size_t i = 0; i < ranks.size();) {
    const std::size_t b = rank_bucket[i];
    std::size_t j = i;
    std::vector<std::size_t> local;
    for (; j < ranks.size() && rank_bucket[j] == b; ++j) local.push_back(ranks[j] - start[b]);
    const std::span<double> segment(candidates.data() + offset[b], start[b + 1] - start[b]);
    select_by_partitioning(segment, local, out.subspan(i, j - i));
    i = j;
  }
}

}  // namespace funnelsim::engine
