// SDR and AE compensation plans (scenario `compensation`): the reader's fields and defaults, and
// each validation rule's key, line and message, on the default scenario with the section added.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "models/scenario/compensation.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "tests/models/scenario_test_support.hpp"

namespace funnelsim::models::testing {
namespace {

// Every key, on the default scenario's pools (sdr, ae) and stages.
const std::string SECTION = R"(
compensation:
  sdr:
    pool: sdr
    plan: per_sql
    observed_plan: per_meeting
    variable_share: 0.3
    base_salary_per_month: 4500
    payout: {sql: 120, sal: 60}
  ae:
    pool: ae
    plan: new_logos
    variable_share: 0.5
    observed_variable_share: 0.4
    base_salary_per_month: 9000
    payout: {bookings_rate: 0.08, new_logo: 500}
  cost_per: [sql, opportunity]
  elasticities:
    per_meeting: {pass_unqualified: {mean: 0.25, sd: 0.05}, follow_up_attempts: -3, work_first: fifo}
    per_sql: {pass_unqualified: 0.15}
    new_logos: {inbound_time_share: {mean: -0.2, sd: 0.1}}
)";

// The default scenario without its own `compensation` section (its last), so that each test
// writes the section it is about.
const std::string& default_text() {
  static const std::string text = [] {
    std::string t(default_scenario_text());
    const auto at = t.find("\n# How the reps are paid");
    EXPECT_NE(at, std::string::npos);
    return t.substr(0, at + 1);
  }();
  return text;
}

// The default scenario with `section` (SECTION edited) appended.
std::string with_section(const std::string& section) {
  return default_text() + section;
}

// The default scenario without the part from `begin` up to `end` (to its end when empty).
std::string default_without(const std::string& begin, const std::string& end = "") {
  const std::string& text = default_text();
  const auto from = text.find(begin);
  EXPECT_NE(from, std::string::npos) << begin;
  if (end.empty()) return text.substr(0, from);
  const auto to = text.find(end, from);
  EXPECT_NE(to, std::string::npos) << end;
  return text.substr(0, from) + text.substr(to);
}

// 1-based line of `needle` within the compensation section (the default scenario may contain
// the same words earlier).
int section_line(const std::string& text, const std::string& needle) {
  const auto section = text.find("\ncompensation:\n");
  const auto at = text.find(needle, section);
  EXPECT_NE(at, std::string::npos) << needle;
  int line = 1;
  for (std::size_t i = 0; i < at && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

std::size_t stage_index(const Scenario& s, const std::string& id) {
  for (std::size_t i = 0; i < s.stages.size(); ++i)
    if (s.stages[i].id == id) return i;
  ADD_FAILURE() << "no stage " << id;
  return s.stages.size();
}

std::size_t pool_index(const Scenario& s, const std::string& id) {
  for (std::size_t i = 0; i < s.capacity.pools.size(); ++i)
    if (s.capacity.pools[i].id == id) return i;
  ADD_FAILURE() << "no pool " << id;
  return s.capacity.pools.size();
}

void expect_elasticity(const Elasticity& actual, const Elasticity& expected,
                       const std::string& what) {
  EXPECT_EQ(actual.mean, expected.mean) << what;
  EXPECT_EQ(actual.sd, expected.sd) << what;
}

// The only problem of `text`: about `key_path`, at the line of `line` in the section, with
// `words` in its rule.
void expect_only_problem(const std::string& text, const std::string& key_path,
                         const std::string& line, const std::string& words) {
  const auto all = problems(text);
  EXPECT_EQ(all.size(), 1u) << key_path;
  const Diagnostic d = about(all, key_path);
  EXPECT_CONTAINS(d.rule, words) << key_path;
  EXPECT_EQ(d.line, section_line(text, line)) << key_path << ": " << d.format();
}

TEST(CompensationReader, AbsentSectionIsNotDefined) {
  const Scenario s = load_scenario_text(default_text(), "default.yaml");
  const Compensation& c = s.compensation;
  EXPECT_FALSE(c.defined);
  EXPECT_FALSE(c.sdr.has_value());
  EXPECT_FALSE(c.ae.has_value());
  EXPECT_TRUE(c.cost_per.empty());
}

TEST(CompensationReader, ReadsEveryField) {
  const Scenario s = load_scenario_text(with_section(SECTION), "comp.yaml");
  const Compensation& c = s.compensation;
  ASSERT_TRUE(c.defined);

  ASSERT_TRUE(c.sdr.has_value());
  const SdrCompensation& sdr = *c.sdr;
  ASSERT_TRUE(sdr.pool.has_value());
  EXPECT_EQ(*sdr.pool, pool_index(s, "sdr"));
  EXPECT_EQ(sdr.plan, SdrPlan::PerSql);
  EXPECT_EQ(sdr.observed_plan, SdrPlan::PerMeeting);
  EXPECT_EQ(sdr.variable_share, 0.3);
  EXPECT_EQ(sdr.observed_variable_share, 0.3);  // default: variable_share
  EXPECT_EQ(sdr.base_salary_per_month, 4500.0);
  // Resolved to stage indices, in file order (sql before sal, unlike the stages).
  const std::vector<std::pair<std::size_t, double>> payout = {{stage_index(s, "sql"), 120.0},
                                                              {stage_index(s, "sal"), 60.0}};
  EXPECT_EQ(sdr.payout, payout);

  ASSERT_TRUE(c.ae.has_value());
  const AeCompensation& ae = *c.ae;
  ASSERT_TRUE(ae.pool.has_value());
  EXPECT_EQ(*ae.pool, pool_index(s, "ae"));
  EXPECT_EQ(ae.plan, AePlan::NewLogos);
  EXPECT_EQ(ae.observed_plan, AePlan::NewLogos);  // default: plan
  EXPECT_EQ(ae.variable_share, 0.5);
  EXPECT_EQ(ae.observed_variable_share, 0.4);
  EXPECT_EQ(ae.base_salary_per_month, 9000.0);
  EXPECT_EQ(ae.bookings_rate, 0.08);
  EXPECT_EQ(ae.new_logo, 500.0);

  EXPECT_EQ(c.cost_per,
            (std::vector<std::size_t>{stage_index(s, "sql"), stage_index(s, "opportunity")}));

  // Overrides replace only the fields they give; a number is an elasticity with sd 0.
  const auto sdr_defaults = Compensation::default_sdr_elasticities();
  const auto ae_defaults = Compensation::default_ae_elasticities();
  const SdrElasticities& meeting = c.sdr_elasticities[0];
  expect_elasticity(meeting.pass_unqualified, {0.25, 0.05}, "per_meeting.pass_unqualified");
  expect_elasticity(meeting.follow_up_attempts, {-3.0, 0.0}, "per_meeting.follow_up_attempts");
  EXPECT_EQ(meeting.work_first, WorkFirst::Fifo);
  const SdrElasticities& sql = c.sdr_elasticities[1];
  expect_elasticity(sql.pass_unqualified, {0.15, 0.0}, "per_sql.pass_unqualified");
  expect_elasticity(sql.follow_up_attempts, sdr_defaults[1].follow_up_attempts,
                    "per_sql.follow_up_attempts");
  EXPECT_EQ(sql.work_first, sdr_defaults[1].work_first);
  const SdrElasticities& opportunity = c.sdr_elasticities[2];
  expect_elasticity(opportunity.pass_unqualified, sdr_defaults[2].pass_unqualified,
                    "per_opportunity.pass_unqualified");
  expect_elasticity(opportunity.follow_up_attempts, sdr_defaults[2].follow_up_attempts,
                    "per_opportunity.follow_up_attempts");
  EXPECT_EQ(opportunity.work_first, sdr_defaults[2].work_first);
  expect_elasticity(c.ae_elasticities[0].inbound_time_share, ae_defaults[0].inbound_time_share,
                    "bookings.inbound_time_share");
  expect_elasticity(c.ae_elasticities[1].inbound_time_share, {-0.2, 0.1},
                    "new_logos.inbound_time_share");
}

TEST(CompensationReader, DefaultElasticitiesAreTheDocumentedTable) {
  // scenarios/README.md (`compensation`) prints this table; a change here must change it.
  const auto sdr = Compensation::default_sdr_elasticities();
  expect_elasticity(sdr[0].pass_unqualified, {0.30, 0.10}, "per_meeting");
  expect_elasticity(sdr[0].follow_up_attempts, {-2.0, 1.0}, "per_meeting");
  EXPECT_EQ(sdr[0].work_first, WorkFirst::NewestFirst);
  expect_elasticity(sdr[1].pass_unqualified, {0.10, 0.05}, "per_sql");
  expect_elasticity(sdr[1].follow_up_attempts, {0.0, 0.5}, "per_sql");
  EXPECT_EQ(sdr[1].work_first, WorkFirst::Keep);
  expect_elasticity(sdr[2].pass_unqualified, {0.0, 0.0}, "per_opportunity");
  expect_elasticity(sdr[2].follow_up_attempts, {2.0, 1.0}, "per_opportunity");
  EXPECT_EQ(sdr[2].work_first, WorkFirst::HighestScore);
  const auto ae = Compensation::default_ae_elasticities();
  expect_elasticity(ae[0].inbound_time_share, {0.0, 0.0}, "bookings");
  expect_elasticity(ae[1].inbound_time_share, {-0.3, 0.1}, "new_logos");
}

TEST(CompensationReader, OptionalKeysTakeTheirDefaults) {
  // An SDR plan alone: no pool, no payouts, observed plan and share as the plan's.
  Scenario s = load_scenario_text(
      with_section("compensation:\n  sdr: {plan: per_opportunity, variable_share: 0.2}\n"),
      "comp.yaml");
  ASSERT_TRUE(s.compensation.defined);
  ASSERT_TRUE(s.compensation.sdr.has_value());
  EXPECT_FALSE(s.compensation.ae.has_value());
  const SdrCompensation& sdr = *s.compensation.sdr;
  EXPECT_FALSE(sdr.pool.has_value());
  EXPECT_EQ(sdr.plan, SdrPlan::PerOpportunity);
  EXPECT_EQ(sdr.observed_plan, SdrPlan::PerOpportunity);
  EXPECT_EQ(sdr.variable_share, 0.2);
  EXPECT_EQ(sdr.observed_variable_share, 0.2);
  EXPECT_EQ(sdr.base_salary_per_month, 0.0);
  EXPECT_TRUE(sdr.payout.empty());
  EXPECT_TRUE(s.compensation.cost_per.empty());
  const auto defaults = Compensation::default_sdr_elasticities();
  for (std::size_t p = 0; p < defaults.size(); ++p) {
    expect_elasticity(s.compensation.sdr_elasticities[p].pass_unqualified,
                      defaults[p].pass_unqualified, "pass_unqualified");
    expect_elasticity(s.compensation.sdr_elasticities[p].follow_up_attempts,
                      defaults[p].follow_up_attempts, "follow_up_attempts");
    EXPECT_EQ(s.compensation.sdr_elasticities[p].work_first, defaults[p].work_first);
  }
  // An AE plan alone; a salary of 0 needs no pool.
  s = load_scenario_text(with_section("compensation:\n  ae:\n    plan: bookings\n"
                                      "    observed_plan: new_logos\n    variable_share: 0.6\n"
                                      "    base_salary_per_month: 0\n"),
                         "comp.yaml");
  ASSERT_TRUE(s.compensation.defined);
  EXPECT_FALSE(s.compensation.sdr.has_value());
  ASSERT_TRUE(s.compensation.ae.has_value());
  EXPECT_EQ(s.compensation.ae->plan, AePlan::Bookings);
  EXPECT_EQ(s.compensation.ae->observed_plan, AePlan::NewLogos);
  EXPECT_EQ(s.compensation.ae->observed_variable_share, 0.6);
  EXPECT_EQ(s.compensation.ae->bookings_rate, 0.0);
  EXPECT_EQ(s.compensation.ae->new_logo, 0.0);
  EXPECT_FALSE(s.compensation.ae->pool.has_value());
}

TEST(CompensationReader, NeedsAnSdrOrAnAePlan) {
  const std::string text = with_section("compensation:\n  cost_per: [sql]\n");
  expect_only_problem(text, "compensation", "  cost_per: [sql]", "must define sdr, ae or both");
}

TEST(CompensationReader, UnknownKeysAreSuggested) {
  std::string text = with_section(edit(SECTION, "    plan: per_sql", "    plam: per_sql"));
  auto all = problems(text);
  Diagnostic d = about(all, "compensation.sdr.plam");
  EXPECT_EQ(d.rule, "unknown key; did you mean 'plan'?");
  EXPECT_EQ(d.line, section_line(text, "plam"));
  EXPECT_EQ(d.column, 5);
  EXPECT_CONTAINS(about(all, "compensation.sdr.plan").rule, "is required");

  text = with_section(edit(SECTION, "  elasticities:", "  elasticity:"));
  expect_only_problem(text, "compensation.elasticity",
                      "elasticity:", "unknown key; did you mean 'elasticities'?");
  text = with_section(edit(SECTION, "new_logo: 500", "new_logos: 500"));
  expect_only_problem(text, "compensation.ae.payout.new_logos", "new_logos: 500",
                      "did you mean 'new_logo'?");
  text = with_section(edit(SECTION, "{mean: -0.2, sd: 0.1}", "{mean: -0.2, sigma: 0.1}"));
  expect_only_problem(text, "compensation.elasticities.new_logos.inbound_time_share.sigma", "sigma",
                      "unknown key");
}

TEST(CompensationReader, PlanNames) {
  std::string text = with_section(edit(SECTION, "plan: per_sql", "plan: per_sq"));
  expect_only_problem(text, "compensation.sdr.plan", "plan: per_sq",
                      "must be one of per_meeting | per_sql | per_opportunity; did you mean "
                      "'per_sql'?");
  text = with_section(edit(SECTION, "plan: per_sql", "plan: bookings"));
  expect_only_problem(text, "compensation.sdr.plan", "plan: bookings",
                      "is an AE plan; an SDR plan is one of per_meeting | per_sql | "
                      "per_opportunity");
  text = with_section(
      edit(SECTION, "    plan: new_logos\n", "    plan: new_logos\n    observed_plan: per_sql\n"));
  expect_only_problem(text, "compensation.ae.observed_plan", "observed_plan: per_sql",
                      "is an SDR plan; an AE plan is one of bookings | new_logos");
  text = with_section(edit(SECTION, "    per_sql: {", "    per_sqls: {"));
  expect_only_problem(text, "compensation.elasticities.per_sqls", "per_sqls",
                      "unknown key; did you mean 'per_sql'?");
  text = with_section(edit(SECTION, "    per_sql: {", "    commission: {"));
  expect_only_problem(text, "compensation.elasticities.commission", "commission",
                      "valid: per_meeting, per_sql, per_opportunity, bookings, new_logos");
}

TEST(CompensationReader, Pools) {
  std::string text = with_section(edit(SECTION, "pool: sdr", "pool: sdrs"));
  expect_only_problem(text, "compensation.sdr.pool", "pool: sdrs",
                      "unknown pool; did you mean 'sdr'?");
  text = with_section(edit(SECTION, "pool: sdr", "pool: ae"));
  expect_only_problem(text, "compensation.sdr.pool", "pool: ae",
                      "is a pool of role ae; the SDR plan needs a pool whose role is sdr");
  text = with_section(edit(SECTION, "    pool: ae\n", "    pool: sdr\n"));
  const Diagnostic d = about(problems(text), "compensation.ae.pool");
  EXPECT_EQ(d.rule, "is a pool of role sdr; the AE plan needs a pool whose role is ae");
  EXPECT_EQ(d.line, section_line(text, "  ae:\n    pool: sdr") + 1);
  // Without a `capacity` section, both references are reported.
  text = default_without("# The revenue team.") + SECTION;
  const auto all = problems(text);
  EXPECT_EQ(all.size(), 2u);
  EXPECT_CONTAINS(about(all, "compensation.sdr.pool").rule, "needs a `capacity` section");
  EXPECT_CONTAINS(about(all, "compensation.ae.pool").rule, "needs a `capacity` section");
}

TEST(CompensationReader, BaseSalaryNeedsAPool) {
  const std::string text = with_section(edit(SECTION, "    pool: sdr\n", ""));
  expect_only_problem(text, "compensation.sdr.base_salary_per_month", "base_salary_per_month: 4500",
                      "needs `pool`: the cost is salary x the pool's FTE");
}

TEST(CompensationReader, StagesMustExist) {
  std::string text = with_section(edit(SECTION, "{sql: 120,", "{sqll: 120,"));
  expect_only_problem(text, "compensation.sdr.payout.sqll", "sqll",
                      "unknown stage; did you mean 'sql'?");
  text = with_section(edit(SECTION, "[sql, opportunity]", "[sql, oportunity]"));
  expect_only_problem(text, "compensation.cost_per.1", "cost_per",
                      "unknown stage; did you mean 'opportunity'?");
  text = with_section(edit(SECTION, "[sql, opportunity]", "[sql, opportunity, sql]"));
  expect_only_problem(text, "compensation.cost_per.2", "cost_per", "is listed twice");
}

TEST(CompensationReader, NewLogoNeedsABookingsStage) {
  const std::string no_bookings = edit(default_text(), "    bookings: true\n", "");
  std::string text = no_bookings + SECTION;
  expect_only_problem(text, "compensation.ae.payout.new_logo", "new_logo: 500",
                      "needs a stage with `bookings: true`");
  // Paying nothing per new logo needs no such stage.
  text = no_bookings + edit(SECTION, "new_logo: 500", "new_logo: 0");
  EXPECT_TRUE(load_scenario_text(text, "comp.yaml").compensation.defined);
}

TEST(CompensationReader, NumbersOutsideTheirRanges) {
  struct Case {
    const char* from;
    const char* to;
    const char* key_path;
    const char* rule;
  };
  const Case cases[] = {
      {"variable_share: 0.3", "variable_share: 1.5", "compensation.sdr.variable_share",
       "must be between 0 and 1"},
      {"observed_variable_share: 0.4", "observed_variable_share: -0.1",
       "compensation.ae.observed_variable_share", "must be between 0 and 1"},
      {"base_salary_per_month: 4500", "base_salary_per_month: -4500",
       "compensation.sdr.base_salary_per_month", "must be between 0 and 1000000"},
      {"base_salary_per_month: 9000", "base_salary_per_month: 2e6",
       "compensation.ae.base_salary_per_month", "must be between 0 and 1000000"},
      {"{sql: 120,", "{sql: -120,", "compensation.sdr.payout.sql",
       "must be between 0 and 10000000"},
      {"bookings_rate: 0.08", "bookings_rate: 1.2", "compensation.ae.payout.bookings_rate",
       "must be between 0 and 1"},
      {"new_logo: 500", "new_logo: -500", "compensation.ae.payout.new_logo",
       "must be between 0 and 10000000"},
      {"{pass_unqualified: 0.15}", "{pass_unqualified: 1.5}",
       "compensation.elasticities.per_sql.pass_unqualified", "must be between -1 and 1"},
      {"{mean: 0.25, sd: 0.05}", "{mean: 0.25, sd: -0.05}",
       "compensation.elasticities.per_meeting.pass_unqualified.sd", "must be between 0 and 1"},
      {"follow_up_attempts: -3", "follow_up_attempts: -25",
       "compensation.elasticities.per_meeting.follow_up_attempts", "must be between -20 and 20"},
      {"follow_up_attempts: -3", "follow_up_attempts: {mean: -3, sd: 25}",
       "compensation.elasticities.per_meeting.follow_up_attempts.sd", "must be between 0 and 20"},
      {"{mean: -0.2, sd: 0.1}", "{mean: -1.2, sd: 0.1}",
       "compensation.elasticities.new_logos.inbound_time_share.mean", "must be between -1 and 1"},
      {"{mean: -0.2, sd: 0.1}", "{mean: -0.2, sd: 1.5}",
       "compensation.elasticities.new_logos.inbound_time_share.sd", "must be between 0 and 1"},
      {"{pass_unqualified: 0.15}", "{pass_unqualified: high}",
       "compensation.elasticities.per_sql.pass_unqualified", "must be a number or {mean, sd}"},
      {"{pass_unqualified: 0.15}", "{pass_unqualified: [0.1, 0.2]}",
       "compensation.elasticities.per_sql.pass_unqualified",
       "must be a number or {mean, sd} (found a list)"},
      {"{mean: -0.2, sd: 0.1}", "{sd: 0.1}",
       "compensation.elasticities.new_logos.inbound_time_share.mean", "is required"},
      {"work_first: fifo", "work_first: lifo", "compensation.elasticities.per_meeting.work_first",
       "must be one of keep | fifo | newest_first | highest_score"},
  };
  for (const Case& c : cases) {
    const std::string text = with_section(edit(SECTION, c.from, c.to));
    const auto all = problems(text);
    EXPECT_EQ(all.size(), 1u) << c.to;
    const Diagnostic d = about(all, c.key_path);
    EXPECT_CONTAINS(d.rule, c.rule) << c.to;
    EXPECT_EQ(d.line, section_line(text, c.to)) << c.to;
  }
}

TEST(CompensationReader, ElasticityKeysDependOnThePlanKind) {
  std::string text =
      with_section(edit(SECTION, "{pass_unqualified: 0.15}", "{inbound_time_share: 0.15}"));
  expect_only_problem(text, "compensation.elasticities.per_sql.inbound_time_share",
                      "inbound_time_share: 0.15",
                      "is an elasticity of AE plans; plan per_sql takes pass_unqualified, "
                      "follow_up_attempts, work_first");
  text = with_section(
      edit(SECTION, "{inbound_time_share: {mean: -0.2, sd: 0.1}}", "{work_first: fifo}"));
  expect_only_problem(text, "compensation.elasticities.new_logos.work_first",
                      "new_logos: {work_first",
                      "is an elasticity of SDR plans; plan new_logos takes inbound_time_share");
  text = with_section(edit(SECTION, "{pass_unqualified: 0.15}", "{persistence: 1}"));
  expect_only_problem(text, "compensation.elasticities.per_sql.persistence", "persistence",
                      "unknown key; valid: pass_unqualified, follow_up_attempts, work_first");
}

TEST(CompensationReader, BehaviourShiftsWithoutSalesReadyOrPoolStillLoad) {
  // pass_unqualified can be non-zero here (per_meeting against per_sql) but there are no
  // sales-ready rules to pass leads around: it has no effect, and that is not an error. The
  // attempts and queue shifts have no pool to act on: no effect either.
  const std::string text =
      default_without("# The sales-ready criteria", "# The open funnel") +
      "compensation:\n  sdr: {plan: per_meeting, observed_plan: per_sql, variable_share: 0.4}\n";
  const Scenario s = load_scenario_text(text, "comp.yaml");
  EXPECT_FALSE(s.sales_ready.defined);
  ASSERT_TRUE(s.compensation.defined);
  EXPECT_EQ(s.compensation.sdr->plan, SdrPlan::PerMeeting);
  EXPECT_EQ(s.compensation.sdr->observed_plan, SdrPlan::PerSql);
  EXPECT_FALSE(s.compensation.sdr->pool.has_value());
}

TEST(CompensationReader, TheDocumentedExampleLoads) {
  // The yaml block of scenarios/README.md's `compensation` section, on the default scenario.
  std::ifstream file(std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/README.md");
  ASSERT_TRUE(file) << "scenarios/README.md";
  const std::string readme((std::istreambuf_iterator<char>(file)),
                           std::istreambuf_iterator<char>());
  const auto heading = readme.find("## Compensation plans (`compensation`)");
  ASSERT_NE(heading, std::string::npos);
  const auto begin = readme.find("```yaml\n", heading);
  ASSERT_NE(begin, std::string::npos);
  const auto body = begin + std::string("```yaml\n").size();
  const auto end = readme.find("```", body);
  ASSERT_NE(end, std::string::npos);
  const Scenario s =
      load_scenario_text(default_text() + "\n" + readme.substr(body, end - body), "readme.yaml");
  ASSERT_TRUE(s.compensation.defined);
  ASSERT_TRUE(s.compensation.sdr.has_value());
  EXPECT_EQ(s.compensation.sdr->plan, SdrPlan::PerSql);
  EXPECT_EQ(s.compensation.sdr->observed_plan, SdrPlan::PerMeeting);
  ASSERT_TRUE(s.compensation.ae.has_value());
  EXPECT_EQ(s.compensation.ae->bookings_rate, 0.08);
  EXPECT_EQ(s.compensation.cost_per.size(), 2u);
}

}  // namespace
}  // namespace funnelsim::models::testing
