// The `capacity` section: every key read into RepPool, role defaults, each rule with its
// position, decay curves, and overrides.
#include <gtest/gtest.h>

#include <cmath>

#include "models/scenario/capacity_reader.hpp"
#include "tests/models/scenario_test_support.hpp"

namespace funnelsim::models::testing {
namespace {

// BASE's stages: inquiry (entry) -> mql; mql -> won, nurture; nurture -> mql; won (terminal).
// Sources web, events; segments smb, ent.
const std::string FULL_POOL = BASE + R"(capacity:
  report_lost_conversions: false
  pools:
    sdr:
      label: SDR team
      role: sdr
      works: [mql]
      sources: [web]
      segments: [ent]
      headcount: 12
      starting_tenure_months: 2.5
      hires:
        - {month: 2027-02, count: 2, lag_days: 14}
        - {month: 2027-06, count: 1, lag_days: {distribution: gamma, mean: 20, cv: 0.5}}
      ramp: [0.2, 0.6]
      attrition:
        monthly_hazard: 0.06
        backfill_lag_days: 45
      schedule:
        days: [mon, tue, wed, thu]
        start: "08:30"
        hours_per_day: 7.5
        holidays: false
      work:
        attempt_minutes: {distribution: lognormal, median: 4, sigma: 0.5}
        attempt_interval_hours: 12
        max_attempts: 4
        contact_probability: 0.4
        qualification_minutes: 25
        holds: [nurture, won]
        max_open: 40
        open_minutes_per_week: 45
      queue:
        discipline: highest_score
        score:
          by_source: {web: 20}
          by_segment: {ent: 30}
      speed_to_lead:
        contact_decay: {half_life_minutes: 30}
        qualification_decay: {points: [[0, 1], [5, 1], [30, 0.1]]}
        qualifies: [won]
        expire_after_days: 7
        lost_to: nurture
        sla_minutes: 30
)";

// One SDR pool with only the required keys; tests add keys after `headcount: 3`.
const std::string MINIMAL = BASE + R"(capacity:
  pools:
    sdr:
      works: [mql]
      headcount: 3
)";

// MINIMAL with `lines` (each indented as a pool key, 6 spaces) added to the pool.
std::string with_pool_keys(const std::string& lines) {
  return edit(MINIMAL, "      headcount: 3\n", "      headcount: 3\n" + lines);
}

// Stage indices in BASE.
constexpr std::size_t INQUIRY = 0;
constexpr std::size_t MQL = 1;
constexpr std::size_t NURTURE = 2;
constexpr std::size_t WON = 3;

TEST(CapacityReader, AbsentSectionMeansNoPools) {
  const Scenario s = load_scenario_text(BASE, "test.yaml");
  EXPECT_TRUE(s.capacity.pools.empty());
  EXPECT_TRUE(s.capacity.report_lost_conversions);
}

