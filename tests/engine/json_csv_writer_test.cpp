// Tests of the JSON and CSV summaries: layout, keys, and exact round trip of every number.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/io/csv_writer.hpp"
#include "engine/io/json_writer.hpp"
#include "engine/stats/period_aggregation.hpp"
#include "engine/stats/summary.hpp"
#include "funnelsim/version.hpp"
#include "io_test_support.hpp"

namespace funnelsim::engine {
namespace {

using testing_support::read_text;
using testing_support::TempDir;

struct SampleRun {
  RunMetadata metadata;
  ResultCube cube;
  std::vector<PeriodStats> stats;
  TotalsSection totals;
};

// 50 replications x 6 months x 2 metrics of values like 1/3 and 0.1 that have no short
// decimal form, so an output that rounds them would be caught.
SampleRun sample_run() {
  SampleRun run;
  run.cube = ResultCube(50, 6, {"volume.mql", "revenue.won"});
  for (std::size_t r = 0; r < 50; ++r)
    for (std::size_t p = 0; p < 6; ++p) {
      const double rd = static_cast<double>(r), pd = static_cast<double>(p);
      run.cube.at(r, p, 0) = std::floor(700 + 37 * std::sin(rd * 1.7 + pd));
      run.cube.at(r, p, 1) = (rd + 1) / 3.0 + 0.1 * pd;
    }
  run.metadata.scenario_name = "base case";
  run.metadata.scenario_file = "scenarios/examples/base.yaml";
  run.metadata.scenario_text = "name: base case\nhorizon: {start: 2027-01, months: 6}\n";
  run.metadata.overrides = {"sources.web.rate=55", "seed=7"};
  run.metadata.seed = 18446744073709551557ULL;  // above 2^53: must stay exact
  run.metadata.first_replication = 1000;
  run.metadata.replications = 50;
  run.metadata.period_axis = "months";
  run.metadata.period_labels = {"2027-01", "2027-02", "2027-03", "2027-04", "2027-05", "2027-06"};
  run.stats = summarise(run.cube);
  run.totals.period_labels = {"2027-Q1", "2027-Q2", "total"};
  run.totals.stats =
      summarise(aggregate_periods(run.cube, {{0, 1, 2}, {3, 4, 5}, {0, 1, 2, 3, 4, 5}}));
  return run;
}

bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

void expect_metrics_equal(const nlohmann::ordered_json& metrics, const ResultCube& cube,
                          const std::vector<PeriodStats>& stats) {
  ASSERT_EQ(metrics.size(), cube.metrics());
  std::size_t m = 0;
  for (const auto& [name, metric] : metrics.items()) {  // in file order
    EXPECT_EQ(name, cube.metric_names()[m]);
    ASSERT_EQ(metric.size(), PeriodStats::FIELDS.size());
    for (const auto& field : PeriodStats::FIELDS) {
      const std::vector<double>& expected = stats[m].*field.values;
      const auto& values = metric.at(std::string(field.name));
      ASSERT_EQ(values.size(), expected.size()) << name << " " << field.name;
      for (std::size_t p = 0; p < expected.size(); ++p)
        EXPECT_TRUE(same_bits(values[p].get<double>(), expected[p]))
            << name << " " << field.name << "[" << p << "]: " << values[p] << " vs " << expected[p];
    }
    ++m;
  }
}

TEST(JsonWriter, WrittenFileParsesBackWithEveryKeyAndExactNumbers) {
  const TempDir dir;
  const SampleRun run = sample_run();
  const std::string path = dir.file("forecast.json");
  write_json(path, run.metadata, run.cube, run.stats, run.totals);
  const auto json = nlohmann::ordered_json::parse(read_text(path));

  std::vector<std::string> keys;
  for (const auto& item : json.items()) keys.push_back(item.key());
  const std::vector<std::string> expected_keys = {
      "format", "format_version",    "engine_version", "scenario_name", "scenario_file",
      "seed",   "first_replication", "replications",   "overrides",     "period_axis",
      "months", "metrics",           "totals",         "scenario_text"};
  EXPECT_EQ(keys, expected_keys);

  EXPECT_EQ(json["format"], "funnelsim.forecast");
  EXPECT_EQ(json["format_version"], nlohmann::ordered_json::array({1, 0}));
  EXPECT_EQ(json["engine_version"], ENGINE_VERSION);
  EXPECT_EQ(json["scenario_name"], "base case");
  EXPECT_EQ(json["scenario_file"], "scenarios/examples/base.yaml");
  EXPECT_EQ(json["scenario_text"], run.metadata.scenario_text);
  EXPECT_EQ(json["overrides"].get<std::vector<std::string>>(), run.metadata.overrides);
  EXPECT_EQ(json["seed"].get<std::uint64_t>(), 18446744073709551557ULL);
  EXPECT_EQ(json["first_replication"], 1000);
  EXPECT_EQ(json["replications"], 50);
  EXPECT_EQ(json["period_axis"], "months");
  EXPECT_EQ(json["months"].get<std::vector<std::string>>(), run.metadata.period_labels);
  expect_metrics_equal(json["metrics"], run.cube, run.stats);
  EXPECT_EQ(json["totals"]["periods"].get<std::vector<std::string>>(), run.totals.period_labels);
  expect_metrics_equal(json["totals"]["metrics"], run.cube, run.totals.stats);
}

TEST(JsonWriter, TotalsAreOptionalAndTextMatchesFile) {
  const TempDir dir;
  const SampleRun run = sample_run();
  const std::string text = json_text(run.metadata, run.cube, run.stats);
  EXPECT_FALSE(nlohmann::ordered_json::parse(text).contains("totals"));
  write_json(dir.file("f.json"), run.metadata, run.cube, run.stats);
  EXPECT_EQ(read_text(dir.file("f.json")), text);
}

TEST(JsonWriter, NonFiniteStatisticsBecomeNull) {
  SampleRun run = sample_run();
  run.stats[1].mean[2] = std::numeric_limits<double>::infinity();
  const auto json = nlohmann::ordered_json::parse(json_text(run.metadata, run.cube, run.stats));
  EXPECT_TRUE(json["metrics"]["revenue.won"]["mean"][2].is_null());
}

TEST(JsonWriter, RefusesStatsThatDoNotMatchTheCube) {
  SampleRun run = sample_run();
  run.stats[0].p90.pop_back();
  EXPECT_THROW(json_text(run.metadata, run.cube, run.stats), std::invalid_argument);
  SampleRun reserved = sample_run();
  reserved.metadata.period_axis = "metrics";  // would collide with the metrics key
  EXPECT_THROW(json_text(reserved.metadata, reserved.cube, reserved.stats), std::invalid_argument);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
  return fields;
}

TEST(CsvWriter, HeaderRowsAndExactValues) {
  const TempDir dir;
  const SampleRun run = sample_run();
  const std::string path = dir.file("forecast.csv");
  write_csv(path, run.metadata, run.cube, run.stats, run.totals);
  const std::vector<std::string> lines = lines_of(read_text(path));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "metric,period,mean,sd,p05,p10,p25,p50,p75,p90,p95");
  // 1 header + 2 metrics x 6 months + 2 metrics x 3 totals.
  ASSERT_EQ(lines.size(), 1u + 2 * 6 + 2 * 3);
  // Metric-major order: row 1 + 6 + 1 is revenue.won in 2027-02.
  const std::vector<std::string> row = split(lines[1 + 6 + 1]);
  ASSERT_EQ(row.size(), 11u);
  EXPECT_EQ(row[0], "revenue.won");
  EXPECT_EQ(row[1], "2027-02");
  for (std::size_t i = 0; i < PeriodStats::FIELDS.size(); ++i) {
    double value = 0;
    const std::string& text = row[2 + i];
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    ASSERT_EQ(result.ec, std::errc{}) << text;
    EXPECT_TRUE(same_bits(value, (run.stats[1].*PeriodStats::FIELDS[i].values)[1]))
        << PeriodStats::FIELDS[i].name << ": " << text;
  }
  const std::vector<std::string> last = split(lines.back());
  EXPECT_EQ(last[0], "revenue.won");
  EXPECT_EQ(last[1], "total");
}

TEST(CsvWriter, QuotesFieldsHoldingCommasOrQuotes) {
  SampleRun run = sample_run();
  run.cube = ResultCube(1, 1, {"a,b", "say \"hi\""});
  run.metadata.replications = 1;
  run.metadata.period_labels = {"2027-01"};
  run.stats = summarise(run.cube);
  const std::vector<std::string> lines = lines_of(csv_text(run.metadata, run.cube, run.stats));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1], "\"a,b\",2027-01,0,0,0,0,0,0,0,0,0");
  EXPECT_EQ(lines[2], "\"say \"\"hi\"\"\",2027-01,0,0,0,0,0,0,0,0,0");
}

}  // namespace
}  // namespace funnelsim::engine
