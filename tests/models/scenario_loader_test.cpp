// Scenario loading: the shipped scenarios, overrides, parameter conversions and diagnostics' form.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/scenario/distribution_reader.hpp"
#include "models/scenario/key_suggestion.hpp"
#include "models/scenario/probability_reader.hpp"
#include "tests/models/scenario_test_support.hpp"

namespace funnelsim::models::testing {
namespace {

const std::string SCENARIOS = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/";

std::size_t index_of(const Scenario& s, const std::string& stage) {
  for (std::size_t i = 0; i < s.stages.size(); ++i)
    if (s.stages[i].id == stage) return i;
  ADD_FAILURE() << "no stage " << stage;
  return 0;
}

const Transition& transition(const Scenario& s, const std::string& from, const std::string& to) {
  const Stage& stage = s.stages[index_of(s, from)];
  for (const Transition& t : stage.transitions)
    if (t.to == index_of(s, to)) return t;
  ADD_FAILURE() << "no transition " << from << " -> " << to;
  return stage.transitions.front();
}

TEST(ScenarioLoader, DefaultScenarioLoadsWithTheDocumentedStructure) {
  const Scenario s = load_scenario_text(default_scenario_text(), "<default>");
  EXPECT_EQ(s.file_name, "<default>");
  EXPECT_EQ(s.calendar.start_year, 2027);
  EXPECT_EQ(s.calendar.horizon_months, 12);
  ASSERT_EQ(s.sources.size(), 7u);  // five inbound sources, then the valves' two
  ASSERT_EQ(s.segments.size(), 3u);
  EXPECT_EQ(s.stages.size(), 10u);
  EXPECT_EQ(s.stages[s.entry_stage].id, "inquiry");
  double monthly = 0.0;
  for (const Source& source : s.sources) {
    EXPECT_EQ(source.basis, Source::Basis::Monthly);
    EXPECT_EQ(source.segment_mix.size(), 3u);
    monthly += source.volume;
  }
  EXPECT_EQ(monthly, 3000.0);
  const Source& events = s.sources[3];
  EXPECT_EQ(events.id, "events");
  ASSERT_EQ(events.bursts.size(), 2u);
  EXPECT_EQ(events.bursts[0].month_index, 2);   // March
  EXPECT_EQ(events.bursts[1].month_index, 9);   // October
  EXPECT_LT(s.sources[0].seasonality[7], 0.8);  // slow August
  EXPECT_TRUE(s.stages[index_of(s, "opportunity")].pipeline);
  EXPECT_TRUE(s.stages[index_of(s, "won")].bookings);
  // MQL->SAL {rate: 0.87, observed_on: 400}: Beta(348.5, 52.5), for every source and segment.
  const Transition& accept = transition(s, "mql", "sal");
  ASSERT_EQ(accept.probability.size(), 21u);
  EXPECT_EQ(accept.probability[7].kind, ProbabilitySpec::Kind::Beta);
  EXPECT_DOUBLE_EQ(accept.probability[7].alpha, 0.87 * 400 + 0.5);  // not exact in binary
  EXPECT_DOUBLE_EQ(accept.probability[7].beta, (1 - 0.87) * 400 + 0.5);
  // The sales-ready criteria judge that step: "decision in 8 months or less", need, persona.
  ASSERT_TRUE(s.sales_ready.defined);
  EXPECT_EQ(s.sales_ready.stage, index_of(s, "mql"));
  EXPECT_EQ(s.sales_ready.accept_to, index_of(s, "sal"));
  EXPECT_EQ(s.sales_ready.timeline_within_months, 8.0);
  EXPECT_EQ(s.sales_ready.personas, (std::vector<bool>{true, true, true, false}));
  EXPECT_EQ(s.sales_ready.recycle_to, index_of(s, "nurture"));
  EXPECT_EQ(s.leads.personas.size(), 4u);
  // Scoring at inquiry -> mql, nurture tracks for new and recycled leads, fit by source.
  ASSERT_TRUE(s.scoring.defined);
  EXPECT_EQ(s.scoring.threshold, 50.0);
  EXPECT_EQ(s.stages[s.entry_stage].transitions[s.scoring.transition].to, index_of(s, "mql"));
  ASSERT_TRUE(s.nurture.defined);
  EXPECT_EQ(s.nurture.stage, index_of(s, "nurture"));
  EXPECT_EQ(s.nurture.exit_to, index_of(s, "dormant"));
  EXPECT_NE(s.nurture.track_for(NurtureTrack::Takes::New), nullptr);
  EXPECT_NE(s.nurture.track_for(NurtureTrack::Takes::Recycled), nullptr);
  ASSERT_EQ(s.leads.by_source.size(), s.sources.size());
  EXPECT_NEAR(s.leads.resolved(0, 0).fit_score->mean(), 30.0, 1e-9);  // organic_web
  EXPECT_NEAR(s.leads.resolved(2, 0).fit_score->mean(), 25.0, 1e-9);  // webinars: the base
  EXPECT_NEAR(transition(s, "opportunity", "won").delay.mean(), 66.0, 1e-9);
  EXPECT_EQ(s.volume_shock.sigma, 0.08);
  EXPECT_EQ(s.initial_funnel.size(), 7u);
  EXPECT_EQ(s.seed, 20270101u);
  // The revenue team of the domain notes: 10 SDRs plus 2 hires in February, 8 AEs.
  ASSERT_EQ(s.capacity.pools.size(), 2u);
  EXPECT_EQ(s.capacity.pools[0].headcount, 10);
  ASSERT_EQ(s.capacity.pools[0].hires.size(), 1u);
  EXPECT_EQ(s.capacity.pools[0].hires[0].month_index, 1);
  EXPECT_EQ(s.capacity.pools[0].hires[0].count, 2);
  EXPECT_EQ(s.capacity.pools[0].sla_minutes, 60.0);
  EXPECT_EQ(s.capacity.pools[1].headcount, 8);
  EXPECT_EQ(s.capacity.pools[1].role, RepPool::Role::Ae);
}

TEST(ScenarioLoader, EmbeddedDefaultMatchesTheFile) {
  std::ifstream in(SCENARIOS + "default.yaml");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), default_scenario_text());
}

