// The rep-pool queue (models/capacity/pool_queue.hpp) as an M/M/c queue against Erlang C,
// and Little's law for its waiting-area accounting.
//
// The scenario is R2 of the peers (../shared/peers/README.md, scenarios/examples/r2.yaml):
// a Poisson stream of MQLs, around the clock, c SDRs working 24 hours a day, each MQL taking
// one SDR for an exponential time of mean 60 minutes, first in first out, no attempt cost,
// every attempt reaching the lead, no decay, no expiry. The queue starts empty on 1 January;
// February and March (months 1 and 2) are compared with the stationary M/M/c figures.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include "engine/run/replication_runner.hpp"
#include "models/funnel/funnel_model.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "tests/models/run_test_support.hpp"

namespace fm = funnelsim::models;
namespace fe = funnelsim::engine;
using namespace funnelsim::models::testing;

namespace {

/// Erlang's C formula: the probability that an arrival to an M/M/c queue with offered load
/// a = lambda / mu < c has to wait,
///   C(c, a) = [a^c / c! * c / (c - a)] / [sum_{k < c} a^k / k! + a^c / c! * c / (c - a)].
double erlang_c(int c, double a) {
  double term = 1.0;  // a^k / k!
  double sum = 0.0;
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / static_cast<double>(k + 1);
  }
  const double tail = term * static_cast<double>(c) / (static_cast<double>(c) - a);
  return tail / (sum + tail);
}

/// Mean wait in queue, W_q = C(c, a) / (c mu - lambda), in the unit of 1 / mu.
double erlang_wq(int c, double lambda, double mu) {
  return erlang_c(c, lambda / mu) / (static_cast<double>(c) * mu - lambda);
}

// R2 with the arrival rate and headcount left to overrides. Keep in step with
// scenarios/examples/r2.yaml (the shipped example is checked below as well).
const std::string MMC = R"(name: M/M/c queue
calendar:
  start: 2027-01
  horizon_months: 3
  working_days: [mon, tue, wed, thu, fri, sat, sun]
segments:
  all:
    deal_value: {distribution: fixed, value: 1}
sources:
  mql_stream: {daily_volume: 192, arrivals: uniform}
stages:
  inquiry:
    kind: entry
    transitions:
      mql: {probability: 1}
  mql:
    transitions:
      worked: {probability: 1}
  worked: {}
capacity:
  report_lost_conversions: false
  pools:
    sdr:
      works: [mql]
      headcount: 10
      schedule: {days: [mon, tue, wed, thu, fri, sat, sun], start: "00:00", hours_per_day: 24,
                 holidays: false}
      ramp: []
      work:
        attempt_minutes: 0
        max_attempts: 1
        contact_probability: 1
        qualification_minutes: {distribution: exponential, mean: 60}
      queue: {discipline: fifo}
      speed_to_lead:
        contact_decay: none
        qualification_decay: none
        expire_after_days: 0
        sla_minutes: 0
)";

/// One load of the M/M/c check.
struct Load {
  const char* name;
  double per_day;  // arrival rate, MQLs a day
  int reps;        // SDRs
  std::size_t replications;
  const char* start = "00:00";  // of the reps' 24-hour day: a late start runs past midnight
};

void PrintTo(const Load& load, std::ostream* os) {
  *os << load.name;
}

class PoolQueueMMc : public ::testing::TestWithParam<Load> {};

