#include "engine/stats/paired_difference.hpp"

#include <tbb/parallel_for.h>

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "engine/stats/neumaier_sum.hpp"

namespace funnelsim::engine {

namespace {

// Mean and sample variance of one column, two passes over the values in replication order.
struct Moments {
  double mean = 0.0;
  double variance = 0.0;
};

template <typename Value>
Moments moments(std::size_t n, Value value) {
  NeumaierSum sum;
  for (std::size_t i = 0; i < n; ++i) sum.add(value(i));
  Moments m;
  m.mean = sum.value() / static_cast<double>(n);
  if (n < 2) return m;
  NeumaierSum squares;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = value(i) - m.mean;
    squares.add(d * d);
  }
  m.variance = squares.value() / static_cast<double>(n - 1);
  return m;
}

}  // namespace

std::vector<DifferenceStats> paired_differences(
    const ResultCube& base, const ResultCube& variant,
    const std::vector<std::array<std::size_t, 2>>& metrics) {
  if (base.replications() != variant.replications() || base.periods() != variant.periods())
    throw std::invalid_argument("paired_differences: the runs differ in shape (" +
                                std::to_string(base.replications()) + " x " +
                                std::to_string(base.periods()) + " against " +
                                std::to_string(variant.replications()) + " x " +
                                std::to_string(variant.periods()) + " replications x periods)");
  if (base.replications() == 0) throw std::invalid_argument("paired_differences: no replications");
  for (const auto& [b, v] : metrics)
    if (b >= base.metrics() || v >= variant.metrics())
      throw std::invalid_argument("paired_differences: metric index out of range");

  const std::size_t n = base.replications();
  const std::size_t periods = base.periods();
  const double t90 =
      n > 1 ? boost::math::quantile(boost::math::students_t(static_cast<double>(n - 1)), 0.95)
            : 0.0;
  std::vector<DifferenceStats> out(metrics.size());
  for (DifferenceStats& d : out)
    for (const auto& field : DifferenceStats::FIELDS) (d.*field.values).assign(periods, 0.0);

  // One task per metric: each column is reduced sequentially, so the bits do not depend on
  // how TBB schedules the tasks.
  tbb::parallel_for(std::size_t{0}, metrics.size(), [&](std::size_t k) {
    const auto [bm, vm] = metrics[k];
    DifferenceStats& d = out[k];
    for (std::size_t p = 0; p < periods; ++p) {
      const Moments diff =
          moments(n, [&](std::size_t i) { return variant.at(i, p, vm) - base.at(i, p, bm); });
      const Moments b = moments(n, [&](std::size_t i) { return base.at(i, p, bm); });
      const Moments v = moments(n, [&](std::size_t i) { return variant.at(i, p, vm); });
      double higher = 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        const double x = variant.at(i, p, vm), y = base.at(i, p, bm);
        higher += x > y ? 1.0 : x == y ? 0.5 : 0.0;
      }
      const double nn = static_cast<double>(n);
      const double se = std::sqrt(diff.variance / nn);
      const double se_unpaired = std::sqrt((b.variance + v.variance) / nn);
      d.mean[p] = diff.mean;
      d.sd[p] = std::sqrt(diff.variance);
      d.se[p] = se;
      d.lo90[p] = diff.mean - t90 * se;
      d.hi90[p] = diff.mean + t90 * se;
      d.p_higher[p] = higher / nn;
      d.se_unpaired[p] = se_unpaired;
      d.narrowing[p] = se > 0.0            ? se_unpaired / se
                       : se_unpaired > 0.0 ? std::numeric_limits<double>::infinity()
                                           : 1.0;
    }
  });
  return out;
}

}  // namespace funnelsim::engine
