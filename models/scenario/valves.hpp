// The `valves` section: what the team holds in reserve for when lead flow falls behind plan.
// This version models marketing's valve, reserve programmes; the SDRs' cold list and the AEs'
// named accounts are to come (issue 5).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "models/scenario/distribution_spec.hpp"

namespace funnelsim::models {

/// A programme marketing can launch at short notice (a webinar blitz, a paid push, a
/// syndication top-up) when the month runs behind its SLA target.
struct ReserveProgramme {
  std::string id;
  std::size_t source = 0;       ///< the source its leads look like (segments, fit, conversion)
  DistributionSpec yield;       ///< leads per firing, drawn per firing (rounded to a whole number)
  double lead_time_days = 0.0;  ///< from the trigger to the first leads, >= 0, < the horizon
  double spread_days = 0.0;     ///< leads arrive uniformly over this many days after that
  double cost = 0.0;            ///< $ per firing, >= 0
  double cooldown_days = 0.0;   ///< no new firing this many days after one
  int max_per_quarter = 1;      ///< firings per calendar quarter, >= 1
  double budget = 0.0;          ///< $ over the horizon; 0 = no limit
  /// The trigger: at the end of each of these days of the month (1-based, ascending), if
  /// the month-to-date value of the target's stage volume is below `below` times the target
  /// pro-rated to that day (monthly value x day / days in the month), fire.
  std::size_t target = 0;  ///< index into Sla::targets; its metric is volume.<stage>
  std::size_t stage = 0;   ///< that stage's index
  std::vector<int> check_days;
  double below = 0.8;  ///< (0, 2]
};

struct Valves {
  bool defined = false;
  std::vector<ReserveProgramme> reserve_programmes;  ///< file order
};

}  // namespace funnelsim::models
