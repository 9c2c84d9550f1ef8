// The `valves` section: what the team holds in reserve for when lead flow deviates from plan.
// Marketing's reserve programmes add inquiries when a month runs behind its SLA target; the
// SDRs' cold lists and the AEs' named accounts turn time that inbound leaves idle into leads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
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

/// What the two idle-time valves share. At the end of each day of the horizon, after the
/// pools' work of that day, a valve whose pool ends the day with at most
/// `when_waiting_at_most` leads waiting for a first attempt spends `idle_share` of the pool's
/// idle minutes that day on its list. Idle minutes: the reps' working windows that day (ramp
/// and time share applied, less the time their open deals take) less the minutes of the tasks
/// started that day. Inbound comes first: the valve's work never delays a lead in the queue.
struct IdleWork {
  std::string id;
  std::size_t pool = 0;          ///< the capacity pool whose idle time works the list
  std::size_t source = 0;        ///< the source the new leads belong to (segments, conversion)
  std::size_t enters = 0;        ///< the stage they enter, in the middle of the day of the work
  double idle_share = 1.0;       ///< (0, 1]: share of the idle minutes spent on the list
  int when_waiting_at_most = 0;  ///< >= 0: leads waiting at day end for the list to be worked
};

/// The SDRs' valve: a finite list of target accounts they call when inbound leaves them idle.
/// Each touch takes `touch_minutes`; a touched account is contacted with
/// `contact_probability` and, contacted, becomes a lead with `qualification_probability`
/// (it leaves the list); every other touched account cools off for `cooling_off_days` and is
/// then back on the list. So available + cooling + leads so far = size + replenished so far.
struct ColdList : IdleWork {
  std::uint64_t size = 0;                  ///< accounts on the list at the start
  std::uint64_t replenish_per_month = 0;   ///< added on the first day of each later month
  double touch_minutes = 10.0;             ///< > 0
  double contact_probability = 0.1;        ///< [0, 1]
  double qualification_probability = 0.2;  ///< [0, 1]
  double cooling_off_days = 90.0;          ///< >= 0
};

/// The AEs' valve: named accounts they prospect when inbound leaves them room. Each hour
/// spent on them opens `opportunities_per_hour` opportunities on average (a Poisson count per
/// day), at most one per account and `accounts` in all, each held by the pool's rep with the
/// fewest open deals who works that day and has room for one. Their leads are the `source`'s
/// (a source with no inquiries of its own), whose win rate and cycle may differ from
/// inbound's: `win_probability` replaces the probability of `enters`' transition to a
/// bookings stage (the other transitions keep their proportions), and `cycle_factor`
/// multiplies every delay out of `enters`.
struct NamedAccounts : IdleWork {
  std::uint64_t accounts = 0;           ///< named accounts that can yield an opportunity
  double opportunities_per_hour = 0.0;  ///< > 0
  std::optional<double> win_probability;
  double cycle_factor = 1.0;  ///< > 0
};

struct Valves {
  bool defined = false;
  std::vector<ReserveProgramme> reserve_programmes;  ///< file order
  std::vector<ColdList> cold_lists;                  ///< file order
  std::vector<NamedAccounts> named_accounts;         ///< file order
};

}  // namespace funnelsim::models
