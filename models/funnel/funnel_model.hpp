// The per-replication simulation of the funnel: sources, stage transitions, delays, dollars.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/sampling/samplers.hpp"
#include "models/funnel/distribution_sampler.hpp"
#include "models/funnel/funnel_calendar.hpp"
#include "models/scenario/scenario.hpp"

namespace funnelsim::models {

/// A ReplicationModel over a validated Scenario. Metrics, per forecast month:
/// `volume.<stage id>` (leads entering the stage, in stage order), then `pipeline.created`
/// and `bookings` (dollars).
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
class FunnelModel {
 public:
  /// Largest number of sources (stream substreams are stage * MAX_SOURCES + source).
  static constexpr std::size_t MAX_SOURCES = 1024;

  explicit FunnelModel(Scenario scenario);

  std::size_t period_count() const { return static_cast<std::size_t>(calendar_.months()); }
  std::vector<std::string> metric_names() const { return metric_names_; }
  const std::vector<std::string>& period_labels() const { return calendar_.labels(); }
  const Scenario& scenario() const { return scenario_; }
  const FunnelCalendar& calendar() const { return calendar_; }

  std::size_t volume_metric(std::size_t stage) const { return stage; }
  std::size_t pipeline_metric() const { return scenario_.stages.size(); }
  std::size_t bookings_metric() const { return scenario_.stages.size() + 1; }

  /// Expected inquiries of source s in forecast month m before shocks and overdispersion
  /// (bursts excluded). Exposed for analytic tests and for the initial funnel's source mix.
  double expected_volume(std::size_t source, int month) const {
    return expected_volume_[source * period_count() + static_cast<std::size_t>(month)];
  }

  /// Simulates replication `replication` of the run with `seed`; writes
  /// out[month * metrics + metric]. Thread-safe; a pure function of its arguments.
  void simulate(std::uint64_t seed, std::uint64_t replication, std::span<double> out) const;

 private:
  struct FlatTransition {
    std::size_t from = 0;
    std::size_t to = 0;
    bool remainder = false;
    DistributionSampler delay;
  };
  /// A lead moving through the stages after the entry stage.
  /// Its source is implied by the bucket it waits in (pending is kept per source).
  /// 16 bytes: a replication streams tens of thousands of leads through its buckets, and at
  /// 24 bytes they no longer fit in L2. A float holds a deal value to about 1e-7 of itself
  /// (cents on a $100k deal); sums of dollars are kept in double.
  struct Lead {
    double time;  ///< days since the forecast start
    float value;  ///< deal value in dollars; < 0 until drawn
    std::uint32_t segment;
  };
  static_assert(sizeof(Lead) == 16);
  struct Replication;  // per-call scratch, defined in the .cpp

  void draw_probabilities(Replication& r) const;
  void generate_inquiries(Replication& r) const;
  void seed_initial_funnel(Replication& r) const;
  void flow(Replication& r) const;
  void push(Replication& r, std::size_t stage, std::size_t source, const Lead& lead) const;

  Scenario scenario_;
  FunnelCalendar calendar_;
  std::vector<std::string> metric_names_;
  std::size_t pairs_ = 0;        ///< sources x segments
  std::size_t stage_count_ = 0;  ///< cached: vector::size() divides on every push
  std::size_t source_count_ = 0;
  double horizon_days_ = 0.0;
  std::vector<FlatTransition> transitions_;
  std::vector<std::size_t> stage_first_;  ///< transitions of stage s: [first[s], first[s+1])
  std::vector<double> expected_volume_;   ///< [source][month]
  std::vector<engine::AliasTable> day_of_month_;  ///< calendar-weighted day within each month
  std::vector<engine::AliasTable> segment_mix_;   ///< per source
  engine::AliasTable source_share_;               ///< by expected volume, for the initial funnel
  std::vector<DistributionSampler> deal_value_;   ///< per segment
};

}  // namespace funnelsim::models
