// Compensation in the simulation: costs from payouts and FTE, ratios over periods, and each
// behaviour shift checked against the scenario it should equal.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/stats/period_aggregation.hpp"
#include "models/funnel/forecast.hpp"
#include "models/funnel/funnel_model.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "tests/models/run_test_support.hpp"

namespace funnelsim::models {
namespace {

using testing::bit_identical;
using testing::run;
using testing::values;

constexpr std::size_t REPS = 12;
constexpr std::uint64_t SEED = 4242;

// The idle-time valves add sales-accepted leads and opportunities of their own; the ledgers
// here are about the SDRs' and AEs' inbound work.
Scenario with(std::vector<std::string> sets) {
  sets.insert(sets.begin(), {"valves.cold_lists=", "valves.named_accounts="});
  return load_scenario_text(default_scenario_text(), "<default>", sets);
}

// Every elasticity zero (sd 0) and no work-order change, for every plan.
std::vector<std::string> zero_elasticities() {
  std::vector<std::string> sets;
  for (const char* plan : {"per_meeting", "per_sql", "per_opportunity"}) {
    const std::string at = std::string("compensation.elasticities.") + plan;
    sets.push_back(at + ".pass_unqualified=0");
    sets.push_back(at + ".follow_up_attempts=0");
    sets.push_back(at + ".work_first=keep");
  }
  for (const char* plan : {"bookings", "new_logos"})
    sets.push_back(std::string("compensation.elasticities.") + plan + ".inbound_time_share=0");
  return sets;
}

std::vector<std::string> plus(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Every metric of `a` outside `compensation.*` is bit-identical in `b`.
void expect_same_funnel(const engine::ResultCube& a, const engine::ResultCube& b) {
  for (const std::string& name : a.metric_names()) {
    if (name.starts_with("compensation.")) continue;
    EXPECT_TRUE(bit_identical(values(a, name, 0), values(b, name, 0))) << name;
    EXPECT_TRUE(bit_identical(values(a, name), values(b, name))) << name;
  }
}

TEST(CompensationModel, AChangeOfPlanWithZeroElasticitiesChangesOnlyCost) {
  const auto base = run(FunnelModel(with(zero_elasticities())), REPS, SEED);
  const auto variant =
      run(FunnelModel(with(plus(
              zero_elasticities(),
              {"compensation.sdr.plan=per_opportunity", "compensation.sdr.variable_share=0.5",
               "compensation.ae.plan=new_logos", "compensation.sdr.payout={opportunity: 300}"}))),
          REPS, SEED);
  expect_same_funnel(base, variant);
  EXPECT_FALSE(bit_identical(values(base, "compensation.sdr.cost"),
                             values(variant, "compensation.sdr.cost")));
}

TEST(CompensationModel, CostIsSalaryTimesFtePlusPayouts) {
  const FunnelModel model(with({}));
  const auto cube = run(model, REPS, SEED);
  const std::size_t fte_sdr = cube.metric_index("capacity.sdr.fte");
  const std::size_t fte_ae = cube.metric_index("capacity.ae.fte");
  const std::size_t sal = cube.metric_index("volume.sal"), sql = cube.metric_index("volume.sql");
  const std::size_t bookings = cube.metric_index("bookings");
  for (std::size_t i = 0; i < cube.replications(); ++i)
    for (std::size_t m = 0; m < cube.periods(); ++m) {
      const double sdr = 4700.0 * cube.at(i, m, fte_sdr) + 80.0 * cube.at(i, m, sal);
      const double ae = 0.10 * cube.at(i, m, bookings) + 6250.0 * cube.at(i, m, fte_ae);
      EXPECT_DOUBLE_EQ(cube.at(i, m, cube.metric_index("compensation.sdr.cost")), sdr);
      EXPECT_DOUBLE_EQ(cube.at(i, m, cube.metric_index("compensation.ae.cost")), ae);
      EXPECT_DOUBLE_EQ(cube.at(i, m, cube.metric_index("compensation.cost")), sdr + ae);
      EXPECT_DOUBLE_EQ(cube.at(i, m, cube.metric_index("compensation.cost_per.sql")),
                       (sdr + ae) / cube.at(i, m, sql));
    }
}

TEST(CompensationModel, CostPerLeadOverAPeriodIsTotalCostOverTotalLeads) {
  const FunnelModel model(with({}));
  engine::RunConfig config;
  config.seed = SEED;
  config.replications = REPS;
  const Forecast f = run_forecast(model, config);
  const std::size_t total = f.total_labels.size() - 1;
  const std::size_t cost = f.cube.metric_index("compensation.cost");
  const std::size_t sql = f.cube.metric_index("volume.sql");
  const std::size_t per = f.cube.metric_index("compensation.cost_per.sql");
  for (std::size_t i = 0; i < REPS; ++i)
    EXPECT_DOUBLE_EQ(f.total_cube.at(i, total, per),
                     f.total_cube.at(i, total, cost) / f.total_cube.at(i, total, sql));
  EXPECT_EQ(model.metric_aggregations()[per], engine::PeriodAggregation::Ratio);
}

TEST(CompensationModel, FollowUpShiftEqualsThatManyMoreAttempts) {
  // Paid per opportunity with a certain +2 attempts per unit of variable pay, all of it
  // variable: the SDRs make 6 + 2 = 8 attempts, exactly as if max_attempts were 8.
  const auto shifted = run(
      FunnelModel(
          with(plus(zero_elasticities(),
                    {"compensation.elasticities.per_opportunity.follow_up_attempts=2",
                     "compensation.sdr.plan=per_opportunity", "compensation.sdr.variable_share=1",
                     "compensation.sdr.observed_variable_share=1"}))),
      REPS, SEED);
  const auto eight =
      run(FunnelModel(with(plus(zero_elasticities(), {"capacity.pools.sdr.work.max_attempts=8"}))),
          REPS, SEED);
  expect_same_funnel(shifted, eight);
  const auto six = run(FunnelModel(with(zero_elasticities())), REPS, SEED);
  EXPECT_LT(testing::mean_se(values(shifted, "queue.sdr.unreached")).mean,
            testing::mean_se(values(six, "queue.sdr.unreached")).mean);
}

TEST(CompensationModel, WorkFirstOfAnotherPlanSetsTheQueueDiscipline) {
  const auto newest =
      run(FunnelModel(with(plus(zero_elasticities(),
                                {"compensation.elasticities.per_sql.work_first=newest_first",
                                 "compensation.sdr.plan=per_sql"}))),
          REPS, SEED);
  const auto set = run(
      FunnelModel(
          with(plus(zero_elasticities(), {"capacity.pools.sdr.queue.discipline=newest_first"}))),
      REPS, SEED);
  expect_same_funnel(newest, set);
}

TEST(CompensationModel, AnAePlanThatMovesTimeToNamedAccountsScalesInboundFte) {
  const auto base = run(FunnelModel(with(zero_elasticities())), REPS, SEED);
  const auto half = run(
      FunnelModel(with(plus(zero_elasticities(),
                            {"compensation.elasticities.new_logos.inbound_time_share=-0.5",
                             "compensation.ae.plan=new_logos", "compensation.ae.variable_share=1",
                             "compensation.ae.observed_variable_share=1"}))),
      REPS, SEED);
  // Month 1, before the queue's state can move anyone's hiring: exactly half the FTE.
  const auto b = values(base, "capacity.ae.fte", 0), h = values(half, "capacity.ae.fte", 0);
  for (std::size_t i = 0; i < b.size(); ++i) EXPECT_DOUBLE_EQ(h[i], 0.5 * b[i]);
  EXPECT_GT(testing::mean_se(values(half, "queue.ae.backlog", 11)).mean,
            testing::mean_se(values(base, "queue.ae.backlog", 11)).mean);
}

TEST(CompensationModel, PassedLeadsEnterTheAcceptStageAndAreSentBack) {
  // SDRs paid per meeting who pass every failing lead on (p = 1): nothing they reached is
  // rejected at the hand-off (an unreached lead cannot be passed on), and every lead entering
  // the accept stage was either accepted or passed.
  const auto cube = run(
      FunnelModel(
          with(plus(zero_elasticities(),
                    {"compensation.elasticities.per_meeting.pass_unqualified=1",
                     "compensation.sdr.observed_plan=per_sql", "compensation.sdr.variable_share=1",
                     "compensation.sdr.observed_variable_share=1"}))),
      REPS, SEED);
  double passed = 0.0;
  for (const std::string& name : cube.metric_names())
    if (name.starts_with("sales_ready.rejected.") && name != "sales_ready.rejected.unreachable") {
      for (double x : values(cube, name)) EXPECT_EQ(x, 0.0) << name;
    }
  for (std::size_t m = 0; m < cube.periods(); ++m) {
    const auto sal = values(cube, "volume.sal", static_cast<int>(m));
    const auto accepted = values(cube, "sales_ready.accepted", static_cast<int>(m));
    const auto through = values(cube, "compensation.passed_unqualified", static_cast<int>(m));
    for (std::size_t i = 0; i < sal.size(); ++i) {
      EXPECT_EQ(sal[i], accepted[i] + through[i]);
      passed += through[i];
    }
  }
  EXPECT_GT(passed, 0.0);
}

TEST(CompensationModel, HalfPassedKeepsTheAcceptStageBalancedInEveryMonth) {
  const auto cube =
      run(FunnelModel(with({"compensation.sdr.observed_plan=per_sql",
                            "compensation.elasticities.per_meeting.pass_unqualified=0.5",
                            "compensation.elasticities.per_sql.pass_unqualified=0",
                            "compensation.sdr.variable_share=1",
                            "compensation.sdr.observed_variable_share=1"})),
          REPS, SEED);
  for (std::size_t m = 0; m < cube.periods(); ++m) {
    const auto sal = values(cube, "volume.sal", static_cast<int>(m));
    const auto accepted = values(cube, "sales_ready.accepted", static_cast<int>(m));
    const auto through = values(cube, "compensation.passed_unqualified", static_cast<int>(m));
    for (std::size_t i = 0; i < sal.size(); ++i) EXPECT_EQ(sal[i], accepted[i] + through[i]);
  }
}

TEST(CompensationModel, ResultsDoNotDependOnTheThreadCount) {
  const FunnelModel model(with({"compensation.sdr.plan=per_sql"}));
  EXPECT_TRUE(bit_identical(run(model, 6, SEED, 1).values(), run(model, 6, SEED, 2).values()));
}

}  // namespace
}  // namespace funnelsim::models
