// Lead scoring and nurture tracks in the funnel model: conservation of leads at every month
// end, monotonicity of MQL volume in the threshold under common random numbers, the share of
// inquiries that are MQLs at once against Boost.Math's gamma survival function, time to MQL,
// the nurture ledger, and thread determinism.
#include <gtest/gtest.h>

#include <boost/math/distributions/gamma.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "models/funnel/funnel_model.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "tests/models/run_test_support.hpp"
#include "tests/models/scenario_test_support.hpp"

namespace fm = funnelsim::models;
namespace fe = funnelsim::engine;
using namespace funnelsim::models::testing;

namespace {

// Two sources and segments, two personas; inquiries are scored (5% are spam first); MQLs are
// judged, rejected ones recycled to nurture; SALs can fall back to nurture too. The nurture
// stage has a track for new leads and one for recycled leads, which exit to `dormant`.
const std::string NURTURE = R"(name: Nurture test
calendar:
  start: 2027-01
  horizon_months: 8
segments:
  small: {deal_value: {distribution: fixed, value: 1000}}
  large: {deal_value: {distribution: fixed, value: 5000}}
sources:
  web: {monthly_volume: 600, segment_mix: {small: 0.7, large: 0.3}}
  events: {monthly_volume: 200, segment_mix: {small: 0.5, large: 0.5}}
leads:
  personas: {buyer: 0.4, user: 0.6}
  fit_score: {distribution: gamma, mean: 40, cv: 0.5}
  decision_timeline_months: {distribution: gamma, mean: 6, cv: 1}
  need: 0.9
scoring:
  threshold: 60
  initial_engagement: {distribution: exponential, mean: 6}
  engagement:
    points_per_touch: 8
    probability: {by_persona: {buyer: 0.25, user: 0.15}}
    segment_factor: {large: 0.8}
    half_life_days: 45
nurture:
  stage: nurture
  exit_to: dormant
  tracks:
    new_leads: {takes: new, cadence_days: 10, touches: 15, unsubscribe_probability: 0.02}
    recycled: {takes: recycled, cadence_days: 20, touches: 6, max_days: 100}
stages:
  inquiry:
    kind: entry
    transitions:
      mql: {probability: scored, delay: {distribution: gamma, mean: 3, cv: 1}}
      spam: {probability: 0.05, delay: {distribution: fixed, value: 0}}
  mql:
    transitions:
      sal: {probability: 0.7, delay: {distribution: gamma, mean: 2, cv: 1}}
      nurture: {probability: remainder, delay: {distribution: fixed, value: 5}}
  sal:
    transitions:
      won: {probability: 0.3, delay: {distribution: gamma, mean: 30, cv: 0.5}}
      nurture: {probability: 0.5, delay: {distribution: gamma, mean: 10, cv: 0.5}}
  won: {}
  nurture: {}
  dormant: {}
  spam: {}
sales_ready:
  stage: mql
  accept_to: sal
  rules: {min_score: 55, need_required: true, timeline_within_months: 6}
  recycle_to: nurture
  cooldown_days: 15
  max_recycles: 2
initial_funnel:
  - {stage: mql, count: 50, age_days: [0, 5]}
  - {stage: sal, count: 30, age_days: [0, 10]}
  - {stage: nurture, count: 400, age_days: [0, 200]}
  - {stage: nurture, count: 300, age_days: [0, 100], track: new}
)";

constexpr std::uint64_t SEED = 424242;

fm::FunnelModel model_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return fm::FunnelModel(fm::load_scenario_text(text, "nurture_model_test.yaml", overrides));
}

// NURTURE with MQL a terminal stage and no sales-ready criteria: nothing comes back to
// nurture once it has left.
std::string terminal_mql(const std::string& text) {
  std::string out = edit(text,
                         "  mql:\n    transitions:\n      sal: {probability: 0.7, delay: "
                         "{distribution: gamma, mean: 2, cv: 1}}\n      nurture: {probability: "
                         "remainder, delay: {distribution: fixed, value: 5}}\n",
                         "  mql: {}\n");
  return out.substr(0, out.find("sales_ready:")) + out.substr(out.find("initial_funnel:"));
}

double initial_total(const fm::Scenario& s) {
  double total = 0.0;
  for (const auto& cohort : s.initial_funnel) total += static_cast<double>(cohort.count);
  return total;
}

