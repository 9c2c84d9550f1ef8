// The per-replication simulation of the funnel: sources, stage transitions, delays, dollars.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/sampling/samplers.hpp"
#include "engine/stats/period_aggregation.hpp"
#include "models/funnel/distribution_sampler.hpp"
#include "models/funnel/funnel_calendar.hpp"
#include "models/funnel/lead.hpp"
#include "models/funnel/nurture_track.hpp"
#include "models/scenario/scenario.hpp"

namespace funnelsim::models {

/// A ReplicationModel over a validated Scenario. Metrics, per forecast month:
/// `volume.<stage id>` (leads entering the stage, in stage order), then `pipeline.created`
/// and `bookings` (dollars), then per rep pool the capacity and queue metrics, then with
/// `sales_ready` a `sales_ready.rejected.<reason>` count per reason in force,
/// `sales_ready.recycled` and `sales_ready.accepted`; then `stock.<stage id>` (leads in each
/// stage at month end) and `funnel.left` (leads leaving the model); then with `scoring` the
/// time-to-MQL quantiles, and with `nurture` its entries, returns and exits (docs/model.md).
///
/// How a replication runs (see docs/model.md for the full statement):
/// - uncertain probabilities are drawn once; then the common volume shock and each
///   source's overdispersion multiplier per month;
/// - inquiries are counts: Poisson per (source, month), split by segment and then over the
///   entry stage's transitions by multinomial draws. Only leads that take a transition get
///   an arrival instant and a delay (Poisson thinning), so leads that leave cost nothing;
/// - every other stage moves individual leads (time, source, segment, deal value), one stage
///   at a time over a batch, month by month, so later capabilities (queues, per-lead state,
///   month-to-date valves) can act on one month's leads together.
/// Each (stage or transition, source) pair draws from its own stream, so a change to one
/// source or one transition leaves the random numbers of the others where they were.
///
/// Tested by tests/models/funnel_analytic_test.cpp (R1 against numerical convolution, cycles
/// against the absorbing-chain fundamental matrix) and tests/models/reproducibility_test.cpp.
/// One lead entering one stage, as a CRM would log it (FunnelModel::simulate_history).
struct StageEvent {
  std::uint32_t lead = 0;     ///< the lead's number, from 1, unique within the replication
  std::uint16_t stage = 0;    ///< stage index
  std::uint16_t segment = 0;  ///< segment index
  std::uint32_t source = 0;   ///< source index
  float value = -1.0f;        ///< deal value in dollars once drawn (pipeline stages); < 0 before
  double time = 0.0;          ///< days since the forecast start; negative: before it
};

class FunnelModel {
 public:
  /// Largest number of sources (stream substreams are stage * MAX_SOURCES + source).
  static constexpr std::size_t MAX_SOURCES = 1024;

  explicit FunnelModel(Scenario scenario);

  std::size_t period_count() const { return static_cast<std::size_t>(calendar_.months()); }
  std::vector<std::string> metric_names() const { return metric_names_; }
  /// How each metric's months combine into quarters and the horizon total: volumes, dollars
  /// and event counts add up; levels (FTE, utilisation, shares, response times, the mean
  /// number waiting, time to MQL) are averaged over the months; stocks at month end
  /// (headcount, backlog, open deals, `stock.*`) take the last month.
  std::vector<engine::PeriodAggregation> metric_aggregations() const;
  /// Per metric: what a derived metric (a cost per lead, an SLA target met) is derived from,
  /// for aggregate_periods; {} for every other metric.
  std::vector<engine::PeriodDerivation> metric_derivations() const;
  const std::vector<std::string>& period_labels() const { return calendar_.labels(); }
  const Scenario& scenario() const { return scenario_; }
  const FunnelCalendar& calendar() const { return calendar_; }

