// Lead scoring and nurture tracks (scenario `scoring` and `nurture`, and the probability
// `scored`): the reader's fields, and each validation rule's key, line and message.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/scenario/scenario_loader.hpp"
#include "tests/models/scenario_test_support.hpp"

namespace funnelsim::models::testing {
namespace {

// Two personas, two segments; inquiries go to spam or are scored on their way to mql.
const std::string SCORED = R"(name: Scoring test
calendar:
  start: 2027-01
  horizon_months: 6
segments:
  smb: {deal_value: {distribution: fixed, value: 1000}}
  enterprise: {deal_value: {distribution: fixed, value: 50000}}
sources:
  web:
    monthly_volume: 400
    segment_mix: {smb: 0.7, enterprise: 0.3}
leads:
  personas: {buyer: 0.4, user: 0.6}
  fit_score: {distribution: gamma, mean: 40, cv: 0.5}
stages:
  inquiry:
    kind: entry
    transitions:
      spam:
        probability: 0.05
      mql:
        probability: scored
        delay: {distribution: gamma, mean: 6, cv: 1.0}
  mql:
    transitions:
      sal: {probability: 0.5}
  sal: {}
  spam: {}
  nurture: {}
  disqualified: {}
scoring:
  threshold: 50
  initial_engagement: {distribution: exponential, mean: 8}
  engagement:
    points_per_touch: 10
    probability: {by_persona: {buyer: 0.3}, default: 0.15}
    segment_factor: {enterprise: 0.8}
    half_life_days: 60
nurture:
  stage: nurture
  exit_to: disqualified
  tracks:
    new_leads:
      takes: new
      cadence_days: 14
      touches: 26
      unsubscribe_probability: 0.01
    recycled:
      takes: recycled
      cadence_days: 30
      touches: 6
      max_days: 150
)";

// `text` cut at `from`: without it and everything after it.
std::string without_from(const std::string& text, const std::string& from) {
  return text.substr(0, text.find(from));
}

// `text` without `section` up to `next`.
std::string without_section(const std::string& text, const std::string& section,
                            const std::string& next) {
  const auto begin = text.find(section);
  return text.substr(0, begin) + text.substr(text.find(next, begin));
}

// The one diagnostic about `key_path`, checked for its line and the words of its rule.
void expect_problem(const std::string& text, const std::string& key_path, const std::string& line,
                    const std::string& words) {
  const Diagnostic d = about(problems(text), key_path);
  EXPECT_CONTAINS(d.rule, words) << key_path;
  EXPECT_EQ(d.line, line_of(text, line)) << key_path << ": " << d.format();
}

TEST(NurtureReader, ReadsEveryField) {
  const Scenario s = load_scenario_text(SCORED, "scored.yaml");
  const Scoring& scoring = s.scoring;
  ASSERT_TRUE(scoring.defined);
  EXPECT_EQ(scoring.threshold, 50.0);
  EXPECT_EQ(scoring.transition, 1u);  // spam is the entry stage's first transition
  const Transition& scored = s.stages[s.entry_stage].transitions[scoring.transition];
  EXPECT_EQ(s.stages[scored.to].id, "mql");
  ASSERT_EQ(scored.probability.size(), 2u);
  for (const ProbabilitySpec& p : scored.probability)
    EXPECT_EQ(p.kind, ProbabilitySpec::Kind::Scored);
  EXPECT_NEAR(scored.delay.mean(), 6.0, 1e-12);
  ASSERT_TRUE(scoring.initial_engagement.has_value());
  EXPECT_EQ(scoring.initial_engagement->kind, DistributionSpec::Kind::Exponential);
  EXPECT_EQ(scoring.initial_engagement->a, 8.0);
  EXPECT_EQ(scoring.points_per_touch, 10.0);
  EXPECT_EQ(scoring.half_life_days, 60.0);
  // [persona][segment]: buyer 0.3, user the default 0.15; enterprise at 0.8 of that.
  const std::vector<double> expected = {0.3, 0.3 * 0.8, 0.15, 0.15 * 0.8};
  ASSERT_EQ(scoring.engagement_probability.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_DOUBLE_EQ(scoring.engagement_probability[i], expected[i]) << i;

  const Nurture& nurture = s.nurture;
  ASSERT_TRUE(nurture.defined);
  EXPECT_EQ(s.stages[nurture.stage].id, "nurture");
  EXPECT_EQ(s.stages[nurture.returns_to].id, "mql");  // the scored transition's target
  ASSERT_TRUE(nurture.exit_to.has_value());
  EXPECT_EQ(s.stages[*nurture.exit_to].id, "disqualified");
  ASSERT_EQ(nurture.tracks.size(), 2u);
  const NurtureTrack* fresh = nurture.track_for(NurtureTrack::Takes::New);
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(fresh->id, "new_leads");
  EXPECT_EQ(fresh->cadence_days, 14.0);
  EXPECT_EQ(fresh->touches, 26);
  EXPECT_EQ(fresh->unsubscribe_probability, 0.01);
  EXPECT_EQ(fresh->max_days, 14.0 * 26);  // default: cadence * touches
  const NurtureTrack* recycled = nurture.track_for(NurtureTrack::Takes::Recycled);
  ASSERT_NE(recycled, nullptr);
  EXPECT_EQ(recycled->id, "recycled");
  EXPECT_EQ(recycled->cadence_days, 30.0);
  EXPECT_EQ(recycled->touches, 6);
  EXPECT_EQ(recycled->unsubscribe_probability, 0.0);
  EXPECT_EQ(recycled->max_days, 150.0);
}

TEST(NurtureReader, OptionalKeysTakeTheirDefaults) {
  // No personas (one row), a single probability, no segment factor, no decay, no nurture.
  std::string text = edit(SCORED, "  personas: {buyer: 0.4, user: 0.6}\n", "");
  text = edit(text, "{by_persona: {buyer: 0.3}, default: 0.15}", "0.2");
  text = edit(text, "    segment_factor: {enterprise: 0.8}\n    half_life_days: 60\n", "");
  text = edit(text, "  initial_engagement: {distribution: exponential, mean: 8}\n", "");
  text = without_from(text, "nurture:\n");
  const Scenario s = load_scenario_text(text, "scored.yaml");
  ASSERT_TRUE(s.scoring.defined);
  EXPECT_FALSE(s.scoring.initial_engagement.has_value());
  EXPECT_FALSE(s.scoring.half_life_days.has_value());
  EXPECT_EQ(s.scoring.engagement_probability, (std::vector<double>{0.2, 0.2}));
  EXPECT_FALSE(s.nurture.defined);
  // returns_to given explicitly; a recycled-only track.
  text = SCORED + "";
  text = edit(text, "  exit_to: disqualified\n", "  returns_to: sal\n");
  text = edit(text,
              "    new_leads:\n      takes: new\n      cadence_days: 14\n      touches: 26\n"
              "      unsubscribe_probability: 0.01\n",
              "");
  const Scenario r = load_scenario_text(text, "scored.yaml");
  ASSERT_TRUE(r.nurture.defined);
  EXPECT_EQ(r.stages[r.nurture.returns_to].id, "sal");
  EXPECT_FALSE(r.nurture.exit_to.has_value());
  EXPECT_EQ(r.nurture.track_for(NurtureTrack::Takes::New), nullptr);
  ASSERT_NE(r.nurture.track_for(NurtureTrack::Takes::Recycled), nullptr);
}

TEST(NurtureReader, ScoredTransitionInAnOtherwiseValidScenarioLoads) {
  // BASE (two sources, two segments) with its inquiry -> mql step scored.
  std::string text = edit(BASE, "mql: {probability: 0.2,", "mql: {probability: scored,");
  text = edit(text, "stages:\n", "leads:\n  fit_score: 30\nstages:\n");
  text += "scoring:\n  threshold: 60\n  engagement: {points_per_touch: 5, probability: 0.1}\n";
  const Scenario s = load_scenario_text(text, "base.yaml");
  ASSERT_TRUE(s.scoring.defined);
  EXPECT_EQ(s.scoring.transition, 0u);
  const Transition& t = s.stages[s.entry_stage].transitions[0];
  ASSERT_EQ(t.probability.size(), 4u);  // (source, segment) pairs
  for (const ProbabilitySpec& p : t.probability) EXPECT_EQ(p.kind, ProbabilitySpec::Kind::Scored);
  EXPECT_EQ(s.scoring.engagement_probability, (std::vector<double>{0.1, 0.1}));
  EXPECT_FALSE(s.nurture.defined);
}

// --- The probability `scored` in the stage graph. ---

TEST(NurtureReader, ScoredIsAKeywordOfTheProbability) {
  // Misspelt: the nearest keyword is suggested.
  std::string text = edit(SCORED, "probability: scored", "probability: scord");
  expect_problem(text, "stages.inquiry.transitions.mql.probability", "probability: scord",
                 "did you mean 'scored'?");
  EXPECT_CONTAINS(about(problems(text), "stages.inquiry.transitions.mql.probability").rule,
                  "remainder, scored,");
  // The misspelling is the problem: `scoring` does not also say no transition is scored.
  for (const Diagnostic& d : problems(text)) EXPECT_NE(d.key_path, "scoring") << d.format();
  // Not inside a table.
  text =
      edit(SCORED, "probability: scored", "probability: {by_segment: {smb: 0.1}, default: scored}");
  expect_problem(text, "stages.inquiry.transitions.mql.probability.default", "default: scored",
                 "scored is not allowed inside a by_source or by_segment table");
}

TEST(NurtureReader, ScoredAndRemainderCannotShareAStage) {
  const std::string text = edit(SCORED, "      spam:\n        probability: 0.05\n",
                                "      spam:\n        probability: remainder\n");
  expect_problem(text, "stages.inquiry.transitions.mql.probability", "probability: scored",
                 "a stage cannot have both a scored and a remainder transition: scored takes the "
                 "remainder of the stage's other probabilities (spam is remainder)");
}

TEST(NurtureReader, ScoringNeedsAFitScore) {  // rule 1
  const std::string text =
      edit(SCORED, "  fit_score: {distribution: gamma, mean: 40, cv: 0.5}\n", "");
  expect_problem(text, "scoring", "  threshold: 50",
                 "needs leads.fit_score: a lead's score is its fit plus its engagement");
}

TEST(NurtureReader, ScoringNeedsAScoredTransition) {  // rule 2
  const std::string text = edit(SCORED, "probability: scored", "probability: 0.3");
  expect_problem(text, "scoring", "  threshold: 50",
                 "write `probability: scored` on the transition of inquiry (the entry stage) "
                 "to the MQL stage");
}

TEST(NurtureReader, OnlyTheEntryStagesLeadsAreScored) {  // rule 3
  const std::string text = edit(SCORED, "sal: {probability: 0.5}", "sal: {probability: scored}");
  expect_problem(text, "stages.mql.transitions.sal.probability", "sal: {probability: scored}",
                 "only the entry stage's leads are scored: write scored on a transition of "
                 "inquiry, not of mql");
}

TEST(NurtureReader, AtMostOneTransitionIsScored) {  // rule 4
  const std::string text = edit(SCORED, "      spam:\n        probability: 0.05\n",
                                "      spam:\n        probability: scored\n");
  const auto all = problems(text);
  const Diagnostic d = about(all, "stages.inquiry.transitions.mql.probability");
  EXPECT_EQ(d.rule, "at most one transition can be scored (spam already is)");
  EXPECT_EQ(d.line, line_of(text, "        probability: scored\n        delay"));
  for (const Diagnostic& other : all)
    EXPECT_NE(other.key_path, "stages.inquiry.transitions.spam.probability") << other.format();
}

TEST(NurtureReader, ScoredNeedsAScoringSection) {  // rule 5
  const std::string text = without_from(SCORED, "scoring:\n");
  const auto all = problems(text);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].key_path, "stages.inquiry.transitions.mql.probability");
  EXPECT_EQ(all[0].line, line_of(text, "probability: scored"));
  EXPECT_CONTAINS(all[0].rule, "needs a `scoring` section");
}

