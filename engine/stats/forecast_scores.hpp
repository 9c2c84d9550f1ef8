// Scores of an ensemble forecast against the outcome: CRPS and central-interval coverage.
#pragma once

#include <span>

namespace funnelsim::engine {

/// The continuous ranked probability score of the ensemble `samples` for the outcome y, in
/// the outcome's units (lower is better; 0 only when every member equals y):
///
///   CRPS(F, y) = integral of (F(t) - 1{t >= y})^2 dt = E|X - y| - 1/2 E|X - X'|,
///
/// with F the ensemble's empirical distribution, each member weight 1/n. This is the plain
/// ("empirical") CRPS, whose E|X - X'| averages over all n^2 ordered pairs including each
/// member with itself; the "fair" variant of Ferro (2014), which divides by n(n - 1) and is
/// unbiased for the CRPS of the distribution the members were drawn from, is NOT used. The
/// plain score overstates that CRPS by E|X - X'| / (2n), negligible for the thousands of
/// replications of a forecast, and it is the score of the forecast actually reported. A
/// one-member ensemble scores |x - y|.
///
/// `samples` may be in any order; they are copied and sorted, O(n log n). The score is then
/// summed as the integral over the intervals between consecutive sorted members (and y):
/// every term is a width times a square, never negative, so no cancellation can occur however
/// large the values are relative to their spread.
///
/// Throws std::invalid_argument if `samples` is empty or y or a member is not finite.
///
/// Tested by tests/engine/forecast_scores_test.cpp.
double crps_ensemble(std::span<const double> samples, double y);

/// Whether y lies in the central interval of probability `level` of the ensemble: between
/// its quantiles (1 - level) / 2 and (1 + level) / 2, both ends included (level 0.8: from
/// the 10% to the 90% quantile). Quantiles are type 7 as in engine/stats/quantile.hpp, so
/// the interval matches the bands the summaries report. The two quantile levels are rounded
/// to 12 decimals first: (1 - 0.8) / 2 evaluates to 0.09999999999999998, not the double 0.1
/// a reader means, and that last-bit difference could move an outcome lying exactly on a
/// quantile across the edge. level 1 gives [min, max]; level 0 the median alone. A NaN y is
/// never covered.
///
/// Throws std::invalid_argument if `sorted_samples` is empty or not in ascending order, or
/// level is not in [0, 1].
///
/// Tested by tests/engine/forecast_scores_test.cpp.
bool covers(std::span<const double> sorted_samples, double y, double level);

}  // namespace funnelsim::engine
