// A scenario fitted to CRM history: volumes, conversion rates, delays and the starting funnel.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "models/calibration/delay_fit.hpp"
#include "models/calibration/history.hpp"
#include "models/calibration/volume_fit.hpp"
#include "models/scenario/scenario.hpp"

namespace funnelsim::calibration {

/// Month arithmetic on days since 1970-01-01 (UTC): a month is year * 12 + (month - 1).
int month_of_day(double days);
/// Days since 1970-01-01 of the first day of `month` (year * 12 + month - 1).
double month_start_day(int month);
/// "YYYY-MM".
std::string month_label(int month);

/// The months of `history` whose inquiries are complete: from the month of the first
/// entry-stage event (or first event) when it falls in that month's first 3 days, else the
/// next month; to the month of the last event when it falls in that month's last 3 days, else
/// the month before. Returned as [first, end) month numbers; first == end when none.
struct MonthSpan {
  int first = 0;
  int end = 0;
};
MonthSpan complete_months(const History& history);

struct CalibrationOptions {
  int horizon_months = 12;   ///< of the fitted scenario's calendar
  std::string history_name;  ///< the history file, for the comments
  VolumeFitOptions volume;
  DelayFitOptions delay;
  int max_em_iterations = 60;  ///< per stage; stops earlier when rates move < 1e-5
};

/// One estimate in the fit report.
struct FitLine {
  std::string key;      ///< the scenario key it sets, e.g. `sources.web.monthly_volume`
  double estimate = 0;  ///< in `unit`
  double se = -1;       ///< its standard error (posterior sd for rates); < 0: none
  double n = 0;         ///< sample size: months, leads (expected, for rates) or events
  std::string unit;     ///< "inquiries/month", "probability", "days", "$" ...
  std::string note;     ///< e.g. the delay family and why, or the months used
};

/// The delay of one transition: the candidates and the choice, for the report.
struct DelayChoice {
  std::string from, to;
  DelayFitResult fit;
  double events = 0, censored = 0;  ///< weighted, after EM
};

struct Calibration {
  std::string scenario_text;        ///< the fitted scenario: YAML, with comments on the data
  std::vector<FitLine> lines;       ///< the fit report, in scenario order
  std::vector<DelayChoice> delays;  ///< per transition
  std::vector<std::string> notes;   ///< what was left out and why (for the terminal and JSON)
  std::size_t leads = 0, events = 0;
  MonthSpan months;  ///< months of inquiries used for the volume fits
  int as_of_month = 0;
  std::size_t starting_leads = 0;  ///< leads in the starting funnel
};

/// Fits a scenario to `history`, using only events strictly before the first day of
/// `as_of_month` (the history may hold later ones: they are cut here, so nothing after the
/// as-of date can reach a fit). `structure` names the stages (ids, labels, the entry stage,
/// pipeline and bookings flags) and lends its calendar's working days, arrival hours and the
/// deal values of segments without amounts; everything else is fitted:
/// - per source: monthly volume, trend, seasonality and overdispersion (fit_monthly_volume on
///   the complete months of inquiries), the overdispersion widened by the level's own
///   uncertainty; the segment mix from the leads' segments;
/// - per transition seen in the history (a lead entering stage A, then stage B): its delay
///   (fit_delay, right-censored) and, per source, its probability as a Beta posterior pooled
///   toward the all-source rate (pool_rates); with two or more segments in the history, per
///   segment within each source too, pooled toward that source's rate (a by_segment table
///   inside by_source). A lead still in a stage on the as-of date is
///   censored: an EM step splits it between "will still move by transition t" (in proportion
///   to p_t S_t(age)) and "has left", so neither rates nor delays are biased by leads that
///   have not finished;
/// - per segment with amounts: a lognormal deal value;
/// - the starting funnel: every lead whose last event is in a stage with transitions and
///   that, at its age, still has at least a 0.1% fitted chance of moving on, by stage,
///   source, segment and age band.
/// Throws std::invalid_argument when the history has no events before the as-of date.
Calibration calibrate(const History& history, const models::Scenario& structure, int as_of_month,
                      const CalibrationOptions& options = {});

}  // namespace funnelsim::calibration