TEST(NurtureReader, PersonaTables) {  // rule 6
  // No personas to refer to.
  std::string text = edit(SCORED, "  personas: {buyer: 0.4, user: 0.6}\n", "");
  expect_problem(text, "scoring.engagement.probability.by_persona", "by_persona",
                 "refers to leads.personas, which the scenario's `leads` section does not "
                 "define");
  // An unknown persona, with the nearest suggested.
  text = edit(SCORED, "{by_persona: {buyer: 0.3}", "{by_persona: {buyr: 0.3}");
  expect_problem(text, "scoring.engagement.probability.by_persona.buyr", "buyr",
                 "unknown persona; did you mean 'buyer'?");
  // A persona left out, and no default.
  text = edit(SCORED, "{by_persona: {buyer: 0.3}, default: 0.15}", "{by_persona: {buyer: 0.3}}");
  expect_problem(text, "scoring.engagement.probability.default", "by_persona",
                 "is required unless every persona is listed (not listed: user)");
  // Every persona listed: no default needed.
  text = edit(SCORED, "{by_persona: {buyer: 0.3}, default: 0.15}",
              "{by_persona: {buyer: 0.3, user: 0.1}}");
  EXPECT_EQ(load_scenario_text(text, "t.yaml").scoring.engagement_probability,
            (std::vector<double>{0.3, 0.3 * 0.8, 0.1, 0.1 * 0.8}));
}