TEST(CapacityReader, FullPoolParsesIntoTheExactFields) {
  const Scenario s = load_scenario_text(FULL_POOL, "test.yaml");
  EXPECT_FALSE(s.capacity.report_lost_conversions);
  ASSERT_EQ(s.capacity.pools.size(), 1u);
  const RepPool& p = s.capacity.pools[0];
  EXPECT_EQ(p.id, "sdr");
  EXPECT_EQ(p.label, "SDR team");
  EXPECT_EQ(p.role, RepPool::Role::Sdr);
  EXPECT_EQ(p.works, std::vector<std::size_t>{MQL});
  EXPECT_EQ(p.sources, (std::vector<bool>{true, false}));   // web, events
  EXPECT_EQ(p.segments, (std::vector<bool>{false, true}));  // smb, ent
  EXPECT_EQ(p.headcount, 12);
  EXPECT_EQ(p.starting_tenure_months, 2.5);

  ASSERT_EQ(p.hires.size(), 2u);
  EXPECT_EQ(p.hires[0].month_index, 1);
  EXPECT_EQ(p.hires[0].count, 2);
  EXPECT_EQ(p.hires[0].lag_days.kind, DistributionSpec::Kind::Fixed);
  EXPECT_EQ(p.hires[0].lag_days.a, 14.0);
  EXPECT_EQ(p.hires[1].month_index, 5);
  EXPECT_EQ(p.hires[1].lag_days.kind, DistributionSpec::Kind::Gamma);
  EXPECT_NEAR(p.hires[1].lag_days.mean(), 20.0, 1e-12);

  EXPECT_EQ(p.ramp, (std::vector<double>{0.2, 0.6}));
  EXPECT_FALSE(p.ramp_months.has_value());
  EXPECT_EQ(p.attrition.monthly_hazard, 0.06);
  EXPECT_FALSE(p.attrition.tenure_months.has_value());
  ASSERT_TRUE(p.attrition.backfill_lag_days.has_value());
  EXPECT_EQ(p.attrition.backfill_lag_days->kind, DistributionSpec::Kind::Fixed);
  EXPECT_EQ(p.attrition.backfill_lag_days->a, 45.0);

  EXPECT_EQ(p.schedule.days, (std::array<bool, 7>{true, true, true, true, false, false, false}));
  EXPECT_EQ(p.schedule.start_hour, 8.5);
  EXPECT_EQ(p.schedule.hours_per_day, 7.5);
  EXPECT_FALSE(p.schedule.observe_holidays);

  EXPECT_EQ(p.attempt_minutes.kind, DistributionSpec::Kind::Lognormal);
  EXPECT_NEAR(p.attempt_minutes.a, std::log(4.0), 1e-15);
  EXPECT_EQ(p.attempt_minutes.b, 0.5);
  EXPECT_EQ(p.attempt_interval_hours, 12.0);
  EXPECT_EQ(p.max_attempts, 4);
  EXPECT_EQ(p.contact_probability, 0.4);
  EXPECT_EQ(p.qualification_minutes.kind, DistributionSpec::Kind::Fixed);
  EXPECT_EQ(p.qualification_minutes.a, 25.0);
  EXPECT_EQ(p.holds, (std::vector<std::size_t>{NURTURE, WON}));
  EXPECT_EQ(p.max_open, 40);
  EXPECT_EQ(p.open_minutes_per_week, 45.0);

  EXPECT_EQ(p.discipline, QueueDiscipline::HighestScore);
  // score[source * 2 + segment]: web+smb 20, web+ent 50, events+smb 0, events+ent 30.
  EXPECT_EQ(p.score, (std::vector<double>{20, 50, 0, 30}));

  EXPECT_EQ(p.contact_decay.kind, DecayCurve::Kind::HalfLife);
  EXPECT_EQ(p.contact_decay.half_life_minutes, 30.0);
  EXPECT_EQ(p.qualification_decay.kind, DecayCurve::Kind::Points);
  EXPECT_EQ(p.qualification_decay.points,
            (std::vector<std::pair<double, double>>{{0, 1}, {5, 1}, {30, 0.1}}));
  EXPECT_EQ(p.qualifies, std::vector<std::size_t>{WON});
  EXPECT_EQ(p.expire_after_days, 7.0);
  EXPECT_EQ(p.lost_to, NURTURE);
  EXPECT_EQ(p.sla_minutes, 30.0);
}

TEST(CapacityReader, SdrDefaults) {
  const Scenario s = load_scenario_text(MINIMAL, "test.yaml");
  ASSERT_EQ(s.capacity.pools.size(), 1u);
  const RepPool& p = s.capacity.pools[0];
  EXPECT_EQ(p.label, "sdr");
  EXPECT_EQ(p.role, RepPool::Role::Sdr);
  EXPECT_TRUE(p.sources.empty());
  EXPECT_TRUE(p.segments.empty());
  EXPECT_FALSE(p.starting_tenure_months.has_value());  // fully ramped
  EXPECT_TRUE(p.hires.empty());
  EXPECT_EQ(p.ramp, (std::vector<double>{0.25, 0.5, 0.75}));
  EXPECT_FALSE(p.ramp_months.has_value());
  EXPECT_EQ(p.attrition.monthly_hazard, 0.0);
  EXPECT_FALSE(p.attrition.backfill_lag_days.has_value());
  EXPECT_EQ(p.schedule.days, (std::array<bool, 7>{true, true, true, true, true, false, false}));
  EXPECT_EQ(p.schedule.start_hour, 9.0);
  EXPECT_EQ(p.schedule.hours_per_day, 8.0);
  EXPECT_TRUE(p.schedule.observe_holidays);
  EXPECT_EQ(p.attempt_minutes.kind, DistributionSpec::Kind::Fixed);
  EXPECT_EQ(p.attempt_minutes.a, 5.0);
  EXPECT_EQ(p.attempt_interval_hours, 24.0);
  EXPECT_EQ(p.max_attempts, 6);
  EXPECT_EQ(p.contact_probability, 0.35);
  EXPECT_EQ(p.qualification_minutes.a, 20.0);
  EXPECT_TRUE(p.holds.empty());
  EXPECT_EQ(p.max_open, 0);
  EXPECT_EQ(p.discipline, QueueDiscipline::Fifo);
  EXPECT_TRUE(p.score.empty());
  EXPECT_FALSE(p.contact_decay.active());
  EXPECT_EQ(p.qualification_decay.points, (std::vector<std::pair<double, double>>{
                                              {0, 1}, {60, 1}, {120, 0.143}, {1440, 0.0167}}));
  EXPECT_TRUE(p.qualifies.empty());
  EXPECT_EQ(p.expire_after_days, 14.0);
  EXPECT_FALSE(p.lost_to.has_value());
  EXPECT_EQ(p.sla_minutes, 60.0);
}