// Every lead ever created (the starting funnel, every inquiry and the leads the cold lists and
// named accounts make) is, at each month end, in exactly one stage or has left the model:
// sum of stocks + leads left so far = created.
void expect_conservation(const fm::FunnelModel& model, const fe::ResultCube& cube) {
  const auto& sc = model.scenario();
  const std::size_t entry = cube.metric_index("volume." + sc.stages[sc.entry_stage].id);
  const std::size_t left = cube.metric_index("funnel.left");
  std::vector<std::size_t> stocks;
  for (const auto& stage : sc.stages) stocks.push_back(cube.metric_index("stock." + stage.id));
  std::vector<std::size_t> made;
  for (const auto& list : sc.valves.cold_lists)
    made.push_back(cube.metric_index("valve." + list.id + ".leads"));
  for (const auto& named : sc.valves.named_accounts)
    made.push_back(cube.metric_index("valve." + named.id + ".opportunities"));
  const double start = initial_total(sc);
  for (std::size_t r = 0; r < cube.replications(); ++r) {
    double created = start, gone = 0.0;
    for (std::size_t m = 0; m < cube.periods(); ++m) {
      created += cube.at(r, m, entry);
      for (std::size_t k : made) created += cube.at(r, m, k);
      gone += cube.at(r, m, left);
      double held = 0.0;
      for (std::size_t k : stocks) {
        ASSERT_GE(cube.at(r, m, k), 0.0) << "replication " << r << " month " << m;
        held += cube.at(r, m, k);
      }
      ASSERT_EQ(held + gone, created) << "replication " << r << " month " << m;
    }
  }
}

}  // namespace

TEST(NurtureModel, EveryLeadIsInOnePlaceAtEveryMonthEnd) {
  const fm::FunnelModel model = model_of(NURTURE);
  const fe::ResultCube cube = run(model, 200, SEED);
  expect_conservation(model, cube);
  // The ledger is not trivially balanced: leads do leave, and nurture holds many.
  EXPECT_GT(values(cube, "funnel.left")[0], 0.0);
  EXPECT_GT(values(cube, "stock.nurture", 7)[0], 0.0);
}

TEST(NurtureModel, TheDefaultScenarioConservesLeadsToo) {
  const fm::FunnelModel model(
      fm::load_scenario_text(std::string(fm::default_scenario_text()), "<default>"));
  const fe::ResultCube cube = run(model, 20, SEED);
  expect_conservation(model, cube);
}

// The nurture stage's stock, from the ledger of entries and exits of the stage, equals the
// one from the nurture counters: the starting leads plus entries less returns and exits.
TEST(NurtureModel, NurtureStockAgreesWithItsEntriesReturnsAndExits) {
  const fm::FunnelModel model = model_of(NURTURE);
  const fe::ResultCube cube = run(model, 100, SEED + 1);
  const double start = 700.0;
  const std::size_t entered = cube.metric_index("volume.nurture");
  const std::size_t stock = cube.metric_index("stock.nurture");
  const std::size_t returned = cube.metric_index("nurture.returned");
  const std::size_t unsubscribed = cube.metric_index("nurture.unsubscribed");
  const std::size_t completed = cube.metric_index("nurture.completed");
  const std::size_t entered_new = cube.metric_index("nurture.entered_new");
  const std::size_t entered_recycled = cube.metric_index("nurture.entered_recycled");
  for (std::size_t r = 0; r < cube.replications(); ++r) {
    double held = start;
    for (std::size_t m = 0; m < cube.periods(); ++m) {
      held += cube.at(r, m, entered) - cube.at(r, m, returned) - cube.at(r, m, unsubscribed) -
              cube.at(r, m, completed);
      ASSERT_EQ(cube.at(r, m, stock), held) << "replication " << r << " month " << m;
      ASSERT_EQ(cube.at(r, m, entered_new) + cube.at(r, m, entered_recycled),
                cube.at(r, m, entered));
    }
  }
  // Leads come back: some MQLs are returns from nurture, and some accepted leads too.
  EXPECT_GT(mean_se(values(cube, "nurture.returned")).mean, 100.0);
  EXPECT_GT(mean_se(values(cube, "sales_ready.accepted_from_nurture")).mean, 10.0);
}

