// Helpers for tests that run a model: one call to run replications, bit-for-bit comparison
// of results, and the mean and standard error behind the statistical tolerances.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "engine/run/replication_runner.hpp"
#include "models/funnel/funnel_model.hpp"
#include "models/scenario/distribution_spec.hpp"

namespace funnelsim::models::testing {

/// 4.5 standard errors: about 7e-6 two-sided per comparison for a correct model, so a file
/// of a few dozen comparisons fails by chance with probability below 3e-4; seeds are fixed.
constexpr double Z_LIMIT = 4.5;

/// Replications [first, first + replications) of `model` at `seed` (threads 0: all cores).
inline engine::ResultCube run(const FunnelModel& model, std::size_t replications,
                              std::uint64_t seed, std::size_t threads = 0,
                              std::uint64_t first = 0) {
  engine::RunConfig config;
  config.seed = seed;
  config.replications = replications;
  config.threads = threads;
  config.first_replication = first;
  return engine::run_replications(model, config);
}

inline bool bit_identical(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

/// Per replication: the metric in month `month`, or summed over the horizon (month < 0).
inline std::vector<double> values(const engine::ResultCube& cube, const std::string& metric,
                                  int month = -1) {
  const std::size_t k = cube.metric_index(metric);
  std::vector<double> out;
  for (std::size_t r = 0; r < cube.replications(); ++r) {
    double v = 0.0;
    for (std::size_t m = 0; m < cube.periods(); ++m)
      if (month < 0 || m == static_cast<std::size_t>(month)) v += cube.at(r, m, k);
    out.push_back(v);
  }
  return out;
}

inline std::vector<double> minus(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  return d;
}

struct MeanSe {
  double mean = 0.0;
  double se = 0.0;
  double z(double expected = 0.0) const { return (mean - expected) / se; }
};

/// Mean and standard error of independent values (one per replication, say).
inline MeanSe mean_se(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  double sum = 0.0;
  for (double v : x) sum += v;
  const double mean = sum / n;
  double ss = 0.0;
  for (double v : x) ss += (v - mean) * (v - mean);
  return {mean, std::sqrt(ss / (n - 1.0) / n)};
}

/// A DistributionSpec of `kind` with its two raw parameters.
inline DistributionSpec spec(DistributionSpec::Kind kind, double a, double b = 0.0) {
  DistributionSpec s;
  s.kind = kind;
  s.a = a;
  s.b = b;
  return s;
}

}  // namespace funnelsim::models::testing