  std::size_t volume_metric(std::size_t stage) const { return stage; }
  std::size_t pipeline_metric() const { return scenario_.stages.size(); }
  std::size_t bookings_metric() const { return scenario_.stages.size() + 1; }
  /// Per pool, in this order from pool_metric(p, HEADCOUNT); see docs/model.md.
  enum PoolMetric : std::size_t {
    HEADCOUNT,
    FTE,
    UTILISATION,
    IDLE_HOURS,
    OPEN_DEALS,
    ARRIVALS,
    BACKLOG,
    MEAN_WAITING,
    RESPONSE_P50,
    RESPONSE_P90,
    RESPONSE_MEAN,
    WITHIN_SLA,
    EXPIRED,
    UNREACHED,
    DECAYED,
    QUALIFIED,
    CONVERSIONS_LOST,
    POOL_METRIC_COUNT
  };
  /// Metric names by PoolMetric, with {} standing for the pool id.
  static constexpr const char* POOL_METRIC_NAMES[POOL_METRIC_COUNT] = {
      "capacity.{}.headcount",
      "capacity.{}.fte",
      "capacity.{}.utilisation",
      "capacity.{}.idle_hours",
      "capacity.{}.open_deals",
      "queue.{}.arrivals",
      "queue.{}.backlog",
      "queue.{}.mean_waiting",
      "queue.{}.response_p50_minutes",
      "queue.{}.response_p90_minutes",
      "queue.{}.response_mean_minutes",
      "queue.{}.within_sla",
      "queue.{}.expired",
      "queue.{}.unreached",
      "queue.{}.decayed",
      "queue.{}.qualified",
      "queue.{}.conversions_lost"};
  std::size_t pool_metric(std::size_t pool, PoolMetric which) const {
    return capacity_metric_ + pool * POOL_METRIC_COUNT + which;
  }

  /// Expected inquiries of source s in forecast month m before shocks and overdispersion
  /// (bursts excluded). Exposed for analytic tests and for the initial funnel's source mix.
  double expected_volume(std::size_t source, int month) const {
    return expected_volume_[source * period_count() + static_cast<std::size_t>(month)];
  }

  /// Simulates replication `replication` of the run with `seed`; writes
  /// out[month * metrics + metric]. Thread-safe; a pure function of its arguments.
  void simulate(std::uint64_t seed, std::uint64_t replication, std::span<double> out) const;

  /// The same replication, recording every stage entry of every lead in `events` (cleared
  /// first), in the order the simulation makes them: inquiries that leave at once included
  /// (their instants are drawn only here, so the run's later arrival instants differ from
  /// simulate's), leads of the starting funnel entering their stage at minus their age.
  /// Without the twin run for `queue.<pool>.conversions_lost` (those metrics are 0); every
  /// other metric is written to `out` as simulate would. For synthetic CRM history.
  void simulate_history(std::uint64_t seed, std::uint64_t replication, std::span<double> out,
                        std::vector<StageEvent>& events) const;

 private:
  struct FlatTransition {
    std::size_t from = 0;
    std::size_t to = 0;
    bool remainder = false;
    DistributionSampler delay;
  };
  struct Replication;  // per-call scratch, defined in the .cpp