TEST(NurtureReader, SegmentFactors) {  // rule 7
  std::string text =
      edit(SCORED, "segment_factor: {enterprise: 0.8}", "segment_factor: {enterprse: 0.8}");
  expect_problem(text, "scoring.engagement.segment_factor.enterprse", "enterprse",
                 "unknown segment; did you mean 'enterprise'?");
  text = edit(SCORED, "segment_factor: {enterprise: 0.8}", "segment_factor: {enterprise: 4}");
  expect_problem(text, "scoring.engagement.segment_factor.enterprise", "segment_factor",
                 "makes the engagement probability of persona buyer in segment enterprise "
                 "0.3 * 4 = 1.2; must be <= 1");
  text = edit(SCORED, "segment_factor: {enterprise: 0.8}", "segment_factor: {enterprise: -1}");
  expect_problem(text, "scoring.engagement.segment_factor.enterprise", "segment_factor",
                 "must be >= 0");
}

TEST(NurtureReader, NurtureNeedsScoring) {  // rule 8
  const std::string text = without_section(SCORED, "scoring:\n", "nurture:\n");
  expect_problem(text, "nurture", "  stage: nurture",
                 "needs a `scoring` section: leads return from nurture when their score "
                 "reaches the threshold");
}

TEST(NurtureReader, TheNurtureStage) {  // rule 9
  std::string text = edit(SCORED, "  stage: nurture", "  stage: nurtur");
  expect_problem(text, "nurture.stage", "stage: nurtur", "unknown stage; did you mean 'nurture'?");
  text = edit(SCORED, "  stage: nurture", "  stage: inquiry");
  expect_problem(text, "nurture.stage", "stage: inquiry", "cannot be the entry stage");
  text = edit(SCORED, "  stage: nurture", "  stage: mql");
  expect_problem(text, "nurture.stage", "stage: mql",
                 "is the nurture stage: leads leave it by the tracks' rules, so it cannot have "
                 "transitions of its own (it has 1: sal)");
  text = edit(SCORED, "  nurture: {}\n",
              "  nurture:\n    transitions:\n      mql: {probability: 0.1}\n"
              "      disqualified: {probability: 0.2}\n");
  expect_problem(text, "nurture.stage", "  stage: nurture", "(it has 2: mql, disqualified)");
}