// Common random numbers: each lead's fit, initial engagement and touches do not depend on
// the threshold, so a higher threshold makes every lead an MQL later or never. With MQL a
// terminal stage, cumulative MQLs to each month end can only fall, in every replication.
TEST(NurtureModel, AHigherThresholdNeverRaisesCumulativeMqlsInPairedReplications) {
  std::string text = terminal_mql(NURTURE);
  text = edit(text, "  - {stage: mql, count: 50, age_days: [0, 5]}\n", "");
  std::vector<fe::ResultCube> cubes;
  for (const char* threshold : {"50", "60", "65", "80"})
    cubes.push_back(run(model_of(text, {std::string("scoring.threshold=") + threshold}), 60, SEED));
  const std::size_t mql = cubes[0].metric_index("volume.mql");
  bool moved = false;
  for (std::size_t r = 0; r < cubes[0].replications(); ++r) {
    std::vector<double> before(cubes.size(), 0.0);
    for (std::size_t m = 0; m < cubes[0].periods(); ++m)
      for (std::size_t v = 0; v < cubes.size(); ++v) {
        before[v] += cubes[v].at(r, m, mql);
        if (v > 0) {
          ASSERT_LE(before[v], before[v - 1]) << "replication " << r << " month " << m;
          moved = moved || before[v] < before[v - 1];
        }
      }
  }
  EXPECT_TRUE(moved);  // the thresholds are far enough apart to matter
}

// Without nurture an inquiry is an MQL exactly when fit + initial engagement reaches the
// threshold: with a fixed initial engagement of 10, P = P(fit >= threshold - 10) from the
// gamma survival function, and MQLs given inquiries are binomial (scoring is immediate here).
// With a fixed scoring delay of 3 days, every MQL's time to MQL is those 3 days.
TEST(NurtureModel, ShareOfInquiriesThatAreMqlsAtOnceIsTheFitSurvivalFunction) {
  std::string text = NURTURE.substr(0, NURTURE.find("nurture:\n  stage:")) +
                     NURTURE.substr(NURTURE.find("stages:"));
  text = text.substr(0, text.find("sales_ready:"));
  text = edit(text, "  initial_engagement: {distribution: exponential, mean: 6}\n",
              "  initial_engagement: 10\n");
  text = edit(text,
              "      nurture: {probability: remainder, delay: {distribution: fixed, value: 5}}\n",
              "      won: {probability: remainder}\n");
  text = edit(
      text, "      nurture: {probability: 0.5, delay: {distribution: gamma, mean: 10, cv: 0.5}}\n",
      "");
  const std::string scored =
      "      mql: {probability: scored, delay: {distribution: gamma, mean: 3, cv: 1}}\n";
  const fm::FunnelModel at_once = model_of(edit(
      text, scored, "      mql: {probability: scored, delay: {distribution: fixed, value: 0}}\n"));
  const fe::ResultCube cube = run(at_once, 400, SEED + 2);
  const double cv = 0.5, mean = 40.0;
  const boost::math::gamma_distribution<double> fit(1.0 / (cv * cv), mean * cv * cv);
  const double p = 0.95 * boost::math::cdf(boost::math::complement(fit, 60.0 - 10.0));
  const auto excess = minus(values(cube, "volume.mql"), [&] {
    auto expected = values(cube, "volume.inquiry");
    for (double& x : expected) x *= p;
    return expected;
  }());
  const MeanSe e = mean_se(excess);
  EXPECT_LT(std::fabs(e.z()), Z_LIMIT) << "MQLs minus p x inquiries: " << e.mean << " se " << e.se;

  const fm::FunnelModel delayed = model_of(edit(
      text, scored, "      mql: {probability: scored, delay: {distribution: fixed, value: 3}}\n"));
  const fe::ResultCube late = run(delayed, 20, SEED + 3);
  for (int m = 0; m < 8; ++m)
    for (const char* q : {"scoring.time_to_mql_p50_days", "scoring.time_to_mql_p90_days"})
      for (double days : values(late, q, m)) EXPECT_NEAR(days, 3.0, 1e-3) << q << " month " << m;
}

// The same seed gives the same bits on one thread and on two.
TEST(NurtureModel, ResultsDoNotDependOnTheThreadCount) {
  const fm::FunnelModel model = model_of(NURTURE);
  EXPECT_TRUE(bit_identical(run(model, 24, SEED, 1).values(), run(model, 24, SEED, 2).values()));
}

