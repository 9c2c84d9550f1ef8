// `extends:` in scenario files: chains, the merge rule, where problems are reported, overrides
// after merging, and the resolved provenance text.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "models/funnel/funnel_model.hpp"
#include "models/scenario/scenario_extends.hpp"
#include "models/scenario/yaml_tree.hpp"
#include "tests/models/run_test_support.hpp"
#include "tests/models/scenario_test_support.hpp"

namespace funnelsim::models::testing {
namespace {

namespace fs = std::filesystem;

const std::string FIXTURES = std::string(FUNNELSIM_SOURCE_DIR) + "/tests/fixtures/extends/";
const std::string EXAMPLES = std::string(FUNNELSIM_SOURCE_DIR) + "/scenarios/examples/";

/// A fresh directory for one test's files, removed afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() / ("funnelsim_extends_" + std::string(test->name()) + "_" +
                                         std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  /// Writes `text` to `name` (which may have directories) and returns its full path.
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path file = path_ / name;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file.string();
  }
  std::string path(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

/// The diagnostics loading the file at `path` produces; fails the test if it loads cleanly.
std::vector<Diagnostic> file_problems(const std::string& path,
                                      const std::vector<std::string>& overrides = {}) {
  try {
    load_scenario_file(path, overrides);
  } catch (const ScenarioError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << "expected a ScenarioError loading " << path;
  return {};
}

std::string all_text(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const Diagnostic& d : diagnostics) text += d.format() + "\n";
  return text;
}

const Source& source(const Scenario& s, const std::string& id) {
  for (const Source& source : s.sources)
    if (source.id == id) return source;
  ADD_FAILURE() << "no source " << id;
  return s.sources.front();
}

const Transition& transition(const Scenario& s, const std::string& from, const std::string& to) {
  const auto index = [&s](const std::string& id) {
    for (std::size_t i = 0; i < s.stages.size(); ++i)
      if (s.stages[i].id == id) return i;
    ADD_FAILURE() << "no stage " << id;
    return std::size_t{0};
  };
  const Stage& stage = s.stages[index(from)];
  for (const Transition& t : stage.transitions)
    if (t.to == index(to)) return t;
  ADD_FAILURE() << "no transition " << from << " -> " << to;
  return stage.transitions.front();
}

TEST(ScenarioExtends, TwoLevelChainOverridesExactlyTheKeysGiven) {
  const Scenario base = load_scenario_file(FIXTURES + "base.yaml");
  const Scenario s = load_scenario_file(FIXTURES + "variant.yaml");
  EXPECT_EQ(s.file_name, FIXTURES + "variant.yaml");
  EXPECT_EQ(base.name, "Extends base");
  EXPECT_EQ(s.name, "Extends variant");
  // sources.web.monthly_volume changed; the other keys of sources.web are the base's.
  EXPECT_EQ(source(base, "web").volume, 100.0);
  EXPECT_EQ(source(s, "web").volume, 150.0);
  EXPECT_EQ(source(s, "web").trend, 0.01);
  EXPECT_EQ(source(s, "web").segment_mix, (std::vector<double>{0.7, 0.3}));
  EXPECT_EQ(source(s, "web").seasonality, source(base, "web").seasonality);
  EXPECT_EQ(source(s, "web").seasonality[6], 0.6);
  // The order of the sources is the base's.
  ASSERT_EQ(s.sources.size(), 2u);
  EXPECT_EQ(s.sources[0].id, "web");
  EXPECT_EQ(s.sources[1].id, "events");
  // Everything the variant does not mention is the base's.
  EXPECT_EQ(source(s, "events").volume, 50.0);
  EXPECT_EQ(s.seed, std::optional<std::uint64_t>(11));
  EXPECT_EQ(s.replications, std::optional<std::size_t>(200));
  EXPECT_EQ(s.calendar.horizon_months, 12);
  ASSERT_EQ(s.stages.size(), base.stages.size());
  EXPECT_EQ(transition(s, "inquiry", "mql").probability[0].value, 0.2);
  EXPECT_EQ(transition(s, "mql", "won").probability[0].value, 0.3);
}

TEST(ScenarioExtends, ASequenceReplacesTheBasesWhole) {
  const Scenario base = load_scenario_file(FIXTURES + "base.yaml");
  ASSERT_EQ(source(base, "events").bursts.size(), 2u);
  const Scenario s = load_scenario_file(FIXTURES + "variant.yaml");
  ASSERT_EQ(source(s, "events").bursts.size(), 1u);  // not merged item by item
  EXPECT_EQ(source(s, "events").bursts[0].month_index, 5);
  EXPECT_EQ(source(s, "events").bursts[0].volume, 120.0);
}

TEST(ScenarioExtends, ThreeLevelChainFromAnotherDirectory) {
  const Scenario s = load_scenario_file(FIXTURES + "sub/deeper.yaml");
  EXPECT_EQ(s.name, "Extends variant");              // from variant.yaml
  EXPECT_EQ(source(s, "web").volume, 150.0);         // from variant.yaml
  EXPECT_EQ(source(s, "web").trend, 0.01);           // from base.yaml
  EXPECT_EQ(source(s, "events").bursts.size(), 1u);  // from variant.yaml
  EXPECT_EQ(s.calendar.horizon_months, 6);           // deeper.yaml
  EXPECT_EQ(s.calendar.start_month, 1);              // base.yaml, same map
  EXPECT_FALSE(s.seed.has_value());                  // `run: ~` in deeper.yaml
  EXPECT_FALSE(s.replications.has_value());
  // A map three levels down merges too: the probability is new, the delay the base's.
  const Transition& mql = transition(s, "inquiry", "mql");
  EXPECT_EQ(mql.probability[0].value, 0.25);
  EXPECT_EQ(mql.delay.kind, DistributionSpec::Kind::Exponential);
  EXPECT_NEAR(mql.delay.mean(), 3.0, 1e-12);
}

TEST(ScenarioExtends, LaterFilesWinAndEveryFileKeepsItsOtherChanges) {
  const ScratchDir dir;
  dir.write("a.yaml", BASE);
  dir.write("b.yaml",
            "extends: a.yaml\nsources: {web: {monthly_volume: 200, trend: 0.02}}\n"
            "calendar: {horizon_months: 9}\n");
  const std::string c = dir.write("c.yaml", "extends: b.yaml\nsources: {web: {trend: 0.03}}\n");
  const Scenario s = load_scenario_file(c);
  EXPECT_EQ(source(s, "web").volume, 200.0);  // b
  EXPECT_EQ(source(s, "web").trend, 0.03);    // c over b
  EXPECT_EQ(s.calendar.horizon_months, 9);    // b
  EXPECT_EQ(source(s, "events").volume, 50.0);
}

TEST(ScenarioExtends, NullRemovesAKeyOrAWholeSection) {
  const ScratchDir dir;
  dir.write("base.yaml", BASE + "run: {seed: 3}\n");
  // A whole section, and one entry of a map of ids.
  const std::string variant = dir.write(
      "variant.yaml", "extends: base.yaml\nrun: ~\nsources:\n  events: null\n  web: {trend: ~}\n");
  const Scenario s = load_scenario_file(variant);
  EXPECT_FALSE(s.seed.has_value());
  ASSERT_EQ(s.sources.size(), 1u);
  EXPECT_EQ(s.sources[0].id, "web");
  EXPECT_EQ(s.sources[0].volume, 100.0);
  // The embedded default has a capacity section; a variant can drop it (with the pay plans
  // and the SLA and valves, which name its pools and their metrics).
  const Scenario with = load_scenario_text("extends: \"@default\"\n", "with.yaml");
  ASSERT_EQ(with.capacity.pools.size(), 2u);
  const Scenario without = load_scenario_text(
      "extends: \"@default\"\ncapacity: ~\ncompensation: ~\nsla: ~\nvalves: ~\n", "without.yaml");
  EXPECT_TRUE(without.capacity.pools.empty());
  EXPECT_EQ(without.sources.size(), with.sources.size());
}

TEST(ScenarioExtends, DefaultBaseIsTheEmbeddedScenario) {
  const Scenario d = load_scenario_text(default_scenario_text(), "<default>");
  const Scenario s = load_scenario_text(
      "extends: '@default'\ncapacity: {pools: {sdr: {headcount: 14}}}\n", "/no/such/dir/v.yaml");
  EXPECT_EQ(s.name, d.name);
  EXPECT_EQ(s.sources.size(), d.sources.size());
  EXPECT_EQ(s.stages.size(), d.stages.size());
  ASSERT_EQ(s.capacity.pools.size(), 2u);
  EXPECT_EQ(d.capacity.pools[0].headcount, 10);
  EXPECT_EQ(s.capacity.pools[0].headcount, 14);
  EXPECT_EQ(s.capacity.pools[0].hires.size(), d.capacity.pools[0].hires.size());
  EXPECT_EQ(s.capacity.pools[0].sla_minutes, 60.0);
  EXPECT_EQ(s.capacity.pools[1].headcount, 8);
}

TEST(ScenarioExtends, TheShippedExampleAddsTwoSdrsToTheDefault) {
  const Scenario d = load_scenario_text(default_scenario_text(), "<default>");
  const Scenario s = load_scenario_file(EXAMPLES + "two_more_sdrs.yaml");
  EXPECT_NE(s.name, d.name);
  ASSERT_EQ(s.capacity.pools.size(), 2u);
  EXPECT_EQ(s.capacity.pools[0].headcount, 12);
  EXPECT_EQ(s.capacity.pools[0].hires.size(), 1u);
  EXPECT_EQ(s.capacity.pools[1].headcount, d.capacity.pools[1].headcount);
  EXPECT_EQ(s.sources.size(), d.sources.size());
  EXPECT_EQ(s.seed, d.seed);
}

TEST(ScenarioExtends, OverridesApplyAfterMerging) {
  const std::string variant = FIXTURES + "variant.yaml";
  // Over the variant's own value, and over a value only the base sets.
  const Scenario s =
      load_scenario_file(variant, {"sources.web.monthly_volume=175", "sources.events.trend=0.05"});
  EXPECT_EQ(source(s, "web").volume, 175.0);
  EXPECT_EQ(source(s, "web").trend, 0.01);
  EXPECT_EQ(source(s, "events").trend, 0.05);
  // An override can set again a key a variant removed.
  const ScratchDir dir;
  dir.write("base.yaml", BASE + "run: {seed: 3}\n");
  const Scenario r =
      load_scenario_file(dir.write("v.yaml", "extends: base.yaml\nrun: ~\n"), {"run.seed=9"});
  EXPECT_EQ(r.seed, std::optional<std::uint64_t>(9));
  // A bad override value is the override's problem, not a file's.
  const auto bad = file_problems(variant, {"sources.web.monthly_volume=-1"});
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad[0].file, "--set");
  EXPECT_EQ(bad[0].rule, "must be >= 0");
}

TEST(ScenarioExtends, ACycleIsRefusedNamingTheChain) {
  const ScratchDir dir;
  const std::string self = dir.write("self.yaml", BASE + "extends: self.yaml\n");
  const auto one = file_problems(self);
  ASSERT_EQ(one.size(), 1u) << all_text(one);
  EXPECT_EQ(one[0].file, self);
  EXPECT_EQ(one[0].line, line_of(BASE + "extends: self.yaml\n", "extends:"));
  EXPECT_EQ(one[0].key_path, "extends");
  EXPECT_EQ(one[0].rule, "extends cycle: " + self + " -> " + self);

  const std::string a = dir.write("a.yaml", "# a\nextends: b.yaml\nname: A\n");
  const std::string b = dir.write("b.yaml", "name: B\nextends: ./a.yaml\n");
  const auto two = file_problems(a);
  ASSERT_EQ(two.size(), 1u) << all_text(two);
  // At the `extends` line of the file that closes the cycle, b.yaml line 2.
  EXPECT_EQ(two[0].file, b);
  EXPECT_EQ(two[0].line, 2);
  EXPECT_EQ(two[0].column, 10);
  EXPECT_EQ(two[0].value, "./a.yaml");
  EXPECT_EQ(two[0].rule, "extends cycle: " + a + " -> " + b + " -> " + a);
}

TEST(ScenarioExtends, AChainDeeperThanSixteenIsRefused) {
  const ScratchDir dir;
  dir.write("f0.yaml", BASE);
  // f16 extends f15 ... extends f0: 16 steps, the most allowed.
  // (Appended rather than "literal" + std::string: GCC 12 warns falsely on the latter.)
  for (int i = 1; i <= 17; ++i) {
    const std::string n = std::to_string(i);
    std::string text = "extends: f";
    text.append(std::to_string(i - 1)).append(".yaml\nsources: {web: {monthly_volume: ");
    text.append(n).append("}}\n");
    dir.write(std::string("f").append(n).append(".yaml"), text);
  }
  EXPECT_EQ(source(load_scenario_file(dir.path("f16.yaml")), "web").volume, 16.0);
  const auto deep = file_problems(dir.path("f17.yaml"));
  ASSERT_EQ(deep.size(), 1u) << all_text(deep);
  EXPECT_EQ(deep[0].file, dir.path("f1.yaml"));  // the 17th step
  EXPECT_EQ(deep[0].line, 1);
  EXPECT_CONTAINS(deep[0].rule, "extends chain deeper than 16 steps: " + dir.path("f17.yaml"));
  EXPECT_CONTAINS(deep[0].rule, dir.path("f0.yaml"));
}

TEST(ScenarioExtends, AMissingBaseIsReportedAtTheExtendsLine) {
  const ScratchDir dir;
  const std::string text = "name: X\n\nextends: missing/base.yaml\n";
  const std::string variant = dir.write("variant.yaml", text);
  const auto all = file_problems(variant);
  ASSERT_EQ(all.size(), 1u) << all_text(all);
  EXPECT_EQ(all[0].file, variant);
  EXPECT_EQ(all[0].line, 3);
  EXPECT_EQ(all[0].column, column_of(text, "missing/"));
  EXPECT_EQ(all[0].value, "missing/base.yaml");
  EXPECT_EQ(all[0].rule, "cannot read the base scenario " + dir.path("missing/base.yaml") +
                             ": No such file or directory");
  // One level down, the file that names the missing base is the one reported.
  const std::string middle = dir.write("middle.yaml", "extends: variant.yaml\n");
  const auto deeper = file_problems(middle);
  ASSERT_EQ(deeper.size(), 1u);
  EXPECT_EQ(deeper[0].file, variant);
  EXPECT_EQ(deeper[0].line, 3);
  // A directory is not a scenario either.
  const auto directory = file_problems(dir.write("d.yaml", "extends: .\n"));
  ASSERT_EQ(directory.size(), 1u);
  EXPECT_CONTAINS(directory[0].rule, "Is a directory");
}

TEST(ScenarioExtends, ExtendsMustBeAPath) {
  const ScratchDir dir;
  dir.write("base.yaml", BASE);
  const auto list = file_problems(dir.write("list.yaml", "extends: [base.yaml]\n"));
  ASSERT_EQ(list.size(), 1u) << all_text(list);
  EXPECT_EQ(list[0].key_path, "extends");
  EXPECT_EQ(list[0].rule, "must be the path of the base scenario, or @default (found a list)");
  const auto empty = file_problems(dir.write("empty.yaml", "name: X\nextends:\n"));
  ASSERT_EQ(empty.size(), 1u) << all_text(empty);
  EXPECT_EQ(empty[0].line, 2);
  EXPECT_EQ(empty[0].column, 1);
  const auto twice =
      file_problems(dir.write("twice.yaml", "extends: base.yaml\nextends: base.yaml\n"));
  ASSERT_EQ(twice.size(), 1u) << all_text(twice);
  EXPECT_EQ(twice[0].line, 2);
  EXPECT_EQ(twice[0].rule, "duplicate key (first given at line 1)");
  // Below the top level it is an unknown key like any other.
  const auto nested = file_problems(
      dir.write("nested.yaml", "extends: base.yaml\ncalendar: {extends: base.yaml}\n"));
  ASSERT_EQ(nested.size(), 1u) << all_text(nested);
  EXPECT_EQ(nested[0].key_path, "calendar.extends");
  EXPECT_CONTAINS(nested[0].rule, "unknown key");
  EXPECT_EQ(nested[0].line, 2);
}

TEST(ScenarioExtends, AProblemIsReportedInTheFileThatHoldsTheKey) {
  const ScratchDir dir;
  const std::string base_text = edit(BASE, "won: {probability: 0.3}", "won: {probability: 1.3}");
  const std::string base = dir.write("base.yaml", base_text);
  // In the base, though the user named the variant.
  const std::string inherits = dir.write("inherits.yaml", "extends: base.yaml\nname: V\n");
  const Diagnostic in_base =
      about(file_problems(inherits), "stages.mql.transitions.won.probability");
  EXPECT_EQ(in_base.file, base);
  EXPECT_EQ(in_base.line, line_of(base_text, "1.3"));
  EXPECT_EQ(in_base.column, column_of(base_text, "1.3"));
  EXPECT_EQ(in_base.value, "1.3");
  // The same key overridden badly in the variant: the variant's line.
  const std::string variant_text =
      "# comment\nextends: base.yaml\nstages:\n  mql:\n    transitions:\n"
      "      won: {probability: 2.5}\n";
  const std::string variant = dir.write("variant.yaml", variant_text);
  const auto all = file_problems(variant);
  ASSERT_EQ(all.size(), 1u) << all_text(all);
  EXPECT_EQ(all[0].file, variant);
  EXPECT_EQ(all[0].line, 6);
  EXPECT_EQ(all[0].column, column_of(variant_text, "2.5"));
  EXPECT_EQ(all[0].format(), variant + ":6:" + std::to_string(column_of(variant_text, "2.5")) +
                                 ": stages.mql.transitions.won.probability: value 2.5: must be "
                                 "between 0 and 1");
}

TEST(ScenarioExtends, AnUnknownIdIsReportedInTheFileThatWroteIt) {
  // Readers report unknown ids at their key; the key's file is the base's.
  const ScratchDir dir;
  const std::string base_text = edit(BASE, "{smb: 0.5, ent: 0.5}", "{smb: 0.5, entt: 0.5}");
  const std::string base = dir.write("base.yaml", base_text);
  const std::string variant = dir.write("v.yaml", "extends: base.yaml\n");
  const Diagnostic d = about(file_problems(variant), "sources.events.segment_mix.entt");
  EXPECT_EQ(d.file, base);
  EXPECT_EQ(d.line, line_of(base_text, "entt"));
  EXPECT_EQ(d.column, column_of(base_text, "entt"));
  EXPECT_CONTAINS(d.rule, "unknown segment");
}

TEST(ScenarioExtends, AMissingKeyIsReportedAtTheMapThatLacksIt) {
  const ScratchDir dir;
  const std::string base_text = edit(BASE, "  horizon_months: 12\n", "");
  const std::string base = dir.write("base.yaml", base_text);
  // Only the base wrote the calendar map: the base's position.
  const Diagnostic untouched =
      about(file_problems(dir.write("v1.yaml", "extends: base.yaml\nname: V\n")),
            "calendar.horizon_months");
  EXPECT_EQ(untouched.file, base);
  EXPECT_EQ(untouched.line, line_of(base_text, "start: 2027-01"));
  EXPECT_EQ(untouched.rule, "is required");
  // The variant wrote the calendar map too: the variant's.
  const Diagnostic merged =
      about(file_problems(dir.write("v2.yaml", "extends: base.yaml\ncalendar: {start: 2027-02}\n")),
            "calendar.horizon_months");
  EXPECT_EQ(merged.file, dir.path("v2.yaml"));
  EXPECT_EQ(merged.line, 2);
  // A key the variant removed from a map it wrote.
  dir.write("full.yaml", BASE);
  const std::string text = "extends: full.yaml\n\ncalendar:\n  start: ~\n  horizon_months: 6\n";
  const Diagnostic start = about(file_problems(dir.write("v3.yaml", text)), "calendar.start");
  EXPECT_EQ(start.file, dir.path("v3.yaml"));
  EXPECT_EQ(start.line, 4);
  EXPECT_EQ(start.rule, "is required");
  const Diagnostic mix =
      about(file_problems(
                dir.write("v4.yaml", "extends: full.yaml\nsources:\n  web: {segment_mix: ~}\n")),
            "sources.web.segment_mix");
  EXPECT_EQ(mix.file, dir.path("v4.yaml"));
  EXPECT_EQ(mix.line, 3);
  // The merged root is the variant's.
  const Diagnostic name =
      about(file_problems(dir.write("v5.yaml", "extends: full.yaml\nname: ~\n")), "name");
  EXPECT_EQ(name.file, dir.path("v5.yaml"));
  EXPECT_EQ(name.line, 1);
}

TEST(ScenarioExtends, ProblemsAreSortedByFileInChainOrderThenLineThenOverrides) {
  const ScratchDir dir;
  const std::string base_text = edit(BASE, "horizon_months: 12", "horizon_months: 500");
  const std::string base = dir.write("base.yaml", base_text);
  const std::string variant =
      dir.write("variant.yaml",
                "extends: base.yaml\nsources:\n  events: {monthly_volume: -3}\n"
                "  web: {trend: 9}\n");
  try {
    load_scenario_file(variant, {"sources.web.monthly_volume=-1"});
    FAIL();
  } catch (const ScenarioError& e) {
    const auto& all = e.diagnostics();
    ASSERT_EQ(all.size(), 4u) << e.what();
    EXPECT_EQ(all[0].file, variant);
    EXPECT_EQ(all[0].line, 3);
    EXPECT_EQ(all[1].file, variant);
    EXPECT_EQ(all[1].line, 4);
    EXPECT_EQ(all[2].file, base);
    EXPECT_EQ(all[2].line, line_of(base_text, "500"));
    EXPECT_EQ(all[3].file, "--set");
    EXPECT_EQ(std::string(e.what()).substr(0, std::string(e.what()).find('\n')),
              "4 problems in " + variant + " and " + base + ":");
  }
}

TEST(ScenarioExtends, MalformedYamlInABaseIsReportedInTheBase) {
  const ScratchDir dir;
  const std::string base = dir.write("base.yaml", "name: [unclosed\n");
  const auto all = file_problems(dir.write("v.yaml", "extends: base.yaml\n"), {"bad"});
  ASSERT_EQ(all.size(), 2u) << all_text(all);
  EXPECT_EQ(all[0].file, base);
  EXPECT_CONTAINS(all[0].rule, "malformed YAML");
  EXPECT_EQ(all[1].file, "--set");  // overrides are still checked
}

TEST(ScenarioExtends, TextRelativePathsResolveAgainstTheLabelsDirectory) {
  const std::string text = "extends: base.yaml\nname: From text\n";
  const Scenario s = load_scenario_text(text, FIXTURES + "not_a_file.yaml");
  EXPECT_EQ(s.name, "From text");
  EXPECT_EQ(source(s, "web").volume, 100.0);
  EXPECT_EQ(s.file_name, FIXTURES + "not_a_file.yaml");
  // "<stdin>" is not a path: relative to the current directory, where there is no base.yaml.
  try {
    load_scenario_text(text, "<stdin>");
    FAIL();
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].file, "<stdin>");
    EXPECT_EQ(e.diagnostics()[0].rule,
              "cannot read the base scenario base.yaml: No such file or directory");
  }
}

