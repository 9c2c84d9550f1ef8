#include "models/capacity/rep_roster.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/sampling/exponential.hpp"

namespace funnelsim::models {
namespace {

/// Productivity at tenure t months: the `ramp` list's entry for tenure month floor(t) (1 past
/// its end), or linear over a drawn ramp length, or 1.
double ramp_value(const std::vector<double>& ramp, bool drawn, double ramp_months, double t) {
  if (drawn) return ramp_months > 0.0 ? std::min(1.0, t / ramp_months) : 1.0;
  const double month = std::max(0.0, std::floor(t));
  return month < static_cast<double>(ramp.size()) ? ramp[static_cast<std::size_t>(month)] : 1.0;
}

[[noreturn]] void reject(const RepPool& pool, const std::string& rule) {
  throw std::invalid_argument("rep pool '" + pool.id + "': " + rule);
}

}  // namespace

RepRoster::RepRoster(const RepPool& pool, const FunnelCalendar& calendar) {
  const Attrition& attrition = pool.attrition;
  const WorkSchedule& schedule = pool.schedule;
  if (pool.headcount < 0) reject(pool, "headcount must be >= 0");
  for (const HirePlan& plan : pool.hires)
    if (plan.month_index < 0 || plan.count < 0)
      reject(pool, "a hire plan's month_index and count must be >= 0");
  if (!(attrition.monthly_hazard >= 0.0 && attrition.monthly_hazard < 1.0))
    reject(pool, "monthly_hazard must be in [0, 1)");
  if (attrition.monthly_hazard > 0.0 && attrition.tenure_months)
    reject(pool, "attrition takes a monthly_hazard or a tenure distribution, not both");
  if (!(schedule.start_hour >= 0.0 && schedule.start_hour < 24.0))
    reject(pool, "start_hour must be in [0, 24)");
  if (!(schedule.hours_per_day > 0.0 && schedule.hours_per_day <= 24.0))
    reject(pool, "hours_per_day must be in (0, 24]");

  // The pool's working days: its weekdays, less the calendar's holidays if it observes them.
  total_days_ = calendar.total_days();
  working_.resize(static_cast<std::size_t>(total_days_));
  for (int d = 0; d < total_days_; ++d) {
    const bool works = schedule.days[static_cast<std::size_t>(calendar.weekday(d))] &&
                       !(schedule.observe_holidays && calendar.is_holiday(d));
    working_[static_cast<std::size_t>(d)] = works ? 1 : 0;
  }
  for (int m = 0; m < calendar.months(); ++m) {
    month_start_.push_back(calendar.month_start(m));
    int working = 0;
    for (int d = calendar.month_start(m); d < calendar.month_start(m) + calendar.month_days(m); ++d)
      working += is_working_day(d) ? 1 : 0;
    working_days_.push_back(working);
  }
  month_start_.push_back(total_days_);

  headcount_ = pool.headcount;
  hires_ = pool.hires;
  for (const HirePlan& plan : pool.hires) hire_lags_.emplace_back(plan.lag_days);
  starting_tenure_months_ = pool.starting_tenure_months;
  ramp_ = pool.ramp;
  if (pool.ramp_months) {
    ramp_drawn_ = true;
    ramp_months_ = DistributionSampler(*pool.ramp_months);
  }
  if (attrition.monthly_hazard > 0.0)
    leave_mean_days_ = DAYS_PER_MONTH / -std::log1p(-attrition.monthly_hazard);
  if (attrition.tenure_months) {
    tenure_drawn_ = true;
    tenure_months_ = DistributionSampler(*attrition.tenure_months);
    if (attrition.tenure_months->kind == DistributionSpec::Kind::Fixed)
      tenure_fixed_ = attrition.tenure_months->a;
  }
  if (attrition.backfill_lag_days) {
    backfill_ = true;
    backfill_lag_ = DistributionSampler(*attrition.backfill_lag_days);
  }
  start_fraction_ = schedule.start_hour / 24.0;
  day_fraction_ = schedule.hours_per_day / 24.0;
}

void RepRoster::add_rep(engine::RandomStream& rng, double start_day, bool starting) {
  Rep r;
  r.start_day = start_day;
  if (ramp_drawn_) r.ramp_months = ramp_months_(rng);
  if (starting) {
    // Absent a starting tenure, starting reps are fully ramped: the ramp's length.
    r.tenure_at_start_months = starting_tenure_months_ ? *starting_tenure_months_
                               : ramp_drawn_           ? r.ramp_months
                                                       : static_cast<double>(ramp_.size());
  }
  if (leave_mean_days_ > 0.0) {
    r.leave_day = start_day + engine::sample_exponential(rng, leave_mean_days_);
  } else if (tenure_drawn_) {
    // Remaining tenure: T - tau given T > tau, tau the tenure on start_day.
    const double tau = r.tenure_at_start_months;
    double remaining = 0.0;
    if (tenure_fixed_)
      remaining = std::max(*tenure_fixed_ - tau, 0.0);
    else if (tau > 0.0)
      remaining = tenure_months_.sample_above(rng, tau) - tau;
    else
      remaining = tenure_months_(rng);
    r.leave_day = start_day + remaining * DAYS_PER_MONTH;
  }
  reps_.push_back(r);
}

void RepRoster::draw(engine::RandomStream& rng) {
  reps_.clear();
  const double horizon = static_cast<double>(total_days_);
  for (int i = 0; i < headcount_; ++i) add_rep(rng, 0.0, true);

  const int months = static_cast<int>(working_days_.size());
  for (std::size_t p = 0; p < hires_.size(); ++p) {
    const HirePlan& plan = hires_[p];
    if (plan.month_index >= months) continue;
    const double opened =
        static_cast<double>(month_start_[static_cast<std::size_t>(plan.month_index)]);
    for (int c = 0; c < plan.count; ++c) {
      const double start = std::ceil(opened + hire_lags_[p](rng));
      if (start < horizon) add_rep(rng, start, false);
    }
  }

  if (!backfill_) return;
  // The loop also visits the backfills it appends, so chains of replacements are followed.
  // Each backfill starts at least a day after the rep it replaces, so the loop ends.
  for (std::size_t i = 0; i < reps_.size(); ++i) {
    const Rep leaver = reps_[i];  // a copy: add_rep may reallocate
    if (!(leaver.leave_day < horizon)) continue;
    const double start =
        std::max(std::ceil(leaver.leave_day + backfill_lag_(rng)), leaver.start_day + 1.0);
    if (start < horizon) add_rep(rng, start, false);
  }
}

double RepRoster::productivity(std::size_t i, int day) const {
  if (!is_working_day(day)) return 0.0;
  const Rep& r = reps_[i];
  const double d = static_cast<double>(day);
  if (d < r.start_day || !(d < r.leave_day)) return 0.0;
  const double tenure = r.tenure_at_start_months + (d + 0.5 - r.start_day) / DAYS_PER_MONTH;
  return time_share_ * ramp_value(ramp_, ramp_drawn_, r.ramp_months, tenure);
}

RepRoster::Window RepRoster::window(std::size_t i, int day) const {
  Window w;
  w.begin = static_cast<double>(day) + start_fraction_;
  w.end = w.begin + day_fraction_ * productivity(i, day);
  return w;
}

double RepRoster::effective_fte(int month) const {
  const int working = working_days_[static_cast<std::size_t>(month)];
  if (working == 0) return 0.0;
  const int first = month_start_[static_cast<std::size_t>(month)];
  const int end = month_start_[static_cast<std::size_t>(month) + 1];
  // Hours cancel: sum of productivity x hours_per_day over hours_per_day x working days.
  double sum = 0.0;
  for (std::size_t i = 0; i < reps_.size(); ++i) {
    const Rep& r = reps_[i];
    if (!(r.start_day < end) || !(r.leave_day > first)) continue;
    // Only the days the rep is on the team: start_day <= d and d < leave_day, that is
    // d < ceil(leave_day) for whole days d.
    const int lo = std::max(first, static_cast<int>(r.start_day));
    const int hi = r.leave_day < end ? static_cast<int>(std::ceil(r.leave_day)) : end;
    for (int d = lo; d < hi; ++d) sum += productivity(i, d);
  }
  return sum / static_cast<double>(working);
}

double RepRoster::headcount_at(double day) const {
  int present = 0;
  for (const Rep& r : reps_) present += (r.start_day <= day && day < r.leave_day) ? 1 : 0;
  return static_cast<double>(present);
}

double expected_effective_fte(const RepPool& pool, const FunnelCalendar& calendar, int month) {
  const auto outside = [&pool](const char* why) {
    throw std::invalid_argument("expected_effective_fte: rep pool '" + pool.id + "' " + why +
                                ": no closed form");
  };
  for (const HirePlan& plan : pool.hires)
    if (plan.lag_days.kind != DistributionSpec::Kind::Fixed) outside("has random hiring lags");
  if (pool.attrition.tenure_months) outside("draws tenures");
  if (pool.attrition.backfill_lag_days) outside("backfills");
  if (pool.ramp_months) outside("draws ramp lengths");
  if (month < 0 || month >= calendar.months())
    throw std::invalid_argument("expected_effective_fte: month " + std::to_string(month) +
                                " is outside the calendar");
  const RepRoster roster(pool, calendar);  // validates the plan; the pool's working days
  const int working = roster.working_days(month);
  if (working == 0) return 0.0;

  // (start day, tenure at start, reps) of each deterministic cohort.
  struct Cohort {
    double start;
    double tenure;
    int count;
  };
  std::vector<Cohort> cohorts;
  cohorts.push_back({0.0,
                     pool.starting_tenure_months ? *pool.starting_tenure_months
                                                 : static_cast<double>(pool.ramp.size()),
                     pool.headcount});
  for (const HirePlan& plan : pool.hires) {
    if (plan.month_index >= calendar.months()) continue;
    const double start = std::ceil(calendar.month_start(plan.month_index) + plan.lag_days.a);
    if (start < calendar.total_days()) cohorts.push_back({start, 0.0, plan.count});
  }

  const double lambda = -std::log1p(-pool.attrition.monthly_hazard) / DAYS_PER_MONTH;
  const int first = calendar.month_start(month);
  double sum = 0.0;
  for (const Cohort& c : cohorts) {
    for (int day = first; day < first + calendar.month_days(month); ++day) {
      const double d = static_cast<double>(day);
      if (!roster.is_working_day(day) || d < c.start) continue;
      const double tenure = c.tenure + (d + 0.5 - c.start) / DAYS_PER_MONTH;
      sum +=
          c.count * std::exp(-lambda * (d - c.start)) * ramp_value(pool.ramp, false, 0.0, tenure);
    }
  }
  return sum / static_cast<double>(working);
}

}  // namespace funnelsim::models