TEST(CapacityReader, AeDefaults) {
  const Scenario s = load_scenario_text(with_pool_keys("      role: ae\n"), "test.yaml");
  const RepPool& p = s.capacity.pools.at(0);
  EXPECT_EQ(p.role, RepPool::Role::Ae);
  EXPECT_TRUE(p.ramp.empty());
  ASSERT_TRUE(p.ramp_months.has_value());
  EXPECT_EQ(p.ramp_months->kind, DistributionSpec::Kind::Lognormal);
  EXPECT_NEAR(std::exp(p.ramp_months->a), 5.0, 1e-12);  // median 5 months
  EXPECT_EQ(p.ramp_months->b, 0.7);
  EXPECT_EQ(p.attempt_minutes.kind, DistributionSpec::Kind::Fixed);
  EXPECT_EQ(p.attempt_minutes.a, 0.0);
  EXPECT_EQ(p.max_attempts, 1);
  EXPECT_EQ(p.contact_probability, 1.0);
  EXPECT_EQ(p.qualification_minutes.a, 60.0);
  EXPECT_FALSE(p.contact_decay.active());
  EXPECT_FALSE(p.qualification_decay.active());
  EXPECT_EQ(p.expire_after_days, 0.0);
  EXPECT_EQ(p.sla_minutes, 1440.0);
}

TEST(CapacityReader, RoleDefaultsGiveWayToWhatIsWritten) {
  // An AE with a fixed ramp list, an SDR with a random ramp length, an SDR without decay.
  const Scenario ae = load_scenario_text(with_pool_keys("      role: ae\n      ramp: [0.5]\n"
                                                        "      work: {max_attempts: 2}\n"),
                                         "test.yaml");
  EXPECT_EQ(ae.capacity.pools[0].ramp, std::vector<double>{0.5});
  EXPECT_FALSE(ae.capacity.pools[0].ramp_months.has_value());
  EXPECT_EQ(ae.capacity.pools[0].max_attempts, 2);
  EXPECT_EQ(ae.capacity.pools[0].contact_probability, 1.0);  // still the AE default
  const Scenario sdr = load_scenario_text(
      with_pool_keys("      ramp_months: 2\n"
                     "      speed_to_lead: {qualification_decay: none, lost_to: none}\n"),
      "test.yaml");
  const RepPool& p = sdr.capacity.pools[0];
  EXPECT_TRUE(p.ramp.empty());
  ASSERT_TRUE(p.ramp_months.has_value());
  EXPECT_EQ(p.ramp_months->kind, DistributionSpec::Kind::Fixed);
  EXPECT_EQ(p.ramp_months->a, 2.0);
  EXPECT_FALSE(p.qualification_decay.active());
  EXPECT_FALSE(p.lost_to.has_value());
  // An empty ramp list: productive from day one, for either role.
  const Scenario none =
      load_scenario_text(with_pool_keys("      role: ae\n      ramp: []\n"), "test.yaml");
  EXPECT_TRUE(none.capacity.pools[0].ramp.empty());
  EXPECT_FALSE(none.capacity.pools[0].ramp_months.has_value());
}

TEST(CapacityReader, PoolsKeepFileOrderAndMayOverlap) {
  // Both pools work mql for every lead: allowed (the first pool in file order takes them).
  // `holds` without max_open or open_minutes_per_week is allowed too.
  const std::string text = MINIMAL +
                           "    ae:\n      role: ae\n      works: [mql, nurture]\n"
                           "      headcount: 2\n      work: {holds: [won]}\n";
  const Scenario s = load_scenario_text(text, "test.yaml");
  ASSERT_EQ(s.capacity.pools.size(), 2u);
  EXPECT_EQ(s.capacity.pools[0].id, "sdr");
  EXPECT_EQ(s.capacity.pools[1].id, "ae");
  EXPECT_EQ(s.capacity.pools[1].works, (std::vector<std::size_t>{MQL, NURTURE}));
  EXPECT_EQ(s.capacity.pools[1].holds, std::vector<std::size_t>{WON});
  EXPECT_EQ(s.capacity.pools[1].max_open, 0);
}

