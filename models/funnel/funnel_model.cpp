#include "models/funnel/funnel_model.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "engine/stats/neumaier_sum.hpp"
#include "engine/stats/order_statistics.hpp"
#include "engine/stats/quantile.hpp"
#include "models/capacity/pool_queue.hpp"
#include "models/capacity/rep_roster.hpp"
#include "models/funnel/funnel_streams.hpp"

namespace funnelsim::models {

namespace {

engine::RandomStream make_stream(std::uint64_t seed, std::uint64_t replication, FunnelStream stream,
                                 std::size_t substream) {
  return engine::RandomStream({seed, replication, static_cast<std::uint32_t>(stream),
                               static_cast<std::uint32_t>(substream)});
}

/// The median and P90 of `x` (reordered), from the four order statistics around them
/// without a full sort; 0 and 0 when empty.
std::pair<double, double> median_and_p90(std::vector<double>& x) {
  if (x.empty()) return {0.0, 0.0};
  const engine::QuantilePosition q50 = engine::quantile_position(x.size(), 0.5);
  const engine::QuantilePosition q90 = engine::quantile_position(x.size(), 0.9);
  // Ascending ranks for the selection: in a small sample the two quantiles can share an
  // interval (n = 2: both lie between ranks 0 and 1), so the four are not in order as listed.
  std::size_t ranks[4] = {q50.below, q50.above, q90.below, q90.above};
  std::sort(std::begin(ranks), std::end(ranks));
  double at[4];
  engine::select_order_statistics(x, ranks, at);
  auto value = [&](std::size_t rank) {
    std::size_t i = 0;
    while (ranks[i] != rank) ++i;
    return at[i];
  };
  return {engine::interpolate_quantile(value(q50.below), value(q50.above), q50.fraction),
          engine::interpolate_quantile(value(q90.below), value(q90.above), q90.fraction)};
}

/// Tries of plain rejection before the starting funnel falls back to exact inversion.
constexpr int MAX_REJECTION_TRIES = 64;

engine::RandomStream capacity_stream(std::uint64_t seed, std::uint64_t replication,
                                     std::size_t pool, CapacitySubstream part) {
  return make_stream(seed, replication, FunnelStream::CAPACITY,
                     pool * CAPACITY_SUBSTREAMS + static_cast<std::uint32_t>(part));
}

/// Every rep across the pools is numbered for Lead::owner, which has 16 bits.
constexpr std::size_t MAX_OWNERS = std::numeric_limits<std::uint16_t>::max();
/// push()'s `from` for a lead new to the model that does not come from the entry stage (a
/// cold list's or named accounts' lead): no stage counts it as leaving.
constexpr std::size_t OUTSIDE = std::numeric_limits<std::size_t>::max() - 1;
/// Substreams of FunnelStream::VALVES from here: cold lists, then named accounts.
constexpr std::uint32_t IDLE_VALVE_SUBSTREAM = 1u << 16;

std::atomic<std::uint64_t> next_model_identity{1};

/// A lead waiting in (or being worked by) a pool, with where it came from.
struct PoolLead {
  Lead lead;
  std::uint32_t stage;
  std::uint32_t source;
};

}  // namespace

/// Scratch of one replication. Kept per thread and reused, so a replication allocates only
/// when it needs more room than the previous one on the same thread did.
struct FunnelModel::Replication {
  std::uint64_t seed = 0;
  std::uint64_t replication = 0;
  std::vector<double> probability;  ///< [transition][pair], after draws and the remainder
  std::vector<double> cumulative;   ///< [pair][transition]: sum up to it within its stage
  std::vector<engine::RandomStream> conversion;  ///< [stage][source]
  std::vector<engine::RandomStream> delays;      ///< [transition][source]
  std::vector<engine::RandomStream> values;      ///< [stage][source]
  std::vector<std::vector<Lead>> pending;        ///< [month][stage][source]
  std::vector<Lead> batch;
  std::vector<std::uint32_t> chosen;      ///< [option][i]: batch indices per transition
  std::vector<std::size_t> chosen_count;  ///< leads per option of the current batch
  std::vector<std::uint64_t> entries;     ///< [month][stage]
  /// simulate_history only: where each stage entry is recorded (null otherwise), and the
  /// last lead number given.
  std::vector<StageEvent>* events = nullptr;
  std::uint32_t next_lead = 0;
  /// Records `lead` entering `stage` at day `at`, numbering it first if it has no number.
  void record(Lead& lead, std::size_t stage, std::size_t source, double at) {
    if (lead.id == 0) lead.id = ++next_lead;
    events->push_back(StageEvent{lead.id, static_cast<std::uint16_t>(stage), lead.segment,
                                 static_cast<std::uint32_t>(source), lead.value, at});
  }
  std::vector<double> pipeline;  ///< [month]
  std::vector<double> bookings;  ///< [month]

  // Capacity: rebuilt when the thread runs another model.
  std::uint64_t model_identity = 0;
  std::vector<RepRoster> rosters;                 ///< per pool
  std::vector<PoolQueue> queues;                  ///< per pool
  std::vector<std::vector<PoolLead>> pool_leads;  ///< per pool: QueueTask::payload indexes
  std::vector<engine::RandomStream> lead_keys;    ///< per pool
  std::vector<std::size_t> owner_offset;          ///< per pool: first Lead::owner - 1
  std::vector<std::uint32_t> owner_pool;          ///< per owner - 1
  std::vector<std::uint32_t> twin_qualified;      ///< [pool][month], without capacity limits
  // Compensation behaviour, drawn once per replication (draw_behaviour).
  double pass_unqualified = 0.0;  ///< probability an SDR passes a failing lead on
  double ae_time_share = 1.0;     ///< share of the AE pool's time on inbound deals
  std::vector<int> max_attempts;  ///< per pool, after the follow-up shift
  engine::RandomStream leniency = engine::RandomStream::from_word(0);  ///< SDR pass-on choices
  std::vector<std::uint64_t> passed;  ///< [month]: leads passed on despite the rules
  // Reserve programmes (valves), per programme.
  std::vector<std::vector<std::uint32_t>> day_entries;  ///< [programme][day]: its stage's entries
  std::vector<engine::RandomStream> valve_rng;
  std::vector<double> valve_last;            ///< day of the last firing
  std::vector<double> valve_spent;           ///< $ so far
  std::vector<std::uint32_t> valve_quarter;  ///< [programme][quarter]: firings
  std::vector<std::uint32_t> valve_fired;    ///< [programme][month]
  std::vector<std::uint32_t> valve_leads;    ///< [programme][month]: leads arriving
  std::vector<double> valve_cost;            ///< [programme][month]
  // Cold lists and named accounts (idle-time valves).
  struct ColdState {
    std::uint64_t available = 0;
    std::uint64_t cooling = 0;
    /// (first day back on the list, accounts), in day order: cooling-off is one length.
    std::vector<std::pair<int, std::uint64_t>> back;
    std::size_t back_head = 0;
  };
  std::vector<ColdState> cold;
  std::vector<std::uint64_t> accounts_left;    ///< per named accounts
  std::vector<engine::RandomStream> idle_rng;  ///< cold lists, then named accounts
  std::vector<double> idle_metrics;            ///< [month][idle metric]
  std::vector<double> waits;                   ///< scratch for response-time quantiles

  // Lead attributes and sales-ready criteria.
  std::vector<LeadProfile> profiles;             ///< Lead::profile - 1 indexes it
  std::vector<engine::RandomStream> attributes;  ///< per source
  std::vector<engine::RandomStream> judging;     ///< per source
  std::vector<std::uint32_t> rejected;           ///< [month][RejectionReason]
  std::vector<std::uint32_t> recycled;           ///< [month]
  std::vector<std::uint32_t> accepted;           ///< [month][2]: accepted, of them nurtured

  // Stocks: leads entering a stage are r.entries; these are the rest of the ledger.
  std::vector<std::uint64_t> stage_out;    ///< [month][stage]: leads leaving the stage
  std::vector<std::uint64_t> stage_start;  ///< [stage]: the starting funnel
  std::vector<std::uint64_t> left;         ///< [month]: leads leaving the model

  // Scoring and nurture.
  std::vector<std::uint32_t> nurture_counts;    ///< [month][NurtureCount]
  std::vector<std::vector<float>> time_to_mql;  ///< [month]: days from inquiry to first MQL
  bool unlimited = false;

  /// What the new inquiries and the starting nurture pool left, kept from the twin for the
  /// run with capacity limits.
  struct {
    std::vector<std::vector<Lead>> pending;
    std::vector<LeadProfile> profiles;
    std::vector<std::uint64_t> entries, stage_out, left, stage_start;
    std::vector<std::uint32_t> nurture_counts;
    std::vector<std::vector<float>> time_to_mql;
    std::vector<engine::RandomStream> attributes, delays, conversion;
    std::vector<std::vector<std::uint32_t>> day_entries;
  } upstream;

