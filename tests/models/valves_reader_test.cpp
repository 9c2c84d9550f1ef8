// The `valves` section: reserve programmes read into indices and specs, and each rule's
// diagnostic with its key path, line and text.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "models/scenario/distribution_reader.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "tests/models/scenario_test_support.hpp"

namespace funnelsim::models {
namespace {

using testing::about;
using testing::edit;
using testing::line_of;
using testing::problems;

// Two programmes: one writing every key (none at its default), one writing only the required
// keys.
const std::string VALVES = R"(valves:
  reserve_programmes:
    webinar_blitz:
      source: webinars
      yield: {distribution: gamma, mean: 180, cv: 0.3}
      lead_time_days: 7
      spread_days: 10
      cost: 15000
      cooldown_days: 30
      max_per_quarter: 2
      budget: 60000
      trigger:
        target: accepted_leads
        check_days: [10, 20]
        below: 0.9
    syndication_top_up:
      source: content_syndication
      yield: 40
      lead_time_days: 3
      cost: 2000
      trigger: {target: accepted_leads, check_days: [15]}
)";

const std::string BLITZ = "valves.reserve_programmes.webinar_blitz";

// The default scenario (whose `sla` has accepted_leads on volume.sal and speed_to_lead on
// queue.sdr.within_sla, and which ends with that section) with `valves` appended.
// The default scenario without its own `valves` section (its last), so that each test writes
// the section it is about.
std::string default_without_valves() {
  std::string text(default_scenario_text());
  const auto at = text.find("\nvalves:\n");
  EXPECT_NE(at, std::string::npos);
  const auto comment = text.rfind("\n\n", at);
  return text.substr(0, (comment == std::string::npos ? at : comment) + 1);
}

std::string with_valves(const std::string& valves = VALVES) {
  return default_without_valves() + valves;
}

// The line of the first `needle` in the `valves` section of `text`, which comes last (the
// default scenario writes `source: webinars` and the like elsewhere too).
int valves_line(const std::string& text, const std::string& needle) {
  const auto start = text.rfind("\nvalves:");
  EXPECT_NE(start, std::string::npos);
  if (start == std::string::npos) return 0;
  const auto lines_before = std::count(text.begin(), text.begin() + start + 1, '\n');
  return static_cast<int>(lines_before) + line_of(text.substr(start + 1), needle);
}

// No diagnostic about `key_path`: a problem reported elsewhere is not repeated here.
void expect_none_about(const std::vector<Diagnostic>& diagnostics, const std::string& key_path) {
  for (const Diagnostic& d : diagnostics)
    EXPECT_NE(d.key_path, key_path) << "unexpected: " << d.format();
}

TEST(ValvesReader, ReadsEveryKeyOfAProgramme) {
  const Scenario s = load_scenario_text(with_valves(), "test.yaml");
  ASSERT_TRUE(s.valves.defined);
  ASSERT_EQ(s.valves.reserve_programmes.size(), 2u);
  const ReserveProgramme& p = s.valves.reserve_programmes[0];
  EXPECT_EQ(p.id, "webinar_blitz");
  ASSERT_LT(p.source, s.sources.size());
  EXPECT_EQ(s.sources[p.source].id, "webinars");
  // The reader's own conversion, so equality is exact: shape 1/0.09, scale 180 x 0.09.
  const DistributionSpec gamma = gamma_from_mean_cv(180.0, 0.3);
  EXPECT_EQ(p.yield.kind, DistributionSpec::Kind::Gamma);
  EXPECT_EQ(p.yield.a, gamma.a);
  EXPECT_EQ(p.yield.b, gamma.b);
  EXPECT_NEAR(p.yield.mean(), 180.0, 1e-9);  // a few ulps of shape x scale
  EXPECT_EQ(p.lead_time_days, 7.0);
  EXPECT_EQ(p.spread_days, 10.0);
  EXPECT_EQ(p.cost, 15000.0);
  EXPECT_EQ(p.cooldown_days, 30.0);
  EXPECT_EQ(p.max_per_quarter, 2);
  EXPECT_EQ(p.budget, 60000.0);
  ASSERT_LT(p.target, s.sla.targets.size());
  EXPECT_EQ(s.sla.targets[p.target].id, "accepted_leads");
  ASSERT_LT(p.stage, s.stages.size());
  EXPECT_EQ(s.stages[p.stage].id, "sal");
  EXPECT_EQ(p.check_days, (std::vector<int>{10, 20}));
  EXPECT_EQ(p.below, 0.9);
}

TEST(ValvesReader, OptionalKeysTakeTheirDefaultsAndANumberYieldIsFixed) {
  const Scenario s = load_scenario_text(with_valves(), "test.yaml");
  ASSERT_EQ(s.valves.reserve_programmes.size(), 2u);
  const ReserveProgramme& p = s.valves.reserve_programmes[1];
  EXPECT_EQ(p.id, "syndication_top_up");
  EXPECT_EQ(s.sources[p.source].id, "content_syndication");
  EXPECT_EQ(p.yield.kind, DistributionSpec::Kind::Fixed);
  EXPECT_EQ(p.yield.a, 40.0);
  EXPECT_EQ(p.spread_days, 0.0);
  EXPECT_EQ(p.cooldown_days, 0.0);
  EXPECT_EQ(p.max_per_quarter, 1);
  EXPECT_EQ(p.budget, 0.0);  // no limit
  EXPECT_EQ(p.below, 0.8);
  EXPECT_EQ(s.stages[p.stage].id, "sal");
  EXPECT_EQ(p.check_days, (std::vector<int>{15}));
}

TEST(ValvesReader, AnAbsentSectionIsNotDefined) {
  const Scenario s = load_scenario_text(default_without_valves(), "test.yaml");
  EXPECT_FALSE(s.valves.defined);
  EXPECT_TRUE(s.valves.reserve_programmes.empty());
}

TEST(ValvesReader, TheLeadTimeMayBeADayShorterThanTheHorizon) {
  // The default calendar is 2027-01 for 12 months: 365 days.
  const Scenario s = load_scenario_text(
      with_valves(edit(VALVES, "lead_time_days: 7", "lead_time_days: 364")), "test.yaml");
  ASSERT_TRUE(s.valves.defined);
  EXPECT_EQ(s.valves.reserve_programmes[0].lead_time_days, 364.0);
}

TEST(ValvesReader, EachRuleIsReportedAtItsKeyAndLine) {
  struct Case {
    std::string from, to;  // the edit of VALVES
    std::string key;       // after BLITZ
    std::string says;
  };
  const std::vector<Case> cases = {
      {"cooldown_days: 30", "cooldwn_days: 30", ".cooldwn_days", "did you mean 'cooldown_days'"},
      {"below: 0.9", "belwo: 0.9", ".trigger.belwo", "did you mean 'below'"},
      {"source: webinars", "source: webinar", ".source",
       "unknown source; did you mean 'webinars'?"},
      {"target: accepted_leads", "target: accepted_lead", ".trigger.target",
       "unknown SLA target; did you mean 'accepted_leads'?"},
      {"target: accepted_leads", "target: speed_to_lead", ".trigger.target",
       "the pace is counted from a stage's volume; target speed_to_lead is on metric "
       "queue.sdr.within_sla"},
      {"check_days: [10, 20]", "check_days: [20, 10]", ".trigger.check_days.1",
       "must be after the check day before it (20): check days are strictly ascending"},
      {"check_days: [10, 20]", "check_days: [10, 10]", ".trigger.check_days.1",
       "strictly ascending"},
      {"check_days: [10, 20]", "check_days: [10, 29]", ".trigger.check_days.1",
       "must be a day of the month from 1 to 28"},
      {"check_days: [10, 20]", "check_days: [0, 20]", ".trigger.check_days.0",
       "must be a day of the month from 1 to 28"},
      {"check_days: [10, 20]", "check_days: [10.5]", ".trigger.check_days.0", "whole number"},
      {"check_days: [10, 20]", "check_days: []", ".trigger.check_days",
       "must list at least one day of the month"},
      {"check_days: [10, 20]", "check_days: 10", ".trigger.check_days", "a list"},
      {"cost: 15000", "cost: -15000", ".cost", "must be >= 0: the dollars one firing costs"},
      {"budget: 60000", "budget: -1", ".budget", "must be >= 0"},
      {"lead_time_days: 7", "lead_time_days: 365", ".lead_time_days",
       "must be < 365, the horizon in days"},
      {"lead_time_days: 7", "lead_time_days: -1", ".lead_time_days", "must be >= 0"},
      {"spread_days: 10", "spread_days: 366", ".spread_days", "must be <= 365"},
      {"cooldown_days: 30", "cooldown_days: 3651", ".cooldown_days", "must be <= 3650"},
      {"max_per_quarter: 2", "max_per_quarter: 2.5", ".max_per_quarter", "whole number"},
      {"max_per_quarter: 2", "max_per_quarter: 0", ".max_per_quarter", "must be >= 1"},
      {"max_per_quarter: 2", "max_per_quarter: 101", ".max_per_quarter", "must be <= 100"},
      {"below: 0.9", "below: 0", ".trigger.below", "must be > 0"},
      {"below: 0.9", "below: 2.5", ".trigger.below", "must be <= 2"},
      {"mean: 180", "mean: 2e6", ".yield", "must be <= 1000000"},
      {"yield: {distribution: gamma, mean: 180, cv: 0.3}", "yield: 0", ".yield", "must be > 0"},
      {"yield: {distribution: gamma, mean: 180, cv: 0.3}", "yield: lots", ".yield",
       "a number of leads or a distribution"},
  };
  for (const Case& c : cases) {
    const std::string text = with_valves(edit(VALVES, c.from, c.to));
    const Diagnostic d = about(problems(text), BLITZ + c.key);
    EXPECT_EQ(d.file, "test.yaml") << c.to;
    EXPECT_EQ(d.line, valves_line(text, c.to)) << c.to;
    EXPECT_NE(d.rule.find(c.says), std::string::npos) << c.to << ": " << d.rule;
  }
}

TEST(ValvesReader, RequiredKeysAreReportedMissing) {
  for (const char* const name : {"source", "yield", "lead_time_days", "cost", "trigger"}) {
    const std::string key = name;
    // Drop the whole line (or block, for the trigger) of the key from the first programme.
    const auto at = VALVES.find("      " + key + ":");
    ASSERT_NE(at, std::string::npos) << key;
    const auto end =
        key == "trigger" ? VALVES.find("    syndication_top_up:") : VALVES.find('\n', at) + 1;
    std::string valves = VALVES;
    valves.erase(at, end - at);
    const Diagnostic d = about(problems(with_valves(valves)), BLITZ + "." + key);
    EXPECT_EQ(d.rule, "is required") << key;
  }
  for (const char* const name : {"target", "check_days"}) {
    const std::string key = name;
    const std::string valves =
        edit(VALVES, "{target: accepted_leads, check_days: [15]}",
             key == "target" ? "{check_days: [15]}" : "{target: accepted_leads}");
    const Diagnostic d = about(problems(with_valves(valves)),
                               "valves.reserve_programmes.syndication_top_up.trigger." + key);
    EXPECT_EQ(d.rule, "is required") << key;
  }
}

TEST(ValvesReader, TheSectionNeedsAtLeastOneValve) {
  const std::string empty = with_valves("valves: {}\n");
  const Diagnostic missing = about(problems(empty), "valves");
  EXPECT_EQ(missing.line, valves_line(empty, "valves: {}"));
  EXPECT_NE(missing.rule.find("must define at least one of reserve_programmes"), std::string::npos)
      << missing.rule;

  const std::string none = with_valves("valves:\n  reserve_programmes: {}\n");
  const Diagnostic d = about(problems(none), "valves.reserve_programmes");
  EXPECT_EQ(d.line, valves_line(none, "reserve_programmes: {}"));
  EXPECT_EQ(d.rule, "must define at least one valve, or be left out");

  const std::string other = with_valves(edit(VALVES, "valves:\n", "valves:\n  cold_list: {}\n"));
  const Diagnostic unknown = about(problems(other), "valves.cold_list");
  EXPECT_EQ(unknown.line, valves_line(other, "cold_list: {}"));
  EXPECT_NE(unknown.rule.find("did you mean 'cold_lists'"), std::string::npos) << unknown.rule;
}

TEST(ValvesReader, ABudgetBelowOneFiringIsRefused) {
  const std::string text = with_valves(edit(VALVES, "budget: 60000", "budget: 10000"));
  const Diagnostic d = about(problems(text), BLITZ + ".budget");
  EXPECT_EQ(d.line, valves_line(text, "budget: 10000"));
  EXPECT_NE(d.rule.find("is less than the cost of one firing (15000)"), std::string::npos)
      << d.rule;
}

// A cold list and named accounts writing every key.
const std::string IDLE = R"(valves:
  cold_lists:
    targets:
      pool: sdr
      source: outbound
      enters: sal
      size: 2000
      replenish_per_month: 100
      touch_minutes: 8
      contact_probability: 0.12
      qualification_probability: 0.15
      cooling_off_days: 42
      idle_share: 0.3
      when_waiting_at_most: 10
  named_accounts:
    strategic:
      pool: ae
      source: named_accounts
      enters: opportunity
      accounts: 400
      opportunities_per_hour: 0.08
      idle_share: 0.5
      when_waiting_at_most: 3
      win_probability: 0.22
      cycle_factor: 1.3
)";

