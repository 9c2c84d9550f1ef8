// The terminal tables of `forecast`, and `validate`, `default-scenario`, --version, --help.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "cli_test_support.hpp"
#include "funnelsim/version.hpp"
#include "tools/funnelsim/run_options.hpp"

namespace funnelsim::cli {
namespace {

using testing_support::CliRun;
using testing_support::run;
using testing_support::source_path;
using testing_support::TempDir;
using testing_support::write_text;

/// One printed table: its metric (from the "[name]" at the end of the title) and the period
/// label of each row.
struct Table {
  std::string metric;
  std::vector<std::string> rows;
};

/// Splits `forecast`'s terminal output into tables: a title line ending in "[metric]", a
/// header line "  period ...", then rows "  LABEL  numbers..." up to a blank line.
std::vector<Table> tables_of(const std::string& out) {
  std::vector<Table> tables;
  std::istringstream in(out);
  bool in_rows = false;
  for (std::string line; std::getline(in, line);) {
    const auto open = line.rfind(" [");
    if (!line.empty() && line.back() == ']' && open != std::string::npos) {
      tables.push_back({line.substr(open + 2, line.size() - open - 3), {}});
      in_rows = false;
    } else if (!tables.empty() && line.rfind("  period ", 0) == 0) {
      in_rows = true;
    } else if (in_rows && line.rfind("  ", 0) == 0) {
      std::istringstream fields(line);
      std::string label;
      fields >> label;
      tables.back().rows.push_back(label);
    } else {
      in_rows = false;
    }
  }
  return tables;
}

TEST(CliTerminal, DefaultForecastPrintsOneTablePerMetricWithMonthsAndTotal) {
  TempDir dir;
  const CliRun r = run({"forecast", "-n", "30", "--json", dir.file("out.json")});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  // The tables are the file's metrics, all of them, in the model's order.
  const auto json = nlohmann::ordered_json::parse(testing_support::read_text(dir.file("out.json")));
  std::vector<std::string> metrics;
  for (const auto& item : json["metrics"].items()) metrics.push_back(item.key());
  ASSERT_GE(metrics.size(), 4u);
  EXPECT_EQ(metrics.front(), "volume.inquiry");
  EXPECT_NE(std::find(metrics.begin(), metrics.end(), "bookings"), metrics.end());
  EXPECT_NE(std::find(metrics.begin(), metrics.end(), "queue.ae.conversions_lost"), metrics.end());
  EXPECT_NE(std::find(metrics.begin(), metrics.end(), "stock.won"), metrics.end());
  EXPECT_EQ(metrics.back(), "sla.speed_to_lead.met");  // the model's last metric
  const std::vector<Table> tables = tables_of(r.out);
  std::vector<std::string> printed;
  for (const auto& t : tables) printed.push_back(t.metric);
  EXPECT_EQ(printed, metrics);
  for (const auto& t : tables) {
    // 12 months, then the quarters, then the horizon total.
    ASSERT_GE(t.rows.size(), 13u) << t.metric;
    for (std::size_t m = 0; m < 12; ++m)
      EXPECT_EQ(t.rows[m], "2027-" + std::string(m < 9 ? "0" : "") + std::to_string(m + 1))
          << t.metric;
    EXPECT_EQ(t.rows.back(), "total") << t.metric;
  }
}

TEST(CliTerminal, HeaderPrintsReplicationCountAsWholeNumber) {
  // The second line of the report; a count of runs has no fraction ("30.0 replications"
  // would read as a computed average).
  auto run_line = [](const std::string& replications) {
    // R1, the fastest scenario to run, as 1,000 replications are needed to reach grouping.
    const CliRun r = run({"forecast", source_path("scenarios/examples/r1.yaml"), "-n", replications,
                          "--metrics", "bookings"});
    EXPECT_EQ(r.code, EXIT_OK) << r.err;
    std::istringstream in(r.out);
    std::string line;
    std::getline(in, line);
    std::getline(in, line);
    return line;
  };
  EXPECT_EQ(run_line("30").rfind("30 replications, seed ", 0), 0u) << run_line("30");
  EXPECT_EQ(run_line("1000").rfind("1,000 replications, seed ", 0), 0u) << run_line("1000");
}

TEST(CliTerminal, MetricsOptionPrintsOnlyThoseTables) {
  const CliRun one = run({"forecast", "-n", "30", "--metrics", "volume.mql"});
  ASSERT_EQ(one.code, EXIT_OK) << one.err;
  const std::vector<Table> tables = tables_of(one.out);
  ASSERT_EQ(tables.size(), 1u) << one.out;
  EXPECT_EQ(tables[0].metric, "volume.mql");
  EXPECT_EQ(tables[0].rows.back(), "total");

  // Printed in the model's order, not the order asked for.
  const CliRun two = run({"forecast", "-n", "30", "--metrics", "bookings,volume.mql"});
  ASSERT_EQ(two.code, EXIT_OK) << two.err;
  const std::vector<Table> both = tables_of(two.out);
  ASSERT_EQ(both.size(), 2u) << two.out;
  EXPECT_EQ(both[0].metric, "volume.mql");
  EXPECT_EQ(both[1].metric, "bookings");
}

TEST(CliTerminal, UnknownMetricIsRefused) {
  const CliRun r = run({"forecast", "-n", "30", "--metrics", "volume.mql,volume.nope"});
  EXPECT_EQ(r.code, EXIT_BAD_INPUT);
  EXPECT_EQ(r.out, "");
  EXPECT_CONTAINS(r.err,
                  "command line: --metrics: value volume.nope: is not a metric of this "
                  "scenario");
  EXPECT_NOT_CONTAINS(r.err, "value volume.mql:");
}

TEST(CliTerminal, QuietPrintsNothing) {
  const CliRun r = run({"forecast", "-n", "30", "--quiet"});
  EXPECT_EQ(r.code, EXIT_OK) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
}

TEST(CliValidate, ValidFileIsReportedValid) {
  const std::string path = source_path("scenarios/examples/r1.yaml");
  const CliRun r = run({"validate", path});
  EXPECT_EQ(r.code, EXIT_OK) << r.err;
  EXPECT_CONTAINS(r.out, path + ": valid.");
  EXPECT_EQ(r.err, "");
}

TEST(CliValidate, InvalidFileListsItsProblems) {
  TempDir dir;
  const std::string path = dir.file("bad.yaml");
  write_text(path, "name: Bad\ncalendar: {start: 2027-01, horizon_months: 0}\n");
  const CliRun r = run({"validate", path});
  EXPECT_EQ(r.code, EXIT_BAD_INPUT);
  EXPECT_EQ(r.out, "");
  EXPECT_CONTAINS(r.err, path + ":2:44: calendar.horizon_months: value 0: must be >= 1");
  // segments, sources and stages are required too: all four problems in one report.
  EXPECT_EQ(r.err.rfind("4 problems found", 0), 0u) << r.err;
}

TEST(CliValidate, DefaultScenarioTextIsValid) {
  const CliRun printed = run({"default-scenario"});
  ASSERT_EQ(printed.code, EXIT_OK);
  EXPECT_CONTAINS(printed.out, "\nstages:");
  TempDir dir;
  const std::string path = dir.file("default.yaml");
  write_text(path, printed.out);
  const CliRun r = run({"validate", path});
  EXPECT_EQ(r.code, EXIT_OK) << r.err;
  EXPECT_CONTAINS(r.out, path + ": valid.");
}

TEST(CliInfo, VersionPrintsTheEngineVersion) {
  const CliRun r = run({"--version"});
  EXPECT_EQ(r.code, EXIT_OK);
  EXPECT_EQ(r.out, std::string("funnelsim ") + ENGINE_VERSION + "\n");
}

TEST(CliInfo, CommandHelpHasExamplesAndExitCodes) {
  for (const char* command : {"forecast", "validate"}) {
    const CliRun r = run({command, "--help"});
    EXPECT_EQ(r.code, EXIT_OK) << command;
    EXPECT_CONTAINS(r.out, "Examples:");
    EXPECT_CONTAINS(r.out, "Exit codes:");
  }
}

TEST(CliInfo, TopLevelHelpHasExamples) {
  const CliRun r = run({"--help"});
  EXPECT_EQ(r.code, EXIT_OK);
  EXPECT_CONTAINS(r.out, "forecast");
  EXPECT_CONTAINS(r.out, "Examples");
}

TEST(CliInfo, UsageErrorsAreRefused) {
  const CliRun option = run({"forecast", "--no-such-option"});
  EXPECT_EQ(option.code, EXIT_BAD_INPUT);
  EXPECT_CONTAINS(option.err, "--no-such-option");
  EXPECT_EQ(run({}).code, EXIT_BAD_INPUT);                          // no command
  EXPECT_EQ(run({"forcast"}).code, EXIT_BAD_INPUT);                 // unknown command
  EXPECT_EQ(run({"forecast", "-n", "many"}).code, EXIT_BAD_INPUT);  // not a number
}

// The run date is today in UTC unless SOURCE_DATE_EPOCH pins it (reproducible files).
TEST(CliRunDate, SourceDateEpochPinsTheRunDate) {
  ASSERT_EQ(::setenv("SOURCE_DATE_EPOCH", "1796083200", 1), 0);
  EXPECT_EQ(run_date(), "2026-12-01");
  ASSERT_EQ(::setenv("SOURCE_DATE_EPOCH", "not a number", 1), 0);
  const std::string today = run_date();
  ASSERT_EQ(::unsetenv("SOURCE_DATE_EPOCH"), 0);
  EXPECT_EQ(today, run_date());  // ignored when it is not a number of seconds
  EXPECT_EQ(today.size(), 10u);
  EXPECT_EQ(today[4], '-');
}

}  // namespace
}  // namespace funnelsim::cli