TEST(CapacityValidation, NegativeHeadcount) {
  const std::string text = edit(MINIMAL, "headcount: 3", "headcount: -2");
  const auto all = problems(text);
  ASSERT_EQ(all.size(), 1u);
  const auto d = about(all, "capacity.pools.sdr.headcount");
  EXPECT_EQ(d.line, line_of(text, "-2"));
  EXPECT_EQ(d.column, column_of(text, "-2"));
  EXPECT_EQ(d.value, "-2");
  EXPECT_EQ(d.rule, "must be >= 0");
  EXPECT_EQ(d.format(), "test.yaml:" + std::to_string(d.line) +
                            ":18: " + "capacity.pools.sdr.headcount: value -2: must be >= 0");
  EXPECT_EQ(about(problems(edit(MINIMAL, "headcount: 3", "headcount: 2.5")),
                  "capacity.pools.sdr.headcount")
                .rule,
            "must be a whole number");
  // Missing: reported at the pool.
  const std::string missing = edit(MINIMAL, "      headcount: 3\n", "");
  const auto m = about(problems(missing), "capacity.pools.sdr.headcount");
  EXPECT_EQ(m.rule, "is required");
  EXPECT_EQ(m.line, line_of(missing, "works: [mql]"));
}

TEST(CapacityValidation, RampAboveOneHundredPercentOrAtZero) {
  const std::string text = with_pool_keys("      ramp: [0.5, 1.2, 0]\n");
  const auto all = problems(text);
  ASSERT_EQ(all.size(), 2u);
  const auto high = about(all, "capacity.pools.sdr.ramp.1");
  EXPECT_EQ(high.line, line_of(text, "ramp: ["));
  EXPECT_EQ(high.column, column_of(text, "1.2"));
  EXPECT_EQ(high.value, "1.2");
  EXPECT_CONTAINS(high.rule, "must be <= 1: a ramp above 100%");
  const auto zero = about(all, "capacity.pools.sdr.ramp.2");
  EXPECT_EQ(zero.rule,
            "must be > 0: productivity in tenure month 3 as a share of a fully "
            "ramped rep's");
}

TEST(CapacityValidation, RampAndRampMonthsAreExclusive) {
  const std::string text = with_pool_keys(
      "      ramp: [0.5]\n      ramp_months: {distribution: lognormal, median: 5, sigma: 0.7}\n");
  const auto d = about(problems(text), "capacity.pools.sdr.ramp_months");
  EXPECT_EQ(d.line, line_of(text, "ramp_months: {"));
  EXPECT_EQ(d.column, column_of(text, "{distribution: lognormal, median: 5, sigma: 0.7}"));
  EXPECT_EQ(d.rule, "cannot be combined with ramp: give one of the two");
  const auto long_ramp =
      about(problems(with_pool_keys("      ramp_months: {distribution: exponential, mean: 61}\n")),
            "capacity.pools.sdr.ramp_months");
  EXPECT_EQ(long_ramp.rule, "mean ramp is 61 months; must be <= 60");
  EXPECT_EQ(
      about(problems(with_pool_keys("      ramp_months: 0\n")), "capacity.pools.sdr.ramp_months")
          .rule,
      "must be > 0");
}

TEST(CapacityValidation, AttemptsBelowOne) {
  const std::string text = with_pool_keys("      work:\n        max_attempts: 0\n");
  const auto d = about(problems(text), "capacity.pools.sdr.work.max_attempts");
  EXPECT_EQ(d.line, line_of(text, "max_attempts: 0"));
  EXPECT_EQ(d.rule, "must be >= 1");
  EXPECT_EQ(about(problems(edit(text, "max_attempts: 0", "max_attempts: -3")),
                  "capacity.pools.sdr.work.max_attempts")
                .rule,
            "must be >= 1");
  EXPECT_EQ(about(problems(edit(text, "max_attempts: 0", "max_attempts: 51")),
                  "capacity.pools.sdr.work.max_attempts")
                .rule,
            "must be <= 50");
}

TEST(CapacityValidation, APoolMustWorkSomeStage) {
  const std::string text = edit(MINIMAL, "works: [mql]", "works: []");
  const auto all = problems(text);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].key_path, "capacity.pools.sdr.works");
  EXPECT_EQ(all[0].line, line_of(text, "works: []"));
  EXPECT_EQ(all[0].column, column_of(text, "[]"));
  EXPECT_EQ(all[0].rule, "must list at least one stage: a pool that works no stage has no leads");
  const std::string missing = edit(MINIMAL, "      works: [mql]\n", "");
  EXPECT_EQ(about(problems(missing), "capacity.pools.sdr.works").rule, "is required");
}