TEST(NurtureReader, WhereLeadsLeaveNurtureFor) {  // rule 10
  std::string text = edit(SCORED, "  exit_to: disqualified", "  exit_to: disqualifed");
  expect_problem(text, "nurture.exit_to", "exit_to", "unknown stage; did you mean 'disqualified'?");
  text = edit(SCORED, "  exit_to: disqualified", "  exit_to: inquiry");
  expect_problem(text, "nurture.exit_to", "exit_to", "cannot be the entry stage");
  text = edit(SCORED, "  exit_to: disqualified", "  exit_to: nurture");
  expect_problem(text, "nurture.exit_to", "exit_to", "cannot be the nurture stage itself");
  text = edit(SCORED, "  exit_to: disqualified", "  returns_to: mq");
  expect_problem(text, "nurture.returns_to", "returns_to", "unknown stage; did you mean 'mql'?");
  text = edit(SCORED, "  exit_to: disqualified", "  returns_to: inquiry");
  expect_problem(text, "nurture.returns_to", "returns_to", "cannot be the entry stage");
  text = edit(SCORED, "  exit_to: disqualified", "  returns_to: nurture");
  expect_problem(text, "nurture.returns_to", "returns_to", "cannot be the nurture stage itself");
}

TEST(NurtureReader, Tracks) {  // rule 11
  std::string text = edit(SCORED, "      takes: recycled", "      takes: new");
  expect_problem(text, "nurture.tracks.recycled.takes", "takes: new\n      cadence_days: 30",
                 "track new_leads already takes new leads");
  text = edit(SCORED, "      takes: recycled", "      takes: old");
  expect_problem(text, "nurture.tracks.recycled.takes", "takes: old",
                 "must be one of new | recycled");
  text = without_from(SCORED, "  tracks:\n") + "  tracks: {}\n";
  expect_problem(text, "nurture.tracks", "tracks: {}", "must define a track");
  text = without_from(SCORED, "  tracks:\n");
  expect_problem(text, "nurture.tracks", "  stage: nurture", "is required");
  text = edit(SCORED, "      max_days: 150", "      max_days: 20");
  expect_problem(text, "nurture.tracks.recycled.max_days", "max_days: 20",
                 "is shorter than cadence_days (30): no touch would happen");
}