  void draw_probabilities(Replication& r) const;
  void generate_inquiries(Replication& r) const;
  void seed_initial_funnel(Replication& r) const;
  /// The starting funnel's cohorts in the nurture stage (independent of the rep pools).
  void seed_nurture_cohorts(Replication& r) const;
  void flow(Replication& r) const;
  /// Sends `lead` from stage `from` into `stage` at lead.time (dropped past the horizon).
  void push(Replication& r, std::size_t from, std::size_t stage, std::size_t source,
            const Lead& lead) const;
  /// A lead leaves the model from stage `from` at day `at`.
  void leave(Replication& r, std::size_t from, double at, std::uint64_t count = 1) const;
  /// Scores an inquiry with profile `profile` that took the scored transition (moving on at
  /// lead.time): an MQL at once, or nurture, or out of the funnel.
  void score_inquiry(Replication& r, std::size_t source, Lead lead, LeadProfile profile) const;
  /// Puts a lead entering the nurture stage at lead.time on its track: the one for new
  /// leads when `fresh` (scored below the threshold), else the one for recycled leads.
  /// `profile` is the lead's (in r.profiles, or a new lead's not kept yet: lead.profile 0).
  void nurture_lead(Replication& r, std::size_t source, const Lead& lead, LeadProfile& profile,
                    bool fresh) const;
  /// Where a lead goes when its track ends at `outcome.time`.
  void leave_nurture(Replication& r, std::size_t source, Lead lead, LeadProfile& profile,
                     const TrackOutcome& outcome) const;
  /// A lead becomes an MQL by its score at lead.time: counts its first time-to-MQL.
  void count_mql(Replication& r, LeadProfile& profile, double at) const;
  /// One lead of a starting-funnel cohort in the nurture stage, of `source` and `segment`.
  void seed_nurture(Replication& r, std::size_t source, std::size_t segment,
                    const InitialCohort& cohort, engine::RandomStream& rng) const;
  /// Whether a run keeps what its new inquiries left (the twin without capacity limits), or
  /// restores it instead of generating them again (the run with limits after the twin).
  enum class Reuse { None, Keep, Restore };
  void simulate_once(Replication& r, bool unlimited, Reuse reuse) const;
  /// The metrics of a finished replication into out[month * metrics + metric].
  void write_metrics(Replication& r, std::span<double> out) const;
  void reset_pools(Replication& r, bool unlimited) const;
  void join_pool(Replication& r, std::size_t pool, std::size_t stage, std::size_t source,
                 const Lead& lead, double arrived, int arrival_month) const;
  /// Moves every lead waiting in month m's buckets on, until none is left.
  void sweep_month(Replication& r, std::size_t m) const;
  /// A lead held as an open deal leaves for `to`: its rep's slot frees when it gets there,
  /// unless `to` is held by the same pool too. A `to` past the last stage: it leaves the
  /// funnel.
  void release_if_leaving(Replication& r, Lead& lead, std::size_t to) const;
  /// A deal open at the start: held by a rep on the team on day 0, drawn uniformly.
  void hold_initial_deal(Replication& r, std::size_t pool, engine::RandomStream& rng,
                         double leaves) const;
  struct PoolWorker;  // the pools' work on a lead, defined in the .cpp
  /// Draws a new lead's attributes (of `source` and `segment`, created on day `created`).
  LeadProfile draw_profile(Replication& r, std::size_t source, std::size_t segment,
                           double created) const;
  /// Stores a profile for the rest of the replication; returns its Lead::profile value.
  std::uint32_t keep_profile(Replication& r, const LeadProfile& profile) const;
  /// The sales-ready verdict on a lead accepted at day `at`: COUNT when it passes, else the
  /// first rule it fails. Brings the lead's decision timeline up to `at` (slips from `rng`).
  RejectionReason judge(Replication& r, std::size_t source, const Lead& lead, double at,
                        engine::RandomStream& rng) const;
  /// A lead rejected at day `at`: counted, then recycled after the cooldown, sent to
  /// exhausted_to, or dropped.
  void reject(Replication& r, std::size_t source, Lead lead, double at,
              RejectionReason reason) const;
  /// Sends a lead that sales turned down, leaving stage `from` at day `at`, where the
  /// sales-ready section says: recycled after the cooldown, exhausted_to, or out.
  void send_back(Replication& r, std::size_t from, std::size_t source, Lead lead, double at) const;
  /// The `valve.<id>.*` metrics and the stages whose daily entries the triggers count.
  void add_valve_metrics();
  void reset_valves(Replication& r) const;
  /// At the end of day `day` (1-based) of month m: each reserve programme that checks that
  /// day and is free to fire (cooldown, quarter cap, budget) fires if the month-to-date
  /// entries of its stage are below its share of the pro-rated SLA target. True if one fired.
  bool check_valves(Replication& r, std::size_t m, int day) const;
  /// Programme p fires at day `now`: its yield of inquiries arrive after the lead time.
  void fire(Replication& r, std::size_t p, std::size_t m, double now) const;
  /// The cold lists' and named accounts' metrics, and what their leads change in the model
  /// (named accounts' win rates and cycles).
  void add_idle_valves();
  /// At the end of day `day` (0-based day of the horizon) of month m, after the pools' work
  /// that day: each cold list and named accounts works the idle time its pool left (see
  /// IdleWork). True if leads were added.
  bool work_idle(Replication& r, std::size_t m, int day) const;
  /// Named accounts' win probability in place of the scenario's, for their source's pairs.
  void apply_win_probabilities(Replication& r) const;
  /// A new lead of `source` entering a stage at `at`: segment by the source's mix and, with a
  /// `leads` section, attributes, all drawn from `rng` (a valve's own stream).
  Lead new_lead(Replication& r, std::size_t source, double at, engine::RandomStream& rng) const;
  /// The `compensation` metrics' names and ratio parts (constructor).
  void add_compensation_metrics();
  /// The replication's compensation behaviour: pass-on probability, attempts, AE time share.
  void draw_behaviour(Replication& r) const;
  void write_compensation_metrics(Replication& r, std::span<double> out) const;
  /// The `sla.<target>.met` metrics, last (constructor).
  void add_sla_metrics();
  /// `sla.<target>.met` and the cost ratios, from the month's other metrics.
  void write_derived_metrics(std::span<double> out) const;
  /// Counts a rejection of `reason` at day `at` (nothing beyond the horizon).
  void count_rejection(Replication& r, double at, RejectionReason reason) const;
  /// Judges a lead taking the judged step at lead.time; if it fails, rejects it (see
  /// reject) and returns true: the caller must not send it on.
  bool rejected(Replication& r, std::size_t source, const Lead& lead,
                engine::RandomStream& rng) const;
  /// Forecast month of day `day` (< horizon; negative days count as day 0).
  std::size_t month_at(double day) const {
    return static_cast<std::size_t>(calendar_.month_of_day(day < 0.0 ? 0 : static_cast<int>(day)));
  }
  void write_capacity_metrics(Replication& r, std::span<double> out) const;
  /// Pool whose queue a lead of (stage, source, segment) joins; -1 for none.
  int pool_of(std::size_t stage, std::size_t source, std::size_t segment) const {
    return pool_of_[(stage * source_count_ + source) * segment_count_ + segment];
  }
  int holder_of(std::size_t stage, std::size_t source, std::size_t segment) const {
    return holder_of_[(stage * source_count_ + source) * segment_count_ + segment];
  }

