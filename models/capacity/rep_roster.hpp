// The reps of one pool in one replication: who is on the team on which day, how far along
// their ramp, and the hours they work (headcount plan, ramp, attrition, backfill, schedule).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "engine/rng/random_stream.hpp"
#include "models/funnel/distribution_sampler.hpp"
#include "models/funnel/funnel_calendar.hpp"
#include "models/scenario/capacity.hpp"

namespace funnelsim::models {

/// Days in a month of tenure or attrition: the mean Gregorian month, 365.2425 / 12.
inline constexpr double DAYS_PER_MONTH = 30.4375;

/// One replication's roster of a rep pool. The constructor keeps what does not depend on
/// randomness (the pool's working days, the samplers); draw() then draws one replication's
/// reps from a single stream, reusing its memory, so one roster per pool can live in a
/// thread's scratch and be redrawn for every replication.
///
/// Rules (times in days since the forecast start, tenure in months of DAYS_PER_MONTH days):
/// - `headcount` starting reps start on day 0 with tenure `starting_tenure_months`, or, when
///   that is absent, fully ramped: tenure = the ramp's length (`ramp.size()`, or the rep's
///   own drawn `ramp_months`; 0 with no ramp), as scenario/capacity.hpp specifies.
/// - Each hire of a HirePlan starts on day ceil(month_start(month_index) + lag), the lag
///   drawn per hire, with tenure 0. Hires starting at or after the horizon are dropped.
/// - Attrition. Constant monthly hazard h > 0: leave_day = start_day + an exponential time
///   of rate -ln(1 - h) / DAYS_PER_MONTH per day (memoryless, so starting reps too). Tenure
///   distribution: a rep's total tenure T is drawn given T > tenure on start_day, and
///   leave_day = start_day + (T - tenure) * DAYS_PER_MONTH. No attrition: +infinity.
/// - Backfill: a rep leaving at L before the horizon is replaced by a rep of tenure 0
///   starting on day max(ceil(L + lag), leaver's start_day + 1) (the second term matters
///   only for a rep who left on the day they started with a zero lag, and guarantees
///   that a chain of backfills ends); the backfill may leave and be backfilled in turn.
///   Backfills starting at or after the horizon are dropped.
/// - A rep works day d iff start_day <= d < leave_day (a rep leaving partway through a day
///   works that day), d is one of the schedule's weekdays and, when the schedule observes
///   holidays, not a calendar holiday. Productivity on such a day is the ramp's value at
///   the tenure of the middle of the day (see productivity()).
///
/// Draw order (every draw from the stream passed to draw(), so a roster is a pure function
/// of the pool, the calendar and the stream's state). Per rep: [its start lag], then its
/// ramp length (when `ramp_months` is set), then its leaving time (when there is attrition;
/// a Fixed distribution consumes no draw). Reps are drawn, and stored, in this order:
/// 1. the starting reps, in order;
/// 2. the hires, in plan order and within a plan in order; a dropped hire consumes only its
///    lag, and a plan whose month is past the horizon consumes nothing;
/// 3. the backfills: a pass over the roster in index order, appended reps included, draws
///    for each rep leaving before the horizon the lag of its backfill and, unless that
///    backfill is dropped, the backfill's ramp length and leaving time, and appends it.
///
/// Tested by tests/models/rep_roster_test.cpp.
class RepRoster {
 public:
  /// One rep of the roster.
  struct Rep {
    double start_day = 0.0;  ///< integer-valued: first day the rep may work
    /// Continuous; the rep works day d < leave_day. +infinity: stays beyond the horizon.
    double leave_day = std::numeric_limits<double>::infinity();
    double tenure_at_start_months = 0.0;  ///< tenure on start_day
    double ramp_months = 0.0;             ///< own ramp length when the pool has ramp_months
  };

  /// A rep's working time on one day, in days since the forecast start; empty
  /// (end == begin) when the rep does not work that day.
  struct Window {
    double begin = 0.0;
    double end = 0.0;
    bool empty() const { return !(end > begin); }
  };

  /// Throws std::invalid_argument for a plan the rules cannot apply to (negative counts or
  /// months, a hazard outside [0, 1), both a hazard and a tenure distribution, a schedule
  /// outside 0 <= start_hour < 24, 0 < hours_per_day <= 24).
  RepRoster(const RepPool& pool, const FunnelCalendar& calendar);

