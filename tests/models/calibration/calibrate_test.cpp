// calibrate() on history simulated from a known scenario: the fit recovers what the history
// was drawn from, within the uncertainty it reports, and never looks past the as-of date.
#include <gtest/gtest.h>

#include <boost/math/distributions/gamma.hpp>
#include <cmath>
#include <sstream>

#include "models/calibration/calibrate.hpp"
#include "models/funnel/funnel_model.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "tests/models/calibration/calibration_support.hpp"

namespace funnelsim::calibration {
namespace {

using testing::delay;
using testing::line;
using testing::load;

constexpr double Z = 4.5;  // tolerance in standard errors
const int JAN_2027 = 2027 * 12;

std::string transition(const std::string& from, const std::string& to) {
  return "stages." + from + ".transitions." + to + ".probability";
}

struct TrueDelay {
  const char* from;
  const char* to;
  DelayFamily family;
  double p1, p2;
};
// The truth scenario's delays in fit_delay's parameters (lognormal: mu = ln median).
const TrueDelay TRUE_DELAYS[] = {{"inquiry", "mql", DelayFamily::Gamma, 1.5, 4.0},
                                 {"mql", "sql", DelayFamily::Lognormal, std::log(10.0), 0.6},
                                 {"mql", "lost", DelayFamily::Gamma, 2.0, 7.0},
                                 {"sql", "won", DelayFamily::Weibull, 1.5, 40.0},
                                 {"sql", "lost", DelayFamily::Gamma, 3.0, 20.0}};

struct TrueRate {
  const char* from;
  const char* to;
  double web, events;
};
const TrueRate TRUE_RATES[] = {{"inquiry", "mql", 0.25, 0.40},
                               {"mql", "sql", 0.5, 0.5},
                               {"mql", "lost", 0.2, 0.2},
                               {"sql", "won", 0.3, 0.3},
                               {"sql", "lost", 0.5, 0.5}};

void expect_volumes(const Calibration& c, double scale) {
  for (const auto& [source, volume] : {std::pair{"web", 600.0}, std::pair{"events", 250.0}}) {
    const FitLine l = line(c, std::string("sources.") + source + ".monthly_volume");
    ASSERT_GT(l.se, 0.0) << source;
    EXPECT_NEAR(l.estimate, volume * scale, Z * l.se) << source;
  }
}

void expect_rates(const Calibration& c) {
  for (const TrueRate& r : TRUE_RATES)
    for (const auto& [source, truth] : {std::pair{"web", r.web}, std::pair{"events", r.events}}) {
      const FitLine l = line(c, transition(r.from, r.to) + ".by_source." + source);
      ASSERT_GT(l.se, 0.0) << r.from << "->" << r.to << " " << source;
      EXPECT_NEAR(l.estimate, truth, Z * l.se) << r.from << "->" << r.to << " " << source;
    }
}

// Two and a half thousand leads a month for three years: every family is told apart and every
// parameter is within its reported standard error of the truth.
TEST(Calibrate, RecoversAKnownScenarioFromALargeHistory) {
  const models::Scenario truth = load(testing::truth_scenario(1.0, 36));
  const History h = testing::simulated_history(truth, 11);
  const Calibration c = calibrate(h, truth, JAN_2027);
  EXPECT_EQ(c.months.first, 2024 * 12);
  EXPECT_EQ(c.months.end, JAN_2027);
  expect_volumes(c, 1.0);
  expect_rates(c);
  for (const TrueDelay& t : TRUE_DELAYS) {
    const DelayChoice* d = delay(c, t.from, t.to);
    ASSERT_NE(d, nullptr) << t.from << "->" << t.to;
    const DelayFit& f = d->fit.chosen;
    EXPECT_EQ(f.family, t.family) << t.from << "->" << t.to << ": " << d->fit.reason;
    if (f.family != t.family) continue;
    EXPECT_NEAR(f.p1, t.p1, Z * f.se1) << t.from << "->" << t.to;
    EXPECT_NEAR(f.p2, t.p2, Z * f.se2) << t.from << "->" << t.to;
  }
  // Deal values: lognormal on the amounts of the leads that reached the pipeline stage.
  for (const auto& [segment, median] : {std::pair{"smb", 9000.0}, std::pair{"ent", 60000.0}}) {
    const FitLine mu = line(c, std::string("segments.") + segment + ".deal_value.mu");
    EXPECT_NEAR(mu.estimate, std::log(median), Z * mu.se) << segment;
  }
  // The fitted scenario loads and runs.
  const models::Scenario fitted = models::load_scenario_text(c.scenario_text, "<fitted>");
  EXPECT_EQ(fitted.calendar.start_year, 2027);
  EXPECT_EQ(fitted.calendar.start_month, 1);
  EXPECT_EQ(fitted.sources.size(), 2u);
}

// Where a rate differs by segment, the history's segments are fitted within each source: the
// win rate of 0.4 for smb and 0.2 for enterprise comes back per (source, segment) cell, and
// the fitted scenario reads it back by pair.
TEST(Calibrate, RecoversRatesBySegmentWithinEachSource) {
  std::string text = testing::truth_scenario(1.0, 36);
  const std::string won = "won: {probability: 0.3,";
  text.replace(text.find(won), won.size(),
               "won: {probability: {by_segment: {smb: 0.4, ent: 0.2}},");
  const models::Scenario truth = load(text);
  const Calibration c = calibrate(testing::simulated_history(truth, 15), truth, JAN_2027);
  for (const char* source : {"web", "events"})
    for (const auto& [segment, rate] : {std::pair{"smb", 0.4}, std::pair{"ent", 0.2}}) {
      const FitLine l =
          line(c, transition("sql", "won") + ".by_source." + source + ".by_segment." + segment);
      ASSERT_GT(l.se, 0.0) << source << " " << segment;
      EXPECT_NEAR(l.estimate, rate, Z * l.se) << source << " " << segment;
    }
  const models::Scenario fitted = models::load_scenario_text(c.scenario_text, "<fitted>");
  const auto& p = fitted.stages[2].transitions[0].probability;  // sql -> won, [source][segment]
  ASSERT_EQ(fitted.segments.size(), 2u);
  const std::size_t smb = fitted.segments[0].id == "smb" ? 0 : 1;
  for (std::size_t source = 0; source < 2; ++source) {
    EXPECT_NEAR(p[source * 2 + smb].mean(), 0.4, 0.04);
    EXPECT_NEAR(p[source * 2 + (1 - smb)].mean(), 0.2, 0.04);
  }
}

// Six months of a quarter of the volume: rates and volumes are still within their (now wide)
// uncertainty, and each delay's fitted distribution puts the true median near its middle.
TEST(Calibrate, RecoversAKnownScenarioFromASmallHistory) {
  const models::Scenario truth = load(testing::truth_scenario(0.25, 6));
  const History h = testing::simulated_history(truth, 12);
  const Calibration c = calibrate(h, truth, 2024 * 12 + 6);
  EXPECT_EQ(c.months.end - c.months.first, 6);
  expect_volumes(c, 0.25);
  expect_rates(c);
  for (const TrueDelay& t : TRUE_DELAYS) {
    const DelayChoice* d = delay(c, t.from, t.to);
    ASSERT_NE(d, nullptr) << t.from << "->" << t.to;
    const double true_median =
        t.family == DelayFamily::Lognormal ? std::exp(t.p1)
        : t.family == DelayFamily::Weibull
            ? t.p2 * std::pow(std::log(2.0), 1.0 / t.p1)
            : boost::math::quantile(boost::math::gamma_distribution<>(t.p1, t.p2), 0.5);
    // The empirical CDF at a point has binomial sd at most 0.5 / sqrt(n).
    const double sd = 0.5 / std::sqrt(d->events);
    EXPECT_NEAR(d->fit.chosen.cdf(true_median), 0.5, Z * sd + 0.02) << t.from << "->" << t.to;
  }
}

// Deals take months to close, so near the as-of date many are still open: counting only the
// closed ones (the naive rate) biases the win rate low by many standard errors; the fit that
// treats open deals as censored does not.
TEST(Calibrate, OpenDealsDoNotBiasTheWinRate) {
  const models::Scenario truth = load(testing::truth_scenario(4.0, 4));
  const History h = testing::simulated_history(truth, 13);
  const int as_of = 2024 * 12 + 4;
  const Calibration c = calibrate(h, truth, as_of);
  std::size_t entered = 0, won = 0;
  for (const HistoryLead& lead : h.leads)
    for (std::uint32_t i = 0; i < lead.event_count; ++i) {
      const HistoryEvent& e = h.events[lead.first_event + i];
      if (e.stage != 2) continue;  // sql
      ++entered;
      if (i + 1 < lead.event_count && h.events[lead.first_event + i + 1].stage == 3) ++won;
    }
  const double naive = static_cast<double>(won) / static_cast<double>(entered);
  const FitLine fitted = line(c, transition("sql", "won"));
  const double naive_se = std::sqrt(naive * (1 - naive) / static_cast<double>(entered));
  EXPECT_GT(0.3 - naive, 10.0 * naive_se) << "naive " << naive;
  EXPECT_NEAR(fitted.estimate, 0.3, Z * fitted.se);
}

// The starting funnel holds the leads whose last event, before the as-of date, is in a stage
// they can still leave (inquiry, mql, sql here), less those whose age makes a move all but
// impossible: every recent one is there, and the fitted scenario's forecast starts from exactly
// them.
TEST(Calibrate, StartsFromTheLeadsOpenOnTheAsOfDate) {
  const models::Scenario truth = load(testing::truth_scenario(0.5, 12));
  const History h = testing::simulated_history(truth, 14);
  const int as_of = 2024 * 12 + 9;
  const Calibration c = calibrate(h, truth, as_of);
  const History known = h.before(month_start_day(as_of));
  std::size_t open = 0, recent = 0;
  for (const HistoryLead& lead : known.leads) {
    const HistoryEvent& last = known.events[lead.first_event + lead.event_count - 1];
    if (last.stage > 2) continue;  // won and lost are terminal
    ++open;
    // Within 3 days of entering a stage a lead still moves with probability > 0.2.
    recent += month_start_day(as_of) - last.time < 3.0 ? 1 : 0;
  }
  EXPECT_GT(recent, 10u);
  EXPECT_GE(c.starting_leads, recent);
  EXPECT_LT(c.starting_leads, open) << "leads that stopped long ago are gone";
  const models::Scenario fitted = models::load_scenario_text(c.scenario_text, "<fitted>");
  std::uint64_t seeded = 0;
  for (const models::InitialCohort& cohort : fitted.initial_funnel) seeded += cohort.count;
  EXPECT_EQ(seeded, c.starting_leads);
}

// Nothing on or after the as-of date reaches the fit: replacing every later event by another
// replication's gives the very same scenario text.
TEST(Calibrate, NeverSeesEventsAfterTheAsOfDate) {
  const models::Scenario truth = load(testing::truth_scenario(0.3, 12));
  const models::FunnelModel model(truth);
  const int as_of = 2024 * 12 + 7;
  const double cut = month_start_day(as_of);
  const std::string a = synthetic_history_csv(model, 21, 0);
  const std::string b = synthetic_history_csv(model, 21, 1);
  // The rows of `a` before the cut, then the rows of `b` from the cut on, under other ids.
  std::istringstream in_a(a), in_b(b);
  std::string row, mixed;
  std::getline(in_a, row);
  mixed = row + "\n";
  while (std::getline(in_a, row))
    if (*parse_iso_timestamp(row.substr(row.find(',', row.find(',') + 1) + 1, 19)) < cut)
      mixed += row + "\n";
  std::getline(in_b, row);
  while (std::getline(in_b, row))
    if (*parse_iso_timestamp(row.substr(row.find(',', row.find(',') + 1) + 1, 19)) >= cut)
      mixed += "Z" + row + "\n";
  const HistorySchema schema = testing::schema_of(truth);
  const History full = parse_history(a, "h.csv", schema);
  const History other = parse_history(mixed, "h.csv", schema);
  ASSERT_NE(full.events.size(), other.events.size());
  EXPECT_EQ(calibrate(full, truth, as_of).scenario_text,
            calibrate(other, truth, as_of).scenario_text);
}

// What calibrate writes must read back as written: lognormal delays and deal values by mu and
// sigma (sigma is shared with the median form, which the reader once chose by mistake).
TEST(Calibrate, LognormalByMuAndSigmaReadsBack) {
  std::string text = testing::truth_scenario(1.0, 12);
  const std::string median = "{distribution: lognormal, median: 10, sigma: 0.6}";
  text.replace(text.find(median), median.size(), "{distribution: lognormal, mu: 2.5, sigma: 0.6}");
  const models::Scenario sc = load(text);
  const models::DistributionSpec& d = sc.stages[1].transitions[0].delay;
  EXPECT_EQ(d.kind, models::DistributionSpec::Kind::Lognormal);
  EXPECT_EQ(d.a, 2.5);
  EXPECT_EQ(d.b, 0.6);
}

// Inquiries still in the entry stage on the as-of date are a starting cohort there (allowed
// without scoring). Aged 10 days with an exponential delay of mean 5 and p = 0.4, a lead still
// moves with probability 0.4 e^-2 / (0.4 e^-2 + 0.6) (memoryless), and does so within days.
TEST(Calibrate, EntryStageCohortsMoveByTheirConditionalOdds) {
  const models::Scenario sc = load(R"(name: Entry cohort
calendar: {start: 2027-01, horizon_months: 2}
segments: {all: {deal_value: {distribution: fixed, value: 1}}}
sources: {web: {monthly_volume: 0}}
stages:
  inquiry:
    kind: entry
    transitions: {mql: {probability: 0.4, delay: {distribution: exponential, mean: 5}}}
  mql:
initial_funnel:
  - {stage: inquiry, count: 20000, age_days: 10}
)");
  const models::FunnelModel model(sc);
  std::vector<double> out(model.period_count() * model.metric_names().size());
  model.simulate(3, 0, out);
  const std::size_t metrics = model.metric_names().size();
  const double moved = out[model.volume_metric(1)] + out[metrics + model.volume_metric(1)];
  const double q = 0.4 * std::exp(-2.0), p = q / (q + 0.6), n = 20000.0;
  EXPECT_NEAR(moved, n * p, Z * std::sqrt(n * p * (1 - p)));
  EXPECT_EQ(out[model.volume_metric(0)], 0.0) << "they are not new inquiries";
}

}  // namespace
}  // namespace funnelsim::calibration