TEST(ScenarioLoader, R1LoadsAsThePeersDefineIt) {
  const Scenario s = load_scenario_file(SCENARIOS + "examples/r1.yaml");
  ASSERT_EQ(s.sources.size(), 3u);
  const double rates[] = {50, 33, 16};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(s.sources[i].basis, Source::Basis::Daily);
    EXPECT_EQ(s.sources[i].volume, rates[i]);
    EXPECT_FALSE(s.sources[i].follows_calendar);
    EXPECT_EQ(s.sources[i].overdispersion, 0.0);
  }
  EXPECT_EQ(s.volume_shock.sigma, 0.0);
  ASSERT_EQ(s.stages.size(), 5u);
  ASSERT_EQ(s.segments.size(), 1u);
  const Transition& mql = transition(s, "inquiry", "mql");
  const double p_mql[] = {0.30, 0.20, 0.15};
  for (std::size_t source = 0; source < 3; ++source) {
    EXPECT_EQ(s.probability(mql, source, 0).kind, ProbabilitySpec::Kind::Fixed);
    EXPECT_EQ(s.probability(mql, source, 0).value, p_mql[source]);
  }
  EXPECT_EQ(mql.delay.kind, DistributionSpec::Kind::Gamma);
  EXPECT_EQ(mql.delay.a, 2.0);
  EXPECT_EQ(mql.delay.b, 5.0);
  const Transition& won = transition(s, "opp", "won");
  EXPECT_EQ(won.probability[0].value, 0.25);
  EXPECT_EQ(won.delay.a * won.delay.b, 60.0);
  EXPECT_EQ(transition(s, "sql", "opp").delay.a, 1.5);
  EXPECT_TRUE(s.stages[index_of(s, "won")].transitions.empty());
}

TEST(ScenarioLoader, EveryExampleLoads) {
  for (const auto& entry : std::filesystem::directory_iterator(SCENARIOS + "examples")) {
    if (entry.path().extension() != ".yaml") continue;
    try {
      load_scenario_file(entry.path().string());
    } catch (const ScenarioError& e) {
      ADD_FAILURE() << e.what();
    }
  }
}

TEST(ScenarioLoader, KeepsProvenance) {
  const Scenario s = load_scenario_text(BASE, "base.yaml", {"sources.web.trend=0.01"});
  EXPECT_EQ(s.text, BASE);
  EXPECT_EQ(s.file_name, "base.yaml");
  EXPECT_EQ(s.overrides, std::vector<std::string>{"sources.web.trend=0.01"});
}