  /// What the simulation needs of a pool beyond its scenario entry.
  struct PoolPlan {
    DistributionSampler attempt_minutes;
    DistributionSampler qualification_minutes;
    std::vector<std::uint8_t> qualifies;  ///< per transition (global index): decays
    std::vector<std::uint8_t> holds;      ///< per stage
  };

  Scenario scenario_;
  FunnelCalendar calendar_;
  std::vector<std::string> metric_names_;
  std::size_t pairs_ = 0;        ///< sources x segments
  std::size_t stage_count_ = 0;  ///< cached: vector::size() divides on every push
  std::size_t source_count_ = 0;
  std::size_t segment_count_ = 0;
  std::uint64_t identity_ = 0;  ///< distinguishes models for per-thread scratch
  double horizon_days_ = 0.0;
  std::vector<FlatTransition> transitions_;
  std::vector<std::size_t> stage_first_;  ///< transitions of stage s: [first[s], first[s+1])
  std::vector<double> expected_volume_;   ///< [source][month]
  std::vector<engine::AliasTable> day_of_month_;  ///< calendar-weighted day within each month
  std::vector<engine::AliasTable> segment_mix_;   ///< per source
  engine::AliasTable hour_of_day_;   ///< calendar.arrival_hours; empty: uniform in the day
  engine::AliasTable source_share_;  ///< by expected volume, for the initial funnel
  std::vector<DistributionSampler> deal_value_;  ///< per segment
  std::vector<PoolPlan> pool_plans_;             ///< per capacity pool
  std::vector<int> pool_of_;                     ///< [stage][source][segment]
  std::vector<std::uint8_t> stage_worked_;       ///< per stage: some pool works it
  std::vector<int> holder_of_;                   ///< [stage][source][segment]
  std::size_t capacity_metric_ = 0;              ///< index of the first capacity metric

