// `funnelsim forecast` refuses bad input with exit 2, a located message per problem, no files.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli_test_support.hpp"

namespace funnelsim::cli {
namespace {

using testing_support::CliRun;
using testing_support::diagnostic_lines;
using testing_support::edit;
using testing_support::position_of;
using testing_support::read_text;
using testing_support::run;
using testing_support::source_path;
using testing_support::TempDir;
using testing_support::write_text;

/// Every case asks for all three outputs, so "nothing was written" covers every writer.
class CliBadInput : public ::testing::Test {
 protected:
  /// Writes `text` as the scenario and runs `forecast` on it.
  CliRun forecast(const std::string& text, const std::vector<std::string>& extra = {},
                  const std::string& replications = "20") {
    text_ = text;
    write_text(scenario_, text);
    return forecast_file(scenario_, extra, replications);
  }

  CliRun forecast_file(const std::string& path, const std::vector<std::string>& extra = {},
                       const std::string& replications = "20") {
    std::vector<std::string> args{"forecast", path,
                                  "-n",       replications,
                                  "--json",   dir_.file("out.json"),
                                  "--csv",    dir_.file("out.csv"),
                                  "--hdf5",   dir_.file("out.h5")};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args);
  }

  /// What every refused run must show: exit 2, nothing on `out`, a count line that agrees
  /// with the number of diagnostic lines, and a directory holding only `left`.
  void expect_refused(const CliRun& r, std::size_t problems,
                      const std::vector<std::string>& left = {"scenario.yaml"}) const {
    EXPECT_EQ(r.code, EXIT_BAD_INPUT) << r.err;
    EXPECT_EQ(r.out, "");
    const std::string count = std::to_string(problems) +
                              (problems == 1 ? " problem" : " problems") +
                              " found; nothing was run or written:\n";
    EXPECT_EQ(r.err.rfind(count, 0), 0u) << r.err;
    EXPECT_EQ(diagnostic_lines(r.err).size(), problems) << r.err;
    EXPECT_EQ(dir_.entries(), left);
  }

  /// "scenario path:line:column: " of the '^'-marked character of the last scenario written.
  std::string at(const std::string& marked) const {
    return scenario_ + ":" + position_of(text_, marked) + ": ";
  }

