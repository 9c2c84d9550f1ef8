// Lead attributes and sales-ready criteria (scenario `leads` and `sales_ready`): the reader's
// fields and errors, and the model's acceptance shares against closed forms.
//
// Statistical checks compare per-replication means with their standard errors (Z_LIMIT);
// the closed forms come from Boost.Math's gamma CDF.
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

// Every inquiry is an MQL at once; every MQL is judged at once (delays are overrides).
// Attributes: two personas, a gamma decision timeline (mean 9 months, cv 0.8), three flags.
const std::string CRITERIA = R"(name: Sales-ready test
calendar:
  start: 2027-01
  horizon_months: 6
segments:
  all: {deal_value: {distribution: fixed, value: 1000}}
sources:
  web: {monthly_volume: 400}
leads:
  personas: {buyer: 0.4, user: 0.6}
  fit_score: {distribution: gamma, mean: 50, cv: 0.4}
  decision_timeline_months: {distribution: gamma, mean: 9, cv: 0.8}
  budget_known: 0.5
  authority: 0.7
  need: 0.9
stages:
  inquiry:
    kind: entry
    transitions:
      mql: {probability: 1}
  mql:
    transitions:
      sal: {probability: 1}
  sal: {}
  nurture:
    transitions:
      mql: {probability: 1, delay: {distribution: fixed, value: 45}}
  lost: {}
sales_ready:
  stage: mql
  accept_to: sal
  rules:
    timeline_within_months: 8
)";

constexpr std::uint64_t SEED = 20270101;

// The gamma of the scenario's decision timeline: shape 1 / cv^2, scale mean cv^2.
boost::math::gamma_distribution<double> timeline_law() {
  const double cv = 0.8, mean = 9.0;
  return boost::math::gamma_distribution<double>(1.0 / (cv * cv), mean * cv * cv);
}

std::vector<double> ratio(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> out(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) out[i] = a[i] / b[i];
  return out;
}

fm::FunnelModel model_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return fm::FunnelModel(fm::load_scenario_text(text, "sales_ready_test.yaml", overrides));
}

}  // namespace

TEST(SalesReadyReader, ParsesAttributesAndRules) {
  const std::string text =
      edit(CRITERIA, "    timeline_within_months: 8\n",
           "    timeline_within_months: 8\n    min_score: 35\n    personas: [buyer]\n"
           "    budget_required: true\n    need_required: true\n  recycle_to: nurture\n"
           "  cooldown_days: 30\n  max_recycles: 2\n  exhausted_to: lost\n");
  const fm::Scenario s = fm::load_scenario_text(
      edit(text, "  need: 0.9\n",
           "  need: 0.9\n  timeline_slip: {monthly_probability: 0.2, months: 3}\n"),
      "t.yaml");
  ASSERT_TRUE(s.leads.defined);
  EXPECT_EQ(s.leads.personas, (std::vector<std::string>{"buyer", "user"}));
  EXPECT_EQ(s.leads.persona_share, (std::vector<double>{0.4, 0.6}));
  ASSERT_TRUE(s.leads.fit_score.has_value());
  EXPECT_NEAR(s.leads.fit_score->mean(), 50.0, 1e-12);
  EXPECT_EQ(s.leads.budget_known, 0.5);
  EXPECT_EQ(s.leads.authority, 0.7);
  EXPECT_EQ(s.leads.need, 0.9);
  EXPECT_EQ(s.leads.slip_probability, 0.2);
  EXPECT_EQ(s.leads.slip_months.a, 3.0);
  const fm::SalesReady& r = s.sales_ready;
  ASSERT_TRUE(r.defined);
  EXPECT_EQ(r.stage, 1u);
  EXPECT_EQ(r.accept_to, 2u);
  EXPECT_EQ(r.timeline_within_months, 8.0);
  EXPECT_EQ(r.min_score, 35.0);
  EXPECT_EQ(r.personas, (std::vector<bool>{true, false}));
  EXPECT_TRUE(r.budget_required);
  EXPECT_TRUE(r.need_required);
  EXPECT_FALSE(r.authority_required);
  EXPECT_EQ(r.recycle_to, 3u);
  EXPECT_EQ(r.cooldown_days, 30.0);
  EXPECT_EQ(r.max_recycles, 2);
  EXPECT_EQ(r.exhausted_to, 4u);
  EXPECT_TRUE(r.checks(fm::RejectionReason::Persona));
  EXPECT_FALSE(r.checks(fm::RejectionReason::Authority));
}