  /// Draws one replication's reps, replacing the previous ones (memory is reused).
  void draw(engine::RandomStream& rng);

  std::size_t size() const { return reps_.size(); }
  const Rep& rep(std::size_t i) const { return reps_[i]; }
  const std::vector<Rep>& reps() const { return reps_; }

  /// Productivity in [0, 1] of rep i on day `day`: 0 if the rep does not work that day (see
  /// the class comment; also 0 outside the horizon); otherwise, at tenure
  /// t = tenure_at_start_months + (day + 0.5 - start_day) / DAYS_PER_MONTH months,
  /// ramp[floor(t)] (1 past the list's end) for a `ramp` list, min(1, t / ramp_months) for
  /// drawn ramp lengths (1 if ramp_months <= 0; when a pool sets both, the drawn lengths
  /// are used), and 1 with no ramp.
  double productivity(std::size_t i, int day) const;
  /// Share of the reps' working time spent on this pool's queue (compensation: AEs paid on
  /// new logos spend some on named accounts); multiplies productivity. 1 by default.
  void set_time_share(double share) { time_share_ = share; }

  /// Rep i's working time on day `day`: begin = day + start_hour / 24,
  /// end = begin + hours_per_day / 24 * productivity(i, day). With a 24-hour schedule at
  /// full productivity, consecutive days' windows are contiguous: [d, d + 1).
  Window window(std::size_t i, int day) const;

  /// Ramp-weighted full-time equivalents in forecast month m: the hours the reps work in m,
  /// productivity-weighted, over the hours one rep works on the pool's working days of m.
  /// 0 if the pool has no working day in m.
  double effective_fte(int month) const;

  /// Reps on the team at instant `day`: start_day <= day < leave_day.
  double headcount_at(double day) const;

  /// Whether the pool's schedule works day d (weekday, and holidays when observed);
  /// false outside [0, total_days()).
  bool is_working_day(int d) const {
    return d >= 0 && d < static_cast<int>(working_.size()) &&
           working_[static_cast<std::size_t>(d)] != 0;
  }
  /// The pool's working days in forecast month m.
  int working_days(int month) const { return working_days_[static_cast<std::size_t>(month)]; }

 private:
  /// Draws a rep's ramp length and leaving time (in that order) and appends it. Starting reps
  /// get the starting tenure, others tenure 0.
  void add_rep(engine::RandomStream& rng, double start_day, bool starting);

  // Calendar
  std::vector<int> month_start_;       ///< months() + 1 entries: the last is total_days
  std::vector<int> working_days_;      ///< per month
  std::vector<std::uint8_t> working_;  ///< per day of the horizon: 1 = a working day
  int total_days_ = 0;

  // Plan
  int headcount_ = 0;
  std::vector<HirePlan> hires_;
  std::vector<DistributionSampler> hire_lags_;  ///< per hire plan
  std::optional<double> starting_tenure_months_;
  std::vector<double> ramp_;
  bool ramp_drawn_ = false;  ///< pool.ramp_months is set
  DistributionSampler ramp_months_;
  double leave_mean_days_ = 0.0;  ///< > 0: constant hazard, exponential stay of this mean
  bool tenure_drawn_ = false;     ///< attrition.tenure_months is set
  DistributionSampler tenure_months_;
  std::optional<double> tenure_fixed_;  ///< a Fixed tenure: drawn without consuming the stream
  bool backfill_ = false;
  DistributionSampler backfill_lag_;
  double start_fraction_ = 0.0;  ///< start_hour / 24
  double day_fraction_ = 0.0;    ///< hours_per_day / 24

  std::vector<Rep> reps_;
  double time_share_ = 1.0;
};

/// The expected effective_fte(month) of a roster of `pool`, in closed form, for the plans
/// where it is exact: deterministic hires (Fixed lags), a constant monthly hazard or no
/// attrition, a fixed `ramp` list or none, no backfill and no drawn ramp_months. Then a
/// rep starting on day s is present on day d >= s with probability exp(-lambda (d - s)),
/// lambda = -ln(1 - h) / DAYS_PER_MONTH, and E[productivity] = that times the ramp's value.
/// Throws std::invalid_argument for any other plan. For tests and documentation.
double expected_effective_fte(const RepPool& pool, const FunnelCalendar& calendar, int month);

}  // namespace funnelsim::models
