// The idle-time valves in the simulation: the SDRs' cold list (conservation of the list, idle
// time only) and the AEs' named accounts (hours, Poisson yield, the rep's open-deal limit,
// their own win rate and cycle), and that a valve that does no work changes nothing.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "models/funnel/funnel_model.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "tests/models/run_test_support.hpp"

namespace funnelsim::models {
namespace {

using testing::bit_identical;
using testing::mean_se;
using testing::run;
using testing::values;

constexpr std::uint64_t SEED = 515;
constexpr double Z_LIMIT = 4.5;

Scenario default_with(std::vector<std::string> sets) {
  return load_scenario_text(default_scenario_text(), "<default>", sets);
}

// Every metric of `without` is bit-identical in `with`, in every month.
void expect_unchanged(const engine::ResultCube& without, const engine::ResultCube& with) {
  for (const std::string& name : without.metric_names())
    for (int m = 0; m < static_cast<int>(without.periods()); ++m)
      ASSERT_TRUE(bit_identical(values(without, name, m), values(with, name, m)))
          << name << " month " << m;
}

// available + cooling + leads so far = size + replenished so far, at every month end.
TEST(IdleValves, TheColdListIsConserved) {
  const Scenario s = default_with({});
  const ColdList& list = s.valves.cold_lists.at(0);
  const FunnelModel model(s);
  const auto cube = run(model, 20, SEED);
  const std::string id = "valve." + list.id;
  double touched = 0.0;
  for (std::size_t r = 0; r < cube.replications(); ++r) {
    double leads = 0.0;
    for (std::size_t m = 0; m < cube.periods(); ++m) {
      const double t = cube.at(r, m, cube.metric_index(id + ".touches"));
      const double l = cube.at(r, m, cube.metric_index(id + ".leads"));
      ASSERT_LE(l, t);
      ASSERT_DOUBLE_EQ(cube.at(r, m, cube.metric_index(id + ".hours")),
                       t * list.touch_minutes / 60.0);
      leads += l;
      touched += t;
      const double held = cube.at(r, m, cube.metric_index(id + ".available")) +
                          cube.at(r, m, cube.metric_index(id + ".cooling"));
      ASSERT_EQ(held + leads, static_cast<double>(list.size + list.replenish_per_month * m))
          << "replication " << r << " month " << m;
    }
  }
  EXPECT_GT(touched, 0.0);  // the list is worked: the ledger is not trivially balanced
}

// One SDR and no hires: MQLs are always waiting at the end of the day, so the list is never
// worked and the run is the one without it, bit for bit.
TEST(IdleValves, AFullQueueLeavesNoTimeForTheColdList) {
  const std::vector<std::string> one_sdr = {
      "capacity.pools.sdr.headcount=1", "capacity.pools.sdr.hires=",
      "capacity.pools.sdr.attrition=",  "valves.cold_lists.target_accounts.when_waiting_at_most=0",
      "valves.reserve_programmes=",     "valves.named_accounts="};
  const auto with = run(FunnelModel(default_with(one_sdr)), 6, SEED);
  for (const char* what : {".touches", ".leads", ".hours"})
    for (double x : values(with, std::string("valve.target_accounts") + what)) EXPECT_EQ(x, 0.0);
  for (double x : values(with, "valve.target_accounts.available", 11)) EXPECT_EQ(x, 2000 + 1100);
  std::vector<std::string> without_list = one_sdr;
  without_list.back() = "valves=";
  const auto without = run(FunnelModel(default_with(without_list)), 6, SEED);
  expect_unchanged(without, with);
}

// Named accounts with no accounts never add a lead: the run is the one without them.
TEST(IdleValves, NamedAccountsThatYieldNothingChangeNothing) {
  const auto with =
      run(FunnelModel(default_with({"valves.named_accounts.strategic_accounts."
                                    "accounts=0",
                                    "valves.cold_lists=", "valves.reserve_programmes="})),
          6, SEED);
  const auto without = run(FunnelModel(default_with({"valves="})), 6, SEED);
  expect_unchanged(without, with);
  for (double x : values(with, "valve.strategic_accounts.opportunities")) EXPECT_EQ(x, 0.0);
}

// Five AEs with no inbound at all: every working hour is idle, so the hours are exact and
// the opportunities are Poisson. Deals close exactly 30.6 days (x cycle_factor) after they
// open, in the middle of their day of work: day d + 0.5.
const std::string AES = R"(name: Named accounts test
calendar:
  start: 2027-01
  horizon_months: 3
  working_days: [mon, tue, wed, thu, fri]
segments:
  all: {deal_value: {distribution: fixed, value: 1000}}
sources:
  web: {monthly_volume: 0}
  named: {monthly_volume: 0}
stages:
  inquiry:
    kind: entry
    transitions:
      sql: {probability: 1}
  sql:
    transitions:
      opportunity: {probability: 1}
  opportunity:
    pipeline: true
    transitions:
      won: {probability: 0.3, delay: {distribution: fixed, value: 30.6}}
      lost: {probability: remainder, delay: {distribution: fixed, value: 30.6}}
  won: {bookings: true}
  lost: {}
capacity:
  report_lost_conversions: false
  pools:
    ae:
      role: ae
      works: [sql]
      headcount: 5
      ramp: []
      schedule: {days: [mon, tue, wed, thu, fri], start: "09:00", hours_per_day: 8,
                 holidays: false}
      work:
        qualification_minutes: 60
        holds: [opportunity]
        max_open: 1000
        open_minutes_per_week: 0
      speed_to_lead:
        qualifies: [opportunity]
        sla_minutes: 1440
valves:
  named_accounts:
    strategic:
      pool: ae
      source: named
      enters: opportunity
      accounts: 100000
      opportunities_per_hour: 0.05
      idle_share: 0.5
      win_probability: 0.6
      cycle_factor: 2
)";

FunnelModel aes(const std::vector<std::string>& sets = {}) {
  return FunnelModel(load_scenario_text(AES, "aes.yaml", sets));
}

TEST(IdleValves, NamedAccountsSpendTheIdleHoursAndYieldPoissonOpportunities) {
  const auto cube = run(aes(), 400, SEED);
  // 5 AEs x 8 hours x half their time, on 21 weekdays in January, 20 in February and 23 in
  // March.
  const std::vector<double> hours = {420.0, 400.0, 460.0};
  for (int m = 0; m < 3; ++m)
    for (double x : values(cube, "valve.strategic.hours", m))
      ASSERT_NEAR(x, hours[static_cast<std::size_t>(m)], 1e-9);  // windows are in days
  const auto opportunities = mean_se(values(cube, "valve.strategic.opportunities"));
  EXPECT_LT(std::fabs(opportunities.z(1280.0 * 0.05)), Z_LIMIT)
      << opportunities.mean << " se " << opportunities.se;
  // Every opportunity is the valve's, and the accounts count down.
  const auto opened = values(cube, "volume.opportunity");
  const auto made = values(cube, "valve.strategic.opportunities");
  const auto left = values(cube, "valve.strategic.accounts_left", 2);
  for (std::size_t r = 0; r < opened.size(); ++r) {
    EXPECT_EQ(opened[r], made[r]);
    EXPECT_EQ(left[r], 100000.0 - made[r]);
  }
}

// Paid on new logos, AEs keep a share s of their time for inbound (here exactly 1 - 0.4 x 0.5
// = 0.8); the rest goes to the named accounts every working day, on top of the idle share.
TEST(IdleValves, TimeAPayPlanMovesOffInboundGoesToNamedAccounts) {
  const std::string pay = R"(compensation:
  ae:
    pool: ae
    plan: new_logos
    observed_plan: bookings
    variable_share: 0.5
  elasticities:
    new_logos: {inbound_time_share: -0.4}
)";
  const auto cube = run(FunnelModel(load_scenario_text(AES + pay, "aes.yaml")), 20, SEED);
  // Windows at s: 5 x 8 x 0.8 = 32 hours a day, all idle: half of it, plus 32 x 0.2 / 0.8.
  const std::vector<double> days = {21.0, 20.0, 23.0};
  for (int m = 0; m < 3; ++m)
    for (double x : values(cube, "valve.strategic.hours", m))
      ASSERT_NEAR(x, days[static_cast<std::size_t>(m)] * (16.0 + 8.0), 1e-9);
}