TEST_P(PoolQueueMMc, ErlangCAndLittlesLawInSteadyMonths) {
  const Load load = GetParam();
  const auto started = std::chrono::steady_clock::now();
  const fm::FunnelModel model(
      fm::load_scenario_text(MMC, "mmc.yaml",
                             {"sources.mql_stream.daily_volume=" + std::to_string(load.per_day),
                              "capacity.pools.sdr.headcount=" + std::to_string(load.reps),
                              std::string("capacity.pools.sdr.schedule.start=") + load.start}));
  fe::RunConfig config;
  config.seed = 20270101;
  config.replications = load.replications;
  const fe::ResultCube cube = fe::run_replications(model, config);

  // Rates per minute.
  const double lambda = load.per_day / 1440.0, mu = 1.0 / 60.0;
  const double rho = lambda / (load.reps * mu);
  const double p_wait = erlang_c(load.reps, lambda / mu);
  const double wq = erlang_wq(load.reps, lambda, mu);  // minutes

  const auto metric = [&](fm::FunnelModel::PoolMetric which) {
    return model.pool_metric(0, which);
  };
  const std::size_t waited_ix = metric(fm::FunnelModel::WITHIN_SLA);
  const std::size_t wait_ix = metric(fm::FunnelModel::RESPONSE_MEAN);
  const std::size_t util_ix = metric(fm::FunnelModel::UTILISATION);
  const std::size_t waiting_ix = metric(fm::FunnelModel::MEAN_WAITING);
  const std::size_t arrivals_ix = metric(fm::FunnelModel::ARRIVALS);
  ASSERT_EQ(model.metric_names()[waited_ix], "queue.sdr.within_sla");
  ASSERT_EQ(model.metric_names()[waiting_ix], "queue.sdr.mean_waiting");

  for (std::size_t m : {std::size_t{1}, std::size_t{2}}) {
    const double days = model.calendar().month_days(static_cast<int>(m));
    std::vector<double> waited, wait, util, waiting, little;
    for (std::size_t r = 0; r < cube.replications(); ++r) {
      waited.push_back(1.0 - cube.at(r, m, waited_ix));  // sla 0: the share that waited
      wait.push_back(cube.at(r, m, wait_ix));
      util.push_back(cube.at(r, m, util_ix));
      waiting.push_back(cube.at(r, m, waiting_ix));
      // Little's law on the sample path: the time-average number waiting equals the
      // month's arrival rate times their mean wait, up to the leads waiting across the
      // month's edges (the area of those who arrived before the month minus the waits of
      // the month's arrivals that run past its end, which are alike in a steady state). The
      // difference is paired per replication, so its SE is small. Not in the last month:
      // waits still running at the horizon are censored there, which removes the second
      // edge term but not the first, so its difference is positive by design.
      const double rate = cube.at(r, m, arrivals_ix) / days;  // a day
      little.push_back(cube.at(r, m, waiting_ix) - rate * cube.at(r, m, wait_ix) / 1440.0);
    }
    const MeanSe w = mean_se(waited), q = mean_se(wait), u = mean_se(util), l = mean_se(waiting),
                 d = mean_se(little);
    const bool sample_path = m + 1 < cube.periods();
    const double lq = load.per_day * wq / 1440.0;  // Little: L_q = lambda W_q (leads)
    std::printf(
        "[ %s month %zu ] P(wait) %.5f vs %.5f z=%.2f | Wq %.3f vs %.3f min z=%.2f | "
        "util %.5f vs %.5f z=%.2f | Lq %.4f vs %.4f z=%.2f | Lq - lambda W %.2e se %.1e "
        "z=%.2f\n",
        load.name, m, w.mean, p_wait, w.z(p_wait), q.mean, wq, q.z(wq), u.mean, rho, u.z(rho),
        l.mean, lq, l.z(lq), d.mean, d.se, d.z(0.0));
    EXPECT_LE(std::abs(w.z(p_wait)), Z_LIMIT) << "P(wait), month " << m;
    EXPECT_LE(std::abs(q.z(wq)), Z_LIMIT) << "mean wait, month " << m;
    EXPECT_LE(std::abs(u.z(rho)), Z_LIMIT) << "utilisation, month " << m;
    EXPECT_LE(std::abs(l.z(lq)), Z_LIMIT) << "mean waiting, month " << m;
    if (sample_path) {
      EXPECT_LE(std::abs(d.z(0.0)), Z_LIMIT) << "Little's law, month " << m;
    }
    // The tolerances are tight enough to matter.
    EXPECT_LT(Z_LIMIT * w.se, 0.015);
    EXPECT_LT(Z_LIMIT * q.se, 0.15 * wq);
    EXPECT_LT(Z_LIMIT * u.se, 0.005);
  }
  std::printf("[ %s ] %zu replications in %.2f s\n", load.name, load.replications,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

INSTANTIATE_TEST_SUITE_P(Loads, PoolQueueMMc,
                         ::testing::Values(Load{"rho_0_50", 120.0, 10, 200},
                                           Load{"rho_0_80", 192.0, 10, 300},
                                           Load{"rho_0_95", 228.0, 10, 600},
                                           // Windows 09:00 to 09:00 the next day: reps are
                                           // at work around the clock all the same.
                                           Load{"rho_0_80_from_0900", 192.0, 10, 200, "09:00"}),
                         [](const ::testing::TestParamInfo<Load>& param) {
                           return std::string(param.param.name);
                         });

}  // namespace

TEST(ErlangC, MatchesThePeersPublishedR2Figures) {
  // R2: lambda 8 an hour, c 10, mean service 60 minutes (../shared/peers/README.md).
  EXPECT_NEAR(erlang_c(10, 8.0), 0.409180, 5e-7);
  EXPECT_NEAR(erlang_wq(10, 8.0 / 60.0, 1.0 / 60.0), 12.2754, 5e-5);
  // M/M/1: C = rho, W_q = rho / (mu - lambda).
  EXPECT_NEAR(erlang_c(1, 0.7), 0.7, 1e-15);
  EXPECT_NEAR(erlang_wq(1, 0.7, 1.0), 0.7 / 0.3, 1e-12);
  // M/M/2: C = 2 rho^2 / (1 + rho).
  EXPECT_NEAR(erlang_c(2, 1.2), 2 * 0.36 / 1.6, 1e-15);
}

// The shipped example is the M/M/10 the peers describe: the test scenario above is the same
// queue, so the figures checked on it hold for scenarios/examples/r2.yaml too.
TEST(ErlangC, ShippedR2ExampleIsTheTestedQueue) {
  const fm::Scenario shipped =
      fm::load_scenario_file(std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/examples/r2.yaml");
  const fm::Scenario tested = fm::load_scenario_text(MMC, "mmc.yaml");
  ASSERT_EQ(shipped.sources.size(), 1u);
  EXPECT_EQ(shipped.sources[0].volume, 192.0);
  EXPECT_EQ(shipped.sources[0].basis, tested.sources[0].basis);
  EXPECT_EQ(shipped.sources[0].follows_calendar, tested.sources[0].follows_calendar);
  ASSERT_EQ(shipped.capacity.pools.size(), 1u);
  const fm::RepPool& a = shipped.capacity.pools[0];
  const fm::RepPool& b = tested.capacity.pools[0];
  EXPECT_EQ(a.headcount, b.headcount);
  EXPECT_EQ(a.schedule.days, b.schedule.days);
  EXPECT_EQ(a.schedule.start_hour, b.schedule.start_hour);
  EXPECT_EQ(a.schedule.hours_per_day, b.schedule.hours_per_day);
  EXPECT_EQ(a.schedule.observe_holidays, b.schedule.observe_holidays);
  EXPECT_EQ(a.attempt_minutes.mean(), 0.0);
  EXPECT_EQ(a.qualification_minutes.kind, fm::DistributionSpec::Kind::Exponential);
  EXPECT_EQ(a.qualification_minutes.mean(), 60.0);
  EXPECT_EQ(a.contact_probability, 1.0);
  EXPECT_EQ(a.max_attempts, 1);
  EXPECT_EQ(a.discipline, fm::QueueDiscipline::Fifo);
  EXPECT_FALSE(a.contact_decay.active());
  EXPECT_FALSE(a.qualification_decay.active());
  EXPECT_EQ(a.expire_after_days, 0.0);
  EXPECT_EQ(a.sla_minutes, 0.0);
  // Its SDRs are productive from day one: fully ramped starting reps.
  const fm::FunnelModel model(shipped);
  fe::RunConfig config;
  config.seed = 1;
  config.replications = 2;
  const fe::ResultCube cube = fe::run_replications(model, config);
  for (std::size_t m = 0; m < cube.periods(); ++m)
    EXPECT_EQ(cube.at(0, m, model.pool_metric(0, fm::FunnelModel::FTE)), 10.0);
}