TEST(CapacityValidation, UnknownIdsSuggestTheNearest) {
  const std::string text =
      edit(edit(MINIMAL, "works: [mql]", "works: [mqll]"), "      headcount: 3\n",
           "      headcount: 3\n      sources: [web, evnts]\n      segments: [smbb]\n"
           "      work: {holds: [wonn]}\n"
           "      queue: {score: {by_source: {wbe: 1}, by_segment: {entt: 2}}}\n"
           "      speed_to_lead: {lost_to: nurtur, qualifies: [nurtre]}\n");
  const auto all = problems(text);
  const auto works = about(all, "capacity.pools.sdr.works.0");
  EXPECT_EQ(works.line, line_of(text, "mqll"));
  EXPECT_EQ(works.column, column_of(text, "mqll"));
  EXPECT_EQ(works.value, "mqll");
  EXPECT_EQ(works.rule, "unknown stage; did you mean 'mql'?");
  const auto source = about(all, "capacity.pools.sdr.sources.1");
  EXPECT_EQ(source.line, line_of(text, "evnts"));
  EXPECT_EQ(source.rule, "unknown source; did you mean 'events'?");
  EXPECT_EQ(about(all, "capacity.pools.sdr.segments.0").rule,
            "unknown segment; did you mean 'smb'?");
  EXPECT_EQ(about(all, "capacity.pools.sdr.work.holds.0").rule,
            "unknown stage; did you mean 'won'?");
  const auto score = about(all, "capacity.pools.sdr.queue.score.by_source.wbe");
  EXPECT_EQ(score.column, column_of(text, "wbe"));
  EXPECT_EQ(score.rule, "unknown source; did you mean 'web'?");
  EXPECT_EQ(about(all, "capacity.pools.sdr.queue.score.by_segment.entt").rule,
            "unknown segment; did you mean 'ent'?");
  EXPECT_EQ(about(all, "capacity.pools.sdr.speed_to_lead.lost_to").rule,
            "unknown stage (or none); did you mean 'nurture'?");
  EXPECT_EQ(about(all, "capacity.pools.sdr.speed_to_lead.qualifies.0").rule,
            "unknown stage; did you mean 'nurture'?");
  // Nothing else: an unknown worked stage does not also make `qualifies` wrong.
  EXPECT_EQ(all.size(), 8u);
}

TEST(CapacityValidation, EntryStageAndStagesWithoutTransitionsCannotBeWorked) {
  const std::string text = edit(MINIMAL, "works: [mql]", "works: [mql, inquiry, won, mql]");
  const auto all = problems(text);
  ASSERT_EQ(all.size(), 3u);
  const auto entry = about(all, "capacity.pools.sdr.works.1");
  EXPECT_EQ(entry.column, column_of(text, "inquiry, won"));
  EXPECT_EQ(entry.rule,
            "cannot be worked by a pool: the entry stage's leads are counts, not individual "
            "leads");
  const auto terminal = about(all, "capacity.pools.sdr.works.2");
  EXPECT_EQ(terminal.line, line_of(text, "works: [mql,"));
  EXPECT_EQ(terminal.rule,
            "cannot be worked by a pool: stage won has no transitions, so working its leads "
            "would change nothing");
  EXPECT_EQ(about(all, "capacity.pools.sdr.works.3").rule, "is listed twice");
}

TEST(CapacityValidation, LostToMustBeADeclaredStageOutsideThePool) {
  auto lost_to = [](const std::string& value) {
    return about(problems(with_pool_keys("      speed_to_lead: {lost_to: " + value + "}\n")),
                 "capacity.pools.sdr.speed_to_lead.lost_to")
        .rule;
  };
  EXPECT_EQ(lost_to("nowhere"), "unknown stage (or none); valid: inquiry, mql, nurture, won, none");
  EXPECT_EQ(lost_to("inquiry"),
            "cannot be the entry stage: the entry stage's leads are counts, not individual leads");
  EXPECT_EQ(lost_to("mql"),
            "must not be a stage this pool works: its lost leads would queue for it again");
  EXPECT_EQ(lost_to("[won]"), "must be an id (found a list)");
  const Scenario s =
      load_scenario_text(with_pool_keys("      speed_to_lead: {lost_to: won}\n"), "test.yaml");
  EXPECT_EQ(s.capacity.pools[0].lost_to, WON);
}

