// The SLA's commitments: what a target's metric reaches with a given confidence, per month,
// quarter and horizon, and the probability of meeting the target as written.
#pragma once

#include <string>
#include <vector>

#include "models/funnel/forecast.hpp"
#include "models/scenario/sla.hpp"

namespace funnelsim::models {

/// The commitment at confidence q over one period's values: for an at_least target the
/// largest v with P(X >= v) >= q, for an at_most target the smallest v with P(X <= v) >= q,
/// both exact order statistics of the replications (scenarios/README.md, sla).
double commitment(std::vector<double> values, double confidence, bool at_least);

/// Per period label (months, then quarters and total): the commitment, the mean, the target
/// as written for that period (a summed metric's monthly value times the months), and the
/// probability of meeting it.
struct CommitmentTable {
  SlaTarget target;
  std::vector<std::string> labels;
  std::vector<double> commit, mean, written, p_meet;
  /// With valves in the scenario: the same run without them (empty otherwise).
  std::vector<double> commit_without, p_meet_without;
};

CommitmentTable commitment_table(const Forecast& forecast, const SlaTarget& target,
                                 double confidence);

}  // namespace funnelsim::models