  /// Calls f(live field, its kept copy in `upstream`) for each field of that state.
  template <class F>
  void each_upstream(F&& f) {
    f(pending, upstream.pending);
    f(profiles, upstream.profiles);
    f(entries, upstream.entries);
    f(stage_out, upstream.stage_out);
    f(left, upstream.left);
    f(stage_start, upstream.stage_start);
    f(nurture_counts, upstream.nurture_counts);
    f(time_to_mql, upstream.time_to_mql);
    f(attributes, upstream.attributes);
    f(delays, upstream.delays);
    f(conversion, upstream.conversion);
    f(day_entries, upstream.day_entries);
  }
};

namespace {

/// A plan that is not the one the scenario's rates were measured under, and that pushes SDRs
/// to another queue discipline, sets it for the plan's pool.
void apply_work_first(Scenario& sc) {
  const Compensation& c = sc.compensation;
  if (!c.defined || !c.sdr || !c.sdr->pool || c.sdr->plan == c.sdr->observed_plan) return;
  const WorkFirst first = c.sdr_elasticities[static_cast<std::size_t>(c.sdr->plan)].work_first;
  RepPool& pool = sc.capacity.pools[*c.sdr->pool];
  switch (first) {
    case WorkFirst::Keep:
      break;
    case WorkFirst::Fifo:
      pool.discipline = QueueDiscipline::Fifo;
      break;
    case WorkFirst::NewestFirst:
      pool.discipline = QueueDiscipline::NewestFirst;
      break;
    case WorkFirst::HighestScore:
      pool.discipline = QueueDiscipline::HighestScore;
      break;
  }
}

}  // namespace

FunnelModel::FunnelModel(Scenario scenario)
    : scenario_(std::move(scenario)), calendar_(scenario_.calendar) {
  apply_work_first(scenario_);
  const auto& sc = scenario_;
  if (sc.sources.empty() || sc.sources.size() > MAX_SOURCES)
    throw std::invalid_argument("FunnelModel: the scenario has " +
                                std::to_string(sc.sources.size()) +
                                " sources, but must have 1 to " + std::to_string(MAX_SOURCES));
  if (sc.segments.empty()) throw std::invalid_argument("FunnelModel: the scenario has no segments");
  if (sc.segments.size() > std::numeric_limits<std::uint16_t>::max())
    throw std::invalid_argument("FunnelModel: more than 65535 segments");
  identity_ = next_model_identity.fetch_add(1);
  pairs_ = sc.sources.size() * sc.segments.size();
  stage_count_ = sc.stages.size();
  source_count_ = sc.sources.size();
  segment_count_ = sc.segments.size();
  horizon_days_ = static_cast<double>(calendar_.total_days());
  const std::size_t months = period_count();

  for (const auto& stage : sc.stages) metric_names_.push_back("volume." + stage.id);
  metric_names_.push_back("pipeline.created");
  metric_names_.push_back("bookings");
  capacity_metric_ = metric_names_.size();
  for (const RepPool& pool : sc.capacity.pools)
    for (const char* pattern : POOL_METRIC_NAMES) {
      std::string name = pattern;
      name.replace(name.find("{}"), 2, pool.id);
      metric_names_.push_back(std::move(name));
    }

  // Sales-ready criteria: a rejection count per rule in force (and per unreachable lead when
  // a pool works the judged stage), then the recycled count.
  rejection_metric_.fill(std::numeric_limits<std::size_t>::max());
  recycled_metric_ = std::numeric_limits<std::size_t>::max();
  if (sc.sales_ready.defined) {
    bool worked = false;
    for (const RepPool& pool : sc.capacity.pools)
      for (std::size_t stage : pool.works) worked = worked || stage == sc.sales_ready.stage;
    for (std::size_t k = 0; k < REJECTION_REASON_NAMES.size(); ++k) {
      const auto reason = static_cast<RejectionReason>(k);
      if (!sc.sales_ready.checks(reason) && !(reason == RejectionReason::Unreachable && worked))
        continue;
      rejection_metric_[k] = metric_names_.size();
      metric_names_.push_back(std::string("sales_ready.rejected.") + REJECTION_REASON_NAMES[k]);
    }
    recycled_metric_ = metric_names_.size();
    metric_names_.push_back("sales_ready.recycled");
    accepted_metric_ = metric_names_.size();
    metric_names_.push_back("sales_ready.accepted");
    if (sc.nurture.defined) {
      metric_names_.push_back("sales_ready.accepted_from_nurture");
      metric_names_.push_back("sales_ready.from_nurture_share");
    }
  }
  stock_metric_ = metric_names_.size();
  for (const auto& stage : sc.stages) metric_names_.push_back("stock." + stage.id);
  metric_names_.push_back("funnel.left");
  if (sc.scoring.defined) {
    time_to_mql_metric_ = metric_names_.size();
    metric_names_.push_back("scoring.time_to_mql_p50_days");
    metric_names_.push_back("scoring.time_to_mql_p90_days");
    if (sc.scoring.initial_engagement)
      initial_engagement_ = DistributionSampler(*sc.scoring.initial_engagement);
    engagement_ = sc.scoring.engagement_probability;
    decay_per_day_ = sc.scoring.half_life_days ? std::log(2.0) / *sc.scoring.half_life_days : 0.0;
    for (const NurtureTrack& track : sc.nurture.tracks) {
      TrackPlan& plan = track_plans_[static_cast<std::size_t>(track.takes)];
      has_track_[static_cast<std::size_t>(track.takes)] = true;
      plan.cadence_days = track.cadence_days;
      plan.touches = std::min(track.touches,
                              static_cast<int>(std::floor(track.max_days / track.cadence_days)));
      plan.end_days = std::min(track.max_days, track.cadence_days * track.touches);
      plan.unsubscribe = track.unsubscribe_probability;
      plan.points = sc.scoring.points_per_touch;
      plan.decay_per_day = decay_per_day_;
      plan.threshold = sc.scoring.threshold;
    }
  }
  if (sc.scoring.defined)
    for (std::size_t kind = 0; kind < track_plans_.size(); ++kind)
      for (double q : engagement_) track_odds_.push_back(track_odds(track_plans_[kind], q));
  if (sc.nurture.defined) {
    nurture_metric_ = metric_names_.size();
    for (const char* name : {"nurture.entered_new", "nurture.entered_recycled", "nurture.returned",
                             "nurture.unsubscribed", "nurture.completed"})
      metric_names_.push_back(name);
  }
  add_valve_metrics();
  for (const ReserveProgramme& p : sc.valves.reserve_programmes) valve_yield_.emplace_back(p.yield);
  add_compensation_metrics();
  if (sc.leads.defined)
    for (std::size_t src = 0; src < sc.sources.size(); ++src)
      for (std::size_t g = 0; g < sc.segments.size(); ++g) {
        const LeadAttributes a = sc.leads.resolved(src, g);
        AttributePlan plan;
        if (!a.personas.empty()) plan.persona = engine::AliasTable(a.persona_share);
        if (a.fit_score) plan.fit_score = DistributionSampler(*a.fit_score);
        if (a.decision_timeline_months)
          plan.decision_timeline = DistributionSampler(*a.decision_timeline_months);
        plan.budget_known = a.budget_known;
        plan.authority = a.authority;
        plan.need = a.need;
        attribute_plans_.push_back(std::move(plan));
      }
  slip_months_ = DistributionSampler(sc.leads.slip_months);

  for (std::size_t s = 0; s < sc.stages.size(); ++s) {
    stage_first_.push_back(transitions_.size());
    for (const auto& t : sc.stages[s].transitions) {
      if (t.probability.size() != pairs_)
        throw std::invalid_argument("FunnelModel: transition " + sc.stages[s].id + " -> " +
                                    sc.stages[t.to].id + " has " +
                                    std::to_string(t.probability.size()) + " probabilities for " +
                                    std::to_string(pairs_) + " (source, segment) pairs");
      FlatTransition flat;
      flat.from = s;
      flat.to = t.to;
      const auto kind =
          t.probability.empty() ? ProbabilitySpec::Kind::Fixed : t.probability.front().kind;
      flat.remainder =
          kind == ProbabilitySpec::Kind::Remainder || kind == ProbabilitySpec::Kind::Scored;
      flat.delay = DistributionSampler(t.delay);
      transitions_.push_back(std::move(flat));
    }
  }
  stage_first_.push_back(transitions_.size());
  judged_transition_ = transitions_.size();
  scored_transition_ = sc.scoring.defined ? stage_first_[sc.entry_stage] + sc.scoring.transition
                                          : transitions_.size();
  if (sc.sales_ready.defined)
    for (std::size_t t = stage_first_[sc.sales_ready.stage];
         t < stage_first_[sc.sales_ready.stage + 1]; ++t)
      if (transitions_[t].to == sc.sales_ready.accept_to) judged_transition_ = t;
  add_idle_valves();

  // Day weights inside each month for sources that follow the working calendar.
  const double off_weight = sc.calendar.non_working_day_weight;
  std::vector<double> weight_sum(months, 0.0);
  for (int m = 0; m < calendar_.months(); ++m) {
    std::vector<double> w(static_cast<std::size_t>(calendar_.month_days(m)));
    for (int d = 0; d < calendar_.month_days(m); ++d)
      w[static_cast<std::size_t>(d)] =
          calendar_.is_working_day(calendar_.month_start(m) + d) ? 1.0 : off_weight;
    for (double x : w) weight_sum[static_cast<std::size_t>(m)] += x;
    // A month with no arrival day at all (every day a holiday, weight 0) falls back to
    // uniform arrivals rather than losing a monthly volume the user asked for.
    if (weight_sum[static_cast<std::size_t>(m)] <= 0.0) std::fill(w.begin(), w.end(), 1.0);
    day_of_month_.emplace_back(w);
  }

  expected_volume_.assign(sc.sources.size() * months, 0.0);
  std::vector<double> horizon_volume(sc.sources.size(), 0.0);
  for (std::size_t s = 0; s < sc.sources.size(); ++s) {
    const Source& src = sc.sources[s];
    for (int m = 0; m < calendar_.months(); ++m) {
      double base = src.volume;
      if (src.basis == Source::Basis::Daily)
        base *= src.follows_calendar ? weight_sum[static_cast<std::size_t>(m)]
                                     : static_cast<double>(calendar_.month_days(m));
      const double e = base * std::pow(1.0 + src.trend, m) *
                       src.seasonality[static_cast<std::size_t>(calendar_.calendar_month(m))];
      expected_volume_[s * months + static_cast<std::size_t>(m)] = e;
      horizon_volume[s] += e;
    }
    segment_mix_.emplace_back(src.segment_mix);
  }
  double total = 0.0;
  for (double v : horizon_volume) total += v;
  if (total <= 0.0) std::fill(horizon_volume.begin(), horizon_volume.end(), 1.0);
  source_share_ = engine::AliasTable(horizon_volume);
  for (const auto& seg : sc.segments) deal_value_.emplace_back(seg.deal_value);
  if (!sc.calendar.arrival_hours.empty())
    hour_of_day_ = engine::AliasTable(sc.calendar.arrival_hours);

  // Capacity: which pool's queue a lead joins, which pool holds its open deal.
  pool_of_.assign(stage_count_ * source_count_ * segment_count_, -1);
  holder_of_.assign(stage_count_ * source_count_ * segment_count_, -1);
  for (std::size_t p = 0; p < sc.capacity.pools.size(); ++p) {
    const RepPool& pool = sc.capacity.pools[p];
    PoolPlan plan;
    plan.attempt_minutes = DistributionSampler(pool.attempt_minutes);
    plan.qualification_minutes = DistributionSampler(pool.qualification_minutes);
    plan.qualifies.assign(transitions_.size(), 0);
    plan.holds.assign(stage_count_, 0);
    for (std::size_t stage : pool.holds) plan.holds.at(stage) = 1;
    for (std::size_t stage : pool.works)
      for (std::size_t t = stage_first_.at(stage); t < stage_first_[stage + 1]; ++t) {
        const std::size_t to = transitions_[t].to;
        const bool listed =
            std::find(pool.qualifies.begin(), pool.qualifies.end(), to) != pool.qualifies.end();
        plan.qualifies[t] =
            pool.qualifies.empty() ? (!pool.lost_to || *pool.lost_to != to) : listed;
      }
    auto accepts = [&](std::size_t src, std::size_t g) {
      return (pool.sources.empty() || pool.sources[src]) &&
             (pool.segments.empty() || pool.segments[g]);
    };
    for (std::size_t src = 0; src < source_count_; ++src)
      for (std::size_t g = 0; g < segment_count_; ++g) {
        if (!accepts(src, g)) continue;
        for (std::size_t stage : pool.works) {
          int& slot = pool_of_[(stage * source_count_ + src) * segment_count_ + g];
          if (slot < 0) slot = static_cast<int>(p);
        }
        for (std::size_t stage : pool.holds) {
          int& slot = holder_of_[(stage * source_count_ + src) * segment_count_ + g];
          if (slot < 0) slot = static_cast<int>(p);
        }
      }
    pool_plans_.push_back(std::move(plan));
  }
  stage_worked_.assign(stage_count_, 0);
  for (std::size_t stage = 0; stage < stage_count_; ++stage)
    for (std::size_t i = 0; i < source_count_ * segment_count_; ++i)
      if (pool_of_[stage * source_count_ * segment_count_ + i] >= 0) stage_worked_[stage] = 1;
  for (std::size_t i = 0; i < source_count_ * segment_count_; ++i)
    if (pool_of_[sc.entry_stage * source_count_ * segment_count_ + i] >= 0)
      throw std::invalid_argument("FunnelModel: the entry stage cannot be worked by a pool");
  add_sla_metrics();
}

void FunnelModel::add_sla_metrics() {
  const std::vector<std::string> names = metric_names_;
  for (const SlaTarget& target : scenario_.sla.targets) {
    const auto at = std::find(names.begin(), names.end(), target.metric);
    // The loader reports a target on an unknown metric; it checks with this constructor, so
    // such a target is skipped here rather than thrown on.
    if (at == names.end()) continue;
    derived_.push_back({metric_names_.size(),
                        target.direction == SlaTarget::Direction::AtLeast
                            ? engine::PeriodAggregation::AtLeast
                            : engine::PeriodAggregation::AtMost,
                        {static_cast<std::size_t>(at - names.begin()), 0, target.value}});
    metric_names_.push_back("sla." + target.id + ".met");
  }
}

std::vector<engine::PeriodAggregation> FunnelModel::metric_aggregations() const {
  using engine::PeriodAggregation;
  std::vector<PeriodAggregation> rules(capacity_metric_, PeriodAggregation::Sum);
  for (std::size_t p = 0; p < scenario_.capacity.pools.size(); ++p)
    for (std::size_t k = 0; k < POOL_METRIC_COUNT; ++k) {
      switch (static_cast<PoolMetric>(k)) {
        case HEADCOUNT:
        case OPEN_DEALS:
        case BACKLOG:
          rules.push_back(PeriodAggregation::Last);
          break;
        case FTE:
        case UTILISATION:
        case MEAN_WAITING:
        case RESPONSE_P50:
        case RESPONSE_P90:
        case RESPONSE_MEAN:
        case WITHIN_SLA:
          rules.push_back(PeriodAggregation::Mean);
          break;
        default:
          rules.push_back(PeriodAggregation::Sum);
          break;
      }
    }
  rules.resize(metric_names_.size(), PeriodAggregation::Sum);  // counts
  for (std::size_t s = 0; s < stage_count_; ++s) rules[stock_metric_ + s] = PeriodAggregation::Last;
  if (scenario_.sales_ready.defined && scenario_.nurture.defined)
    rules[accepted_metric_ + 2] = PeriodAggregation::Mean;
  if (scenario_.scoring.defined) {
    rules[time_to_mql_metric_] = PeriodAggregation::Mean;
    rules[time_to_mql_metric_ + 1] = PeriodAggregation::Mean;
  }
  // The valves' stocks at month end.
  const std::size_t lists = scenario_.valves.cold_lists.size();
  for (std::size_t k = 0; k < lists; ++k) {
    rules[idle_metric_ + 5 * k + 3] = PeriodAggregation::Last;
    rules[idle_metric_ + 5 * k + 4] = PeriodAggregation::Last;
  }
  for (std::size_t k = 0; k < scenario_.valves.named_accounts.size(); ++k)
    rules[idle_metric_ + 5 * lists + 3 * k + 2] = PeriodAggregation::Last;
  for (const Derived& d : derived_) rules[d.metric] = d.rule;
  return rules;
}

std::vector<engine::PeriodDerivation> FunnelModel::metric_derivations() const {
  std::vector<engine::PeriodDerivation> parts(metric_names_.size());
  for (const Derived& d : derived_) parts[d.metric] = d.from;
  return parts;
}

void FunnelModel::add_valve_metrics() {
  const Valves& v = scenario_.valves;
  valve_metric_ = metric_names_.size();
  // Left empty without programmes, so push() tests one size and no stage.
  if (!v.reserve_programmes.empty()) valve_stage_.assign(scenario_.stages.size(), 0);
  for (const ReserveProgramme& p : v.reserve_programmes) {
    for (const char* what : {".fired", ".leads", ".cost"})
      metric_names_.push_back("valve." + p.id + what);
    valve_stage_[p.stage] = 1;
  }
  idle_metric_ = metric_names_.size();
  for (const ColdList& c : v.cold_lists)
    for (const char* what : {".touches", ".leads", ".hours", ".available", ".cooling"})
      metric_names_.push_back("valve." + c.id + what);
  for (const NamedAccounts& n : v.named_accounts)
    for (const char* what : {".opportunities", ".hours", ".accounts_left"})
      metric_names_.push_back("valve." + n.id + what);
}

void FunnelModel::add_idle_valves() {
  const Scenario& sc = scenario_;
  for (const NamedAccounts& n : sc.valves.named_accounts) {
    std::size_t won = static_cast<std::size_t>(-1);
    if (n.win_probability)
      for (std::size_t t = stage_first_[n.enters]; t < stage_first_[n.enters + 1]; ++t)
        if (sc.stages[transitions_[t].to].bookings && won == static_cast<std::size_t>(-1)) won = t;
    named_won_.push_back(won);
    if (n.cycle_factor == 1.0) continue;
    if (delay_scale_.empty()) delay_scale_.assign(transitions_.size() * source_count_, 1.0);
    for (std::size_t t = stage_first_[n.enters]; t < stage_first_[n.enters + 1]; ++t)
      delay_scale_[t * source_count_ + n.source] = n.cycle_factor;
  }
}

void FunnelModel::reset_valves(Replication& r) const {
  const auto& programmes = scenario_.valves.reserve_programmes;
  const std::size_t n = programmes.size(), months = period_count();
  r.day_entries.resize(n);
  r.valve_rng.clear();
  for (std::size_t p = 0; p < n; ++p) {
    r.day_entries[p].assign(static_cast<std::size_t>(std::ceil(horizon_days_)), 0);
    r.valve_rng.push_back(
        make_stream(r.seed, r.replication, FunnelStream::VALVES, static_cast<std::uint32_t>(p)));
  }
  r.valve_last.assign(n, -std::numeric_limits<double>::infinity());
  r.valve_spent.assign(n, 0.0);
  r.valve_quarter.assign(n * (months / 3 + 2), 0);
  r.valve_fired.assign(n * months, 0);
  r.valve_leads.assign(n * months, 0);
  r.valve_cost.assign(n * months, 0.0);
  const Valves& v = scenario_.valves;
  r.cold.resize(v.cold_lists.size());
  for (std::size_t k = 0; k < v.cold_lists.size(); ++k) {
    r.cold[k].available = v.cold_lists[k].size;
    r.cold[k].cooling = 0;
    r.cold[k].back.clear();
    r.cold[k].back_head = 0;
  }
  r.accounts_left.clear();
  for (const NamedAccounts& named : v.named_accounts) r.accounts_left.push_back(named.accounts);
  r.idle_rng.clear();
  // Substreams after any plausible number of programmes, so adding one moves nothing here.
  for (std::size_t k = 0; k < v.cold_lists.size() + v.named_accounts.size(); ++k)
    r.idle_rng.push_back(make_stream(r.seed, r.replication, FunnelStream::VALVES,
                                     static_cast<std::uint32_t>(IDLE_VALVE_SUBSTREAM + k)));
  r.idle_metrics.assign(months * idle_metric_count(), 0.0);
}

Lead FunnelModel::new_lead(Replication& r, std::size_t source, double at,
                           engine::RandomStream& rng) const {
  const auto g = static_cast<std::size_t>(segment_mix_[source](rng));
  Lead lead{at, -1.0f, static_cast<std::uint16_t>(g), 0};
  if (r.attributes.empty()) return lead;
  // Drawn from the valve's stream, so the source's own leads keep their attributes.
  std::swap(r.attributes[source], rng);
  const LeadProfile profile = draw_profile(r, source, g, at);
  std::swap(r.attributes[source], rng);
  lead.profile = keep_profile(r, profile);
  return lead;
}

bool FunnelModel::work_idle(Replication& r, std::size_t m, int day) const {
  const Valves& v = scenario_.valves;
  double* row = r.idle_metrics.data() + m * idle_metric_count();
  const int month = static_cast<int>(m);
  // The leads enter in the middle of the day of the work, so in its month (the pools are at
  // the day's end: a lead that joins a queue is ready at once).
  const double at = static_cast<double>(day) + 0.5;
  bool added = false;
  // Idle minutes the pool left today, when its queue lets the valve work.
  auto idle_minutes = [&](const IdleWork& w) {
    const PoolQueue& q = r.queues[w.pool];
    if (q.waiting_first() > static_cast<std::size_t>(w.when_waiting_at_most)) return 0.0;
    return std::max(0.0, q.working_minutes(day) - q.busy_on(day)) * w.idle_share;
  };
  for (std::size_t k = 0; k < v.cold_lists.size(); ++k) {
    const ColdList& list = v.cold_lists[k];
    Replication::ColdState& c = r.cold[k];
    double* out = row + 5 * k;
    if (month > 0 && day == calendar_.month_start(month)) c.available += list.replenish_per_month;
    while (c.back_head < c.back.size() && c.back[c.back_head].first <= day) {
      c.available += c.back[c.back_head].second;
      c.cooling -= c.back[c.back_head].second;
      ++c.back_head;
    }
    const double minutes = idle_minutes(list);
    const auto can = static_cast<std::uint64_t>(std::floor(minutes / list.touch_minutes));
    const std::uint64_t touches = std::min(can, c.available);
    if (touches > 0) {
      engine::RandomStream& rng = r.idle_rng[k];
      const std::uint64_t contacts =
          engine::sample_binomial(rng, touches, list.contact_probability);
      const std::uint64_t leads =
          engine::sample_binomial(rng, contacts, list.qualification_probability);
      c.available -= touches;
      if (touches > leads) {
        const int back = day + 1 + static_cast<int>(std::ceil(list.cooling_off_days));
        if (!c.back.empty() && c.back.back().first == back)
          c.back.back().second += touches - leads;
        else
          c.back.emplace_back(back, touches - leads);
        c.cooling += touches - leads;
      }
      out[0] += static_cast<double>(touches);
      out[1] += static_cast<double>(leads);
      out[2] += static_cast<double>(touches) * list.touch_minutes / 60.0;
      for (std::uint64_t i = 0; i < leads; ++i)
        push(r, OUTSIDE, list.enters, list.source, new_lead(r, list.source, at, rng));
      added = added || leads > 0;
    }
    out[3] = static_cast<double>(c.available);
    out[4] = static_cast<double>(c.cooling);
  }
  for (std::size_t k = 0; k < v.named_accounts.size(); ++k) {
    const NamedAccounts& named = v.named_accounts[k];
    double* out = row + 5 * v.cold_lists.size() + 3 * k;
    std::uint64_t& left = r.accounts_left[k];
    double minutes = left > 0 ? idle_minutes(named) : 0.0;
    // A pay plan that moves AE time off inbound (compensation: inbound_time_share s < 1)
    // moves it here: the windows at share s, times (1 - s) / s, every working day.
    const Compensation& pay = scenario_.compensation;
    if (left > 0 && r.ae_time_share < 1.0 && pay.ae && pay.ae->pool == named.pool)
      minutes +=
          r.queues[named.pool].window_minutes(day) * (1.0 - r.ae_time_share) / r.ae_time_share;
    if (minutes > 0.0) {
      engine::RandomStream& rng = r.idle_rng[v.cold_lists.size() + k];
      const double hours = minutes / 60.0;
      const std::uint64_t n =
          std::min(left, engine::sample_poisson(rng, hours * named.opportunities_per_hour));
      out[1] += hours;
      PoolQueue& q = r.queues[named.pool];
      const RepRoster& roster = r.rosters[named.pool];
      const int max_open = scenario_.capacity.pools[named.pool].max_open;
      const bool held = pool_plans_[named.pool].holds[named.enters] != 0;
      for (std::uint64_t i = 0; i < n; ++i) {
        // The rep at work today with the fewest open deals and room for one more.
        std::size_t rep = roster.size();
        for (std::size_t j = 0; j < roster.size(); ++j) {
          if (roster.window(j, day).empty()) continue;
          if (max_open > 0 && q.open_deals(j) >= static_cast<std::size_t>(max_open)) continue;
          if (rep == roster.size() || q.open_deals(j) < q.open_deals(rep)) rep = j;
        }
        if (rep == roster.size()) break;  // nobody has room: the rest wait for another day
        Lead lead = new_lead(r, named.source, at, rng);
        if (held) {
          lead.owner = static_cast<std::uint16_t>(r.owner_offset[named.pool] + rep + 1);
          q.hold(rep, at);
        }
        push(r, OUTSIDE, named.enters, named.source, lead);
        --left;
        out[0] += 1.0;
        added = true;
      }
    }
    out[2] = static_cast<double>(left);
  }
  return added;
}

void FunnelModel::apply_win_probabilities(Replication& r) const {
  const auto& named = scenario_.valves.named_accounts;
  for (std::size_t k = 0; k < named.size(); ++k) {
    const std::size_t won = named_won_[k];
    if (won == static_cast<std::size_t>(-1)) continue;
    const std::size_t first = stage_first_[named[k].enters],
                      last = stage_first_[named[k].enters + 1];
    const double win = *named[k].win_probability;
    for (std::size_t g = 0; g < segment_count_; ++g) {
      const std::size_t pair = named[k].source * segment_count_ + g;
      double others = 0.0;
      for (std::size_t t = first; t < last; ++t)
        if (t != won) others += r.probability[t * pairs_ + pair];
      // The other transitions keep their proportions; without any, the rest stays put.
      double cumulative = 0.0;
      for (std::size_t t = first; t < last; ++t) {
        double& q = r.probability[t * pairs_ + pair];
        q = t == won ? win : (others > 0.0 ? q * (1.0 - win) / others : 0.0);
        cumulative += q;
        r.cumulative[pair * transitions_.size() + t] = cumulative;
      }
    }
  }
}

bool FunnelModel::check_valves(Replication& r, std::size_t m, int day) const {
  const auto& programmes = scenario_.valves.reserve_programmes;
  const int month = static_cast<int>(m);
  const double start = calendar_.month_start(month);
  const double now = start + day;  // the end of the day checked
  const std::size_t months = period_count();
  const std::size_t quarter =
      static_cast<std::size_t>(scenario_.calendar.start_month - 1 + month) / 3 -
      static_cast<std::size_t>(scenario_.calendar.start_month - 1) / 3;
  bool fired = false;
  for (std::size_t p = 0; p < programmes.size(); ++p) {
    const ReserveProgramme& rp = programmes[p];
    if (std::find(rp.check_days.begin(), rp.check_days.end(), day) == rp.check_days.end()) continue;
    std::uint32_t& in_quarter = r.valve_quarter[p * (months / 3 + 2) + quarter];
    if (static_cast<int>(in_quarter) >= rp.max_per_quarter) continue;
    if (now < r.valve_last[p] + rp.cooldown_days) continue;
    if (rp.budget > 0.0 && r.valve_spent[p] + rp.cost > rp.budget) continue;
    // Pace: the stage's entries so far this month against the target pro-rated to the day.
    std::uint64_t so_far = 0;
    for (int d = 0; d < day; ++d) so_far += r.day_entries[p][static_cast<std::size_t>(start) + d];
    const double pace = scenario_.sla.targets[rp.target].value * day / calendar_.month_days(month);
    if (!(static_cast<double>(so_far) < rp.below * pace)) continue;
    fire(r, p, m, now);
    ++in_quarter;
    fired = true;
  }
  return fired;
}

void FunnelModel::fire(Replication& r, std::size_t p, std::size_t m, double now) const {
  const ReserveProgramme& rp = scenario_.valves.reserve_programmes[p];
  const std::size_t months = period_count();
  r.valve_last[p] = now;
  r.valve_spent[p] += rp.cost;
  ++r.valve_fired[p * months + m];
  r.valve_cost[p * months + m] += rp.cost;
  engine::RandomStream& rng = r.valve_rng[p];
  const double drawn = std::round(valve_yield_[p](rng));
  const auto n = static_cast<std::uint64_t>(std::max(0.0, drawn));
  const std::size_t s = rp.source, entry = scenario_.entry_stage;
  const std::size_t first = stage_first_[entry], last = stage_first_[entry + 1];
  for (std::uint64_t i = 0; i < n; ++i) {
    const double at = now + rp.lead_time_days + rng.uniform01() * rp.spread_days;
    const auto g = static_cast<std::size_t>(segment_mix_[s](rng));
    const double u = rng.uniform01();
    if (!(at < horizon_days_)) continue;
    const std::size_t month = month_at(at);
    ++r.entries[month * stage_count_ + entry];
    ++r.valve_leads[p * months + month];
    std::uint32_t id = 0;
    if (r.events) [[unlikely]] {
      Lead inquiry{at, -1.0f, static_cast<std::uint16_t>(g), 0};
      r.record(inquiry, entry, s, at);
      id = inquiry.id;
    }
    // The entry stage's transitions, as for the source's own inquiries.
    const std::size_t pair = s * segment_count_ + g;
    std::size_t chosen = last;
    double edge = 0.0;
    for (std::size_t t = first; t < last && chosen == last; ++t) {
      edge += r.probability[t * pairs_ + pair];
      if (u < edge) chosen = t;
    }
    if (chosen == last) {
      leave(r, entry, at);
      continue;
    }
    Lead lead{at + transitions_[chosen].delay(rng), -1.0f, static_cast<std::uint16_t>(g), 0};
    lead.id = id;
    if (r.attributes.empty()) {
      push(r, entry, transitions_[chosen].to, s, lead);
      continue;
    }
    // The lead's attributes come from the programme's stream, so the source's own leads keep
    // theirs (common random numbers with the run without the valve).
    std::swap(r.attributes[s], rng);
    const LeadProfile profile = draw_profile(r, s, g, at);
    std::swap(r.attributes[s], rng);
    if (chosen == scored_transition_) {
      score_inquiry(r, s, lead, profile);
    } else {
      lead.profile = keep_profile(r, profile);
      push(r, entry, transitions_[chosen].to, s, lead);
    }
  }
}

void FunnelModel::add_compensation_metrics() {
  const Scenario& sc = scenario_;
  const Compensation& c = sc.compensation;
  if (!c.defined) return;
  compensation_metric_ = metric_names_.size();
  metric_names_.push_back("compensation.passed_unqualified");
  if (c.sdr) metric_names_.push_back("compensation.sdr.cost");
  if (c.ae) metric_names_.push_back("compensation.ae.cost");
  cost_metric_ = metric_names_.size();
  metric_names_.push_back("compensation.cost");
  for (const std::size_t stage : c.cost_per) {
    derived_.push_back({metric_names_.size(),
                        engine::PeriodAggregation::Ratio,
                        {cost_metric_, volume_metric(stage), 0.0}});
    metric_names_.push_back("compensation.cost_per." + sc.stages[stage].id);
  }
  for (const Stage& stage : sc.stages)
    if (stage.bookings) {
      derived_.push_back({metric_names_.size(),
                          engine::PeriodAggregation::Ratio,
                          {cost_metric_, bookings_metric(), 0.0}});
      metric_names_.push_back("compensation.cost_per_booking_dollar");
      break;
    }
  if (sc.sales_ready.defined && c.sdr) unqualified_from_ = sc.sales_ready.accept_to;
}

void FunnelModel::draw_behaviour(Replication& r) const {
  const Compensation& c = scenario_.compensation;
  const auto& pools = scenario_.capacity.pools;
  r.pass_unqualified = 0.0;
  r.ae_time_share = 1.0;
  r.max_attempts.resize(pools.size());
  for (std::size_t p = 0; p < pools.size(); ++p) r.max_attempts[p] = pools[p].max_attempts;
  if (!c.defined) return;
  // Every plan's elasticities are drawn, in a fixed order, whichever plans are in use: the
  // same plan gets the same draw on both sides of a shift (which then cancels exactly), and a
  // change of plan does not move the other draws.
  engine::RandomStream rng = make_stream(r.seed, r.replication, FunnelStream::COMPENSATION, 0);
  auto draw = [&rng](const Elasticity& e) {
    const double z = engine::sample_standard_normal(rng);
    return e.mean + e.sd * z;
  };
  constexpr std::size_t SDR_PLANS = static_cast<std::size_t>(SdrPlan::COUNT);
  constexpr std::size_t AE_PLANS = static_cast<std::size_t>(AePlan::COUNT);
  std::array<double, SDR_PLANS> pass{}, attempts{};
  std::array<double, AE_PLANS> share{};
  for (std::size_t i = 0; i < SDR_PLANS; ++i) {
    pass[i] = draw(c.sdr_elasticities[i].pass_unqualified);
    attempts[i] = draw(c.sdr_elasticities[i].follow_up_attempts);
  }
  for (std::size_t i = 0; i < AE_PLANS; ++i)
    share[i] = draw(c.ae_elasticities[i].inbound_time_share);
  const double rounding = rng.uniform01();
  if (c.sdr) {
    const auto plan = static_cast<std::size_t>(c.sdr->plan);
    const auto seen = static_cast<std::size_t>(c.sdr->observed_plan);
    const double v = c.sdr->variable_share, w = c.sdr->observed_variable_share;
    r.pass_unqualified = std::clamp(pass[plan] * v - pass[seen] * w, 0.0, 1.0);
    if (c.sdr->pool) {
      const std::size_t p = *c.sdr->pool;
      const double x = std::clamp(
          static_cast<double>(pools[p].max_attempts) + (attempts[plan] * v - attempts[seen] * w),
          1.0, 50.0);
      const double whole = std::floor(x);
      r.max_attempts[p] = static_cast<int>(whole) + (rounding < x - whole ? 1 : 0);
    }
  }
  if (c.ae && c.ae->pool) {
    const auto plan = static_cast<std::size_t>(c.ae->plan);
    const auto seen = static_cast<std::size_t>(c.ae->observed_plan);
    r.ae_time_share = std::clamp(
        1.0 + (share[plan] * c.ae->variable_share - share[seen] * c.ae->observed_variable_share),
        0.05, 1.0);
  }
}

void FunnelModel::write_compensation_metrics(Replication& r, std::span<double> out) const {
  const Compensation& c = scenario_.compensation;
  const std::size_t metrics = metric_names_.size();
  for (std::size_t m = 0; m < period_count(); ++m) {
    double* row = out.data() + m * metrics;
    std::size_t k = compensation_metric_;
    row[k++] = static_cast<double>(r.passed[m]);
    double total = 0.0;
    if (c.sdr) {
      double cost = 0.0;
      if (c.sdr->pool) cost += c.sdr->base_salary_per_month * row[pool_metric(*c.sdr->pool, FTE)];
      for (const auto& [stage, dollars] : c.sdr->payout)
        cost += dollars * row[volume_metric(stage)];
      row[k++] = cost;
      total += cost;
    }
    if (c.ae) {
      double cost = c.ae->bookings_rate * row[bookings_metric()];
      if (c.ae->pool) cost += c.ae->base_salary_per_month * row[pool_metric(*c.ae->pool, FTE)];
      if (c.ae->new_logo > 0.0)
        for (std::size_t s = 0; s < stage_count_; ++s)
          if (scenario_.stages[s].bookings) cost += c.ae->new_logo * row[volume_metric(s)];
      row[k++] = cost;
      total += cost;
    }
    row[k++] = total;
  }
}

void FunnelModel::write_derived_metrics(std::span<double> out) const {
  const std::size_t metrics = metric_names_.size();
  for (std::size_t m = 0; m < period_count(); ++m) {
    double* row = out.data() + m * metrics;
    for (const Derived& d : derived_) {
      switch (d.rule) {
        case engine::PeriodAggregation::Ratio: {
          const double below = row[d.from.b];
          row[d.metric] = below != 0.0 ? row[d.from.a] / below : 0.0;
          break;
        }
        case engine::PeriodAggregation::AtLeast:
          row[d.metric] = row[d.from.a] >= d.from.target ? 1.0 : 0.0;
          break;
        case engine::PeriodAggregation::AtMost:
          row[d.metric] = row[d.from.a] <= d.from.target ? 1.0 : 0.0;
          break;
        default:
          break;
      }
    }
  }
}

void FunnelModel::simulate(std::uint64_t seed, std::uint64_t replication,
                           std::span<double> out) const {
  thread_local Replication r;
  const std::size_t months = period_count();
  const std::size_t pools = scenario_.capacity.pools.size();
  r.seed = seed;
  r.replication = replication;
  r.events = nullptr;
  draw_behaviour(r);

  // The counterfactual for conversions_lost: the same replication without capacity limits.
  r.twin_qualified.assign(pools * months, 0);
  if (pools > 0 && scenario_.capacity.report_lost_conversions) {
    simulate_once(r, true, Reuse::Keep);
    for (std::size_t p = 0; p < pools; ++p)
      for (std::size_t m = 0; m < months; ++m)
        r.twin_qualified[p * months + m] = r.queues[p].monthly().qualified[m];
    simulate_once(r, false, Reuse::Restore);
  } else {
    simulate_once(r, false, Reuse::None);
  }
  write_metrics(r, out);
}

void FunnelModel::simulate_history(std::uint64_t seed, std::uint64_t replication,
                                   std::span<double> out, std::vector<StageEvent>& events) const {
  Replication r;
  r.seed = seed;
  r.replication = replication;
  events.clear();
  r.events = &events;
  r.next_lead = 0;
  draw_behaviour(r);
  r.twin_qualified.assign(scenario_.capacity.pools.size() * period_count(), 0);
  simulate_once(r, false, Reuse::None);
  write_metrics(r, out);
}

void FunnelModel::write_metrics(Replication& r, std::span<double> out) const {
  const std::size_t months = period_count();
  const std::size_t stages = scenario_.stages.size();
  const std::size_t pools = scenario_.capacity.pools.size();
  const std::size_t metrics = metric_names_.size();
  for (std::size_t m = 0; m < months; ++m) {
    for (std::size_t s = 0; s < stages; ++s)
      out[m * metrics + s] = static_cast<double>(r.entries[m * stages + s]);
    out[m * metrics + stages] = r.pipeline[m];
    out[m * metrics + stages + 1] = r.bookings[m];
    for (std::size_t k = 0; k < REJECTION_REASON_NAMES.size(); ++k)
      if (rejection_metric_[k] < metrics)
        out[m * metrics + rejection_metric_[k]] =
            static_cast<double>(r.rejected[m * REJECTION_REASON_NAMES.size() + k]);
    double* row = out.data() + m * metrics;
    if (scenario_.sales_ready.defined) {
      row[recycled_metric_] = static_cast<double>(r.recycled[m]);
      const double accepted = r.accepted[2 * m], nurtured = r.accepted[2 * m + 1];
      row[accepted_metric_] = accepted;
      if (scenario_.nurture.defined) {
        row[accepted_metric_ + 1] = nurtured;
        row[accepted_metric_ + 2] = accepted > 0.0 ? nurtured / accepted : 0.0;
      }
    }
    // Stocks at month end: what entered (or was there at the start) less what left.
    for (std::size_t s = 0; s < stages; ++s) {
      std::uint64_t in = r.stage_start[s], gone = 0;
      for (std::size_t k = 0; k <= m; ++k) {
        in += r.entries[k * stages + s];
        gone += r.stage_out[k * stages + s];
      }
      row[stock_metric_ + s] = static_cast<double>(in) - static_cast<double>(gone);
    }
    row[stock_metric_ + stages] = static_cast<double>(r.left[m]);
    if (scenario_.scoring.defined) {
      const auto& days = r.time_to_mql[m];
      r.waits.assign(days.begin(), days.end());
      const auto [p50, p90] = median_and_p90(r.waits);
      row[time_to_mql_metric_] = p50;
      row[time_to_mql_metric_ + 1] = p90;
    }
    if (scenario_.nurture.defined)
      for (std::size_t k = 0; k < NURTURE_COUNT; ++k)
        row[nurture_metric_ + k] = static_cast<double>(r.nurture_counts[m * NURTURE_COUNT + k]);
    for (std::size_t p = 0; p < scenario_.valves.reserve_programmes.size(); ++p) {
      row[valve_metric_ + 3 * p] = static_cast<double>(r.valve_fired[p * months + m]);
      row[valve_metric_ + 3 * p + 1] = static_cast<double>(r.valve_leads[p * months + m]);
      row[valve_metric_ + 3 * p + 2] = r.valve_cost[p * months + m];
    }
    if (const std::size_t n = idle_metric_count(); n > 0)
      std::copy_n(r.idle_metrics.data() + m * n, n, row + idle_metric_);
  }
  if (pools > 0) write_capacity_metrics(r, out);
  if (scenario_.compensation.defined) write_compensation_metrics(r, out);
  write_derived_metrics(out);
}

void FunnelModel::simulate_once(Replication& r, bool unlimited, Reuse reuse) const {
  const std::size_t months = period_count();
  const std::size_t stages = scenario_.stages.size();
  const std::size_t sources = scenario_.sources.size();
  const std::uint64_t seed = r.seed, replication = r.replication;

  r.conversion.clear();
  r.values.clear();
  for (std::size_t s = 0; s < stages; ++s)
    for (std::size_t src = 0; src < sources; ++src) {
      r.conversion.push_back(
          make_stream(seed, replication, FunnelStream::CONVERSION, s * MAX_SOURCES + src));
      r.values.push_back(
          make_stream(seed, replication, FunnelStream::VALUES, s * MAX_SOURCES + src));
    }
  r.delays.clear();
  for (std::size_t t = 0; t < transitions_.size(); ++t)
    for (std::size_t src = 0; src < sources; ++src)
      r.delays.push_back(
          make_stream(seed, replication, FunnelStream::DELAYS, t * MAX_SOURCES + src));

  r.profiles.clear();
  r.attributes.clear();
  r.judging.clear();
  if (scenario_.leads.defined)
    for (std::size_t src = 0; src < sources; ++src) {
      const auto base = static_cast<std::uint32_t>(src) * NURTURE_SUBSTREAMS;
      r.attributes.push_back(
          make_stream(seed, replication, FunnelStream::NURTURE,
                      base + static_cast<std::uint32_t>(NurtureSubstream::ATTRIBUTES)));
      r.judging.push_back(
          make_stream(seed, replication, FunnelStream::NURTURE,
                      base + static_cast<std::uint32_t>(NurtureSubstream::JUDGING)));
    }
  r.rejected.assign(months * REJECTION_REASON_NAMES.size(), 0);
  r.passed.assign(months, 0);
  reset_valves(r);
  r.leniency = make_stream(seed, replication, FunnelStream::COMPENSATION, 1);
  r.recycled.assign(months, 0);
  r.accepted.assign(months * 2, 0);
  r.stage_out.assign(months * stages, 0);
  r.stage_start.assign(stages, 0);
  r.left.assign(months, 0);
  r.nurture_counts.assign(months * NURTURE_COUNT, 0);
  r.time_to_mql.resize(months);
  for (auto& days : r.time_to_mql) days.clear();
  r.pending.resize(months * stages * sources);
  for (auto& p : r.pending) p.clear();
  r.entries.assign(months * stages, 0);
  r.pipeline.assign(months, 0.0);
  r.bookings.assign(months, 0.0);

  draw_probabilities(r);
  if (!named_won_.empty()) apply_win_probabilities(r);
  // New inquiries and the starting nurture pool come first: nothing they do depends on the
  // rep pools, so the twin's can be kept and reused by the run with capacity limits (they
  // are most of the work once every inquiry is scored).
  if (reuse == Reuse::Restore) {
    r.each_upstream([](auto& live, const auto& kept) { live = kept; });
  } else {
    generate_inquiries(r);
    seed_nurture_cohorts(r);
    if (reuse == Reuse::Keep) r.each_upstream([](const auto& live, auto& kept) { kept = live; });
  }
  reset_pools(r, unlimited);
  seed_initial_funnel(r);
  flow(r);
}

void FunnelModel::reset_pools(Replication& r, bool unlimited) const {
  const auto& pools = scenario_.capacity.pools;
  r.unlimited = unlimited;
  if (r.model_identity != identity_) {
    // RepRoster and PoolQueue point into this model: rebuild them for another model.
    r.rosters.clear();
    r.queues.clear();
    for (const RepPool& pool : pools) {
      r.rosters.emplace_back(pool, calendar_);
      r.queues.emplace_back(pool, calendar_);
    }
    r.pool_leads.resize(pools.size());
    r.owner_offset.resize(pools.size());
    r.model_identity = identity_;
  }
  r.lead_keys.clear();
  r.owner_pool.clear();
  for (std::size_t p = 0; p < pools.size(); ++p) {
    r.pool_leads[p].clear();
    r.lead_keys.push_back(capacity_stream(r.seed, r.replication, p, CapacitySubstream::LEAD_KEYS));
    if (unlimited) {
      r.queues[p].reset(nullptr, true);
      continue;
    }
    engine::RandomStream roster_rng =
        capacity_stream(r.seed, r.replication, p, CapacitySubstream::ROSTER);
    r.rosters[p].draw(roster_rng);
    const auto& ae = scenario_.compensation.ae;
    r.rosters[p].set_time_share(ae && ae->pool == p ? r.ae_time_share : 1.0);
    r.queues[p].reset(&r.rosters[p], false);
    r.owner_offset[p] = r.owner_pool.size();
    if (r.owner_pool.size() + r.rosters[p].size() > MAX_OWNERS)
      throw std::runtime_error("funnelsim: more than 65535 reps across the pools in replication " +
                               std::to_string(r.replication));
    r.owner_pool.insert(r.owner_pool.end(), r.rosters[p].size(), static_cast<std::uint32_t>(p));
  }
}

void FunnelModel::join_pool(Replication& r, std::size_t pool, std::size_t stage, std::size_t source,
                            const Lead& lead, double arrived, int arrival_month) const {
  const RepPool& spec = scenario_.capacity.pools[pool];
  QueueTask task;
  task.ready = std::max(0.0, arrived);
  task.arrived = arrived;
  task.key = r.lead_keys[pool]();
  task.payload = static_cast<std::uint32_t>(r.pool_leads[pool].size());
  task.arrival_month = static_cast<std::int16_t>(arrival_month);
  if (!spec.score.empty())
    task.score = static_cast<float>(spec.score[source * segment_count_ + lead.segment]);
  r.pool_leads[pool].push_back(
      PoolLead{lead, static_cast<std::uint32_t>(stage), static_cast<std::uint32_t>(source)});
  r.queues[pool].join(task);
}

void FunnelModel::draw_probabilities(Replication& r) const {
  const auto& sc = scenario_;
  r.probability.assign(transitions_.size() * pairs_, 0.0);
  r.cumulative.assign(pairs_ * transitions_.size(), 0.0);
  for (std::size_t t = 0; t < transitions_.size(); ++t) {
    const FlatTransition& ft = transitions_[t];
    const auto& specs = sc.stages[ft.from].transitions[t - stage_first_[ft.from]].probability;
    engine::RandomStream rng = make_stream(r.seed, r.replication, FunnelStream::PARAMETERS, t);
    for (std::size_t p = 0; p < pairs_; ++p) {
      const ProbabilitySpec& spec = specs[p];
      double value = spec.value;
      if (spec.kind == ProbabilitySpec::Kind::Beta) {
        // One written Beta is one uncertain parameter: the pairs it covers share a draw.
        std::size_t same = 0;
        while (same < p && !(specs[same].kind == ProbabilitySpec::Kind::Beta &&
                             specs[same].alpha == spec.alpha && specs[same].beta == spec.beta))
          ++same;
        value = same < p ? r.probability[t * pairs_ + same]
                         : engine::sample_beta(rng, spec.alpha, spec.beta);
      }
      r.probability[t * pairs_ + p] = value;
    }
  }
  // Remainders, and the rare replication whose Beta draws sum above 1: scaled back to 1.
  for (std::size_t s = 0; s < sc.stages.size(); ++s) {
    for (std::size_t p = 0; p < pairs_; ++p) {
      double sum = 0.0;
      for (std::size_t t = stage_first_[s]; t < stage_first_[s + 1]; ++t)
        if (!transitions_[t].remainder) sum += r.probability[t * pairs_ + p];
      const double scale = sum > 1.0 ? 1.0 / sum : 1.0;
      double cumulative = 0.0;
      for (std::size_t t = stage_first_[s]; t < stage_first_[s + 1]; ++t) {
        double& q = r.probability[t * pairs_ + p];
        q = transitions_[t].remainder ? std::max(0.0, 1.0 - sum * scale) : q * scale;
        cumulative += q;
        r.cumulative[p * transitions_.size() + t] = cumulative;
      }
    }
  }
}

void FunnelModel::push(Replication& r, std::size_t from, std::size_t stage, std::size_t source,
                       const Lead& lead) const {
  if (!(lead.time < horizon_days_)) return;  // beyond the horizon
  // Only a replication whose SDRs pass leads on has flagged ones: the others never read the
  // profile here.
  if (from == unqualified_from_ && r.pass_unqualified > 0.0 && lead.profile != 0) [[unlikely]] {
    LeadProfile& p = r.profiles[lead.profile - 1];
    if (p.flags & LeadProfile::UNQUALIFIED) {
      p.flags &= static_cast<std::uint8_t>(~LeadProfile::UNQUALIFIED);
      send_back(r, from, source, lead, lead.time);
      return;
    }
  }
  if (!valve_stage_.empty() && valve_stage_[stage]) [[unlikely]] {
    const auto& programmes = scenario_.valves.reserve_programmes;
    for (std::size_t p = 0; p < programmes.size(); ++p)
      if (programmes[p].stage == stage) ++r.day_entries[p][static_cast<std::size_t>(lead.time)];
  }
  const std::size_t m = month_at(lead.time);
  if (from != OUTSIDE) ++r.stage_out[m * stage_count_ + from];
  r.pending[(m * stage_count_ + stage) * source_count_ + source].push_back(lead);
}

void FunnelModel::leave(Replication& r, std::size_t from, double at, std::uint64_t count) const {
  if (!(at < horizon_days_)) return;
  const std::size_t m = month_at(at);
  r.stage_out[m * stage_count_ + from] += count;
  r.left[m] += count;
}

void FunnelModel::generate_inquiries(Replication& r) const {
  const auto& sc = scenario_;
  const std::size_t months = period_count();
  const std::size_t sources = sc.sources.size();
  const std::size_t segments = sc.segments.size();
  const std::size_t entry = sc.entry_stage;
  const std::size_t first = stage_first_[entry], last = stage_first_[entry + 1];

  // Common shock: log multiplier sigma * z_m - sigma^2 / 2 (mean 1), z a stationary AR(1).
  std::vector<double> shock(months, 1.0);
  if (sc.volume_shock.sigma > 0.0) {
    engine::RandomStream rng = make_stream(r.seed, r.replication, FunnelStream::SHOCKS, 0);
    const double rho = sc.volume_shock.autocorrelation, sigma = sc.volume_shock.sigma;
    double z = engine::sample_standard_normal(rng);
    for (std::size_t m = 0; m < months; ++m) {
      if (m > 0) z = rho * z + std::sqrt(1.0 - rho * rho) * engine::sample_standard_normal(rng);
      shock[m] = std::exp(sigma * z - 0.5 * sigma * sigma);
    }
  }

  std::vector<double> split(last - first);
  std::vector<std::uint64_t> moved(last - first);
  std::vector<std::uint64_t> by_segment(segments);
  std::vector<double> mix(segments);

  for (std::size_t s = 0; s < sources; ++s) {
    const Source& src = sc.sources[s];
    engine::RandomStream arrivals = make_stream(r.seed, r.replication, FunnelStream::ARRIVALS, s);
    engine::RandomStream instants =
        make_stream(r.seed, r.replication, FunnelStream::ARRIVAL_TIMES, s);
    engine::RandomStream overdispersion =
        make_stream(r.seed, r.replication, FunnelStream::SHOCKS, 1 + s);
    engine::RandomStream& conversion = r.conversion[entry * sources + s];
    const double k =
        src.overdispersion > 0.0 ? 1.0 / (src.overdispersion * src.overdispersion) : 0.0;
    for (std::size_t g = 0; g < segments; ++g) mix[g] = src.segment_mix[g];

    // Splits `count` new inquiries of segment g in month m; `instant` draws an arrival time.
    auto enter = [&](int m, std::size_t g, std::uint64_t count, auto&& instant) {
      if (count == 0) return;
      r.entries[static_cast<std::size_t>(m) * sc.stages.size() + entry] += count;
      const std::uint32_t pair = static_cast<std::uint32_t>(s * segments + g);
      for (std::size_t t = first; t < last; ++t)
        split[t - first] = r.probability[t * pairs_ + pair];
      engine::sample_multinomial(conversion, count, split, moved);
      std::uint64_t moving = 0;
      for (std::uint64_t n : moved) moving += n;
      // The rest leave at once: counts, without instants.
      leave(r, entry, calendar_.month_start(m), count - moving);
      Lead lead{0.0, -1.0f, static_cast<std::uint16_t>(g), 0};
      for (std::size_t t = first; t < last; ++t) {
        // A local copy keeps the generator's state in registers through the loop.
        engine::RandomStream delay_rng = r.delays[t * sources + s];
        const FlatTransition& tr = transitions_[t];
        for (std::uint64_t i = 0; i < moved[t - first]; ++i) {
          const double at = instant();
          lead.time = at + tr.delay(delay_rng);
          if (r.events) [[unlikely]] {
            lead.id = 0;
            r.record(lead, entry, s, at);
          }
          if (t == scored_transition_) {
            score_inquiry(r, s, lead, draw_profile(r, s, g, at));
          } else {
            if (!r.attributes.empty()) lead.profile = keep_profile(r, draw_profile(r, s, g, at));
            push(r, entry, tr.to, s, lead);
          }
        }
        r.delays[t * sources + s] = delay_rng;
      }
      // A recorded history logs the inquiries that left too, at instants of their own.
      if (r.events) [[unlikely]]
        for (std::uint64_t i = moving; i < count; ++i) {
          Lead gone{0.0, -1.0f, static_cast<std::uint16_t>(g), 0};
          r.record(gone, entry, s, instant());
        }
    };

    for (std::size_t m = 0; m < months; ++m) {
      const int month = static_cast<int>(m);
      double mean = expected_volume_[s * months + m] * shock[m];
      if (k > 0.0) mean *= engine::sample_gamma(overdispersion, k, 1.0 / k);
      const std::uint64_t n = engine::sample_poisson(arrivals, mean);
      engine::sample_multinomial(arrivals, n, mix, by_segment);
      for (std::size_t g = 0; g < segments; ++g)
        if (src.follows_calendar) {
          const engine::AliasTable& day = day_of_month_[m];
          const double start = calendar_.month_start(month);
          if (hour_of_day_.size() == 0)
            enter(month, g, by_segment[g], [&] {
              return start + static_cast<double>(day(instants)) + instants.uniform01();
            });
          else
            enter(month, g, by_segment[g], [&] {
              const double d = start + static_cast<double>(day(instants));
              const auto hour = static_cast<double>(hour_of_day_(instants));
              return d + (hour + instants.uniform01()) / 24.0;
            });
        } else {
          const double start = calendar_.month_start(month), days = calendar_.month_days(month);
          enter(month, g, by_segment[g], [&] { return start + instants.uniform01() * days; });
        }

      for (const Burst& b : src.bursts) {
        if (b.month_index != month) continue;
        const double from = calendar_.month_start(month) + (b.first_day - 1);
        const double span = std::min(b.days, calendar_.month_days(month) - b.first_day + 1);
        const std::uint64_t nb = engine::sample_poisson(arrivals, b.volume);
        engine::sample_multinomial(arrivals, nb, mix, by_segment);
        for (std::size_t g = 0; g < segments; ++g)
          enter(month, g, by_segment[g], [&] { return from + instants.uniform01() * span; });
      }
    }
  }
}

void FunnelModel::seed_nurture_cohorts(Replication& r) const {
  const auto& sc = scenario_;
  if (!sc.nurture.defined) return;
  for (std::size_t c = 0; c < sc.initial_funnel.size(); ++c) {
    const InitialCohort& cohort = sc.initial_funnel[c];
    if (cohort.stage != sc.nurture.stage) continue;
    engine::RandomStream rng = make_stream(r.seed, r.replication, FunnelStream::INITIAL, c);
    for (std::uint64_t i = 0; i < cohort.count; ++i) {
      const std::size_t s = cohort.source ? *cohort.source : source_share_(rng);
      const std::size_t g = cohort.segment ? *cohort.segment : segment_mix_[s](rng);
      seed_nurture(r, s, g, cohort, rng);
    }
  }
}

void FunnelModel::seed_initial_funnel(Replication& r) const {
  const auto& sc = scenario_;
  const std::size_t segments = sc.segments.size();
  std::vector<double> weight;
  for (std::size_t c = 0; c < sc.initial_funnel.size(); ++c) {
    const InitialCohort& cohort = sc.initial_funnel[c];
    if (sc.nurture.defined && cohort.stage == sc.nurture.stage) continue;  // seed_nurture_cohorts
    engine::RandomStream rng = make_stream(r.seed, r.replication, FunnelStream::INITIAL, c);
    engine::RandomStream owner_rng =
        capacity_stream(r.seed, r.replication, c, CapacitySubstream::INITIAL);
    const std::size_t first = stage_first_[cohort.stage], last = stage_first_[cohort.stage + 1];
    for (std::uint64_t i = 0; i < cohort.count; ++i) {
      const std::size_t s = cohort.source ? *cohort.source : source_share_(rng);
      const std::size_t g = cohort.segment ? *cohort.segment : segment_mix_[s](rng);
      const std::uint32_t pair = static_cast<std::uint32_t>(s * segments + g);
      const double age =
          cohort.age_min_days + rng.uniform01() * (cohort.age_max_days - cohort.age_min_days);
      std::uint32_t id = 0;
      if (r.events) [[unlikely]] {
        Lead there{-age, -1.0f, static_cast<std::uint16_t>(g), 0};
        r.record(there, cohort.stage, s, -age);
        id = there.id;
      }
      // Leads waiting in a worked stage at the start are the pool's starting backlog.
      if (const int pool = pool_of(cohort.stage, s, g); pool >= 0) {
        Lead lead{-age, -1.0f, static_cast<std::uint16_t>(g), 0};
        lead.id = id;
        if (!r.attributes.empty()) lead.profile = keep_profile(r, draw_profile(r, s, g, -age));
        ++r.stage_start[cohort.stage];
        join_pool(r, static_cast<std::size_t>(pool), cohort.stage, s, lead, -age, -1);
        continue;
      }
      ++r.stage_start[cohort.stage];
      // A lead that has spent `age` days in the stage without moving took transition t with
      // probability proportional to p_t P(D_t > age), or none (it stays) with 1 - sum p_t;
      // its delay is then D_t given D_t > age. Rejection draws exactly that; when it keeps
      // failing (old leads, short delays), the same law is drawn by inversion.
      std::size_t chosen = last;
      double remaining = 0.0;
      bool decided = false;
      for (int attempt = 0; attempt < MAX_REJECTION_TRIES && !decided; ++attempt) {
        const double u = rng.uniform01();
        std::size_t t = first;
        while (t < last && u >= r.cumulative[pair * transitions_.size() + t]) ++t;
        if (t == last) {
          decided = true;  // stays in the stage for good
          break;
        }
        const double d = transitions_[t].delay(rng);
        if (d > age) {
          chosen = t;
          remaining = d - age;
          decided = true;
        }
      }
      if (!decided) {
        weight.assign(last - first + 1, 0.0);
        double sum = 0.0;
        for (std::size_t t = first; t < last; ++t) {
          weight[t - first] =
              r.probability[t * pairs_ + pair] * transitions_[t].delay.survival(age);
          sum += weight[t - first];
        }
        weight.back() = std::max(0.0, 1.0 - r.cumulative[pair * transitions_.size() + last - 1]);
        sum += weight.back();
        if (sum <= 0.0) {
          // Every delay has already run out: the leads are overdue and move now.
          for (std::size_t t = first; t < last; ++t) {
            weight[t - first] = r.probability[t * pairs_ + pair];
            sum += weight[t - first];
          }
        }
        // A one-off draw: a linear search is cheaper than building an alias table.
        double target = rng.uniform01() * sum;
        chosen = first;
        while (chosen < last && target >= weight[chosen - first])
          target -= weight[chosen++ - first];
        if (chosen < last) remaining = transitions_[chosen].delay.sample_above(rng, age) - age;
      }
      // A deal open at the start belongs to one of the reps on the team then, whose slot
      // it holds until it leaves the stage.
      if (const int holder = holder_of(cohort.stage, s, g); holder >= 0 && !r.unlimited)
        hold_initial_deal(r, static_cast<std::size_t>(holder), owner_rng,
                          chosen < last ? remaining : std::numeric_limits<double>::infinity());
      if (chosen < last) {
        Lead lead{remaining, -1.0f, static_cast<std::uint16_t>(g), 0};
        lead.id = id;
        if (!r.attributes.empty()) lead.profile = keep_profile(r, draw_profile(r, s, g, -age));
        // Judged when it leaves the stage, like any lead that takes the step.
        if (chosen == judged_transition_ && rejected(r, s, lead, r.judging[s])) continue;
        push(r, cohort.stage, transitions_[chosen].to, s, lead);
      } else if (first != last) {
        leave(r, cohort.stage, 0.0);  // it will never move on: it has left the model
      }
    }
  }
}

void FunnelModel::hold_initial_deal(Replication& r, std::size_t pool, engine::RandomStream& rng,
                                    double leaves) const {
  const RepRoster& roster = r.rosters[pool];
  auto on_team = [&](std::size_t i) {
    return roster.rep(i).start_day <= 0.0 && roster.rep(i).leave_day > 0.0;
  };
  std::size_t present = 0;
  for (std::size_t i = 0; i < roster.size(); ++i) present += on_team(i) ? 1 : 0;
  if (present == 0) return;  // nobody to hold it: the deal runs its course unowned
  auto pick = static_cast<std::size_t>(rng.uniform01() * static_cast<double>(present));
  std::size_t rep = 0;
  while (!on_team(rep) || pick-- > 0) ++rep;
  r.queues[pool].hold(rep, 0.0);
  if (leaves < horizon_days_) r.queues[pool].release(rep, leaves);
}

/// The pool's decisions: what an attempt costs and where the lead goes. Each lead draws
/// from its own stream (its queue key and the attempt number), so its fate depends on the
/// wait but not on the order in which the queue serves leads.
struct FunnelModel::PoolWorker {
  const FunnelModel& model;
  Replication& r;
  std::size_t pool;