  TempDir dir_;
  const std::string base_ = read_text(source_path("tests/fixtures/cli/base.yaml"));
  const std::string scenario_ = dir_.file("scenario.yaml");
  std::string text_;
};

TEST_F(CliBadInput, BaseScenarioIsValid) {
  // Without this, every refusal below could come from a broken base file.
  const CliRun r = run({"validate", source_path("tests/fixtures/cli/base.yaml")});
  EXPECT_EQ(r.code, EXIT_OK) << r.err;
}

TEST_F(CliBadInput, MalformedYaml) {
  const CliRun r = forecast(edit(base_, "shape: 2, scale: 3}", "shape: 2 scale: 3}"));
  expect_refused(r, 1);
  // yaml-cpp stops at the colon after `2 scale`, where the flow map cannot go on; there is no
  // key path or value to give, since the tree could not be built.
  EXPECT_CONTAINS(r.err, at("shape: 2 scale^: 3}") + "malformed YAML: end of map flow not found");
}

TEST_F(CliBadInput, UnknownKeyWithSuggestion) {
  const CliRun r = forecast(edit(base_, "daily_volume: 50, arrivals: uniform}",
                                 "daily_volume: 50, arrivals: uniform, trnd: 0.01}"));
  expect_refused(r, 1);
  EXPECT_CONTAINS(r.err, at("uniform, ^trnd") +
                             "sources.web.trnd: value trnd: unknown key; did you mean 'trend'?");
}

TEST_F(CliBadInput, WrongType) {
  const CliRun r = forecast(edit(base_, "daily_volume: 16", "daily_volume: sixteen"));
  expect_refused(r, 1);
  EXPECT_CONTAINS(r.err, at("daily_volume: ^sixteen") +
                             "sources.events.daily_volume: value sixteen: must be a number");
}

TEST_F(CliBadInput, ProbabilityAboveOne) {
  const CliRun r = forecast(edit(base_, "probability: 0.40", "probability: 1.4"));
  expect_refused(r, 1);
  EXPECT_CONTAINS(r.err, at("probability: ^1.4") +
                             "stages.mql.transitions.sql.probability: value 1.4: must be between "
                             "0 and 1");
}

TEST_F(CliBadInput, ProbabilityBelowZeroInBySourceTable) {
  const CliRun r = forecast(edit(base_, "paid: 0.20", "paid: -0.2"));
  EXPECT_CONTAINS(r.err, at("paid: ^-0.2") +
                             "stages.inquiry.transitions.mql.probability.by_source.paid: value "
                             "-0.2: must be between 0 and 1");
  // paid is listed, with a bad value: a second problem "default is required unless every
  // source is listed (not listed: paid)" would send the user to fix what is not broken.
  expect_refused(r, 1);
}

TEST_F(CliBadInput, OutgoingProbabilitiesAboveOne) {
  // sql -> opp 0.60 plus sql -> won 0.5: a lead entering sql cannot take both.
  const CliRun r =
      forecast(edit(base_, "        probability: 0.60\n",
                    "        probability: 0.60\n      won:\n        probability: 0.5\n"));
  expect_refused(r, 1);
  EXPECT_CONTAINS(r.err, at("  sql:\n    transitions:\n      ^opp:") +
                             "stages.sql.transitions: value 1.1: outgoing probabilities of stage "
                             "sql sum to 1.1 for source web, segment all");
  EXPECT_CONTAINS(r.err, "must be <= 1");
}

TEST_F(CliBadInput, NegativeVolume) {
  const CliRun r = forecast(edit(base_, "daily_volume: 33", "daily_volume: -33"));
  expect_refused(r, 1);
  EXPECT_CONTAINS(r.err,
                  at("daily_volume: ^-33") + "sources.paid.daily_volume: value -33: must be >= 0");
}

TEST_F(CliBadInput, NegativeDelay) {
  const CliRun r = forecast(edit(base_, "delay: {distribution: gamma, shape: 2, scale: 3}",
                                 "delay: {distribution: fixed, value: -3}"));
  expect_refused(r, 1);
  EXPECT_CONTAINS(r.err, at("fixed, value: ^-3}") +
                             "stages.mql.transitions.sql.delay.value: value -3: must be >= 0");
}

TEST_F(CliBadInput, TransitionToUnknownStage) {
  const CliRun r = forecast(edit(base_, "      sql:\n", "      sqll:\n"));
  expect_refused(r, 1);
  EXPECT_CONTAINS(r.err, at("      ^sqll:") +
                             "stages.mql.transitions.sqll: value sqll: unknown stage; did you "
                             "mean 'sql'?");
}

TEST_F(CliBadInput, StagesWithNoExit) {
  // mql -> sql always and sql -> mql always: a lead that reaches mql never leaves.
  std::string text = edit(base_, "probability: 0.40", "probability: 1");
  text = edit(text, "      opp:\n        probability: 0.60", "      mql:\n        probability: 1");
  const CliRun r = forecast(text);
  expect_refused(r, 1);
  // Reported at the first trapped stage, naming every stage of the trap.
  EXPECT_CONTAINS(r.err, at("\n  ^mql:\n") +
                             "stages.mql: leads can circulate forever among stages mql, sql: "
                             "none of them leads to an exit");
}

TEST_F(CliBadInput, MissingRequiredField) {
  const CliRun r = forecast(edit(base_, "name: CLI test funnel\n", ""));
  expect_refused(r, 1);
  // A missing key is reported at its parent map, here the document's first key; the value
  // part is absent because nothing was written.
  EXPECT_CONTAINS(r.err, at("\n^calendar:") + "name: is required");
}

TEST_F(CliBadInput, ZeroReplicationsInFile) {
  // The file is refused even though -n 20 would override it: the file itself is wrong.
  const CliRun r = forecast(
      edit(base_, "name: CLI test funnel\n", "name: CLI test funnel\nrun: {replications: 0}\n"));
  expect_refused(r, 1);
  EXPECT_CONTAINS(r.err, at("replications: ^0}") + "run.replications: value 0: must be >= 1");
}

TEST_F(CliBadInput, ZeroReplicationsOnCommandLine) {
  const CliRun r = forecast(base_, {}, "0");
  expect_refused(r, 1);
  EXPECT_CONTAINS(r.err, "command line: --replications: value 0: must be between 1 and 10,000,000");
}

TEST_F(CliBadInput, HorizonBeyondTenYears) {
  const CliRun r = forecast(edit(base_, "horizon_months: 12", "horizon_months: 121"));
  expect_refused(r, 1);
  EXPECT_CONTAINS(
      r.err, at("horizon_months: ^121") + "calendar.horizon_months: value 121: must be <= 120");
}

TEST_F(CliBadInput, SetWithUnknownKeyPath) {
  const CliRun r = forecast(base_, {"--set", "sources.web.dayly_volume=100"});
  expect_refused(r, 1);
  // An override has no file position: the line names the --set instead.
  EXPECT_CONTAINS(r.err,
                  "  --set sources.web.dayly_volume=100: sources.web.dayly_volume: value 100: "
                  "unknown key; did you mean 'daily_volume'?");
}

TEST_F(CliBadInput, SetWithBadValue) {
  const CliRun negative = forecast(base_, {"--set", "sources.web.daily_volume=-5"});
  expect_refused(negative, 1);
  EXPECT_CONTAINS(negative.err,
                  "  --set sources.web.daily_volume=-5: sources.web.daily_volume: value -5: "
                  "must be >= 0");

  const CliRun malformed = forecast(base_, {"--set", "sources.web.daily_volume=[1"});
  expect_refused(malformed, 1);
  EXPECT_CONTAINS(malformed.err,
                  "  --set sources.web.daily_volume=[1: sources.web.daily_volume: value [1: "
                  "malformed YAML value");
}

TEST_F(CliBadInput, SetCreatingUnknownSectionNamesTheOverrideAsWritten) {
  // A typo in the first component creates a new top-level key `sourcs`, which is then unknown.
  const CliRun r = forecast(base_, {"--set", "sourcs.web.daily_volume=100"});
  expect_refused(r, 1);
  EXPECT_CONTAINS(r.err, "did you mean 'sources'?");
  EXPECT_CONTAINS(r.err, "--set sourcs.web.daily_volume=100");
  // The line must not open with an override the user never gave ("--set sourcs=sourcs").
  EXPECT_NOT_CONTAINS(r.err, "--set sourcs=sourcs");
}

TEST_F(CliBadInput, MissingScenarioFile) {
  const std::string missing = dir_.file("no_such_scenario.yaml");
  const CliRun r = forecast_file(missing);
  expect_refused(r, 1, {});
  EXPECT_CONTAINS(r.err, missing + ": cannot read the file: No such file or directory");
}

TEST_F(CliBadInput, OutputIntoMissingDirectory) {
  write_text(scenario_, base_);
  const std::string json = dir_.file("no_such_dir/out.json");
  // --csv and --hdf5 point at the valid directory: they must not be written either.
  const CliRun r = run({"forecast", scenario_, "-n", "20", "--json", json, "--csv",
                        dir_.file("out.csv"), "--hdf5", dir_.file("out.h5")});
  expect_refused(r, 1);
  EXPECT_CONTAINS(r.err, "command line: --json: value " + json + ": the directory '" +
                             dir_.file("no_such_dir") + "' does not exist");
}

TEST_F(CliBadInput, EveryProblemReportedInOneRunInOrder) {
  std::string text = edit(base_, "horizon_months: 12", "horizon_months: 121");
  text = edit(text, "daily_volume: 50, arrivals: uniform}",
              "daily_volume: 50, arrivals: uniform, trnd: 0.01}");
  text = edit(text, "daily_volume: 33", "daily_volume: -33");
  text = edit(text, "daily_volume: 16", "daily_volume: sixteen");
  text = edit(text, "probability: 0.40", "probability: 1.4");
  text = edit(text, "scale: 20}", "scale: -20}");
  const CliRun r = forecast(text, {"--set", "run.seed=-1"});
  expect_refused(r, 7);
  // File problems in file order, then the override's.
  const std::vector<std::string> expected{
      at("horizon_months: ^121") + "calendar.horizon_months: value 121",
      at("uniform, ^trnd") + "sources.web.trnd: value trnd",
      at("daily_volume: ^-33") + "sources.paid.daily_volume: value -33",
      at("daily_volume: ^sixteen") + "sources.events.daily_volume: value sixteen",
      at("probability: ^1.4") + "stages.mql.transitions.sql.probability: value 1.4",
      at("scale: ^-20}") + "stages.opp.transitions.won.delay.scale: value -20",
      "--set run.seed=-1: run.seed: value -1: must be >= 0"};
  const std::vector<std::string> lines = diagnostic_lines(r.err);
  ASSERT_EQ(lines.size(), expected.size()) << r.err;
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_EQ(lines[i].rfind(expected[i], 0), 0u) << "line " << i << ": " << lines[i];
}

}  // namespace
}  // namespace funnelsim::cli
