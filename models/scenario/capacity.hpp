// The `capacity` section: rep pools (SDRs, AEs), their headcount plans, working hours, work
// content, queue discipline and the speed-to-lead decay of the leads they work.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/scenario/distribution_spec.hpp"

namespace funnelsim::models {

/// A multiplier in [0, 1] applied to a probability as a function of the wait in minutes.
/// None: always 1. HalfLife: 2^(-wait / half_life). Points: linear between (minutes,
/// multiplier) points, minutes strictly increasing, multipliers non-increasing; the first
/// point's multiplier holds before it and the last one's after it.
struct DecayCurve {
  enum class Kind { None, HalfLife, Points };
  Kind kind = Kind::None;
  double half_life_minutes = 0.0;
  std::vector<std::pair<double, double>> points;

  double operator()(double wait_minutes) const;
  bool active() const { return kind != Kind::None; }
};

/// A requisition: opened at the start of `month_index`; each of `count` hires starts
/// `lag_days` (drawn per hire) after that.
struct HirePlan {
  int month_index = 0;  ///< months since calendar start, 0-based
  int count = 1;
  DistributionSpec lag_days;  ///< default Fixed 0
};

/// How reps leave. Either a constant monthly hazard (the probability of leaving within a
/// month of 30.4375 days, the same for every tenure) or a tenure distribution in months
/// (the rep's total tenure; for reps already on the team at the start, the remaining tenure
/// is drawn given the tenure they already have).
struct Attrition {
  double monthly_hazard = 0.0;                    ///< 0 <= h < 1
  std::optional<DistributionSpec> tenure_months;  ///< exclusive with monthly_hazard > 0
  /// When set, a leaver is replaced: the backfill starts this many days after they leave.
  std::optional<DistributionSpec> backfill_lag_days;
};

/// When the pool's reps work. Times are local clock hours on the forecast's days.
struct WorkSchedule {
  std::array<bool, 7> days = {true, true, true, true, true, false, false};  ///< Monday first
  double start_hour = 9.0;                                                  ///< 0 <= start < 24
  double hours_per_day = 8.0;    ///< 0 < hours <= 24; start + hours may pass midnight only at 24
  bool observe_holidays = true;  ///< calendar holidays are days off
};

/// Which waiting lead a free rep takes next.
enum class QueueDiscipline { Fifo, NewestFirst, HighestScore };

/// One pool of reps working the leads that enter some stages.
struct RepPool {
  /// Sets the defaults: an SDR ramps over 3 months, an AE over a random lognormal time
  /// with median 5 months (the published figures, see scenarios/README.md).
  enum class Role { Sdr, Ae };

  std::string id;
  std::string label;
  Role role = Role::Sdr;

  /// Stages whose entering leads queue for this pool (leads it may take: see the filters).
  std::vector<std::size_t> works;
  /// Source and segment filters, by index; empty = all. A lead queues for the first pool in
  /// file order that works its stage and accepts its source and segment.
  std::vector<bool> sources;
  std::vector<bool> segments;

  // ---- Headcount plan
  int headcount = 0;  ///< reps on the team at the start
  /// Tenure in months of the starting reps (they are this far along the ramp).
  /// Default: fully ramped (the ramp's length).
  std::optional<double> starting_tenure_months;
  std::vector<HirePlan> hires;
  /// Productivity by tenure month (entry 0 = first month), each in (0, 1]; 1 after the
  /// last entry. Empty (and no ramp_months): productive from day one.
  std::vector<double> ramp;
  /// Instead of `ramp`: each rep's ramp length in months, drawn per rep; productivity
  /// rises linearly from 0 to 1 over it.
  std::optional<DistributionSpec> ramp_months;
  Attrition attrition;
  WorkSchedule schedule;

  // ---- Work content (minutes of a rep's time)
  DistributionSpec attempt_minutes;        ///< one contact attempt (call, email, voicemail)
  double attempt_interval_hours = 24.0;    ///< earliest next attempt after an unanswered one
  int max_attempts = 1;                    ///< >= 1
  double contact_probability = 1.0;        ///< an attempt reaches the lead, at zero wait
  DistributionSpec qualification_minutes;  ///< the conversation once the lead is reached
  /// AEs: leads this pool worked occupy their rep while in these stages (open deals).
  std::vector<std::size_t> holds;
  int max_open = 0;                    ///< open deals a rep can hold; 0 = no limit
  double open_minutes_per_week = 0.0;  ///< work each open deal takes from its rep's week

  // ---- Queue and speed to lead
  QueueDiscipline discipline = QueueDiscipline::Fifo;
  /// Score of a lead for HighestScore, per (source, segment) pair: source * segments +
  /// segment. Empty: every lead scores 0 (then the discipline is FIFO).
  std::vector<double> score;
  DecayCurve contact_decay;        ///< multiplies contact_probability, by wait at the attempt
  DecayCurve qualification_decay;  ///< multiplies the `qualifies` transitions, by first wait
  /// Targets (stage indices) of the worked stages' transitions whose probability decays.
  /// Empty: every transition of a worked stage except the one to `lost_to`.
  std::vector<std::size_t> qualifies;
  /// Days a lead may wait for its first attempt; after that it expires. 0 = never.
  double expire_after_days = 0.0;
  /// Where expired, never-reached and decayed leads go; nullopt = they leave the forecast.
  std::optional<std::size_t> lost_to;
  double sla_minutes = 60.0;  ///< response-time target for `queue.<pool>.within_sla`
};

struct Capacity {
  std::vector<RepPool> pools;
  /// Run each replication a second time without capacity limits (same random numbers) to
  /// report `queue.<pool>.conversions_lost`. Doubles the cost of scenarios with pools.
  bool report_lost_conversions = true;
};

}  // namespace funnelsim::models
