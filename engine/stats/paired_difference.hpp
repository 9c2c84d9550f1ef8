// Paired (common random numbers) differences between two runs of the same replications.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

#include "engine/stats/result_cube.hpp"

namespace funnelsim::engine {

/// The difference variant - base of one metric; each vector holds one entry per period.
///
/// Both runs simulated replication i from the same random streams, so the per-replication
/// differences d_i = variant_i - base_i are independent across i and their spread excludes
/// the noise the two runs share. With n replications:
/// - mean: the mean of d (compensated sum in replication order);
/// - sd: the sample standard deviation of d (n - 1 divisor; 0 when n == 1);
/// - se: sd / sqrt(n), the standard error of the mean difference;
/// - lo90, hi90: mean -+ t(0.95, n - 1) * se, the two-sided 90% Student t interval (equal
///   to the mean when n == 1 or se == 0);
/// - p_higher: the share of replications in which the variant is higher (a tie counts one
///   half), i.e. the probability that the variant beats the base in one possible future;
/// - se_unpaired: sqrt((s_b^2 + s_v^2) / n), the standard error the same two samples would
///   give had they been drawn independently;
/// - narrowing: se_unpaired / se, how many times narrower pairing made the interval
///   (infinite when se == 0 and se_unpaired > 0; 1 when both are 0).
struct DifferenceStats {
  std::vector<double> mean, sd, se, lo90, hi90, p_higher, se_unpaired, narrowing;

  struct Field {
    std::string_view name;
    std::vector<double> DifferenceStats::*values;
  };
  static constexpr std::array<Field, 8> FIELDS = {{{"mean", &DifferenceStats::mean},
                                                   {"sd", &DifferenceStats::sd},
                                                   {"se", &DifferenceStats::se},
                                                   {"lo90", &DifferenceStats::lo90},
                                                   {"hi90", &DifferenceStats::hi90},
                                                   {"p_higher", &DifferenceStats::p_higher},
                                                   {"se_unpaired", &DifferenceStats::se_unpaired},
                                                   {"narrowing", &DifferenceStats::narrowing}}};
};

/// For each (base metric, variant metric) index pair in `metrics`, the DifferenceStats over
/// the cubes' periods. The cubes must have the same replications and periods (their
/// metric lists may differ: a variant can add a section). Deterministic: every column is
/// reduced in replication order, whatever the thread count.
///
/// Throws std::invalid_argument if the shapes differ, a metric index is out of range, or a
/// cube has no replications.
///
/// Tested by tests/engine/paired_difference_test.cpp.
std::vector<DifferenceStats> paired_differences(
    const ResultCube& base, const ResultCube& variant,
    const std::vector<std::array<std::size_t, 2>>& metrics);

}  // namespace funnelsim::engine