  // Lead attributes and sales-ready criteria.
  /// Lead attributes of one (source, segment), overrides applied.
  struct AttributePlan {
    engine::AliasTable persona;
    DistributionSampler fit_score;
    DistributionSampler decision_timeline;
    std::optional<double> budget_known;
    std::optional<double> authority;
    std::optional<double> need;
  };
  std::vector<AttributePlan> attribute_plans_;  ///< [source][segment]
  DistributionSampler slip_months_;
  /// The transition the criteria judge (global index); transitions_.size() when none.
  std::size_t judged_transition_ = 0;
  /// Metric index per RejectionReason (npos: not reported), and of `sales_ready.recycled`.
  std::array<std::size_t, static_cast<std::size_t>(RejectionReason::COUNT)> rejection_metric_{};
  std::size_t recycled_metric_ = 0;
  std::size_t accepted_metric_ = 0;  ///< then accepted_from_nurture, its share (with nurture)

  std::size_t stock_metric_ = 0;  ///< first `stock.<stage>`; `funnel.left` follows them

  // Scoring and nurture.
  std::size_t scored_transition_ = 0;  ///< global index; transitions_.size() when none
  DistributionSampler initial_engagement_;
  std::vector<double> engagement_;          ///< [persona][segment]
  double decay_per_day_ = 0.0;              ///< ln 2 / half-life
  std::array<TrackPlan, 2> track_plans_{};  ///< by NurtureTrack::Takes
  std::array<bool, 2> has_track_{};
  std::vector<TrackOdds> track_odds_;   ///< [Takes][persona][segment]
  std::size_t time_to_mql_metric_ = 0;  ///< p50 then p90
  /// Per NurtureCount, from nurture_metric_.
  enum NurtureCount : std::size_t {
    ENTERED_NEW,
    ENTERED_RECYCLED,
    RETURNED,
    UNSUBSCRIBED,
    COMPLETED,
    NURTURE_COUNT
  };
  std::size_t nurture_metric_ = 0;

  // Compensation.
  std::size_t compensation_metric_ = 0;  ///< compensation.passed_unqualified, then costs
  std::size_t cost_metric_ = 0;          ///< compensation.cost
  /// Derived metrics: cost per lead (Ratio) and SLA targets met (AtLeast / AtMost).
  struct Derived {
    std::size_t metric = 0;
    engine::PeriodAggregation rule = engine::PeriodAggregation::Ratio;
    engine::PeriodDerivation from;
  };
  std::vector<Derived> derived_;
  // Valves.
  std::size_t valve_metric_ = 0;           ///< per programme: fired, leads, cost
  std::vector<std::uint8_t> valve_stage_;  ///< per stage: some trigger counts its entries
  std::vector<DistributionSampler> valve_yield_;
  std::size_t idle_metric_ = 0;  ///< first cold-list metric; the named accounts' follow them
  std::size_t idle_metric_count() const {
    return 5 * scenario_.valves.cold_lists.size() + 3 * scenario_.valves.named_accounts.size();
  }
  /// Per (transition, source): factor on the delays drawn (named accounts' cycle_factor); empty
  /// when every factor is 1.
  std::vector<double> delay_scale_;
  /// Per named accounts: the transition from `enters` to a bookings stage whose probability
  /// win_probability replaces (global index; npos without win_probability).
  std::vector<std::size_t> named_won_;
  /// The accept stage, from which a lead passed on despite the rules is sent back; npos when
  /// no SDR plan can pass leads on.
  std::size_t unqualified_from_ = static_cast<std::size_t>(-1);
};

}  // namespace funnelsim::models