TEST(CapacityValidation, QualifiesNamesTargetsOfTheWorkedStages) {
  // mql leads to won and nurture; inquiry is no target of mql.
  const std::string text =
      with_pool_keys("      speed_to_lead:\n        qualifies: [won, inquiry]\n");
  const auto all = problems(text);
  ASSERT_EQ(all.size(), 1u);
  const auto d = about(all, "capacity.pools.sdr.speed_to_lead.qualifies.1");
  EXPECT_EQ(d.line, line_of(text, "qualifies:"));
  EXPECT_EQ(d.column, column_of(text, "inquiry]"));
  EXPECT_EQ(d.rule,
            "must be the target of a transition of a stage this pool works (mql); the targets "
            "are won, nurture");
  // Any worked stage's target will do: nurture -> mql.
  const Scenario s = load_scenario_text(
      edit(edit(text, "works: [mql]", "works: [mql, nurture]"), "[won, inquiry]", "[won, mql]"),
      "test.yaml");
  EXPECT_EQ(s.capacity.pools[0].qualifies, (std::vector<std::size_t>{WON, MQL}));
  // The lost_to stage cannot also be one whose probability decays.
  const auto both = about(
      problems(with_pool_keys("      speed_to_lead: {lost_to: nurture, qualifies: [nurture]}\n")),
      "capacity.pools.sdr.speed_to_lead.qualifies.0");
  EXPECT_CONTAINS(both.rule, "cannot be lost_to as well");
}

TEST(CapacityValidation, DecayCurves) {
  auto decay = [](const std::string& value) {
    return problems(with_pool_keys("      speed_to_lead:\n        contact_decay: " + value + "\n"));
  };
  const std::string path = "capacity.pools.sdr.speed_to_lead.contact_decay";
  auto all = decay("{points: [[0, 1], [10, 0.5], [20, 0.6]]}");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].key_path, path + ".points.2.1");
  EXPECT_EQ(all[0].value, "0.6");
  EXPECT_EQ(all[0].rule, "a decay must not increase (0.6 after 0.5)");
  all = decay("{points: [[0, 1], [10, 0.5], [10, 0.4]]}");
  EXPECT_EQ(about(all, path + ".points.2.0").rule,
            "minutes must be strictly increasing (10 after 10)");
  all = decay("{points: [[-1, 1], [5, 1.5], [7]]}");
  EXPECT_EQ(about(all, path + ".points.0.0").rule, "must be >= 0");
  EXPECT_EQ(about(all, path + ".points.1.1").rule, "must be between 0 and 1");
  EXPECT_EQ(about(all, path + ".points.2").rule, "must be a point [minutes, multiplier]");
  EXPECT_EQ(about(decay("{half_life_minutes: 0}"), path + ".half_life_minutes").rule,
            "must be > 0");
  EXPECT_EQ(about(decay("{half_life_minutes: 5, points: [[0, 1]]}"), path + ".points").rule,
            "cannot be combined with half_life_minutes: give one of the two");
  EXPECT_EQ(about(decay("fast"), path).rule,
            "must be none, {half_life_minutes: h} or {points: [[minutes, multiplier], ...]}");
  EXPECT_EQ(about(decay("{points: []}"), path + ".points").rule,
            "must have at least one point [minutes, multiplier]");
}

TEST(CapacityValidation, MinutesAndDaysAreNumbersOrDistributions) {
  const std::string text = with_pool_keys(
      "      work:\n        attempt_minutes: 2000\n"
      "        qualification_minutes: {distribution: exponential, mean: 1500}\n"
      "      hires: [{month: 2027-03, count: 1, lag_days: -1}]\n"
      "      attrition: {backfill_lag_days: {distribution: fixed, value: 4000}}\n");
  const auto all = problems(text);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(about(all, "capacity.pools.sdr.work.attempt_minutes").rule, "must be <= 1440");
  const auto q = about(all, "capacity.pools.sdr.work.qualification_minutes");
  EXPECT_EQ(q.line, line_of(text, "{distribution: exponential, mean: 1500}"));
  EXPECT_EQ(q.rule, "mean is 1500 minutes; must be <= 1440");
  EXPECT_EQ(about(all, "capacity.pools.sdr.hires.0.lag_days").rule, "must be >= 0");
  EXPECT_EQ(about(all, "capacity.pools.sdr.attrition.backfill_lag_days").rule,
            "mean delay is 4000 days; must be <= 3650");
  EXPECT_EQ(about(problems(with_pool_keys("      work: {attempt_minutes: soon}\n")),
                  "capacity.pools.sdr.work.attempt_minutes")
                .rule,
            "must be a number of minutes or a distribution map such as {distribution: gamma, "
            "mean: 2, cv: 1}");
}