TEST(NurtureReader, NumbersOutsideTheirRanges) {
  struct Case {
    const char* from;
    const char* to;
    const char* key_path;
    const char* rule;
  };
  const Case cases[] = {
      {"  threshold: 50", "  threshold: 0", "scoring.threshold", "must be > 0"},
      {"  threshold: 50", "  threshold: 120", "scoring.threshold", "must be <= 100"},
      {"points_per_touch: 10", "points_per_touch: 0", "scoring.engagement.points_per_touch",
       "must be > 0"},
      {"half_life_days: 60", "half_life_days: 4000", "scoring.engagement.half_life_days",
       "must be <= 3650"},
      {"default: 0.15}", "default: 1.5}", "scoring.engagement.probability.default",
       "must be between 0 and 1"},
      {"{by_persona: {buyer: 0.3}, default: 0.15}", "high", "scoring.engagement.probability",
       "must be a probability in [0, 1] or {by_persona: {id: p, ...}, default: p}"},
      {"cadence_days: 14", "cadence_days: 0", "nurture.tracks.new_leads.cadence_days",
       "must be > 0"},
      {"cadence_days: 14", "cadence_days: 400", "nurture.tracks.new_leads.cadence_days",
       "must be <= 365"},
      {"touches: 26", "touches: 0", "nurture.tracks.new_leads.touches", "must be >= 1"},
      {"touches: 26", "touches: 2.5", "nurture.tracks.new_leads.touches", "must be a whole number"},
      {"unsubscribe_probability: 0.01", "unsubscribe_probability: 1.5",
       "nurture.tracks.new_leads.unsubscribe_probability", "must be between 0 and 1"},
      {"max_days: 150", "max_days: 5000", "nurture.tracks.recycled.max_days", "must be <= 3650"},
      {"mean: 8}", "mean: 200}", "scoring.initial_engagement", "must be <= 100"},
  };
  for (const Case& c : cases) {
    const std::string text = edit(SCORED, c.from, c.to);
    const Diagnostic d = about(problems(text), c.key_path);
    EXPECT_CONTAINS(d.rule, c.rule) << c.to;
    EXPECT_EQ(d.line, line_of(text, c.to)) << c.to;
  }
}

TEST(NurtureReader, UnknownKeysAreSuggested) {
  std::string text = edit(SCORED, "  threshold: 50", "  treshold: 50");
  expect_problem(text, "scoring.treshold", "treshold", "did you mean 'threshold'?");
  text = edit(SCORED, "      touches: 26", "      touch: 26");
  expect_problem(text, "nurture.tracks.new_leads.touch", "touch: 26", "did you mean 'touches'?");
  EXPECT_CONTAINS(about(problems(text), "nurture.tracks.new_leads.touches").rule, "is required");
}

}  // namespace
}  // namespace funnelsim::models::testing
