// Each class of scenario problem is reported with its position, key path, value and rule.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/models/scenario_test_support.hpp"

namespace funnelsim::models::testing {
namespace {

TEST(ScenarioValidation, BaseScenarioIsValid) {
  EXPECT_NO_THROW(load_scenario_text(BASE, "test.yaml"));
}

TEST(ScenarioValidation, MalformedYamlIsOneDiagnosticAtTheParserPosition) {
  const std::string text = edit(BASE, "  start: 2027-01", "  start: [2027-01,");
  const auto d = problems(text);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_CONTAINS(d[0].rule, "malformed YAML");
  EXPECT_EQ(d[0].file, "test.yaml");
  // yaml-cpp reads the next line into the unclosed list and gives up at the line after it.
  EXPECT_EQ(d[0].line, line_of(text, "segments:"));
}

TEST(ScenarioValidation, OnlyOneYamlDocument) {
  const auto d = problems(BASE + "---\nname: second\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].rule, "a scenario file holds one YAML document (found 2)");
  // At the second document's first node, the line after its "---".
  EXPECT_EQ(d[0].line, static_cast<int>(std::count(BASE.begin(), BASE.end(), '\n')) + 2);
}

TEST(ScenarioValidation, UnknownKeySuggestsTheNearestValidKey) {
  const std::string text = edit(BASE, "monthly_volume: 100", "montly_volume: 100");
  const auto d = about(problems(text), "sources.web.montly_volume");
  EXPECT_EQ(d.line, line_of(text, "montly_volume"));
  EXPECT_EQ(d.column, 5);
  EXPECT_EQ(d.value, "montly_volume");
  EXPECT_EQ(d.rule, "unknown key; did you mean 'monthly_volume'?");
}

TEST(ScenarioValidation, UnknownKeyWithoutCloseMatchListsTheValidKeys) {
  const std::string text = edit(BASE, "name: Test scenario", "name: Test scenario\ncolour: red");
  const auto d = about(problems(text), "colour");
  EXPECT_EQ(d.line, 2);
  EXPECT_CONTAINS(d.rule, "unknown key; valid: name, description, run, calendar");
}

TEST(ScenarioValidation, WrongTypesNameWhatWasExpected) {
  std::string text = edit(BASE, "monthly_volume: 100", "monthly_volume: lots");
  text = edit(text, "monthly_volume: 50", "monthly_volume: 50\n    seasonality: {jan: 1}");
  const auto all = problems(text);
  const auto number = about(all, "sources.web.monthly_volume");
  EXPECT_EQ(number.value, "lots");
  EXPECT_EQ(number.rule, "must be a number");
  EXPECT_EQ(number.line, line_of(text, "lots"));
  EXPECT_EQ(number.column, column_of(text, "lots"));
  const auto list = about(all, "sources.events.seasonality");
  EXPECT_EQ(list.rule, "must be a list (found a map)");
  EXPECT_EQ(list.value, "{jan: 1}");
}

TEST(ScenarioValidation, ProbabilityOutsideZeroOne) {
  const std::string text = edit(BASE, "{probability: 0.2,", "{probability: 1.2,");
  const auto d = about(problems(text), "stages.inquiry.transitions.mql.probability");
  EXPECT_EQ(d.value, "1.2");
  EXPECT_EQ(d.rule, "must be between 0 and 1");
  EXPECT_EQ(d.line, line_of(text, "1.2"));
  EXPECT_EQ(d.column, column_of(text, "1.2"));
}

TEST(ScenarioValidation, OutgoingProbabilitiesAboveOneNameTheStageAndPair) {
  // Only events leads overflow: 0.8 + 0.3 for events, 0.1 + 0.3 for web.
  const std::string text = edit(BASE, "won: {probability: 0.3}",
                                "won: {probability: 0.3}\n      inquiry: {probability: {by_source: "
                                "{web: 0.1, events: 0.8}}}");
  const auto all = problems(text);
  ASSERT_EQ(all.size(), 1u);
  const auto d = about(all, "stages.mql.transitions");
  EXPECT_EQ(d.value, "1.1");
  EXPECT_EQ(d.line, line_of(text, "won: {probability: 0.3}"));
  EXPECT_CONTAINS(d.rule, "stage mql sum to 1.1 for source events, segment smb");
  EXPECT_CONTAINS(d.rule, "(1 more source/segment pairs too)");  // events, ent
}

TEST(ScenarioValidation, ProbabilitySumUsesBetaMeans) {
  // Beta(8, 2) has mean 0.8: 0.8 + 0.3 > 1 even though a draw could be lower.
  const std::string text =
      edit(BASE, "won: {probability: 0.3}",
           "won: {probability: 0.3}\n      mql: {probability: {beta: [8, 2]}}");
  EXPECT_CONTAINS(about(problems(text), "stages.mql.transitions").rule, "sum to 1.1");
}

TEST(ScenarioValidation, NegativeVolumesAndDelays) {
  std::string text = edit(BASE, "monthly_volume: 100", "monthly_volume: -5");
  text = edit(text, "{distribution: exponential, mean: 3}", "{distribution: fixed, value: -2}");
  const auto all = problems(text);
  const auto volume = about(all, "sources.web.monthly_volume");
  EXPECT_EQ(volume.rule, "must be >= 0");
  EXPECT_EQ(volume.format(), "test.yaml:" + std::to_string(line_of(text, "-5")) + ":" +
                                 std::to_string(column_of(text, "-5")) +
                                 ": sources.web.monthly_volume: value -5: must be >= 0");
  const auto delay = about(all, "stages.inquiry.transitions.mql.delay.value");
  EXPECT_EQ(delay.value, "-2");
  EXPECT_EQ(delay.rule, "must be >= 0");
}

TEST(ScenarioValidation, DelayMeanAboveTenYears) {
  const std::string text = edit(BASE, "{distribution: exponential, mean: 3}",
                                "{distribution: gamma, shape: 2, scale: 2000}");
  const auto d = about(problems(text), "stages.inquiry.transitions.mql.delay");
  EXPECT_EQ(d.rule, "mean delay is 4000 days; must be <= 3650");
}

TEST(ScenarioValidation, TransitionToUnknownStageSuggestsTheNearest) {
  const std::string text = edit(BASE, "      nurture: {probability: remainder}",
                                "      nurtur: {probability: remainder}");
  const auto d = about(problems(text), "stages.mql.transitions.nurtur");
  EXPECT_EQ(d.value, "nurtur");
  EXPECT_EQ(d.line, line_of(text, "nurtur:"));
  EXPECT_EQ(d.column, 7);
  EXPECT_EQ(d.rule, "unknown stage; did you mean 'nurture'?");
}

TEST(ScenarioValidation, StagesLeadsCannotLeaveAreReported) {
  // mql fills to 1 with its remainder and nurture sends everyone back: no way out.
  const std::string looped = edit(edit(BASE, "      won: {probability: 0.3}\n", ""),
                                  "mql: {probability: 0.1,", "mql: {probability: 1,");
  const auto all = problems(looped);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].key_path, "stages.mql");
  EXPECT_EQ(all[0].line, line_of(looped, "  mql:\n    transitions"));
  EXPECT_EQ(all[0].column, 3);
  EXPECT_CONTAINS(all[0].rule, "leads can circulate forever among stages mql, nurture");
}

TEST(ScenarioValidation, TrapReachedOnlyFromTheInitialFunnelIsReported) {
  const std::string text = BASE +
                           "  limbo:\n    transitions:\n      limbo: {probability: 1}\n"
                           "initial_funnel:\n  - {stage: limbo, count: 5}\n";
  const auto d = about(problems(text), "stages.limbo");
  EXPECT_CONTAINS(d.rule, "among stages limbo:");
}

TEST(ScenarioValidation, UncertainProbabilitiesAreAnExit) {
  // A Beta probability of 1 in mean can still be drawn below 1, so leads can leave.
  const std::string text =
      BASE +
      "  limbo:\n    transitions:\n      limbo: {probability: {beta: [50, 1]}}\n"
      "initial_funnel:\n  - {stage: limbo, count: 5}\n";
  EXPECT_NO_THROW(load_scenario_text(text, "test.yaml"));
}

TEST(ScenarioValidation, MissingRequiredFieldsPointAtTheParent) {
  std::string text = edit(BASE, "name: Test scenario\n", "");
  text = edit(text, "  start: 2027-01\n", "");
  const auto all = problems(text);
  const auto name = about(all, "name");
  EXPECT_EQ(name.line, 1);
  EXPECT_EQ(name.column, 1);
  EXPECT_EQ(name.rule, "is required");
  EXPECT_EQ(name.value, "");
  const auto start = about(all, "calendar.start");
  EXPECT_EQ(start.line, line_of(text, "horizon_months"));
  EXPECT_EQ(start.rule, "is required");
}

TEST(ScenarioValidation, NonsensicalRunSettings) {
  std::string text =
      edit(BASE, "name: Test scenario", "name: Test scenario\nrun: {replications: 0, seed: -1}");
  text = edit(text, "horizon_months: 12", "horizon_months: 121");
  auto all = problems(text);
  EXPECT_EQ(about(all, "run.replications").rule, "must be >= 1");
  EXPECT_EQ(about(all, "run.seed").rule, "must be >= 0");
  EXPECT_EQ(about(all, "calendar.horizon_months").rule, "must be <= 120");
  all = problems(edit(BASE, "horizon_months: 12", "horizon_months: 0"));
  EXPECT_EQ(about(all, "calendar.horizon_months").rule, "must be >= 1");
  all = problems(edit(BASE, "horizon_months: 12", "horizon_months: 2.5"));
  EXPECT_EQ(about(all, "calendar.horizon_months").rule, "must be a whole number");
}

TEST(ScenarioValidation, DuplicateKeysAreReportedAtTheSecond) {
  const std::string text =
      edit(BASE, "    monthly_volume: 50", "    monthly_volume: 50\n    monthly_volume: 60");
  const auto d = about(problems(text), "sources.events.monthly_volume");
  EXPECT_EQ(d.line, line_of(text, "monthly_volume: 60"));
  EXPECT_EQ(d.rule, "duplicate key (first given at line " +
                        std::to_string(line_of(text, "monthly_volume: 50")) + ")");
}

TEST(ScenarioValidation, SegmentMixMustSumToOneAndNameKnownSegments) {
  std::string text = edit(BASE, "{smb: 0.7, ent: 0.3}", "{smb: 0.5, ent: 0.4}");
  text = edit(text, "{smb: 0.5, ent: 0.5}", "{smb: 0.5, ents: 0.5}");
  const auto all = problems(text);
  const auto sum = about(all, "sources.web.segment_mix");
  EXPECT_EQ(sum.rule, "shares must sum to 1 (they sum to 0.9)");
  EXPECT_EQ(sum.column, column_of(text, "{smb: 0.5, ent: 0.4}"));
  EXPECT_EQ(about(all, "sources.events.segment_mix.ents").rule,
            "unknown segment; did you mean 'ent'?");
}

TEST(ScenarioValidation, SegmentMixRequiredWithSeveralSegments) {
  const auto d = about(problems(edit(BASE, "    segment_mix: {smb: 0.7, ent: 0.3}\n", "")),
                       "sources.web.segment_mix");
  EXPECT_EQ(d.rule, "is required when there is more than one segment");
}

TEST(ScenarioValidation, SeasonalityNeedsTwelveMultipliers) {
  const std::string text =
      edit(BASE, "monthly_volume: 50",
           "monthly_volume: 50\n    seasonality: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 11]");
  const auto all = problems(text);
  EXPECT_EQ(about(all, "sources.events.seasonality").rule,
            "must have 12 multipliers, January to December (found 11)");
  EXPECT_EQ(about(all, "sources.events.seasonality.10").rule, "must be <= 10");
}

TEST(ScenarioValidation, BurstOutsideTheHorizon) {
  const std::string text =
      edit(BASE, "monthly_volume: 50",
           "monthly_volume: 50\n    bursts:\n      - {month: 2028-02, volume: 10}\n"
           "      - {month: 2027-02, volume: 10, first_day: 29}");
  const auto all = problems(text);
  const auto month = about(all, "sources.events.bursts.0.month");
  EXPECT_EQ(month.value, "2028-02");
  EXPECT_EQ(month.rule, "must be within the horizon, 2027-01 to 2027-12");
  EXPECT_EQ(about(all, "sources.events.bursts.1.first_day").rule, "must be <= 28");
}

TEST(ScenarioValidation, ExactlyOneEntryStage) {
  auto all = problems(edit(BASE, "    kind: entry\n", ""));
  EXPECT_EQ(about(all, "stages").rule, "exactly one stage must have kind: entry (none has)");
  const std::string text = edit(BASE, "  won:\n", "  won:\n    kind: entry\n");
  all = problems(text);
  const auto second = about(all, "stages.won.kind");
  EXPECT_EQ(second.line, line_of(text, "  won:\n    kind") + 1);
  EXPECT_EQ(second.rule, "only one stage can have kind entry (inquiry already has)");
}

TEST(ScenarioValidation, ProbabilityTables) {
  std::string text =
      edit(BASE, "{probability: 0.2,", "{probability: {by_source: {web: 0.2, evnts: 0.1}},");
  auto all = problems(text);
  EXPECT_EQ(about(all, "stages.inquiry.transitions.mql.probability.by_source.evnts").rule,
            "unknown source; did you mean 'events'?");
  EXPECT_EQ(about(all, "stages.inquiry.transitions.mql.probability.default").rule,
            "is required unless every source is listed (not listed: events)");
  text = edit(BASE, "{probability: 0.2,",
              "{probability: {by_source: {web: 0.2}, by_segment: {smb: 0.1}, default: remainder},");
  all = problems(text);
  EXPECT_CONTAINS(about(all, "stages.inquiry.transitions.mql.probability.by_segment").rule,
                  "cannot be combined with by_source");
  EXPECT_CONTAINS(about(all, "stages.inquiry.transitions.mql.probability.default").rule,
                  "remainder is not allowed");
}

// A by_source entry may be a by_segment table for that source: each (source, segment) pair
// gets its own probability; nothing else nests.
TEST(ScenarioValidation, ASourcesEntryCanBeTabledBySegment) {
  const std::string ok = edit(BASE, "{probability: 0.2,",
                              "{probability: {by_source: {web: {by_segment: {smb: 0.1, ent: "
                              "{beta: [3, 7]}}}, events: 0.4}},");
  const Scenario sc = load_scenario_text(ok, "<test>");
  const auto& p = sc.stages[0].transitions[0].probability;  // [source * 2 + segment]
  EXPECT_EQ(p[0].value, 0.1);                               // web, smb
  EXPECT_EQ(p[1].kind, ProbabilitySpec::Kind::Beta);        // web, ent
  EXPECT_EQ(p[1].alpha, 3.0);
  EXPECT_EQ(p[2].value, 0.4);  // events, smb
  EXPECT_EQ(p[3].value, 0.4);  // events, ent
  const auto defaulted = load_scenario_text(
      edit(BASE, "{probability: 0.2,",
           "{probability: {by_source: {web: {by_segment: {ent: 0.3}, default: 0.05}}, "
           "default: 0.2},"),
      "<test>");
  EXPECT_EQ(defaulted.stages[0].transitions[0].probability[0].value, 0.05);
  EXPECT_EQ(defaulted.stages[0].transitions[0].probability[1].value, 0.3);
  EXPECT_EQ(defaulted.stages[0].transitions[0].probability[2].value, 0.2);

  auto all = problems(edit(BASE, "{probability: 0.2,",
                           "{probability: {by_source: {web: {by_source: {web: 0.1}}}, "
                           "default: 0.2},"));
  EXPECT_CONTAINS(
      about(all, "stages.inquiry.transitions.mql.probability.by_source.web.by_source").rule,
      "must be by_segment");
  all = problems(edit(BASE, "{probability: 0.2,",
                      "{probability: {by_source: {web: {by_segment: {smb: 0.1}}}, default: 0.2},"));
  EXPECT_EQ(about(all, "stages.inquiry.transitions.mql.probability.by_source.web.default").rule,
            "is required unless every segment is listed (not listed: ent)");
  all =
      problems(edit(BASE, "{probability: 0.2,",
                    "{probability: {by_segment: {smb: {by_segment: {smb: 0.1}}}, default: 0.2},"));
  EXPECT_CONTAINS(about(all, "stages.inquiry.transitions.mql.probability.by_segment.smb").rule,
                  "tables cannot be nested here");
}

TEST(ScenarioValidation, AtMostOneRemainderPerStage) {
  const std::string text = edit(BASE, "won: {probability: 0.3}", "won: {probability: remainder}");
  const auto d = about(problems(text), "stages.mql.transitions.nurture.probability");
  EXPECT_EQ(d.rule, "at most one transition of a stage can be remainder (won already is)");
}

TEST(ScenarioValidation, DistributionParameters) {
  std::string text =
      edit(BASE, "{distribution: exponential, mean: 3}", "{distribution: gama, mean: 3}");
  EXPECT_CONTAINS(about(problems(text), "stages.inquiry.transitions.mql.delay.distribution").rule,
                  "did you mean 'gamma'?");
  text = edit(BASE, "{distribution: gamma, mean: 90, cv: 0.5}",
              "{distribution: gamma, mean: 90, scale: 2}");
  EXPECT_EQ(about(problems(text), "stages.nurture.transitions.mql.delay.mean").rule,
            "cannot be combined with shape and scale; gamma takes shape and scale, or mean and cv");
  text = edit(BASE, "{distribution: fixed, value: 1000}",
              "{distribution: empirical, edges: [0, 5, 4], probabilities: [0.5, 0.6]}");
  const auto all = problems(text);
  EXPECT_EQ(about(all, "segments.smb.deal_value.edges").rule,
            "must be strictly increasing (edge 2 is 4)");
  EXPECT_EQ(about(all, "segments.smb.deal_value.probabilities").rule,
            "must sum to 1 (they sum to 1.1)");
  text = edit(BASE, "median: 50000, sigma: 0.5", "median: 50000, sigma: 6");
  EXPECT_EQ(about(problems(text), "segments.ent.deal_value.sigma").rule, "must be <= 5");
}

TEST(ScenarioValidation, CalendarFields) {
  const std::string text = edit(BASE, "  horizon_months: 12",
                                "  horizon_months: 12\n  working_days: [mon, mon, fry]\n"
                                "  holidays: [2027-02-30]\n  non_working_day_weight: 2");
  const auto all = problems(text);
  EXPECT_EQ(about(all, "calendar.working_days.1").rule, "is listed twice");
  EXPECT_CONTAINS(about(all, "calendar.working_days.2").rule, "did you mean 'fri'?");
  EXPECT_EQ(about(all, "calendar.holidays.0").rule, "is not a valid date");
  EXPECT_EQ(about(all, "calendar.non_working_day_weight").rule, "must be between 0 and 1");
  EXPECT_EQ(about(problems(edit(BASE, "start: 2027-01", "start: 2027-13")), "calendar.start").rule,
            "month must be between 01 and 12");
}

TEST(ScenarioValidation, InitialFunnel) {
  const std::string text = BASE +
                           "initial_funnel:\n"
                           "  - {stage: inquiry, count: 5}\n"
                           "  - {stage: mqls, count: -1, age_days: [30, 10], source: webb}\n";
  const auto all = problems(text);
  // Inquiries still at the entry stage are a valid cohort, unless the scenario scores them.
  for (const auto& d : all) EXPECT_NE(d.key_path, "initial_funnel.0.stage") << d.format();
  const auto scored = problems(edit(std::string(default_scenario_text()), "initial_funnel:\n",
                                    "initial_funnel:\n  - {stage: inquiry, count: 5}\n"));
  EXPECT_CONTAINS(about(scored, "initial_funnel.0.stage").rule,
                  "must not be the entry stage when the scenario has `scoring`");
  EXPECT_EQ(about(all, "initial_funnel.1.stage").rule, "unknown stage; did you mean 'mql'?");
  EXPECT_EQ(about(all, "initial_funnel.1.count").rule, "must be >= 0");
  EXPECT_EQ(about(all, "initial_funnel.1.age_days").rule, "min must be <= max");
  EXPECT_EQ(about(all, "initial_funnel.1.source").rule, "unknown source; did you mean 'web'?");
}

TEST(ScenarioValidation, SeveralErrorsAreAllReportedInFileOrder) {
  std::string text = edit(BASE, "horizon_months: 12", "horizon_months: 200");
  text = edit(text, "monthly_volume: 100", "monthly_volume: -1");
  text = edit(text, "monthly_volume: 50", "monthly_volum: 50");
  text = edit(text, "{probability: 0.2,", "{probability: 2,");
  text = edit(text, "    bookings: true", "    bookings: maybe");
  try {
    load_scenario_text(text, "bad.yaml");
    FAIL() << "expected a ScenarioError";
  } catch (const ScenarioError& e) {
    const auto& d = e.diagnostics();
    // The misspelt volume key also leaves events without a volume: 6 problems.
    ASSERT_EQ(d.size(), 6u) << e.what();
    for (std::size_t i = 1; i < d.size(); ++i)
      EXPECT_LE(d[i - 1].line * 1000 + d[i - 1].column, d[i].line * 1000 + d[i].column);
    EXPECT_EQ(d.front().key_path, "calendar.horizon_months");
    EXPECT_EQ(d.back().key_path, "stages.won.bookings");
    EXPECT_CONTAINS(std::string(e.what()), "6 problems in bad.yaml:\nbad.yaml:4:19: ");
  }
}

}  // namespace
}  // namespace funnelsim::models::testing