  void send_lost(const PoolLead& pl, double at) const {
    const RepPool& spec = model.scenario_.capacity.pools[pool];
    if (!spec.lost_to) return;
    Lead lead = pl.lead;
    lead.time = at;
    model.push(r, pl.stage, *spec.lost_to, pl.source, lead);
  }

  void expire(const QueueTask& task, double at) const {
    send_lost(r.pool_leads[pool][task.payload],
              std::max(at, 0.0));  // a starting backlog older than the expiry expires on day 0
  }

  WorkResult work(const QueueTask& task, double start, std::size_t rep) const {
    const RepPool& spec = model.scenario_.capacity.pools[pool];
    const PoolPlan& plan = model.pool_plans_[pool];
    const PoolLead pl = r.pool_leads[pool][task.payload];
    engine::RandomStream rng =
        engine::RandomStream::from_word(task.key + 0x9e3779b97f4a7c15ULL * task.attempt);
    const double wait = (start - task.arrived) * MINUTES_PER_DAY;
    WorkResult result;
    result.minutes = std::max(0.0, plan.attempt_minutes(rng));
    const double reach = spec.contact_probability * spec.contact_decay(wait);
    if (!(rng.uniform01() < reach)) {
      if (task.attempt + 1 < r.max_attempts[pool]) {
        result.outcome = WorkResult::Outcome::Retry;
        result.retry_ready = start + spec.attempt_interval_hours / 24.0;
        return result;
      }
      result.outcome = WorkResult::Outcome::Unreached;
      if (model.scenario_.sales_ready.defined && pl.stage == model.scenario_.sales_ready.stage)
        model.count_rejection(r, start, RejectionReason::Unreachable);
      send_lost(pl, start + result.minutes / MINUTES_PER_DAY);
      return result;
    }
    result.minutes += std::max(0.0, plan.qualification_minutes(rng));
    const double end = start + result.minutes / MINUTES_PER_DAY;
    const double first_wait = task.attempt == 0 ? wait : task.first_wait_minutes;
    const double keep = spec.qualification_decay(first_wait);

    // The unit interval is laid out as [decaying transitions, scaled by keep][their lost
    // share][the other transitions], so a longer wait moves a lead only from converting to
    // lost, never between the other outcomes (a monotone coupling of waits and outcomes).
    const std::size_t first = model.stage_first_[pl.stage], last = model.stage_first_[pl.stage + 1];
    const std::size_t pair = pl.source * model.segment_count_ + pl.lead.segment;
    const double u = rng.uniform01();
    double edge = 0.0, decaying = 0.0;
    std::size_t chosen = last;
    for (std::size_t t = first; t < last && chosen == last; ++t) {
      if (!plan.qualifies[t]) continue;
      const double p = r.probability[t * model.pairs_ + pair];
      decaying += p;
      edge += p * keep;
      if (u < edge) chosen = t;
    }
    if (chosen == last) {
      edge += decaying * (1.0 - keep);
      if (u < edge) {
        result.outcome = WorkResult::Outcome::Decayed;
        send_lost(pl, end);
        return result;
      }
      for (std::size_t t = first; t < last && chosen == last; ++t) {
        if (plan.qualifies[t]) continue;
        edge += r.probability[t * model.pairs_ + pair];
        if (u < edge) chosen = t;
      }
    }
    if (chosen == last) {
      result.outcome = WorkResult::Outcome::NotQualified;  // stays in the stage for good
      return result;
    }
    result.outcome =
        plan.qualifies[chosen] ? WorkResult::Outcome::Qualified : WorkResult::Outcome::NotQualified;
    const FlatTransition& tr = model.transitions_[chosen];
    Lead lead = pl.lead;
    lead.time = end + tr.delay(rng);
    if (chosen == model.judged_transition_ && model.rejected(r, pl.source, lead, rng)) {
      result.outcome = WorkResult::Outcome::NotQualified;
      return result;
    }
    if (plan.holds[tr.to] && !r.unlimited) {
      lead.owner = static_cast<std::uint16_t>(r.owner_offset[pool] + rep + 1);
      r.queues[pool].hold(rep, start);
    }
    model.push(r, pl.stage, tr.to, pl.source, lead);
    return result;
  }
};

LeadProfile FunnelModel::draw_profile(Replication& r, std::size_t source, std::size_t segment,
                                      double created) const {
  const LeadAttributes& leads = scenario_.leads;
  const AttributePlan& plan = attribute_plans_[source * segment_count_ + segment];
  engine::RandomStream& rng = r.attributes[source];
  LeadProfile p;
  p.key = rng();
  p.created = static_cast<float>(created);
  p.engaged_at = p.created;
  p.decision_at = static_cast<float>(created);
  if (!leads.personas.empty()) p.persona = static_cast<std::uint8_t>(plan.persona(rng));
  if (leads.fit_score) p.fit = static_cast<float>(std::clamp(plan.fit_score(rng), 0.0, MAX_SCORE));
  if (scenario_.scoring.initial_engagement)
    p.engagement = static_cast<float>(std::clamp(initial_engagement_(rng), 0.0, MAX_SCORE));
  return p;
}

std::uint32_t FunnelModel::keep_profile(Replication& r, const LeadProfile& profile) const {
  r.profiles.push_back(profile);
  return static_cast<std::uint32_t>(r.profiles.size());
}

RejectionReason FunnelModel::judge(Replication& r, std::size_t source, const Lead& lead, double at,
                                   engine::RandomStream& rng) const {
  if (lead.profile == 0) return RejectionReason::COUNT;
  const SalesReady& rules = scenario_.sales_ready;
  LeadProfile& p = r.profiles[lead.profile - 1];
  if (!(p.flags & LeadProfile::DRAWN)) {
    // Drawn now rather than at creation: the same law (a decision `decision_months` away on
    // the day the lead was created), but the work is done only for the leads that are judged
    // (a few in ten), not for every inquiry.
    const AttributePlan& plan = attribute_plans_[source * segment_count_ + lead.segment];
    engine::RandomStream own = engine::RandomStream::from_word(p.key ^ 0x5851f42d4c957f2dULL);
    if (scenario_.leads.decision_timeline_months)
      p.decision_months = static_cast<float>(std::max(0.0, plan.decision_timeline(own)));
    if (plan.need && own.uniform01() < *plan.need) p.flags |= LeadProfile::NEED;
    if (plan.budget_known && own.uniform01() < *plan.budget_known) p.flags |= LeadProfile::BUDGET;
    if (plan.authority && own.uniform01() < *plan.authority) p.flags |= LeadProfile::AUTHORITY;
    p.flags |= LeadProfile::DRAWN;
  }
  if (rules.min_score) {
    // With scoring, the score as of `at`: fit plus the engagement left after decay.
    double score = p.fit;
    if (scenario_.scoring.defined)
      score += decayed(p.engagement, p.engaged_at, std::max(at, static_cast<double>(p.engaged_at)),
                       decay_per_day_);
    if (score < *rules.min_score) return RejectionReason::Score;
  }
  if (!rules.personas.empty() && !rules.personas[p.persona]) return RejectionReason::Persona;
  if (rules.need_required && !(p.flags & LeadProfile::NEED)) return RejectionReason::Need;
  if (rules.budget_required && !(p.flags & LeadProfile::BUDGET)) return RejectionReason::Budget;
  if (rules.authority_required && !(p.flags & LeadProfile::AUTHORITY))
    return RejectionReason::Authority;
  if (rules.timeline_within_months) {
    // The decision comes a month closer each month; each whole month since the last update,
    // it slips with the scenario's probability. Whole months only, so that judging a lead
    // twice draws the same kind of history as judging it once.
    const double since = (at - static_cast<double>(p.decision_at)) / DAYS_PER_MONTH;
    if (since >= 1.0) {
      const auto whole = static_cast<int>(since);
      double months = static_cast<double>(p.decision_months) - whole;
      if (scenario_.leads.slip_probability > 0.0)
        for (int i = 0; i < whole; ++i)
          if (rng.uniform01() < scenario_.leads.slip_probability) months += slip_months_(rng);
      p.decision_months = static_cast<float>(months);
      p.decision_at =
          static_cast<float>(static_cast<double>(p.decision_at) + whole * DAYS_PER_MONTH);
    }
    const double remaining = static_cast<double>(p.decision_months) -
                             (at - static_cast<double>(p.decision_at)) / DAYS_PER_MONTH;
    if (remaining > *rules.timeline_within_months) return RejectionReason::Timeline;
  }
  return RejectionReason::COUNT;
}

void FunnelModel::count_rejection(Replication& r, double at, RejectionReason reason) const {
  if (!(at < horizon_days_)) return;
  ++r.rejected[month_at(at) * REJECTION_REASON_NAMES.size() + static_cast<std::size_t>(reason)];
}

bool FunnelModel::rejected(Replication& r, std::size_t source, const Lead& lead,
                           engine::RandomStream& rng) const {
  const RejectionReason why = judge(r, source, lead, lead.time, rng);
  if (why == RejectionReason::COUNT) {
    if (lead.time < horizon_days_) {
      const std::size_t m = month_at(lead.time);
      ++r.accepted[2 * m];
      if (lead.profile != 0 && (r.profiles[lead.profile - 1].flags & LeadProfile::NURTURED))
        ++r.accepted[2 * m + 1];
    }
    return false;
  }
  if (r.pass_unqualified > 0.0 && r.leniency.uniform01() < r.pass_unqualified) {
    // The SDR passes it on anyway; the AE sends it back when it leaves the accept stage.
    r.profiles[lead.profile - 1].flags |= LeadProfile::UNQUALIFIED;
    if (lead.time < horizon_days_) ++r.passed[month_at(lead.time)];
    return false;
  }
  reject(r, source, lead, lead.time, why);
  return true;
}

void FunnelModel::reject(Replication& r, std::size_t source, Lead lead, double at,
                         RejectionReason reason) const {
  count_rejection(r, at, reason);
  send_back(r, scenario_.sales_ready.stage, source, lead, at);
}

void FunnelModel::send_back(Replication& r, std::size_t from, std::size_t source, Lead lead,
                            double at) const {
  const SalesReady& rules = scenario_.sales_ready;
  LeadProfile& p = r.profiles[lead.profile - 1];
  std::optional<std::size_t> to;
  if (rules.recycle_to && p.recycles < rules.max_recycles) {
    ++p.recycles;
    to = rules.recycle_to;
    lead.time = at + rules.cooldown_days;
    if (at < horizon_days_) ++r.recycled[month_at(at)];
  } else {
    to = rules.exhausted_to;
    lead.time = at;
  }
  if (!to) {
    if (lead.owner != 0) release_if_leaving(r, lead, scenario_.stages.size());
    leave(r, from, lead.time);
    return;
  }
  if (lead.owner != 0) release_if_leaving(r, lead, *to);
  push(r, from, *to, source, lead);
}

void FunnelModel::flow(Replication& r) const {
  const bool valves = !scenario_.valves.reserve_programmes.empty();
  const bool idle =
      !scenario_.valves.cold_lists.empty() || !scenario_.valves.named_accounts.empty();
  for (std::size_t m = 0; m < period_count(); ++m) {
    sweep_month(r, m);
    if (scenario_.capacity.pools.empty()) {
      // Without queues a month's leads are all known once it is swept; each check day in
      // turn counts those before it, and a firing's leads are swept before the next check.
      if (valves)
        for (int day = 1; day <= calendar_.month_days(static_cast<int>(m)); ++day)
          if (check_valves(r, m, day)) sweep_month(r, m);
      continue;
    }
    // The pools work the month a day at a time, and after each pool's day the leads it
    // sent on are swept at once: a lead that an SDR qualifies on Monday and that becomes an
    // SQL on Thursday is in the AE queue before the AEs' Thursday is simulated. Only a chain
    // from one pool's call back to a pool's queue completed within the same day joins that
    // queue late (ready when the queue's day ends; its wait still counts from its arrival).
    const int month = static_cast<int>(m);
    const double begin = calendar_.month_start(month);
    const double end = begin + calendar_.month_days(month);
    for (double day_end = begin + 1.0; day_end <= end; day_end += 1.0) {
      for (std::size_t p = 0; p < r.queues.size(); ++p) {
        PoolWorker worker{*this, r, p};
        r.queues[p].advance(day_end, worker);
        sweep_month(r, m);
      }
      // Idle time the pools left today goes to the cold lists and named accounts.
      if (idle && !r.unlimited && work_idle(r, m, static_cast<int>(day_end) - 1)) sweep_month(r, m);
      // After the pools' day: a firing's leads arrive after its lead time, in the pools'
      // future, and join their queues as they come.
      if (valves && check_valves(r, m, static_cast<int>(day_end - begin))) sweep_month(r, m);
    }
    for (auto& queue : r.queues) queue.close_month(month);
  }
}

void FunnelModel::sweep_month(Replication& r, std::size_t m) const {
  const auto& sc = scenario_;
  const std::size_t stages = sc.stages.size();
  const std::size_t sources = sc.sources.size();
  const std::size_t segments = sc.segments.size();
  const std::size_t count = transitions_.size();
  const bool has_pools = !sc.capacity.pools.empty();
  const std::size_t nurture_stage = sc.nurture.defined ? sc.nurture.stage : stages;
  {
    // Leads reach later months only by positive delays; zero delays can feed a stage that
    // was already swept this month, so sweep until the month is empty.
    for (bool moved = true; moved;) {
      moved = false;
      for (std::size_t s = 0; s < stages; ++s) {
        const Stage& stage = sc.stages[s];
        const std::size_t first = stage_first_[s], last = stage_first_[s + 1];
        for (std::size_t src = 0; src < sources; ++src) {
          auto& bucket = r.pending[(m * stages + s) * sources + src];
          if (bucket.empty()) continue;
          moved = true;
          r.batch.swap(bucket);
          r.entries[m * stages + s] += r.batch.size();
          if (stage.pipeline || stage.bookings) {
            engine::RandomStream values = r.values[s * sources + src];
            for (Lead& lead : r.batch) {
              if (stage.pipeline || lead.value < 0.0f)
                lead.value = static_cast<float>(deal_value_[lead.segment](values));
              if (stage.pipeline) r.pipeline[m] += lead.value;
              if (stage.bookings) r.bookings[m] += lead.value;
            }
            r.values[s * sources + src] = values;
          }
          if (r.events) [[unlikely]]
            for (Lead& lead : r.batch) r.record(lead, s, src, lead.time);
          if (s == nurture_stage) {
            for (const Lead& lead : r.batch)
              nurture_lead(r, src, lead, r.profiles[lead.profile - 1], false);
            r.batch.clear();
            continue;
          }
          if (has_pools && stage_worked_[s]) {
            // Leads a pool works join its queue; the rest move on as below.
            std::size_t kept = 0;
            for (std::size_t i = 0; i < r.batch.size(); ++i) {
              const Lead& lead = r.batch[i];
              if (const int pool = pool_of(s, src, lead.segment); pool >= 0)
                join_pool(r, static_cast<std::size_t>(pool), s, src, lead, lead.time,
                          static_cast<int>(m));
              else
                r.batch[kept++] = lead;
            }
            r.batch.resize(kept);
          }
          if (first != last && !r.batch.empty()) {
            // One pass draws every lead's transition, then one pass per transition draws the
            // delays of its leads. The choice is branch-free (the number of cumulative
            // thresholds at or below u) and each lead's index is appended to its transition's
            // list, because a branch on a coin flip is mispredicted half the time.
            engine::RandomStream conversion = r.conversion[s * sources + src];
            const double* cumulative = r.cumulative.data() + src * segments * count + first;
            const std::size_t options = last - first;  // the list after them: leads that leave
            const std::size_t n = r.batch.size();
            r.chosen.resize((options + 1) * n);
            r.chosen_count.assign(options + 1, 0);
            for (std::size_t i = 0; i < n; ++i) {
              const double u = conversion.uniform01();
              const double* c = cumulative + r.batch[i].segment * count;
              std::size_t k = 0;
              for (std::size_t t = 0; t < options; ++t) k += static_cast<std::size_t>(u >= c[t]);
              r.chosen[k * n + r.chosen_count[k]++] = static_cast<std::uint32_t>(i);
            }
            r.conversion[s * sources + src] = conversion;
            for (std::size_t k = 0; k < options; ++k) {
              engine::RandomStream delays = r.delays[(first + k) * sources + src];
              const FlatTransition& tr = transitions_[first + k];
              const std::uint32_t* chosen = r.chosen.data() + k * n;
              const bool judged = first + k == judged_transition_;
              const double scale =
                  delay_scale_.empty() ? 1.0 : delay_scale_[(first + k) * sources + src];
              for (std::size_t j = 0; j < r.chosen_count[k]; ++j) {
                Lead lead = r.batch[chosen[j]];
                lead.time += scale * tr.delay(delays);
                if (judged && rejected(r, src, lead, r.judging[src])) continue;
                if (lead.owner != 0) release_if_leaving(r, lead, tr.to);
                push(r, s, tr.to, src, lead);
              }
              r.delays[(first + k) * sources + src] = delays;
            }
            // Leads that take no transition leave the model now, in this bucket's month.
            const std::uint32_t* leaving = r.chosen.data() + options * n;
            if (has_pools)
              for (std::size_t j = 0; j < r.chosen_count[options]; ++j)
                if (Lead& lead = r.batch[leaving[j]]; lead.owner != 0)
                  release_if_leaving(r, lead, stages);
            r.stage_out[m * stages + s] += r.chosen_count[options];
            r.left[m] += r.chosen_count[options];
          }
          r.batch.clear();
        }
      }
    }
  }
}

void FunnelModel::count_mql(Replication& r, LeadProfile& profile, double at) const {
  if ((profile.flags & LeadProfile::MQL_SEEN) || !(at < horizon_days_)) return;
  profile.flags |= LeadProfile::MQL_SEEN;
  r.time_to_mql[month_at(at)].push_back(static_cast<float>(at - profile.created));
}

void FunnelModel::score_inquiry(Replication& r, std::size_t source, Lead lead,
                                LeadProfile p) const {
  const std::size_t entry = scenario_.entry_stage;
  const double score = static_cast<double>(p.fit) + static_cast<double>(p.engagement);
  if (score >= scenario_.scoring.threshold) {
    count_mql(r, p, lead.time);
    lead.profile = keep_profile(r, p);
    push(r, entry, transitions_[scored_transition_].to, source, lead);
  } else if (scenario_.nurture.defined) {
    // Straight onto the track for new leads: the same ledger as a push and a sweep, without
    // the round trip through the stage's bucket (most inquiries take this path).
    if (!(lead.time < horizon_days_)) return;
    const std::size_t m = month_at(lead.time);
    ++r.stage_out[m * stage_count_ + entry];
    ++r.entries[m * stage_count_ + scenario_.nurture.stage];
    if (r.events) [[unlikely]]
      r.record(lead, scenario_.nurture.stage, source, lead.time);
    nurture_lead(r, source, lead, p, true);
  } else {
    leave(r, entry, lead.time);
  }
}

void FunnelModel::nurture_lead(Replication& r, std::size_t source, const Lead& lead, LeadProfile& p,
                               bool fresh) const {
  const auto kind =
      static_cast<std::size_t>(fresh ? NurtureTrack::Takes::New : NurtureTrack::Takes::Recycled);
  if (lead.time < horizon_days_)
    ++r.nurture_counts[month_at(lead.time) * NURTURE_COUNT +
                       (fresh ? ENTERED_NEW : ENTERED_RECYCLED)];
  if (!fresh) {
    p.engagement = 0.0f;  // a recycled lead earns its way back
    p.engaged_at = static_cast<float>(lead.time);
  }
  if (!has_track_[kind]) return;  // no track takes it: dormant in the stage
  // The lead's own draws, a fresh sequence for each time it enters nurture.
  engine::RandomStream rng = engine::RandomStream::from_word(
      p.key + 0x9e3779b97f4a7c15ULL * (std::uint64_t{p.nurture_entries} + 1));
  if (p.nurture_entries < 255) ++p.nurture_entries;
  const TrackOutcome outcome = follow_track(
      track_plans_[kind],
      track_odds_[kind * engagement_.size() + p.persona * segment_count_ + lead.segment], p.fit,
      p.engagement, p.engaged_at, lead.time, rng);
  leave_nurture(r, source, lead, p, outcome);
}

void FunnelModel::leave_nurture(Replication& r, std::size_t source, Lead lead, LeadProfile& p,
                                const TrackOutcome& outcome) const {
  const Nurture& nurture = scenario_.nurture;
  p.engagement = static_cast<float>(outcome.engagement);
  p.engaged_at = static_cast<float>(outcome.engaged_at);
  lead.time = outcome.time;
  const bool returned = outcome.kind == TrackOutcome::Kind::Returned;
  if (lead.time < horizon_days_)
    ++r.nurture_counts[month_at(lead.time) * NURTURE_COUNT +
                       (returned                                           ? RETURNED
                        : outcome.kind == TrackOutcome::Kind::Unsubscribed ? UNSUBSCRIBED
                                                                           : COMPLETED)];
  // A new lead's profile is kept only when the lead goes somewhere that reads it: most
  // leave nurture for good, and keeping theirs would only fill the cache.
  if (returned) {
    p.flags |= LeadProfile::NURTURED;
    count_mql(r, p, lead.time);
    if (lead.profile == 0) lead.profile = keep_profile(r, p);
    push(r, nurture.stage, nurture.returns_to, source, lead);
  } else if (nurture.exit_to) {
    const std::size_t to = *nurture.exit_to;
    if (lead.profile == 0 && (stage_first_[to] != stage_first_[to + 1] || stage_worked_[to]))
      lead.profile = keep_profile(r, p);
    push(r, nurture.stage, to, source, lead);
  } else {
    leave(r, nurture.stage, lead.time);
  }
}

void FunnelModel::seed_nurture(Replication& r, std::size_t source, std::size_t segment,
                               const InitialCohort& cohort, engine::RandomStream& rng) const {
  // The pool on day 0 of a steady inflow over the cohort's window: a lead entered its track
  // `age` days ago, age uniform in the window, and is in the pool only if it is still in
  // nurture on day 0. Rejection sampling draws exactly that: a new age and a new lead until
  // its track (from day -age) ends on day 0 or later, so old leads and leads that return
  // quickly are as rare as in a real pool. A lead older than its track has finished it and
  // stays, dormant. One that keeps failing starts the track afresh on day 0. A new lead
  // starts with its initial engagement, a recycled one with none.
  const auto takes = cohort.track.value_or(NurtureTrack::Takes::Recycled);
  const auto kind = static_cast<std::size_t>(takes);
  const TrackPlan& plan = track_plans_[kind];
  ++r.stage_start[scenario_.nurture.stage];
  for (int attempt = 0; attempt <= MAX_REJECTION_TRIES; ++attempt) {
    const bool last = attempt == MAX_REJECTION_TRIES;
    const double age =
        last ? 0.0
             : cohort.age_min_days + rng.uniform01() * (cohort.age_max_days - cohort.age_min_days);
    // The profile is kept only if the lead leaves nurture for a stage that reads it.
    LeadProfile p = draw_profile(r, source, segment, -age);
    if (!has_track_[kind] || age >= plan.end_days) return;  // dormant
    const TrackOdds& odds =
        track_odds_[kind * engagement_.size() + p.persona * segment_count_ + segment];
    const double engagement = takes == NurtureTrack::Takes::New ? p.engagement : 0.0;
    engine::RandomStream own = engine::RandomStream::from_word(p.key);
    p.nurture_entries = 1;
    const TrackOutcome outcome = follow_track(plan, odds, p.fit, engagement, -age, -age, own);
    if (outcome.time >= 0.0 || last) {
      Lead lead{-age, -1.0f, static_cast<std::uint16_t>(segment), 0};
      if (r.events) [[unlikely]]
        r.record(lead, scenario_.nurture.stage, source, -age);
      leave_nurture(r, source, lead, p, outcome);
      return;
    }
  }
}

void FunnelModel::release_if_leaving(Replication& r, Lead& lead, std::size_t to) const {
  const std::size_t owner = lead.owner - 1u;
  const std::size_t p = r.owner_pool[owner];
  if (to < stage_count_ && pool_plans_[p].holds[to]) return;  // still the same rep's deal
  r.queues[p].release(owner - r.owner_offset[p], lead.time);
  lead.owner = 0;
}

void FunnelModel::write_capacity_metrics(Replication& r, std::span<double> out) const {
  const auto& pools = scenario_.capacity.pools;
  const std::size_t months = period_count();
  const std::size_t metrics = metric_names_.size();
  for (std::size_t p = 0; p < pools.size(); ++p) {
    const RepPool& pool = pools[p];
    const RepRoster& roster = r.rosters[p];
    PoolQueue& queue = r.queues[p];
    queue.censor_waiting(horizon_days_);
    PoolMonthly& monthly = queue.monthly();
    for (std::size_t m = 0; m < months; ++m) {
      const int month = static_cast<int>(m);
      double* row = out.data() + m * metrics;
      auto set = [&](PoolMetric which, double value) { row[pool_metric(p, which)] = value; };
      const int first_day = calendar_.month_start(month);
      const int days = calendar_.month_days(month);
      // Rep minutes inside working windows.
      const double fte = roster.effective_fte(month);
      const double available = fte * pool.schedule.hours_per_day * 60.0 *
                               static_cast<double>(roster.working_days(month));
      const double busy =
          monthly.busy_minutes[m] + monthly.open_deal_days[m] * pool.open_minutes_per_week / 7.0;
      set(HEADCOUNT, roster.headcount_at(static_cast<double>(first_day + days) - 0.5));
      set(FTE, fte);
      set(UTILISATION, available > 0.0 ? busy / available : 0.0);
      set(IDLE_HOURS, std::max(0.0, available - busy) / 60.0);
      set(OPEN_DEALS, monthly.open_deals[m]);
      const std::uint32_t arrivals = monthly.arrivals[m];
      set(ARRIVALS, arrivals);
      set(BACKLOG, monthly.backlog[m]);
      set(MEAN_WAITING, monthly.waiting_area[m] / static_cast<double>(days));
      auto& waits = monthly.waits[m];
      double mean = 0.0;
      r.waits.assign(waits.begin(), waits.end());
      if (!waits.empty()) {
        engine::NeumaierSum sum;
        for (double w : r.waits) sum.add(w);
        mean = sum.value() / static_cast<double>(r.waits.size());
      }
      const auto [p50, p90] = median_and_p90(r.waits);
      set(RESPONSE_P50, p50);
      set(RESPONSE_P90, p90);
      set(RESPONSE_MEAN, mean);
      set(WITHIN_SLA,
          arrivals > 0 ? static_cast<double>(monthly.within_sla[m]) / static_cast<double>(arrivals)
                       : 1.0);
      set(EXPIRED, monthly.expired[m]);
      set(UNREACHED, monthly.unreached[m]);
      set(DECAYED, monthly.decayed[m]);
      set(QUALIFIED, monthly.qualified[m]);
      set(CONVERSIONS_LOST, scenario_.capacity.report_lost_conversions
                                ? static_cast<double>(r.twin_qualified[p * months + m]) -
                                      static_cast<double>(monthly.qualified[m])
                                : 0.0);
    }
  }
}

}  // namespace funnelsim::models