TEST(SalesReadyReader, BadInputIsReportedWithKeyAndRule) {
  // A threshold outside the score range.
  {
    const std::string text = edit(CRITERIA, "    timeline_within_months: 8\n",
                                  "    timeline_within_months: 8\n    min_score: 120\n");
    const auto d = about(problems(text), "sales_ready.rules.min_score");
    EXPECT_CONTAINS(d.rule, "<= 100");
    EXPECT_EQ(d.line, line_of(text, "min_score: 120"));
  }
  // An unknown persona in a rule, with the nearest one suggested.
  {
    const std::string text = edit(CRITERIA, "    timeline_within_months: 8\n",
                                  "    timeline_within_months: 8\n    personas: [buyr]\n");
    const auto d = about(problems(text), "sales_ready.rules.personas.0");
    EXPECT_CONTAINS(d.rule, "unknown persona");
    EXPECT_CONTAINS(d.rule, "buyer");
  }
  // A rule on an attribute the leads section never defines.
  {
    const std::string text =
        edit(edit(CRITERIA, "  authority: 0.7\n", ""), "    timeline_within_months: 8\n",
             "    timeline_within_months: 8\n    authority_required: true\n");
    const auto d = about(problems(text), "sales_ready.rules.authority_required");
    EXPECT_CONTAINS(d.rule, "leads.authority");
  }
  // accept_to that is not a transition of the judged stage.
  {
    const std::string text = edit(CRITERIA, "  accept_to: sal\n", "  accept_to: lost\n");
    const auto d = about(problems(text), "sales_ready.accept_to");
    EXPECT_CONTAINS(d.rule, "transitions (sal)");
  }
  // Shares that do not sum to 1; a negative cooldown; the entry stage as the judged stage.
  {
    const std::string text = edit(CRITERIA, "{buyer: 0.4, user: 0.6}", "{buyer: 0.4, user: 0.5}");
    EXPECT_CONTAINS(about(problems(text), "leads.personas").rule, "sum to 1");
  }
  {
    const std::string text = edit(CRITERIA, "    timeline_within_months: 8\n",
                                  "    timeline_within_months: 8\n  cooldown_days: -3\n");
    EXPECT_CONTAINS(about(problems(text), "sales_ready.cooldown_days").rule, ">= 0");
  }
  {
    const std::string text = edit(CRITERIA, "  stage: mql\n", "  stage: inquiry\n");
    EXPECT_CONTAINS(about(problems(text), "sales_ready.stage").rule, "entry stage");
  }
  // Criteria without attributes at all.
  {
    const std::string text =
        edit(CRITERIA,
             CRITERIA.substr(CRITERIA.find("leads:"),
                             CRITERIA.find("stages:") - CRITERIA.find("leads:")),
             "");
    EXPECT_CONTAINS(about(problems(text), "sales_ready").rule, "needs a `leads` section");
  }
}

