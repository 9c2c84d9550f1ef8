// `funnelsim forecast` output files: JSON, CSV and HDF5 agree, are complete and reproducible.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "cli_test_support.hpp"
#include "engine/io/hdf5_reader.hpp"

namespace funnelsim::cli {
namespace {

using nlohmann::ordered_json;
using testing_support::CliRun;
using testing_support::read_text;
using testing_support::run;
using testing_support::source_path;
using testing_support::TempDir;

const std::string R1 = source_path("scenarios/examples/r1.yaml");
const std::vector<std::string> R1_METRICS{
    "volume.inquiry",   "volume.mql", "volume.sql",    "volume.opp", "volume.won",
    "pipeline.created", "bookings",   "stock.inquiry", "stock.mql",  "stock.sql",
    "stock.opp",        "stock.won",  "funnel.left"};
const std::vector<std::string> STATISTICS{"mean", "p05", "p10", "p25", "p50",
                                          "p75",  "p90", "p95", "sd"};
constexpr std::size_t MONTHS = 12;

ordered_json read_json(const std::string& path) {
  return ordered_json::parse(read_text(path));
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
  return fields;
}

/// One forecast of R1 with all three outputs, shared by the tests that only read it.
class CliForecastOutput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("CliForecastOutput");
    result_ = new CliRun(
        run({"forecast", R1, "-n", "50", "--seed", "3", "--json", dir_->file("out.json"), "--csv",
             dir_->file("out.csv"), "--hdf5", dir_->file("out.h5"), "--quiet"}));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete dir_;
  }
  void SetUp() override { ASSERT_EQ(result_->code, EXIT_OK) << result_->err; }

  static inline TempDir* dir_ = nullptr;
  static inline CliRun* result_ = nullptr;
};

TEST_F(CliForecastOutput, RunIsQuietAndWritesExactlyTheThreeFiles) {
  EXPECT_EQ(result_->out, "");
  EXPECT_EQ(result_->err, "");
  // No `.out.json.tmp.*` left over from the atomic writes.
  EXPECT_EQ(dir_->entries(), (std::vector<std::string>{"out.csv", "out.h5", "out.json"}));
}

TEST_F(CliForecastOutput, JsonHeaderRecordsTheRun) {
  const ordered_json j = read_json(dir_->file("out.json"));
  // The documented keys in the documented order, and nothing else: in particular no wall
  // time or date, which would make two runs of the same command differ.
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "format", "format_version", "engine_version", "scenario_name",
                      "scenario_file", "seed", "first_replication", "replications", "overrides",
                      "period_axis", "months", "metrics", "totals", "scenario_text"}));
  EXPECT_EQ(j["format"], "funnelsim.forecast");
  EXPECT_EQ(j["format_version"], ordered_json::array({1, 0}));
  EXPECT_TRUE(j["engine_version"].is_string());
  EXPECT_FALSE(j["engine_version"].get<std::string>().empty());
  EXPECT_EQ(j["scenario_name"], "R1 — reference funnel, no capacity limit");
  EXPECT_EQ(j["scenario_file"], R1);
  EXPECT_EQ(j["seed"], 3u);
  EXPECT_EQ(j["replications"], 50u);
  EXPECT_EQ(j["overrides"], ordered_json::array());
  EXPECT_EQ(j["period_axis"], "months");
  ASSERT_EQ(j["months"].size(), MONTHS);
  for (std::size_t m = 0; m < MONTHS; ++m) {
    const std::string expected = "2027-" + std::string(m < 9 ? "0" : "") + std::to_string(m + 1);
    EXPECT_EQ(j["months"][m], expected);
  }
  // The exact text the run used, so the file alone reproduces it.
  EXPECT_EQ(j["scenario_text"], read_text(R1));
}