TEST(ValvesReader, ReadsEveryKeyOfAColdListAndNamedAccounts) {
  const Scenario s = load_scenario_text(with_valves(IDLE), "test.yaml");
  ASSERT_TRUE(s.valves.defined);
  EXPECT_TRUE(s.valves.reserve_programmes.empty());
  ASSERT_EQ(s.valves.cold_lists.size(), 1u);
  const ColdList& c = s.valves.cold_lists[0];
  EXPECT_EQ(c.id, "targets");
  EXPECT_EQ(s.capacity.pools[c.pool].id, "sdr");
  EXPECT_EQ(s.sources[c.source].id, "outbound");
  EXPECT_EQ(s.stages[c.enters].id, "sal");
  EXPECT_EQ(c.size, 2000u);
  EXPECT_EQ(c.replenish_per_month, 100u);
  EXPECT_EQ(c.touch_minutes, 8.0);
  EXPECT_EQ(c.contact_probability, 0.12);
  EXPECT_EQ(c.qualification_probability, 0.15);
  EXPECT_EQ(c.cooling_off_days, 42.0);
  EXPECT_EQ(c.idle_share, 0.3);
  EXPECT_EQ(c.when_waiting_at_most, 10);
  ASSERT_EQ(s.valves.named_accounts.size(), 1u);
  const NamedAccounts& n = s.valves.named_accounts[0];
  EXPECT_EQ(n.id, "strategic");
  EXPECT_EQ(s.capacity.pools[n.pool].id, "ae");
  EXPECT_EQ(s.sources[n.source].id, "named_accounts");
  EXPECT_EQ(s.stages[n.enters].id, "opportunity");
  EXPECT_EQ(n.accounts, 400u);
  EXPECT_EQ(n.opportunities_per_hour, 0.08);
  EXPECT_EQ(n.idle_share, 0.5);
  EXPECT_EQ(n.when_waiting_at_most, 3);
  ASSERT_TRUE(n.win_probability.has_value());
  EXPECT_EQ(*n.win_probability, 0.22);
  EXPECT_EQ(n.cycle_factor, 1.3);
}