// With no time between creation and judgment, the share accepted by "within N months" is
// the timeline distribution's CDF at N; judged two whole months later, at N + 2.
TEST(SalesReadyModel, AcceptanceShareIsTheTimelineCdf) {
  const auto law = timeline_law();
  struct Case {
    const char* delay;  // of mql -> sal, days
    double months;      // elapsed at judgment
  };
  for (const Case c : {Case{"0", 0.0}, Case{"60.875", 2.0}}) {
    const fm::FunnelModel model = model_of(
        CRITERIA, {std::string("stages.mql.transitions.sal.delay={distribution: fixed, value: ") +
                   c.delay + "}"});
    const fe::ResultCube cube = run(model, 300, SEED);
    // Leads judged in months 3..5 were all created at least `months` earlier.
    std::vector<double> share;
    const std::size_t mql = cube.metric_index("volume.mql");
    const std::size_t sal = cube.metric_index("volume.sal");
    const std::size_t late = cube.metric_index("sales_ready.rejected.timeline");
    for (std::size_t r = 0; r < cube.replications(); ++r) {
      double accepted = 0.0, rejected = 0.0;
      for (std::size_t m = 3; m < 6; ++m) {
        accepted += cube.at(r, m, sal);
        rejected += cube.at(r, m, late);
      }
      share.push_back(accepted / (accepted + rejected));
      EXPECT_GT(cube.at(r, 0, mql), 0.0);
    }
    const MeanSe s = mean_se(share);
    const double expected = boost::math::cdf(law, 8.0 + c.months);
    std::printf("[ delay %s d ] accepted %.5f vs CDF %.5f z=%.2f\n", c.delay, s.mean, expected,
                s.z(expected));
    EXPECT_LE(std::abs(s.z(expected)), Z_LIMIT);
    EXPECT_LT(Z_LIMIT * s.se, 0.02);  // tight enough to tell N = 8 from N = 7.5
  }
}

// Slips: judged two and a half months after creation (two whole months, so two chances to
// slip), a lead's timeline is T - 2.5 + 3 K with K ~ Binomial(2, 0.3) slips of 3 months.
TEST(SalesReadyModel, SlipsMoveTheDecisionOut) {
  const auto law = timeline_law();
  const fm::FunnelModel model =
      model_of(edit(CRITERIA, "  need: 0.9\n",
                    "  need: 0.9\n  timeline_slip: {monthly_probability: 0.3, months: 3}\n"),
               {"stages.mql.transitions.sal.delay={distribution: fixed, value: 76.09375}"});
  const fe::ResultCube cube = run(model, 300, SEED);
  const auto accepted = values(cube, "volume.sal");
  const auto rejected = values(cube, "sales_ready.rejected.timeline");
  std::vector<double> judged(accepted.size());
  for (std::size_t i = 0; i < judged.size(); ++i) judged[i] = accepted[i] + rejected[i];
  const MeanSe s = mean_se(ratio(accepted, judged));
  double expected = 0.0;
  const double q = 0.3;
  const double binomial[3] = {(1 - q) * (1 - q), 2 * q * (1 - q), q * q};
  for (int k = 0; k < 3; ++k) expected += binomial[k] * boost::math::cdf(law, 8.0 + 2.5 - 3.0 * k);
  std::printf("[ slips ] accepted %.5f vs %.5f z=%.2f\n", s.mean, expected, s.z(expected));
  EXPECT_LE(std::abs(s.z(expected)), Z_LIMIT);
  // Without slips the share would be CDF(10.5): far away in standard errors.
  EXPECT_GT(std::abs(s.z(boost::math::cdf(law, 10.5))), 10.0);
}