TEST_F(CliForecastOutput, JsonMetricsHaveEveryStatisticPerMonthInOrder) {
  const ordered_json j = read_json(dir_->file("out.json"));
  std::vector<std::string> names;
  for (const auto& item : j["metrics"].items()) names.push_back(item.key());
  EXPECT_EQ(names, R1_METRICS);
  for (const auto& name : R1_METRICS) {
    const ordered_json& metric = j["metrics"][name];
    for (const auto& statistic : STATISTICS) {
      ASSERT_TRUE(metric.contains(statistic)) << name << " " << statistic;
      EXPECT_EQ(metric[statistic].size(), MONTHS) << name << " " << statistic;
      for (const auto& v : metric[statistic]) EXPECT_TRUE(v.is_number()) << name;
    }
    // Quantiles of one sample are ordered; sd is non-negative.
    for (std::size_t m = 0; m < MONTHS; ++m) {
      const double p05 = metric["p05"][m], p10 = metric["p10"][m], p25 = metric["p25"][m],
                   p50 = metric["p50"][m], p75 = metric["p75"][m], p90 = metric["p90"][m],
                   p95 = metric["p95"][m], sd = metric["sd"][m];
      EXPECT_LE(p05, p10) << name << " month " << m;
      EXPECT_LE(p10, p25) << name << " month " << m;
      EXPECT_LE(p25, p50) << name << " month " << m;
      EXPECT_LE(p50, p75) << name << " month " << m;
      EXPECT_LE(p75, p90) << name << " month " << m;
      EXPECT_LE(p90, p95) << name << " month " << m;
      EXPECT_GE(sd, 0.0) << name << " month " << m;
    }
  }
  // R1 feeds every stage: a month with no MQLs at all would mean the funnel did not run.
  EXPECT_GT(j["metrics"]["volume.mql"]["mean"][1].get<double>(), 0.0);
}

TEST_F(CliForecastOutput, JsonTotalsMeanIsSumOfMonthlyMeans) {
  const ordered_json j = read_json(dir_->file("out.json"));
  const ordered_json& periods = j["totals"]["periods"];
  ASSERT_FALSE(periods.empty());
  EXPECT_EQ(periods.back(), "total");
  EXPECT_EQ(periods.front(), "2027-Q1");
  for (const auto& name : R1_METRICS) {
    const ordered_json& totals = j["totals"]["metrics"][name];
    ASSERT_EQ(totals["mean"].size(), periods.size()) << name;
    double sum = 0.0;
    for (const auto& v : j["metrics"][name]["mean"]) sum += v.get<double>();
    const double total = totals["mean"].back();
    if (name.rfind("stock.", 0) == 0) {
      // A stock at month end: the horizon's value is the last month's.
      const double last = j["metrics"][name]["mean"].back().get<double>();
      EXPECT_NEAR(total, last, 1e-9 * std::abs(last)) << name;
      continue;
    }
    // Totals are per-replication sums, then averaged: the same sum in another order, so the
    // two agree to rounding (12 + 50 additions of ~1e-16 relative error each).
    EXPECT_NEAR(total, sum, 1e-9 * std::abs(sum)) << name;
  }
}

TEST_F(CliForecastOutput, CsvHoldsTheSameStatisticsAsJson) {
  const ordered_json j = read_json(dir_->file("out.json"));
  const std::vector<std::string> lines = lines_of(read_text(dir_->file("out.csv")));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "metric,period,mean,sd,p05,p10,p25,p50,p75,p90,p95");
  const std::size_t totals = j["totals"]["periods"].size();
  ASSERT_EQ(lines.size(), 1 + R1_METRICS.size() * (MONTHS + totals));
  // Monthly rows first, metric by metric, then the totals rows.
  EXPECT_EQ(lines[1].rfind("volume.inquiry,2027-01,", 0), 0u) << lines[1];
  EXPECT_EQ(lines[MONTHS].rfind("volume.inquiry,2027-12,", 0), 0u) << lines[MONTHS];
  EXPECT_EQ(lines.back().rfind("funnel.left,total,", 0), 0u) << lines.back();

  // Shortest round-trip numbers: the CSV's mean and p90 are the JSON's, bit for bit.
  const std::string row_start = "volume.mql,2027-03,";
  std::vector<std::string> row;
  for (const auto& line : lines)
    if (line.rfind(row_start, 0) == 0) row = split_csv(line);
  ASSERT_EQ(row.size(), 11u);
  EXPECT_EQ(std::strtod(row[2].c_str(), nullptr),
            j["metrics"]["volume.mql"]["mean"][2].get<double>());
  EXPECT_EQ(std::strtod(row[9].c_str(), nullptr),
            j["metrics"]["volume.mql"]["p90"][2].get<double>());
}