TEST(ScenarioExtends, AScenarioWithoutExtendsKeepsItsTextAsRead) {
  const Scenario s = load_scenario_file(FIXTURES + "base.yaml");
  std::ifstream in(FIXTURES + "base.yaml");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(s.text, text);
}

TEST(ScenarioExtends, ResolvedTextLoadsToTheSameScenario) {
  const Scenario s =
      load_scenario_file(EXAMPLES + "two_more_sdrs.yaml", {"sources.webinars.monthly_volume=777"});
  const std::string header =
      "# resolved from " + EXAMPLES + "two_more_sdrs.yaml extends ../default.yaml\n";
  ASSERT_EQ(s.text.substr(0, header.size()), header);
  EXPECT_EQ(s.text.find("extends:"), std::string::npos);
  EXPECT_NE(s.text.find("headcount: 12"), std::string::npos);
  // Overrides are recorded apart from the text, as for any scenario.
  EXPECT_EQ(s.text.find("777"), std::string::npos);
  EXPECT_EQ(s.overrides, std::vector<std::string>{"sources.webinars.monthly_volume=777"});

  // Loading the text with the overrides gives the same scenario: the same forecast, bit for
  // bit, and the same text again (a file without extends keeps its text as read).
  const Scenario again = load_scenario_text(s.text, "resolved.yaml", s.overrides);
  EXPECT_EQ(again.text, s.text);
  EXPECT_EQ(again.name, s.name);
  const engine::ResultCube original = run(FunnelModel(s), 12, 5, 2);
  const engine::ResultCube reloaded = run(FunnelModel(again), 12, 5, 2);
  EXPECT_TRUE(bit_identical(original.values(), reloaded.values()));
  // The variant is not the default: the comparison above can fail.
  const engine::ResultCube base = run(
      FunnelModel(load_scenario_text(default_scenario_text(), "<default>", s.overrides)), 12, 5, 2);
  EXPECT_FALSE(bit_identical(original.values(), base.values()));

  // A three-level chain names every step, and its text loads to the same scenario too.
  const Scenario deeper = load_scenario_file(FIXTURES + "sub/deeper.yaml");
  EXPECT_EQ(deeper.text.substr(0, deeper.text.find('\n')),
            "# resolved from " + FIXTURES +
                "sub/deeper.yaml extends ../variant.yaml extends "
                "base.yaml");
  const Scenario deeper_again = load_scenario_text(deeper.text, "d.yaml");
  EXPECT_TRUE(bit_identical(run(FunnelModel(deeper), 20, 3, 1).values(),
                            run(FunnelModel(deeper_again), 20, 3, 1).values()));
}

