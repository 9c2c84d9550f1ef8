// run_backtest on history simulated from a known scenario: intervals cover what they claim,
// actuals are counted exactly, and no origin's forecast sees its future.
#include <gtest/gtest.h>

#include <cmath>

#include "models/calibration/backtest.hpp"
#include "tests/models/calibration/calibration_support.hpp"

namespace funnelsim::calibration {
namespace {

using testing::load;

// A hand-written history: three leads over two months, amounts on the pipeline stage.
TEST(Backtest, CountsMonthlyActualsExactly) {
  const models::Scenario sc = load(testing::truth_scenario(1.0, 12));
  const std::string csv =
      "lead_id,stage,timestamp,source,segment,amount\n"
      "a,inquiry,2024-01-03T10:00,web,smb,\n"
      "a,mql,2024-01-05T10:00,web,smb,\n"
      "a,sql,2024-02-01T09:00,web,smb,1000\n"
      "a,won,2024-02-20T09:00,web,smb,\n"
      "b,inquiry,2024-01-31T23:59,events,ent,\n"
      "b,mql,2024-02-01T00:01,events,ent,\n"
      "c,inquiry,2024-02-10T08:00,web,smb,\n"
      "c,mql,2024-02-11T08:00,web,smb,\n"
      "c,sql,2024-02-12T08:00,web,smb,2500\n";
  const History h = parse_history(csv, "<csv>", testing::schema_of(sc));
  const std::vector<std::string> metrics = {"volume.inquiry", "volume.mql",       "volume.sql",
                                            "volume.won",     "pipeline.created", "bookings"};
  const auto actual = monthly_actuals(h, sc, metrics, {2024 * 12, 2024 * 12 + 2});
  const std::vector<std::vector<double>> expected = {{2, 1}, {1, 2},    {0, 2},
                                                     {0, 1}, {0, 3500}, {0, 1000}};
  EXPECT_EQ(actual, expected);
}

// Thirty months of history and an origin every other month from the fourth on, two months
// ahead: the 80% intervals of the stage volumes cover close to 80% of what happened. The
// points of one origin share its fit, so the tolerance treats each origin and step as one
// observation (n / metrics), which only widens it.
TEST(Backtest, EightyPercentIntervalsCoverEightyPercent) {
  const models::Scenario truth = load(testing::truth_scenario(1.0, 30));
  const History h = testing::simulated_history(truth, 31);
  BacktestOptions options;
  for (int m = 2024 * 12 + 4; m < 2024 * 12 + 29; m += 2) options.origins.push_back(m);
  options.horizon = 2;
  options.replications = 200;
  options.seed = 5;
  const Backtest bt = run_backtest(h, truth, options);
  EXPECT_EQ(bt.origins.size(), options.origins.size());
  const MetricScores& all = bt.overall_volume;
  const double metrics = 5.0;  // inquiry, mql, sql, won, lost
  const double n_eff = static_cast<double>(all.points) / metrics;
  ASSERT_GE(n_eff, 20.0);
  const double sd = std::sqrt(0.8 * 0.2 / n_eff);
  EXPECT_NEAR(all.coverage[1], 0.8, 4.5 * sd) << all.points << " points";
  EXPECT_NEAR(all.coverage[0], 0.5, 4.5 * std::sqrt(0.25 / n_eff));
  EXPECT_NEAR(all.coverage[2], 0.9, 4.5 * std::sqrt(0.09 / n_eff));
  // Every point is scored: a month inside the history, a CRPS >= 0, baselines present.
  for (const BacktestPoint& p : bt.points) {
    EXPECT_GE(p.crps, 0.0);
    EXPECT_FALSE(std::isnan(p.last));
    EXPECT_LE(p.lower[1], p.upper[1]);
  }
}

// An origin's forecast depends only on the events before it: a history whose later events
// are another replication's gives the same forecasts for origins up to the cut.
TEST(Backtest, NoOriginSeesItsFuture) {
  const models::Scenario truth = load(testing::truth_scenario(0.3, 10));
  const models::FunnelModel model(truth);
  const HistorySchema schema = testing::schema_of(truth);
  const History a = parse_history(synthetic_history_csv(model, 41, 0), "a", schema);
  const History b = parse_history(synthetic_history_csv(model, 41, 1), "b", schema);
  const int cut = 2024 * 12 + 6;
  // Both histories go through the same text, so their timestamps round alike: `early` holds
  // a's events before the cut; `mixed` adds b's from the cut on (so a's leads that straddle
  // it are cut short).
  auto rows = [&](const History& h, bool early, const std::string& prefix) {
    std::string csv;
    for (const HistoryLead& lead : h.leads)
      for (std::uint32_t i = 0; i < lead.event_count; ++i) {
        const HistoryEvent& e = h.events[lead.first_event + i];
        if ((e.time < month_start_day(cut)) != early) continue;
        const bool amount = truth.stages[e.stage].pipeline && lead.amount >= 0.0;
        csv += prefix + lead.id + "," + h.stages[e.stage] + "," + format_iso_timestamp(e.time) +
               "," + h.sources[lead.source] + "," +
               (lead.segment >= 0 ? h.segments[static_cast<std::size_t>(lead.segment)] : "") + "," +
               (amount ? std::to_string(std::llround(lead.amount)) : "") + "\n";
      }
    return csv;
  };
  const std::string header = "lead_id,stage,timestamp,source,segment,amount\n";
  const std::string before = rows(a, true, "");
  const History early = parse_history(header + before, "early", schema);
  const History mixed = parse_history(header + before + rows(b, false, "Z"), "mixed", schema);
  BacktestOptions options;
  options.origins = {cut - 2, cut - 1, cut};
  options.horizon = 3;
  options.replications = 50;
  const Backtest from_a = run_backtest(early, truth, options);
  const Backtest from_mixed = run_backtest(mixed, truth, options);
  // The first history ends at the cut, so it scores only months before it; those points
  // must match exactly, forecasts and actuals alike.
  ASSERT_FALSE(from_a.points.empty());
  std::size_t matched = 0;
  for (const BacktestPoint& p : from_a.points)
    for (const BacktestPoint& q : from_mixed.points)
      if (p.origin == q.origin && p.step == q.step &&
          from_a.metrics[p.metric] == from_mixed.metrics[q.metric]) {
        EXPECT_EQ(p.median, q.median);
        EXPECT_EQ(p.lower, q.lower);
        EXPECT_EQ(p.upper, q.upper);
        ++matched;
      }
  EXPECT_EQ(matched, from_a.points.size());
}

}  // namespace
}  // namespace funnelsim::calibration
