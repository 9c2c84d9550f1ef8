// Reserve programmes in the simulation: when they fire, what they add, and that a programme
// that never fires changes nothing.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "models/funnel/funnel_model.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "tests/models/run_test_support.hpp"

namespace funnelsim::models {
namespace {

using testing::bit_identical;
using testing::run;
using testing::values;

constexpr std::size_t REPS = 8;
constexpr std::uint64_t SEED = 99;

std::string r1_text() {
  std::ifstream in(std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/examples/r1.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// R1 (no capacity, counts) or the default scenario (queues, scoring, nurture), with an SLA
// target of `monthly` on volume.mql and a programme with the given settings.
Scenario with_programme(bool default_scenario, double monthly, int max_per_quarter,
                        double budget = 0.0) {
  // The default scenario's own programme is dropped; the target is added to its SLA.
  const std::string value = "{metric: volume.mql, at_least: " + std::to_string(monthly) + "}";
  Scenario s =
      default_scenario
          ? load_scenario_text(default_scenario_text(), "<default>",
                               {"valves=", "sla.targets.mql_target=" + value})
          : load_scenario_text(r1_text() + "sla:\n  targets:\n    mql_target: " + value + "\n",
                               "r1.yaml");
  ReserveProgramme p;
  p.id = "blitz";
  p.source = 0;
  p.yield = testing::spec(DistributionSpec::Kind::Fixed, 100.0);
  p.lead_time_days = 0.0;
  p.spread_days = 0.0;
  p.cost = 250.0;
  p.max_per_quarter = max_per_quarter;
  p.budget = budget;
  p.target = s.sla.targets.size() - 1;
  p.stage = 1;  // mql, second in both scenarios
  p.check_days = {5, 15, 25};
  s.valves.defined = true;
  s.valves.reserve_programmes.push_back(p);
  return s;
}

Scenario without_programme(Scenario s) {
  s.valves = Valves{};
  return s;
}

// Every metric the run without the programme has is bit-identical in the run with it.
void expect_unchanged(const engine::ResultCube& without, const engine::ResultCube& with) {
  for (const std::string& name : without.metric_names())
    EXPECT_TRUE(bit_identical(values(without, name, 3), values(with, name, 3))) << name;
}

TEST(ValvesModel, AProgrammeThatNeverFiresChangesNothing) {
  for (const bool queues : {false, true}) {
    // A target of 0 is never behind pace.
    const Scenario s = with_programme(queues, 0.0, 10);
    ASSERT_EQ(s.stages[1].id, "mql");
    const auto with = run(FunnelModel(s), REPS, SEED);
    const auto without = run(FunnelModel(without_programme(s)), REPS, SEED);
    expect_unchanged(without, with);
    for (double x : values(with, "valve.blitz.fired")) EXPECT_EQ(x, 0.0);
  }
}

TEST(ValvesModel, AlwaysBehindItFiresAtEveryCheckUpToTheQuarterCap) {
  // A target no month reaches: every check day is behind pace, so the programme fires on
  // days 5, 15 and 25 until the quarter's cap of 4: 3, 1, 0 in each quarter's months.
  const auto cube = run(FunnelModel(with_programme(false, 1e9, 4)), REPS, SEED);
  const std::vector<double> expected = {3, 1, 0};
  for (std::size_t m = 0; m < 12; ++m) {
    for (double x : values(cube, "valve.blitz.fired", static_cast<int>(m)))
      EXPECT_EQ(x, expected[m % 3]) << m;
    for (double x : values(cube, "valve.blitz.cost", static_cast<int>(m)))
      EXPECT_EQ(x, 250.0 * expected[m % 3]) << m;
  }
}

TEST(ValvesModel, TheBudgetStopsFiring) {
  // $250 a firing, $2,000 in all: 8 firings, then none (3 + 1 + 0 + 3 + 1).
  const auto cube = run(FunnelModel(with_programme(false, 1e9, 4, 2000.0)), REPS, SEED);
  for (double total : values(cube, "valve.blitz.fired")) EXPECT_EQ(total, 8.0);
  for (double x : values(cube, "valve.blitz.fired", 5)) EXPECT_EQ(x, 0.0);
}

TEST(ValvesModel, ItsLeadsAreInquiriesOfItsSourceOnTopOfTheOthers) {
  // 100 leads a firing, arriving at once: the month's inquiries rise by exactly 100 per
  // firing, and every other source's and stage's random numbers are untouched.
  const Scenario s = with_programme(false, 1e9, 4);
  const auto with = run(FunnelModel(s), REPS, SEED);
  const auto without = run(FunnelModel(without_programme(s)), REPS, SEED);
  for (std::size_t m = 0; m < 12; ++m) {
    const auto a = values(with, "volume.inquiry", static_cast<int>(m));
    const auto b = values(without, "volume.inquiry", static_cast<int>(m));
    const auto fired = values(with, "valve.blitz.fired", static_cast<int>(m));
    const auto leads = values(with, "valve.blitz.leads", static_cast<int>(m));
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(leads[i], 100.0 * fired[i]);
      EXPECT_EQ(a[i] - b[i], leads[i]);
    }
  }
  // More MQLs where it fired.
  EXPECT_GT(testing::mean_se(values(with, "volume.mql")).mean,
            testing::mean_se(values(without, "volume.mql")).mean);
}

TEST(ValvesModel, WithQueuesTheyFireOnlyWhenBehindAndAreDeterministic) {
  // The default scenario makes about 600 MQLs a month: a target of 600 is behind pace in
  // some checks and not in others.
  const FunnelModel model(with_programme(true, 600.0, 2));
  const auto one = run(model, REPS, SEED, 1), two = run(model, REPS, SEED, 2);
  EXPECT_TRUE(bit_identical(one.values(), two.values()));
  double fired = 0.0, possible = 0.0;
  for (double x : values(one, "valve.blitz.fired")) {
    fired += x;
    possible += 8.0;  // 2 a quarter
  }
  EXPECT_GT(fired, 0.0);
  EXPECT_LT(fired, possible);
}

}  // namespace
}  // namespace funnelsim::models