/// Equal kinds, scalars, items and entries; positions and files aside.
bool same_tree(const YamlNode& a, const YamlNode& b) {
  if (a.kind != b.kind || a.scalar != b.scalar || a.items.size() != b.items.size() ||
      a.entries.size() != b.entries.size())
    return false;
  for (std::size_t i = 0; i < a.items.size(); ++i)
    if (!same_tree(a.items[i], b.items[i])) return false;
  for (std::size_t i = 0; i < a.entries.size(); ++i)
    if (!same_tree(a.entries[i].key, b.entries[i].key) ||
        !same_tree(a.entries[i].value, b.entries[i].value))
      return false;
  return true;
}

TEST(ScenarioExtends, EmittedYamlParsesToTheSameTree) {
  // Scalars YAML would read as something else when written plain, nulls, nesting.
  const std::string text =
      "a: '~'\nb: 'null'\nc: ''\nd: ~\ne: 'x: y'\nf: '#x'\ng: '- x'\nh: \"two\\nlines\"\n"
      "i: [1, '', [2, 3], {k: v}]\nj: {m: {n: [a, b]}}\nk: '@default'\nl: ' pad '\n"
      "m: []\nn: {}\no: \"quote ' and \\\"\"\n";
  DiagnosticSink sink("t.yaml");
  const auto tree = parse_yaml(text, sink);
  ASSERT_TRUE(tree.has_value());
  const std::string emitted = emit_yaml(*tree);
  const auto again = parse_yaml(emitted, sink);
  ASSERT_TRUE(again.has_value()) << emitted;
  EXPECT_TRUE(sink.empty());
  EXPECT_TRUE(same_tree(*again, *tree)) << emitted;
  // A change the comparison must catch.
  YamlNode changed = *again;
  changed.entries[0].value.kind = YamlNode::Kind::Null;
  EXPECT_FALSE(same_tree(changed, *tree));
  EXPECT_EQ(emit_yaml(*again), emitted);
}

}  // namespace
}  // namespace funnelsim::models::testing