TEST(ValvesReader, EachIdleValveRuleIsReportedAtItsKeyAndLine) {
  struct Case {
    std::string from, to;  // the edit of IDLE
    std::string key;       // after valves.
    std::string says;
  };
  const std::string LIST = "cold_lists.targets", NAMED = "named_accounts.strategic";
  const std::vector<Case> cases = {
      {"pool: sdr", "pool: sdrs", LIST + ".pool", "unknown pool; did you mean 'sdr'?"},
      {"source: outbound", "source: outbond", LIST + ".source", "unknown source"},
      {"enters: sal", "enters: sale", LIST + ".enters", "unknown stage; did you mean 'sal'?"},
      {"enters: sal", "enters: inquiry", LIST + ".enters", "is the entry stage"},
      {"size: 2000", "size: -5", LIST + ".size", "must be >= 0"},
      {"touch_minutes: 8", "touch_minutes: 0", LIST + ".touch_minutes", "must be > 0"},
      {"contact_probability: 0.12", "contact_probability: 1.5", LIST + ".contact_probability",
       "must be between 0 and 1"},
      {"cooling_off_days: 42", "cooling_off_days: -1", LIST + ".cooling_off_days", "must be >= 0"},
      {"idle_share: 0.3", "idle_share: 0", LIST + ".idle_share", "must be > 0"},
      {"when_waiting_at_most: 10", "when_waiting_at_most: -1", LIST + ".when_waiting_at_most",
       "must be >= 0"},
      {"source: named_accounts", "source: webinars", NAMED + ".source",
       "must be a source with no inquiries of its own"},
      {"pool: ae", "pool: a", NAMED + ".pool", "unknown pool"},
      {"opportunities_per_hour: 0.08", "opportunities_per_hour: 0",
       NAMED + ".opportunities_per_hour", "must be > 0"},
      {"win_probability: 0.22", "win_probability: 1.2", NAMED + ".win_probability",
       "must be between 0 and 1"},
      {"cycle_factor: 1.3", "cycle_factor: 0", NAMED + ".cycle_factor", "must be > 0"},
  };
  for (const Case& c : cases) {
    const std::string text = with_valves(edit(IDLE, c.from, c.to));
    const Diagnostic d = about(problems(text), "valves." + c.key);
    EXPECT_EQ(d.line, valves_line(text, c.to)) << c.to;
    EXPECT_NE(d.rule.find(c.says), std::string::npos) << c.to << ": " << d.rule;
  }
  // A win probability replaces the one of a transition to a bookings stage.
  const std::string text = with_valves(edit(IDLE, "enters: opportunity", "enters: sql"));
  const Diagnostic d = about(problems(text), "valves." + NAMED + ".win_probability");
  EXPECT_NE(d.rule.find("needs a transition from sql to a stage with `bookings: true`"),
            std::string::npos)
      << d.rule;
}