// The first failing rule is the reason, in the documented order: persona, need, budget,
// authority, timeline. With independent attributes each reason's share is a product.
TEST(SalesReadyModel, RejectionReasonsFollowTheRuleOrder) {
  const std::string text =
      edit(CRITERIA, "    timeline_within_months: 8\n",
           "    timeline_within_months: 8\n    personas: [buyer]\n    need_required: true\n"
           "    budget_required: true\n    authority_required: true\n");
  const fe::ResultCube cube = run(model_of(text), 300, SEED);
  const auto judged = values(cube, "volume.mql");
  const double persona = 0.4, need = 0.9, budget = 0.5, authority = 0.7;
  const double timely = boost::math::cdf(timeline_law(), 8.0);
  struct Expect {
    const char* metric;
    double share;
  };
  const Expect expects[] = {
      {"sales_ready.rejected.persona", 1 - persona},
      {"sales_ready.rejected.need", persona * (1 - need)},
      {"sales_ready.rejected.budget", persona * need * (1 - budget)},
      {"sales_ready.rejected.authority", persona * need * budget * (1 - authority)},
      {"sales_ready.rejected.timeline", persona * need * budget * authority * (1 - timely)},
      {"volume.sal", persona * need * budget * authority * timely},
  };
  for (const Expect& e : expects) {
    const MeanSe s = mean_se(ratio(values(cube, e.metric), judged));
    std::printf("[ %s ] %.5f vs %.5f z=%.2f\n", e.metric, s.mean, e.share, s.z(e.share));
    EXPECT_LE(std::abs(s.z(e.share)), Z_LIMIT) << e.metric;
  }
  // No score rule: no score metric.
  const auto names = cube.metric_names();
  EXPECT_EQ(std::find(names.begin(), names.end(), "sales_ready.rejected.score"), names.end());
}

// Every rejection is recycled or exhausted, exactly, in every replication; a lead is
// recycled at most max_recycles times, so recycling stops.
TEST(SalesReadyModel, RejectionsAreRecycledOrExhausted) {
  const std::string text =
      edit(CRITERIA, "    timeline_within_months: 8\n",
           "    timeline_within_months: 8\n  recycle_to: nurture\n  cooldown_days: 20\n"
           "  max_recycles: 2\n  exhausted_to: lost\n");
  const fe::ResultCube cube = run(model_of(text, {"calendar.horizon_months=12"}), 100, SEED);
  const auto rejected = values(cube, "sales_ready.rejected.timeline");
  const auto recycled = values(cube, "sales_ready.recycled");
  const auto lost = values(cube, "volume.lost");
  const auto nurture = values(cube, "volume.nurture");
  for (std::size_t r = 0; r < rejected.size(); ++r) {
    EXPECT_EQ(rejected[r], recycled[r] + lost[r]) << "replication " << r;
    EXPECT_LE(nurture[r], recycled[r]);  // cooldown can push the last ones past the horizon
  }
  EXPECT_GT(mean_se(lost).mean, 0.0);  // some leads ran out of recycles
  // A recycled lead comes back 65 days later, two months nearer its decision: later months
  // judge more MQLs than the 400 inquiries.
  const std::size_t mql = cube.metric_index("volume.mql");
  double late = 0.0;
  for (std::size_t r = 0; r < cube.replications(); ++r) late += cube.at(r, 8, mql);
  EXPECT_GT(late / static_cast<double>(cube.replications()), 500.0);
}

TEST(SalesReadyModel, BitIdenticalForAnyThreadCount) {
  const std::string text = edit(CRITERIA, "    timeline_within_months: 8\n",
                                "    timeline_within_months: 8\n    min_score: 40\n  recycle_to: "
                                "nurture\n  max_recycles: 3\n");
  const fm::FunnelModel model =
      model_of(edit(text, "  need: 0.9\n",
                    "  need: 0.9\n  timeline_slip: {monthly_probability: 0.2, months: 2}\n"));
  const fe::ResultCube one = run(model, 64, SEED, 1);
  const fe::ResultCube two = run(model, 64, SEED, 2);
  EXPECT_TRUE(bit_identical(one.values(), two.values()));
}

