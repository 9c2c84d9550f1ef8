// Partial pooling of conversion rates across groups (sources, segments, reps): empirical Bayes
// with a beta prior whose strength is fitted to the spread between the groups.
#pragma once

#include <span>
#include <vector>

namespace funnelsim::calibration {

/// The history of one group: `successes` out of `trials` (conversions out of leads that reached
/// the stage). Fractional counts are allowed, e.g. expected counts from an EM step; 0 <=
/// successes <= trials.
struct RateGroup {
  double successes = 0;
  double trials = 0;
};

/// A Beta(alpha, beta) distribution of a rate; alpha, beta > 0.
struct PooledRate {
  double alpha = 0, beta = 0;
  /// alpha / (alpha + beta).
  double mean() const;
  /// sqrt(alpha beta / ((alpha + beta)^2 (alpha + beta + 1))).
  double sd() const;
};

/// The pooled rates of a set of groups.
struct RatePooling {
  /// Sum of successes / sum of trials over all groups; 0 when there are no trials.
  double overall = 0;
  /// kappa, the prior's strength in pseudo-trials: the groups' rates are modelled as draws
  /// from Beta(kappa p, kappa (1 - p)), p the prior mean (see pool_rates). 1e6 (the upper
  /// end of the search) means complete pooling; 0 means no pooling was done (fewer than two
  /// groups with trials).
  double prior_strength = 0;
  /// One posterior per input group, in input order.
  std::vector<PooledRate> groups;
  /// Jeffreys posterior Beta(X + 1/2, N - X + 1/2) of the totals X successes in N trials.
  PooledRate overall_posterior;
};

/// Empirical Bayes partial pooling of the groups' rates.
///
/// Model: group i's rate r_i ~ Beta(kappa p, kappa (1 - p)); its successes x_i given r_i
/// are binomial in its n_i trials. The prior mean p is the pooled rate sum x / sum n (when
/// that is exactly 0 or 1 the prior would be improper, and the Jeffreys posterior mean of the
/// totals, (X + 1/2) / (N + 1), is used instead). kappa maximises the beta-binomial marginal
/// likelihood of the groups,
///
///   sum_i log B(kappa p + x_i, kappa (1 - p) + n_i - x_i) - log B(kappa p, kappa (1 - p)),
///
/// written with log-gamma functions of real arguments so fractional counts are valid. It is
/// searched on log kappa over [log 1, log 1e6]: a grid of 121 points, then golden-section
/// refinement around the best; an end of the range is returned exactly when it is the best.
/// Groups whose rates agree more closely than binomial noise allows (identical groups, for
/// one) drive kappa to 1e6, complete pooling; widely different groups to small kappa, each
/// group then keeping close to its own rate. Each group's posterior is
/// Beta(kappa p + x_i, kappa (1 - p) + n_i - x_i); a group with no trials gets the prior.
///
/// With fewer than two groups that have trials there is no spread to learn kappa from, and
/// every group gets the Jeffreys posterior Beta(x_i + 1/2, n_i - x_i + 1/2) of its own counts
/// (Beta(1/2, 1/2) for no trials); prior_strength is then 0.
///
/// Note that at kappa = 1e6 the group posteriors have an sd of about sqrt(p (1 - p) / 1e6),
/// far below the uncertainty of p itself when the groups hold fewer trials than that: it
/// says the groups do not differ, not that the rate is known. overall_posterior carries the
/// uncertainty of the shared rate.
///
/// Throws std::invalid_argument if a count is negative or not finite, or successes exceed
/// trials (by more than a rounding error of 1e-9 relative, which is clamped).
///
/// Tested by tests/models/calibration/rate_pooling_test.cpp.
RatePooling pool_rates(std::span<const RateGroup> groups);

}  // namespace funnelsim::calibration
