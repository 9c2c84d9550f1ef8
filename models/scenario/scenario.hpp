// The validated, in-memory scenario: what the loader produces and the simulation consumes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/scenario/capacity.hpp"
#include "models/scenario/compensation.hpp"
#include "models/scenario/distribution_spec.hpp"
#include "models/scenario/nurture.hpp"
#include "models/scenario/sales_ready.hpp"
#include "models/scenario/sla.hpp"
#include "models/scenario/valves.hpp"

namespace funnelsim::models {

/// The planning calendar. Months are calendar months; day 0 is the first day of `start`.
struct Calendar {
  int start_year = 2027;
  int start_month = 1;      ///< 1..12
  int horizon_months = 12;  ///< 1..120
  /// Monday = 0 ... Sunday = 6; default Monday to Friday.
  std::array<bool, 7> working_weekdays = {true, true, true, true, true, false, false};
  /// Holidays as (year, month, day); they count as non-working days.
  std::vector<std::array<int, 3>> holidays;
  /// Inquiry arrival intensity on a non-working day relative to a working day, for sources
  /// whose arrivals follow the calendar.
  double non_working_day_weight = 0.25;
  /// Relative inquiry intensity by local hour (24 weights, 00:00 first) for sources whose
  /// arrivals follow the calendar. Empty: every hour weighs the same.
  std::vector<double> arrival_hours;
};

struct Segment {
  std::string id;
  DistributionSpec deal_value;  ///< dollars
};

/// A scheduled burst of extra inquiries (an event, a launch) in one month.
struct Burst {
  int month_index = 0;  ///< months since calendar start, 0-based
  double volume = 0.0;  ///< expected extra inquiries (Poisson)
  int first_day = 1;    ///< 1-based day of month
  int days = 1;         ///< spread uniformly over this many days (clipped to the month)
};

struct Source {
  enum class Basis { Monthly, Daily };

  std::string id;
  Basis basis = Basis::Monthly;
  double volume = 0.0;  ///< expected inquiries per month (Monthly) or per arrival day (Daily)
  double trend = 0.0;   ///< compounding growth per month: factor (1 + trend)^month_index
  std::array<double, 12> seasonality = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};  ///< Jan..Dec
  /// Coefficient of variation of a gamma(mean 1) multiplier drawn per source and month:
  /// a Poisson-gamma mixture, i.e. negative binomial monthly counts. 0 = pure Poisson.
  double overdispersion = 0.0;
  std::vector<double> segment_mix;  ///< by segment index, sums to 1
  std::vector<Burst> bursts;
  /// true: arrivals weighted by the calendar (working days 1, others non_working_day_weight);
  /// false: all days weigh the same (a homogeneous Poisson process in continuous time).
  bool follows_calendar = true;
};

struct Transition {
  std::size_t to = 0;  ///< target stage index
  /// Probability for each (source, segment): index source * segment_count + segment.
  std::vector<ProbabilitySpec> probability;
  DistributionSpec delay;  ///< days from entering the source stage to entering the target
};

struct Stage {
  std::string id;
  std::string label;
  bool pipeline =
      false;  ///< entering it creates an opportunity: deal value drawn, pipeline.created
  bool bookings = false;  ///< entering it books the lead's deal value: bookings
  std::vector<Transition> transitions;
};

/// Leads already in a stage when the forecast starts.
struct InitialCohort {
  std::size_t stage = 0;
  std::uint64_t count = 0;
  double age_min_days = 0.0;  ///< ages uniform in [age_min_days, age_max_days]
  double age_max_days = 0.0;
  std::optional<std::size_t> source;   ///< absent: drawn by expected source volume share
  std::optional<std::size_t> segment;  ///< absent: drawn from the source's segment mix
  /// In the nurture stage: the track its leads are on (absent: the one for recycled leads).
  std::optional<NurtureTrack::Takes> track;
};

/// A lognormal multiplier with mean 1 shared by every source's volume in a month; its log
/// follows a stationary AR(1) across months.
struct VolumeShock {
  double sigma = 0.0;
  double autocorrelation = 0.0;
};

struct Scenario {
  std::string name;
  std::string description;
  Calendar calendar;
  std::vector<Segment> segments;  ///< at least one
  std::vector<Source> sources;    ///< at least one
  std::vector<Stage> stages;
  std::size_t entry_stage = 0;  ///< where sources' inquiries enter
  VolumeShock volume_shock;
  std::vector<InitialCohort> initial_funnel;
  Capacity capacity;                        ///< empty pools: unlimited capacity, no queues
  LeadAttributes leads;                     ///< per-lead attributes (none unless `leads`)
  SalesReady sales_ready;                   ///< criteria at acceptance (none unless set)
  Scoring scoring;                          ///< lead scoring (none unless set)
  Nurture nurture;                          ///< nurture stage and tracks (none unless set)
  Compensation compensation;                ///< SDR and AE pay plans (none unless set)
  Sla sla;                                  ///< SLA targets on forecast metrics (none unless set)
  Valves valves;                            ///< reserve programmes (none unless set)
  std::optional<std::uint64_t> seed;        ///< `run.seed`, if the file sets it
  std::optional<std::size_t> replications;  ///< `run.replications`, if the file sets it

  // Provenance, carried into every output so a result can be reproduced from the file alone.
  std::string file_name;               ///< path, or "<default>" for the embedded scenario
  std::string text;                    ///< the scenario text exactly as read
  std::vector<std::string> overrides;  ///< --set KEY=VALUE, in order

  std::size_t segment_count() const { return segments.size(); }
  const ProbabilitySpec& probability(const Transition& t, std::size_t source,
                                     std::size_t segment) const {
    return t.probability[source * segments.size() + segment];
  }
};

}  // namespace funnelsim::models