TEST(CapacityValidation, HiresLieWithinTheHorizon) {
  const std::string text = with_pool_keys(
      "      hires:\n        - {month: 2028-01, count: 2}\n        - {month: 2027-05, count: 0}\n");
  const auto all = problems(text);
  ASSERT_EQ(all.size(), 2u);
  const auto month = about(all, "capacity.pools.sdr.hires.0.month");
  EXPECT_EQ(month.line, line_of(text, "2028-01"));
  EXPECT_EQ(month.rule, "must be within the horizon, 2027-01 to 2027-12");
  EXPECT_EQ(about(all, "capacity.pools.sdr.hires.1.count").rule, "must be >= 1");
}

TEST(CapacityValidation, Attrition) {
  const std::string text = with_pool_keys(
      "      attrition:\n        monthly_hazard: 0.05\n"
      "        tenure_months: {distribution: weibull, shape: 1.5, scale: 20}\n");
  const auto d = about(problems(text), "capacity.pools.sdr.attrition.tenure_months");
  EXPECT_EQ(d.line, line_of(text, "tenure_months"));
  EXPECT_EQ(d.rule, "cannot be combined with monthly_hazard: give one of the two");
  EXPECT_EQ(about(problems(with_pool_keys("      attrition: {monthly_hazard: 1}\n")),
                  "capacity.pools.sdr.attrition.monthly_hazard")
                .rule,
            "must be < 1");
  const Scenario s =
      load_scenario_text(edit(text, "        monthly_hazard: 0.05\n", ""), "test.yaml");
  ASSERT_TRUE(s.capacity.pools[0].attrition.tenure_months.has_value());
  EXPECT_EQ(s.capacity.pools[0].attrition.tenure_months->kind, DistributionSpec::Kind::Weibull);
  EXPECT_EQ(s.capacity.pools[0].attrition.monthly_hazard, 0.0);
}

TEST(CapacityValidation, Schedule) {
  auto schedule = [](const std::string& value) {
    return problems(with_pool_keys("      schedule: " + value + "\n"));
  };
  const std::string path = "capacity.pools.sdr.schedule";
  EXPECT_EQ(about(schedule("{start: \"20:00\"}"), path + ".start").rule,
            "a day of 8 hours from 20:00 passes midnight: it must end by 24:00 unless it lasts "
            "24 hours");
  EXPECT_EQ(about(schedule("{start: \"16:30\", hours_per_day: 8}"), path + ".hours_per_day").rule,
            "a day of 8 hours from 16:30 passes midnight: it must end by 24:00 unless it lasts "
            "24 hours");
  EXPECT_EQ(about(schedule("{start: \"24:00\"}"), path + ".start").rule,
            "must be a time of day HH:MM, 00:00 to 23:59");
  EXPECT_EQ(about(schedule("{start: 9}"), path + ".start").rule,
            "must be a time of day HH:MM, 00:00 to 23:59");
  EXPECT_EQ(about(schedule("{hours_per_day: 0}"), path + ".hours_per_day").rule, "must be > 0");
  EXPECT_CONTAINS(about(schedule("{days: [mon, tues]}"), path + ".days.1").rule,
                  "did you mean 'tue'?");
  // A day ending exactly at midnight, and a 24-hour day from any start, are fine.
  const Scenario s = load_scenario_text(
      with_pool_keys("      schedule: {start: \"16:00\", hours_per_day: 8}\n"
                     "    night:\n      works: [mql]\n      headcount: 1\n"
                     "      schedule: {start: \"22:15\", hours_per_day: 24, days: [sat, sun]}\n"),
      "test.yaml");
  EXPECT_EQ(s.capacity.pools[0].schedule.start_hour, 16.0);
  EXPECT_EQ(s.capacity.pools[1].schedule.start_hour, 22.25);
  EXPECT_EQ(s.capacity.pools[1].schedule.days,
            (std::array<bool, 7>{false, false, false, false, false, true, true}));
}

TEST(CapacityValidation, KeysIdsAndKeywords) {
  auto all =
      problems(with_pool_keys("      headcont: 3\n      role: sdrr\n"
                              "      queue: {discipline: lifo}\n"));
  EXPECT_EQ(about(all, "capacity.pools.sdr.headcont").rule,
            "unknown key; did you mean 'headcount'?");
  EXPECT_EQ(about(all, "capacity.pools.sdr.role").rule,
            "must be one of sdr | ae; did you mean 'sdr'?");
  EXPECT_EQ(about(all, "capacity.pools.sdr.queue.discipline").rule,
            "must be one of fifo | newest_first | highest_score; did you mean 'fifo'?");
  const std::string bad_id = edit(MINIMAL, "    sdr:", "    SDR:");
  const auto id = about(problems(bad_id), "capacity.pools.SDR");
  EXPECT_EQ(id.line, line_of(bad_id, "SDR:"));
  EXPECT_CONTAINS(id.rule, "must be an id");
  const auto section =
      about(problems(edit(MINIMAL, "capacity:\n", "capacity:\n  pool: {}\n")), "capacity.pool");
  EXPECT_EQ(section.rule, "unknown key; did you mean 'pools'?");
  const auto filter =
      about(problems(with_pool_keys("      sources: []\n")), "capacity.pools.sdr.sources");
  EXPECT_EQ(filter.rule, "must list at least one source; leave the key out to accept every source");
  EXPECT_EQ(about(problems(with_pool_keys("      work: {contact_probability: 0}\n")),
                  "capacity.pools.sdr.work.contact_probability")
                .rule,
            "must be > 0");
}