TEST(ScenarioOverrides, ChangeValuesIncludingListItemsAndTables) {
  const Scenario s = load_scenario_file(
      SCENARIOS + "examples/r1.yaml",
      {"sources.web.daily_volume=60", "stages.mql.transitions.sql.probability=0.5",
       "stages.inquiry.transitions.mql.probability.by_source.paid=0.25",
       "stages.opp.transitions.won.delay={distribution: gamma, mean: 40, cv: 0.5}"});
  EXPECT_EQ(s.sources[0].volume, 60.0);
  EXPECT_EQ(transition(s, "mql", "sql").probability[0].value, 0.5);
  EXPECT_EQ(transition(s, "inquiry", "mql").probability[1].value, 0.25);
  EXPECT_NEAR(transition(s, "opp", "won").delay.mean(), 40.0, 1e-12);
  const Scenario d = load_scenario_text(default_scenario_text(), "<default>",
                                        {"sources.events.bursts.0.volume=500"});
  EXPECT_EQ(d.sources[3].bursts[0].volume, 500.0);
}

TEST(ScenarioOverrides, CreateOptionalKeys) {
  const Scenario s =
      load_scenario_text(BASE, "base.yaml",
                         {"run.seed=7", "sources.web.trend=0.02",
                          "sources.events.bursts=[{month: 2027-05, volume: 9}]",
                          "sources.events.bursts.1={month: 2027-06, volume: 3}",
                          "sources.web.bursts.0.month=2027-02", "sources.web.bursts.0.volume=4"});
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.sources[0].trend, 0.02);
  ASSERT_EQ(s.sources[1].bursts.size(), 2u);
  EXPECT_EQ(s.sources[1].bursts[1].month_index, 5);
  ASSERT_EQ(s.sources[0].bursts.size(), 1u);  // a list created item by item
  EXPECT_EQ(s.sources[0].bursts[0].month_index, 1);
  EXPECT_EQ(s.sources[0].bursts[0].volume, 4.0);
}

TEST(ScenarioOverrides, BadValueIsReportedAgainstTheOverride) {
  const auto all = problems(BASE, {"sources.web.monthly_volume=-5"});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].file, "--set");
  EXPECT_EQ(all[0].line, 0);
  EXPECT_EQ(
      all[0].format(),
      "--set sources.web.monthly_volume=-5: sources.web.monthly_volume: value -5: must be >= 0");
  // A problem below a map set by an override belongs to it as well.
  const auto below = problems(BASE, {"sources.events={monthly_volume: 1, trend: 3}"});
  EXPECT_EQ(about(below, "sources.events.trend").file, "--set");
  EXPECT_EQ(about(below, "sources.events.segment_mix").file, "--set");
  // An unknown key from an override, with its suggestion.
  const auto unknown = about(problems(BASE, {"sources.web.trnd=0.1"}), "sources.web.trnd");
  EXPECT_EQ(unknown.format(),
            "--set sources.web.trnd=0.1: sources.web.trnd: value 0.1: unknown "
            "key; did you mean 'trend'?");
  // A problem inside a key the override created names the override that created it.
  const auto created =
      about(problems(BASE, {"sources.social.monthly_volume=5"}), "sources.social.segment_mix");
  EXPECT_EQ(created.file, "--set");
  EXPECT_EQ(created.override_text, "sources.social.monthly_volume=5");
  EXPECT_EQ(created.format(),
            "--set sources.social.monthly_volume=5: sources.social.segment_mix: is required when "
            "there is more than one segment (sources.social was created by this --set)");
}

TEST(ScenarioOverrides, FileProblemsKeepTheirPositionNextToOverrideProblems) {
  const std::string text = edit(BASE, "monthly_volume: 50", "monthly_volume: -50");
  const auto all = problems(text, {"calendar.horizon_months=500"});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].file, "test.yaml");  // file problems first, by position
  EXPECT_EQ(all[0].line, line_of(text, "-50"));
  EXPECT_EQ(all[1].file, "--set");
  EXPECT_EQ(all[1].rule, "must be <= 120");
}

TEST(ScenarioOverrides, MalformedOverrides) {
  const auto all = problems(BASE, {"no_equals_sign", "sources.web.seasonality=[1, 2", "a..b=1",
                                   "name.first=x", "sources.web.bursts.3={}"});
  ASSERT_EQ(all.size(), 5u);
  for (const Diagnostic& d : all) EXPECT_EQ(d.file, "--set");
  EXPECT_CONTAINS(all[0].rule, "must be KEY=VALUE");
  EXPECT_EQ(all[1].key_path, "sources.web.seasonality");
  EXPECT_EQ(all[1].value, "[1, 2");
  EXPECT_CONTAINS(all[1].rule, "malformed YAML value");
  EXPECT_EQ(all[2].rule, "key path has an empty component");
  EXPECT_EQ(all[3].rule, "cannot set a key inside name, which is a single value");
  // bursts does not exist: it is created as a list, which has no item 3 to set.
  EXPECT_EQ(all[4].key_path, "sources.web.bursts.3");
  EXPECT_EQ(all[4].rule,
            "sources.web.bursts is a list of 0 items: '3' must be an index from 0 to 0 (the last "
            "appends)");
}

