// A positive continuous distribution as written in a scenario (delays in days, deal values in $).
#pragma once

#include <vector>

namespace funnelsim::models {

/// Normalised form of every distribution the scenario language accepts. The loader maps
/// the alternative parameterisations (gamma by mean and cv, lognormal by median or mean,
/// exponential by mean) onto these fields, so the simulation sees one form per kind.
struct DistributionSpec {
  enum class Kind { Fixed, Exponential, Gamma, Lognormal, Weibull, Empirical };

  Kind kind = Kind::Fixed;
  /// Fixed: a = value. Exponential: a = mean. Gamma: a = shape, b = scale.
  /// Lognormal: a = mu (log of the median), b = sigma. Weibull: a = shape, b = scale.
  double a = 0.0;
  double b = 0.0;
  /// Empirical: bin i is [edges[i], edges[i+1]) with probability probabilities[i]; the
  /// value is uniform inside its bin. edges.size() == probabilities.size() + 1.
  std::vector<double> edges;
  std::vector<double> probabilities;

  /// Expected value (used for validation messages, analytic checks and documentation).
  double mean() const;
};

/// A transition probability: fixed, or uncertain (Beta, drawn once per replication), or the
/// remainder of the stage's other outgoing probabilities. Scored: the remainder too, but the
/// leads that take it are then scored (Scoring), and only those at the threshold move on.
struct ProbabilitySpec {
  enum class Kind { Fixed, Beta, Remainder, Scored };

  Kind kind = Kind::Fixed;
  double value = 0.0;  ///< Fixed
  double alpha = 0.0;  ///< Beta
  double beta = 0.0;   ///< Beta

  double mean() const {
    return kind == Kind::Beta ? alpha / (alpha + beta) : kind == Kind::Fixed ? value : 0.0;
  }
};

}  // namespace funnelsim::models
