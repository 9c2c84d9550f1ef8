// simulate-history, calibrate and backtest from the command line: the files they write, and
// bad history refused with every problem listed by row and nothing written.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "models/scenario/scenario_loader.hpp"
#include "tests/tools/cli_test_support.hpp"

namespace funnelsim::cli {
namespace {

using namespace testing_support;

const char* SMALL = R"(name: Small funnel
calendar: {start: 2026-01, horizon_months: 8}
segments: {all: {deal_value: {distribution: lognormal, median: 20000, sigma: 0.5}}}
sources:
  web: {monthly_volume: 300}
  ads: {monthly_volume: 150, overdispersion: 0.2}
stages:
  inquiry:
    kind: entry
    transitions: {mql: {probability: 0.3, delay: {distribution: gamma, mean: 4, cv: 1}}}
  mql:
    transitions: {opportunity: {probability: 0.4, delay: {distribution: gamma, mean: 10, cv: 0.8}}}
  opportunity:
    pipeline: true
    transitions: {won: {probability: 0.3, delay: {distribution: gamma, mean: 40, cv: 0.5}}}
  won:
    bookings: true
)";

// The whole loop a user runs: a history, a fitted scenario that forecasts, a backtest.
TEST(CliHistory, SimulateCalibrateForecastBacktest) {
  TempDir dir;
  write_text(dir.file("small.yaml"), SMALL);
  auto r = run({"simulate-history", dir.file("small.yaml"), "--out", dir.file("h.csv")});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  EXPECT_CONTAINS(r.out, "over 8 months from 2026-01");
  EXPECT_EQ(read_text(dir.file("h.csv")).substr(0, 45),
            "lead_id,stage,timestamp,source,segment,amount");

  r = run({"calibrate", dir.file("h.csv"), "--structure", dir.file("small.yaml"), "--as-of",
           "2026-07-01", "--out", dir.file("fit.yaml"), "--json", dir.file("fit.json")});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  EXPECT_CONTAINS(r.out, "sources.web.monthly_volume");
  const std::string fitted = read_text(dir.file("fit.yaml"));
  EXPECT_CONTAINS(fitted, "start: 2026-07");
  EXPECT_CONTAINS(fitted, "# negative binomial regression on 6 months");
  const auto j = nlohmann::json::parse(read_text(dir.file("fit.json")));
  EXPECT_EQ(j["format"], "funnelsim.calibration");
  EXPECT_EQ(j["as_of"], "2026-07-01");
  EXPECT_EQ(j["months"]["count"], 6);
  EXPECT_FALSE(j["estimates"].empty());
  EXPECT_EQ(j["delays"].size(), 3u);
  r = run({"forecast", dir.file("fit.yaml"), "-n", "20", "-q"});
  EXPECT_EQ(r.code, EXIT_OK) << r.err;

  r = run({"backtest", dir.file("h.csv"), "--structure", dir.file("small.yaml"), "--origins",
           "2026-05..2026-07", "--horizon", "2", "-n", "40", "--json", dir.file("bt.json"), "--csv",
           dir.file("bt.csv")});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  EXPECT_CONTAINS(r.out, "volume.mql");
  const auto b = nlohmann::json::parse(read_text(dir.file("bt.json")));
  EXPECT_EQ(b["format"], "funnelsim.backtest");
  EXPECT_EQ(b["origins"].size(), 3u);
  // Each origin scores two months: the history's last complete month is 2026-08.
  const std::size_t metrics = b["scores"].size();
  EXPECT_EQ(metrics, 6u);  // four stage volumes, pipeline and bookings
  EXPECT_EQ(b["points"].size(), 6 * metrics);
}

// Every problem in the file at once, each with its row and column; nothing written.
TEST(CliHistory, BadHistoryIsRefusedWithEveryRow) {
  TempDir dir;
  write_text(dir.file("bad.csv"),
             "lead_id,stage,timestamp,source\n"
             "a,inquiry,2026-01-05T10:00,web\n"
             "a,mqll,2026-01-06T10:00,web\n"
             "b,inquiry,2026-13-01,web\n"
             "a,sql,2026-01-04T10:00,web\n"
             "c,inquiry,2026-01-07,Web\n");
  const auto r = run({"calibrate", dir.file("bad.csv"), "--out", dir.file("fit.yaml")});
  EXPECT_EQ(r.code, EXIT_BAD_INPUT);
  EXPECT_CONTAINS(r.err, "bad.csv:3:");
  EXPECT_CONTAINS(r.err, "did you mean 'mql'");
  EXPECT_CONTAINS(r.err, "bad.csv:4:");
  EXPECT_CONTAINS(r.err, "2026-13-01");
  EXPECT_CONTAINS(r.err, "bad.csv:5:");
  EXPECT_CONTAINS(r.err, "earlier than");
  EXPECT_CONTAINS(r.err, "bad.csv:6:");
  EXPECT_FALSE(std::filesystem::exists(dir.file("fit.yaml")));

  write_text(dir.file("ok.csv"), "lead_id,stage,timestamp,source\na,inquiry,2026-01-05,web\n");
  const auto as_of = run(
      {"calibrate", dir.file("ok.csv"), "--as-of", "2026-02-15", "--out", dir.file("fit.yaml")});
  EXPECT_EQ(as_of.code, EXIT_BAD_INPUT);
  EXPECT_CONTAINS(as_of.err, "must be the first day of a month");
  const auto origins = run({"backtest", dir.file("ok.csv"), "--origins", "2026-05..2026-02"});
  EXPECT_EQ(origins.code, EXIT_BAD_INPUT);
  EXPECT_CONTAINS(origins.err, "FROM not after TO");
  const auto early =
      run({"calibrate", dir.file("ok.csv"), "--as-of", "2025-12", "--out", dir.file("fit.yaml")});
  EXPECT_EQ(early.code, EXIT_BAD_INPUT);
  EXPECT_CONTAINS(early.err, "no events before 2025-12-01");
  EXPECT_FALSE(std::filesystem::exists(dir.file("fit.yaml")));
}

}  // namespace
}  // namespace funnelsim::cli