TEST(ValvesReader, ValveIdsAreUniqueAcrossTheKinds) {
  const std::string text = with_valves(edit(IDLE, "    strategic:", "    targets:"));
  const Diagnostic d = about(problems(text), "valves.named_accounts.targets");
  EXPECT_NE(d.rule.find("is already used by another valve"), std::string::npos) << d.rule;
}

TEST(ValvesReader, ATriggerNeedsAnSlaSection) {
  // BASE has no `sla`; its sources are web and events.
  const std::string text = testing::BASE + R"(valves:
  reserve_programmes:
    push:
      source: web
      yield: 50
      lead_time_days: 5
      cost: 1000
      trigger: {target: accepted_leads, check_days: [10]}
)";
  const Diagnostic d = about(problems(text), "valves.reserve_programmes.push.trigger.target");
  EXPECT_EQ(d.line, line_of(text, "trigger: {target"));
  EXPECT_EQ(d.rule, "needs an `sla` section: the trigger compares pace with an SLA target");
}

TEST(ValvesReader, ATriggerNeedsAnAtLeastTarget) {
  const std::string text = edit(with_valves(), "at_least: 250", "at_most: 250");
  const Diagnostic d = about(problems(text), BLITZ + ".trigger.target");
  EXPECT_EQ(d.line, valves_line(text, "target: accepted_leads"));
  EXPECT_NE(d.rule.find("target accepted_leads is an at_most target"), std::string::npos) << d.rule;
}

TEST(ValvesReader, AProblemOfTheSlaTargetItselfIsReportedThereOnly) {
  // The target is written but invalid: the sla reader reports it, the trigger stays silent.
  const std::vector<Diagnostic> invalid =
      problems(edit(with_valves(), "at_least: 250", "at_least: -250"));
  about(invalid, "sla.targets.accepted_leads.at_least");
  expect_none_about(invalid, BLITZ + ".trigger.target");

  // volume.<not a stage> is not a metric: reported at the metric, with the nearest name.
  const std::vector<Diagnostic> unknown =
      problems(edit(with_valves(), "metric: volume.sal", "metric: volume.sall"));
  const Diagnostic d = about(unknown, "sla.targets.accepted_leads.metric");
  EXPECT_NE(d.rule.find("volume.sal"), std::string::npos) << d.rule;
  expect_none_about(unknown, BLITZ + ".trigger.target");
}

}  // namespace
}  // namespace funnelsim::models