// A pool that works the judged stage and never reaches anyone: every MQL is rejected as
// unreachable, none is accepted.
TEST(SalesReadyModel, UnreachableLeadsFromTheQueueAreARejectionReason) {
  const std::string text = CRITERIA + R"(capacity:
  report_lost_conversions: false
  pools:
    sdr:
      works: [mql]
      headcount: 50
      schedule: {days: [mon, tue, wed, thu, fri, sat, sun], start: "00:00", hours_per_day: 24}
      work: {attempt_minutes: 1, max_attempts: 1, contact_probability: 1.0e-12}
      speed_to_lead: {contact_decay: none, qualification_decay: none, expire_after_days: 0}
)";
  const fe::ResultCube cube = run(model_of(text), 20, SEED);
  const auto unreachable = values(cube, "sales_ready.rejected.unreachable");
  const auto arrivals = values(cube, "queue.sdr.arrivals");
  const auto accepted = values(cube, "volume.sal");
  for (std::size_t r = 0; r < unreachable.size(); ++r) {
    EXPECT_EQ(accepted[r], 0.0);
    EXPECT_GT(arrivals[r], 0.0);
    // Attempts at the horizon's last minutes may still be pending.
    EXPECT_LE(unreachable[r], arrivals[r]);
    EXPECT_GE(unreachable[r], arrivals[r] - 5.0);
  }
}

TEST(LeadAttributeOverrides, BySourceAndBySegmentReplaceTheBaseSourceFirst) {
  const std::string text = edit(CRITERIA, "  need: 0.9\n",
                                "  need: 0.9\n"
                                "  by_segment:\n"
                                "    all: {fit_score: 70, need: 0.5}\n"
                                "  by_source:\n"
                                "    web: {fit_score: {distribution: gamma, mean: 30, cv: 0.5},\n"
                                "          personas: {buyer: 1}}\n");
  const fm::Scenario s = fm::load_scenario_text(text, "t.yaml");
  const fm::LeadAttributes a = s.leads.resolved(0, 0);
  ASSERT_TRUE(a.fit_score.has_value());
  EXPECT_NEAR(a.fit_score->mean(), 30.0, 1e-12);  // the source's override wins
  EXPECT_EQ(a.need, 0.5);                         // the segment's, where the source sets none
  EXPECT_EQ(a.persona_share, (std::vector<double>{1.0, 0.0}));
  EXPECT_EQ(a.authority, 0.7);  // the base
  // In the model: every lead is a buyer now, so a rule accepting only users rejects all.
  const fm::FunnelModel model =
      model_of(edit(text, "    timeline_within_months: 8\n", "    personas: [user]\n"), {});
  const fe::ResultCube cube = run(model, 4, SEED);
  EXPECT_EQ(values(cube, "sales_ready.accepted")[0], 0.0);
  EXPECT_GT(values(cube, "sales_ready.rejected.persona")[0], 0.0);
}

TEST(LeadAttributeOverrides, BadOverridesAreReportedWithKeyAndRule) {
  {
    const std::string text =
        edit(CRITERIA, "  need: 0.9\n", "  need: 0.9\n  by_source:\n    wbe: {need: 0.5}\n");
    const auto d = about(problems(text), "leads.by_source.wbe");
    EXPECT_CONTAINS(d.rule, "unknown source");
    EXPECT_CONTAINS(d.rule, "web");
    EXPECT_EQ(d.line, line_of(text, "wbe:"));
  }
  {
    const std::string text = edit(edit(CRITERIA, "  authority: 0.7\n", ""), "  need: 0.9\n",
                                  "  need: 0.9\n  by_segment:\n    all: {authority: 0.5}\n");
    const auto d = about(problems(text), "leads.by_segment.all.authority");
    EXPECT_CONTAINS(d.rule, "does not define");
  }
  {
    const std::string text = edit(CRITERIA, "  need: 0.9\n",
                                  "  need: 0.9\n  by_source:\n    web: {personas: {buyr: 1}}\n");
    const auto d = about(problems(text), "leads.by_source.web.personas.buyr");
    EXPECT_CONTAINS(d.rule, "unknown persona");
  }
  {
    const std::string text =
        edit(CRITERIA, "  need: 0.9\n",
             "  need: 0.9\n  by_source:\n    web: {personas: {buyer: 0.5, user: 0.4}}\n");
    const auto d = about(problems(text), "leads.by_source.web.personas");
    EXPECT_CONTAINS(d.rule, "sum to 1");
  }
}