TEST(CapacityOverrides, SetPoolKeysFromTheCommandLine) {
  const Scenario s = load_scenario_text(
      FULL_POOL, "test.yaml",
      {"capacity.pools.sdr.headcount=14", "capacity.pools.sdr.work.max_attempts=8",
       "capacity.pools.sdr.hires.2={month: 2027-09, count: 3}",
       "capacity.pools.sdr.speed_to_lead.contact_decay=none",
       "capacity.pools.ae={role: ae, works: [nurture], headcount: 2}"});
  ASSERT_EQ(s.capacity.pools.size(), 2u);
  const RepPool& sdr = s.capacity.pools[0];
  EXPECT_EQ(sdr.headcount, 14);
  EXPECT_EQ(sdr.max_attempts, 8);
  ASSERT_EQ(sdr.hires.size(), 3u);
  EXPECT_EQ(sdr.hires[2].month_index, 8);
  EXPECT_EQ(sdr.hires[2].count, 3);
  EXPECT_FALSE(sdr.contact_decay.active());
  EXPECT_EQ(s.capacity.pools[1].role, RepPool::Role::Ae);
  EXPECT_EQ(s.capacity.pools[1].works, std::vector<std::size_t>{NURTURE});
  // A whole section can be created from nothing.
  const Scenario created = load_scenario_text(
      BASE, "test.yaml", {"capacity.pools.sdr.works=[mql]", "capacity.pools.sdr.headcount=5"});
  ASSERT_EQ(created.capacity.pools.size(), 1u);
  EXPECT_EQ(created.capacity.pools[0].headcount, 5);
  // A bad value is reported against the override.
  const auto all = problems(FULL_POOL, {"capacity.pools.sdr.headcount=-1"});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].format(),
            "--set capacity.pools.sdr.headcount=-1: capacity.pools.sdr.headcount: value -1: "
            "must be >= 0");
}

TEST(CapacityDecayCurve, NoneIsAlwaysOne) {
  const DecayCurve none;
  EXPECT_EQ(none(0.0), 1.0);
  EXPECT_EQ(none(1e6), 1.0);
  EXPECT_FALSE(none.active());
}

TEST(CapacityDecayCurve, HalfLifeHalvesEveryHalfLife) {
  DecayCurve curve;
  curve.kind = DecayCurve::Kind::HalfLife;
  curve.half_life_minutes = 30.0;
  EXPECT_EQ(curve(0.0), 1.0);
  EXPECT_DOUBLE_EQ(curve(30.0), 0.5);
  EXPECT_DOUBLE_EQ(curve(60.0), 0.25);
  EXPECT_DOUBLE_EQ(curve(15.0), std::sqrt(0.5));
  EXPECT_EQ(curve(-10.0), 1.0);  // a negative wait is no wait
}

TEST(CapacityDecayCurve, PointsInterpolateLinearlyAndAreFlatAtTheEnds) {
  DecayCurve curve;
  curve.kind = DecayCurve::Kind::Points;
  curve.points = {{10, 0.8}, {20, 0.4}, {60, 0.2}};
  EXPECT_EQ(curve(-5.0), 0.8);  // treated as 0, before the first point
  EXPECT_EQ(curve(0.0), 0.8);
  EXPECT_EQ(curve(10.0), 0.8);
  EXPECT_NEAR(curve(15.0), 0.6, 1e-15);
  EXPECT_EQ(curve(20.0), 0.4);
  EXPECT_NEAR(curve(30.0), 0.35, 1e-15);
  EXPECT_EQ(curve(60.0), 0.2);
  EXPECT_EQ(curve(1e9), 0.2);
  // The published SDR anchors: half-way from 60 to 120 minutes is half-way from 1 to 0.143.
  const DecayCurve published = published_qualification_decay();
  EXPECT_EQ(published(45.0), 1.0);
  EXPECT_NEAR(published(90.0), 0.5715, 1e-15);
  EXPECT_EQ(published(2000.0), 0.0167);
}

}  // namespace
}  // namespace funnelsim::models::testing