// The run with capacity limits reuses the inquiries its unconstrained twin generated (their
// scores, tracks and returns). That must be invisible: with and without the twin, every
// metric but conversions_lost is bit for bit the same, replication by replication.
TEST(NurtureModel, ReusingTheTwinsInquiriesChangesNothingButConversionsLost) {
  const std::string text(fm::default_scenario_text());
  const fm::FunnelModel with_twin(fm::load_scenario_text(text, "<default>"));
  const fm::FunnelModel without(
      fm::load_scenario_text(text, "<default>", {"capacity.report_lost_conversions=false"}));
  ASSERT_TRUE(with_twin.scenario().capacity.report_lost_conversions);
  const fe::ResultCube a = run(with_twin, 6, SEED);
  const fe::ResultCube b = run(without, 6, SEED);
  ASSERT_EQ(a.metric_names(), b.metric_names());
  std::size_t compared = 0;
  for (std::size_t k = 0; k < a.metric_names().size(); ++k) {
    if (a.metric_names()[k].ends_with(".conversions_lost")) continue;
    for (std::size_t r = 0; r < a.replications(); ++r)
      for (std::size_t m = 0; m < a.periods(); ++m) {
        ASSERT_EQ(a.at(r, m, k), b.at(r, m, k)) << a.metric_names()[k] << " month " << m;
        ++compared;
      }
  }
  EXPECT_GT(compared, 1000u);
  EXPECT_GT(mean_se(values(a, "queue.sdr.conversions_lost")).mean, 0.0);
}

// Starting cohorts in the nurture stage: leads older than their track have finished it and
// stay, dormant; younger ones are on it and leave it by its rules. With no inquiries at all,
// the first cohort is the whole stock in every month and the second one's exits and
// returns account for everything else.
TEST(NurtureModel, StartingNurtureCohortsAreOnTheirTrackOrDormant) {
  std::string text =
      edit(terminal_mql(NURTURE), "  web: {monthly_volume: 600,", "  web: {monthly_volume: 0,");
  text = edit(text, "  events: {monthly_volume: 200,", "  events: {monthly_volume: 0,");
  text = text.substr(0, text.find("initial_funnel:")) +
         "initial_funnel:\n"
         "  - {stage: nurture, count: 250, age_days: [160, 300], track: new}\n"
         "  - {stage: nurture, count: 500, age_days: [0, 30], track: new}\n";
  const fe::ResultCube cube = run(model_of(text), 40, SEED + 4);
  double moved = 0.0;
  for (std::size_t r = 0; r < cube.replications(); ++r) {
    double gone = 0.0;
    for (std::size_t m = 0; m < cube.periods(); ++m) {
      for (const char* k : {"nurture.returned", "nurture.unsubscribed", "nurture.completed"})
        gone += cube.at(r, m, cube.metric_index(k));
      ASSERT_EQ(cube.at(r, m, cube.metric_index("stock.nurture")), 750.0 - gone);
    }
    ASSERT_LE(gone, 500.0);  // the old cohort (past its 150-day track) never leaves
    moved += gone;
  }
  // The young cohort's 15 touches end within the horizon: all 500 leave in every replication.
  EXPECT_EQ(moved, 500.0 * static_cast<double>(cube.replications()));
}

TEST(NurtureModel, ACohortTrackIsOnlyForTheNurtureStage) {
  {
    const std::string text = edit(NURTURE, "  - {stage: mql, count: 50, age_days: [0, 5]}\n",
                                  "  - {stage: mql, count: 50, age_days: [0, 5], track: new}\n");
    const auto d = about(problems(text), "initial_funnel.0.track");
    EXPECT_CONTAINS(d.rule, "only a cohort in the nurture stage (nurture)");
    EXPECT_EQ(d.line, line_of(text, "track: new}"));
  }
  {
    const std::string text =
        edit(NURTURE, "  - {stage: nurture, count: 300, age_days: [0, 100], track: new}\n",
             "  - {stage: nurture, count: 300, age_days: [0, 100], track: fresh}\n");
    const auto d = about(problems(text), "initial_funnel.3.track");
    EXPECT_CONTAINS(d.rule, "recycled");
  }
  {
    const fm::Scenario s = fm::load_scenario_text(NURTURE, "t.yaml");
    ASSERT_EQ(s.initial_funnel.size(), 4u);
    EXPECT_FALSE(s.initial_funnel[2].track.has_value());
    EXPECT_EQ(s.initial_funnel[3].track, fm::NurtureTrack::Takes::New);
  }
}
