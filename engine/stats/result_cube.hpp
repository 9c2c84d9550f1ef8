// The result cube: every replication's value of every metric in every period.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace funnelsim::engine {

/// Values indexed [replication][period][metric], preallocated once. Each replication
/// writes only its own slice, so a parallel run needs no atomics or locks, and every
/// statistic is computed afterwards from the cube in replication order (deterministic).
/// Memory is replications x periods x metrics x 8 bytes, independent of lead counts.
///
/// Tested by tests/engine/result_cube_test.cpp.
class ResultCube {
 public:
  ResultCube() = default;
  ResultCube(std::size_t replications, std::size_t periods, std::vector<std::string> metric_names)
      : replications_(replications),
        periods_(periods),
        metric_names_(std::move(metric_names)),
        values_(checked_size(replications, periods, metric_names_.size()), 0.0) {}

  std::size_t replications() const { return replications_; }
  std::size_t periods() const { return periods_; }
  std::size_t metrics() const { return metric_names_.size(); }
  const std::vector<std::string>& metric_names() const { return metric_names_; }

  /// Index of a metric by name; throws std::out_of_range naming the metric if absent.
  std::size_t metric_index(const std::string& name) const {
    for (std::size_t i = 0; i < metric_names_.size(); ++i)
      if (metric_names_[i] == name) return i;
    throw std::out_of_range("ResultCube: no metric named '" + name + "'");
  }

  /// One replication's [period][metric] block, contiguous.
  std::span<double> slice(std::size_t replication) {
    return {values_.data() + replication * periods_ * metrics(), periods_ * metrics()};
  }
  std::span<const double> slice(std::size_t replication) const {
    return {values_.data() + replication * periods_ * metrics(), periods_ * metrics()};
  }

  double& at(std::size_t replication, std::size_t period, std::size_t metric) {
    return values_[(replication * periods_ + period) * metrics() + metric];
  }
  double at(std::size_t replication, std::size_t period, std::size_t metric) const {
    return values_[(replication * periods_ + period) * metrics() + metric];
  }

  const std::vector<double>& values() const { return values_; }
  /// Every value, [replication][period][metric], for filling the cube as a whole.
  std::span<double> mutable_values() { return values_; }

  /// Bytes the cube would need; used to refuse a run before it starts rather than crash.
  static std::size_t bytes_needed(std::size_t replications, std::size_t periods,
                                  std::size_t metrics) {
    return checked_size(replications, periods, metrics) * sizeof(double);
  }

 private:
  static std::size_t checked_size(std::size_t r, std::size_t p, std::size_t m) {
    const std::size_t limit = SIZE_MAX / sizeof(double);
    if (p != 0 && m != 0 && r > limit / p / m)
      throw std::length_error("ResultCube: " + std::to_string(r) + " x " + std::to_string(p) +
                              " x " + std::to_string(m) + " values overflow memory addressing");
    return r * p * m;
  }

  std::size_t replications_ = 0;
  std::size_t periods_ = 0;
  std::vector<std::string> metric_names_;
  std::vector<double> values_;
};

}  // namespace funnelsim::engine