TEST(IdleValves, NamedAccountsCloseAtTheirOwnRateAndCycle) {
  for (const double factor : {1.0, 2.0}) {
    const auto cube = run(
        aes({"valves.named_accounts.strategic.cycle_factor=" + std::to_string(factor)}), 400, SEED);
    // The horizon ends on day 90. With factor 1, a deal of Friday 26 February (day 56) closes
    // on day 87.1 and one of Monday 1 March (day 59) on day 90.1; with factor 2, one of Friday
    // 29 January (day 28) on day 89.7 and one of Monday 1 February (day 31) on day 92.7.
    const auto won = values(cube, "volume.won");
    const auto lost = values(cube, "volume.lost");
    const auto january = values(cube, "valve.strategic.opportunities", 0);
    const auto february = values(cube, "valve.strategic.opportunities", 1);
    double wins = 0.0, closed = 0.0;
    for (std::size_t r = 0; r < won.size(); ++r) {
      ASSERT_EQ(won[r] + lost[r], january[r] + (factor == 1.0 ? february[r] : 0.0))
          << "factor " << factor << " replication " << r;
      wins += won[r];
      closed += won[r] + lost[r];
    }
    // win_probability 0.6 replaces the scenario's 0.3: binomial over every closed deal.
    const double share = wins / closed;
    EXPECT_LT(std::fabs(share - 0.6) / std::sqrt(0.6 * 0.4 / closed), Z_LIMIT) << share;
  }
}

TEST(IdleValves, NamedAccountsNeedARepWithRoomForTheDeal) {
  // Two deals each at most, held 61.2 days: January fills the five AEs' ten slots and
  // nothing more opens until the first deals close in March.
  const auto cube = run(aes({"capacity.pools.ae.work.max_open=2"}), 50, SEED);
  const auto january = values(cube, "valve.strategic.opportunities", 0);
  const auto february = values(cube, "valve.strategic.opportunities", 1);
  for (std::size_t r = 0; r < january.size(); ++r) {
    EXPECT_EQ(january[r], 10.0);
    EXPECT_EQ(february[r], 0.0);
  }
  for (double x : values(cube, "capacity.ae.open_deals", 1)) EXPECT_EQ(x, 10.0);
}

}  // namespace
}  // namespace funnelsim::models