TEST(ScenarioOverrides, ListIndexOutOfRange) {
  const auto all = problems(default_scenario_text().data(), {"sources.events.bursts.5.volume=1"});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].rule,
            "sources.events.bursts is a list of 2 items: '5' must be an index from 0 "
            "to 2 (the last appends)");
}

TEST(ScenarioOverrides, ApplyToAFileThatDoesNotParseOnlyChecksThem) {
  const auto all = problems("name: [", {"bad"});
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].file, "test.yaml");
  EXPECT_EQ(all[1].file, "--set");
}

TEST(ScenarioConversions, BetaFromObservedRateIsTheJeffreysPosterior) {
  const ProbabilitySpec p = beta_from_observed_rate(0.3, 40);
  EXPECT_EQ(p.kind, ProbabilitySpec::Kind::Beta);
  EXPECT_DOUBLE_EQ(p.alpha, 0.3 * 40 + 0.5);  // 12.5
  EXPECT_DOUBLE_EQ(p.beta, 0.7 * 40 + 0.5);   // 28.5
  const Scenario s = load_scenario_text(
      edit(BASE, "won: {probability: 0.3}", "won: {probability: {rate: 0.3, observed_on: 40}}"),
      "t");
  const auto& won = transition(s, "mql", "won").probability[0];
  EXPECT_DOUBLE_EQ(won.alpha, 12.5);
  EXPECT_DOUBLE_EQ(won.beta, 28.5);
}

TEST(ScenarioConversions, GammaFromMeanAndCv) {
  const DistributionSpec g = gamma_from_mean_cv(66, 0.6);
  EXPECT_DOUBLE_EQ(g.a, 1.0 / 0.36);  // shape 1/cv^2
  EXPECT_DOUBLE_EQ(g.b, 66 * 0.36);   // scale mean cv^2
  EXPECT_NEAR(g.mean(), 66.0, 1e-12);
  // cv = sd/mean: sd^2 = shape scale^2.
  EXPECT_NEAR(std::sqrt(g.a) * g.b / g.mean(), 0.6, 1e-12);
}

TEST(ScenarioConversions, LognormalFromMedianAndFromMean) {
  const Scenario s = load_scenario_text(BASE, "t");
  EXPECT_EQ(s.segments[1].deal_value.kind, DistributionSpec::Kind::Lognormal);
  EXPECT_DOUBLE_EQ(s.segments[1].deal_value.a, std::log(50000.0));  // mu = ln median
  EXPECT_EQ(s.segments[1].deal_value.b, 0.5);
  const DistributionSpec l = lognormal_from_mean_cv(28000, 0.8);
  EXPECT_DOUBLE_EQ(l.b * l.b, std::log(1 + 0.64));
  EXPECT_DOUBLE_EQ(l.a, std::log(28000.0) - 0.5 * std::log(1.64));
  EXPECT_NEAR(l.mean(), 28000.0, 1e-8);
  // cv of a lognormal is sqrt(exp(sigma^2) - 1).
  EXPECT_NEAR(std::sqrt(std::expm1(l.b * l.b)), 0.8, 1e-12);
}

TEST(ScenarioFiles, UnreadableFileNamesThePathAndReason) {
  try {
    load_scenario_file("/nonexistent/scenario.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].file, "/nonexistent/scenario.yaml");
    EXPECT_EQ(e.diagnostics()[0].rule, "cannot read the file: No such file or directory");
    EXPECT_EQ(std::string(e.what()),
              "1 problem in /nonexistent/scenario.yaml:\n"
              "/nonexistent/scenario.yaml: cannot read the file: No such "
              "file or directory");
  }
  EXPECT_THROW(load_scenario_file(SCENARIOS), ScenarioError);  // a directory
}

TEST(KeySuggestion, EditDistanceCountsSwapsAsOneEdit) {
  EXPECT_EQ(edit_distance("monthly_volume", "montly_volume"), 1u);
  EXPECT_EQ(edit_distance("sal", "sla"), 1u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(nearest_key("sqll", {"mql", "sql", "opp"}), "sql");
  EXPECT_FALSE(nearest_key("colour", {"name", "run"}).has_value());
}

}  // namespace
}  // namespace funnelsim::models::testing