TEST_F(CliForecastOutput, Hdf5HoldsEveryReplicationAndAgreesWithJson) {
  const ordered_json j = read_json(dir_->file("out.json"));
  const engine::Hdf5Result h = engine::read_hdf5(dir_->file("out.h5"));
  EXPECT_EQ(h.metadata.seed, 3u);
  EXPECT_EQ(h.metadata.replications, 50u);
  EXPECT_EQ(h.metadata.scenario_text, read_text(R1));
  ASSERT_EQ(h.cube.replications(), 50u);
  ASSERT_EQ(h.cube.periods(), MONTHS);
  ASSERT_EQ(h.cube.metric_names(), R1_METRICS);
  for (std::size_t k = 0; k < R1_METRICS.size(); ++k)
    for (std::size_t m = 0; m < MONTHS; ++m) {
      double sum = 0.0;
      for (std::size_t r = 0; r < 50; ++r) sum += h.cube.at(r, m, k);
      const double json_mean = j["metrics"][R1_METRICS[k]]["mean"][m];
      // The JSON mean is a compensated sum; a plain sum of 50 values differs from it by at
      // most 49 rounding errors, about 5e-15 relative.
      EXPECT_NEAR(sum / 50.0, json_mean, 1e-12 * std::abs(json_mean))
          << R1_METRICS[k] << " month " << m;
    }
}

/// Same seed, different thread counts: the files must not differ by a byte.
TEST(CliForecastDeterminism, ThreadCountDoesNotChangeTheFiles) {
  TempDir dir;
  auto forecast = [&](const std::string& threads) {
    return run({"forecast", R1, "-n", "200", "--seed", "11", "--threads", threads, "--json",
                dir.file("t" + threads + ".json"), "--csv", dir.file("t" + threads + ".csv"),
                "--hdf5", dir.file("t" + threads + ".h5"), "--quiet"});
  };
  ASSERT_EQ(forecast("1").code, EXIT_OK);
  ASSERT_EQ(forecast("2").code, EXIT_OK);
  EXPECT_EQ(read_text(dir.file("t1.json")), read_text(dir.file("t2.json")));
  EXPECT_EQ(read_text(dir.file("t1.csv")), read_text(dir.file("t2.csv")));
  // HDF5 files may differ in bookkeeping bytes; the values they hold must not.
  EXPECT_EQ(engine::read_hdf5(dir.file("t1.h5")).cube.values(),
            engine::read_hdf5(dir.file("t2.h5")).cube.values());
}

TEST(CliForecastOverrides, SetChangesTheRunAndIsRecorded) {
  TempDir dir;
  const CliRun base = run({"forecast", R1, "-n", "20", "--json", dir.file("base.json"), "--quiet"});
  const CliRun more = run({"forecast", R1, "-n", "20", "--set", "sources.web.daily_volume=100",
                           "--json", dir.file("more.json"), "--quiet"});
  ASSERT_EQ(base.code, EXIT_OK) << base.err;
  ASSERT_EQ(more.code, EXIT_OK) << more.err;
  const ordered_json b = read_json(dir.file("base.json"));
  const ordered_json o = read_json(dir.file("more.json"));
  EXPECT_EQ(o["overrides"], ordered_json::array({"sources.web.daily_volume=100"}));
  // The file's text is kept as written; the override is recorded next to it.
  EXPECT_EQ(o["scenario_text"], read_text(R1));

  const double before = b["totals"]["metrics"]["volume.inquiry"]["mean"].back();
  const double after = o["totals"]["metrics"]["volume.inquiry"]["mean"].back();
  // R1's inquiries are Poisson at 50 + 33 + 16 a day; web at 100 makes it 149, a ratio of
  // 149/99 = 1.505. A year's total (~36,000, sd ~190) averaged over 20 replications has a
  // standard error of ~0.12%, so the ratio's is under 0.2%: 1% is more than 5 standard errors.
  EXPECT_GT(after, 1.3 * before);
  EXPECT_NEAR(after / before, 149.0 / 99.0, 0.01 * 149.0 / 99.0);
}

}  // namespace
}  // namespace funnelsim::cli
