// compare, sweep and sensitivity: pairing, common random numbers, agreement with forecasts,
// and refusals of bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/io/hdf5_reader.hpp"
#include "tests/tools/cli_test_support.hpp"

namespace funnelsim::cli {
namespace {

using namespace testing_support;
using Json = nlohmann::json;

const std::string R1 = source_path("scenarios/examples/r1.yaml");

Json read_json(const std::string& path) {
  return Json::parse(read_text(path));
}

TEST(CliCompare, AScenarioAgainstItselfDiffersByExactlyZero) {
  TempDir dir;
  const auto r = run({"compare", R1, R1, "-n", "30", "--json", dir.file("c.json"), "-q"});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  const Json j = read_json(dir.file("c.json"));
  EXPECT_EQ(j["format"], "funnelsim.comparison");
  ASSERT_GE(j["metrics"].size(), 5u);
  for (const auto& [name, m] : j["metrics"].items())
    for (const char* period : {"monthly", "totals"}) {
      const Json& d = m[period]["difference"];
      for (std::size_t p = 0; p < d["mean"].size(); ++p) {
        EXPECT_EQ(d["mean"][p].get<double>(), 0.0) << name;
        EXPECT_EQ(d["sd"][p].get<double>(), 0.0) << name;
        EXPECT_EQ(d["p_higher"][p].get<double>(), 0.5) << name;
      }
    }
}

TEST(CliCompare, ALateStageChangeLeavesEarlierStagesBitIdentical) {
  TempDir dir;
  const auto r = run({"compare", R1, "--set", "stages.opp.transitions.won.probability=0.3", "-n",
                      "40", "--json", dir.file("c.json"), "-q"});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  const Json j = read_json(dir.file("c.json"));
  auto all_zero = [&](const std::string& metric) {
    const Json& d = j["metrics"][metric]["monthly"]["difference"];
    for (std::size_t p = 0; p < d["mean"].size(); ++p)
      if (d["mean"][p].get<double>() != 0.0 || d["sd"][p].get<double>() != 0.0) return false;
    return true;
  };
  for (const char* early :
       {"volume.inquiry", "volume.mql", "volume.sql", "volume.opp", "pipeline.created"})
    EXPECT_TRUE(all_zero(early)) << early;
  EXPECT_FALSE(all_zero("volume.won"));
  EXPECT_FALSE(all_zero("bookings"));
  // More wins: the horizon total rises, and its 90% interval says so.
  const Json& won = j["metrics"]["volume.won"]["totals"]["difference"];
  const std::size_t total = j["total_labels"].size() - 1;
  EXPECT_GT(won["lo90"][total].get<double>(), 0.0);
}

TEST(CliCompare, PairingNarrowsTheIntervalOfASmallEffectSeveralTimes) {
  // 3% more web inquiries: paired, the change in MQLs is measured several times more
  // precisely than two independent runs would measure it.
  TempDir dir;
  const auto r = run({"compare", R1, "--set", "sources.web.daily_volume=51.5", "-n", "200",
                      "--json", dir.file("c.json"), "-q"});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  const Json j = read_json(dir.file("c.json"));
  const std::size_t total = j["total_labels"].size() - 1;
  for (const char* metric : {"volume.inquiry", "volume.mql"}) {
    const Json& d = j["metrics"][metric]["totals"]["difference"];
    const double narrowing = d["narrowing"][total].get<double>();
    EXPECT_GT(narrowing, 3.0) << metric;
    // The unpaired interval is too wide to see a 3% effect; the paired one sees it.
    EXPECT_GT(d["lo90"][total].get<double>(), 0.0) << metric;
  }
}

TEST(CliCompare, FilesHoldTheSameDifferences) {
  TempDir dir;
  const auto r = run({"compare", R1, "--set", "stages.mql.transitions.sql.probability=0.5", "-n",
                      "20", "--json", dir.file("c.json"), "--csv", dir.file("c.csv"), "--hdf5",
                      dir.file("c.h5"), "-q"});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  const Json j = read_json(dir.file("c.json"));
  const engine::Hdf5Result h = engine::read_hdf5(dir.file("c.h5"));
  const std::size_t k = h.cube.metric_index("volume.sql");
  // Month 3: the mean of the per-replication differences in the HDF5 file is the JSON's.
  double sum = 0.0;
  for (std::size_t i = 0; i < h.cube.replications(); ++i) sum += h.cube.at(i, 3, k);
  const double json_mean = j["metrics"]["volume.sql"]["monthly"]["difference"]["mean"][3];
  EXPECT_NEAR(sum / static_cast<double>(h.cube.replications()), json_mean,
              1e-12 * std::abs(json_mean) + 1e-12);
  EXPECT_GT(json_mean, 0.0);
  EXPECT_EQ(h.metadata.overrides,
            std::vector<std::string>{"stages.mql.transitions.sql.probability=0.5"});
  const std::string csv = read_text(dir.file("c.csv"));
  EXPECT_CONTAINS(csv, "metric,period,base_mean,");
  EXPECT_CONTAINS(csv, "\nvolume.sql,2027-04,");
  EXPECT_CONTAINS(csv, "\nvolume.sql,total,");
}

TEST(CliCompare, TerminalNamesWhatMovedAndHowMuchPairingHelped) {
  const auto r = run({"compare", R1, "--set", "stages.mql.transitions.sql.probability=0.5", "-n",
                      "30", "--metrics", "volume.sql"});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  EXPECT_CONTAINS(r.out, "Metrics that moved most");
  EXPECT_CONTAINS(r.out, "volume.sql");
  EXPECT_CONTAINS(r.out, "Pairing narrowed these intervals");
  EXPECT_CONTAINS(r.out, "--set stages.mql.transitions.sql.probability=0.5");
  EXPECT_CONTAINS(r.out, "[volume.sql], variant - base");
}

TEST(CliCompare, RefusesNothingToCompareAndUnknownMetrics) {
  auto r = run({"compare", R1});
  EXPECT_EQ(r.code, EXIT_BAD_INPUT);
  EXPECT_CONTAINS(r.err, "nothing to compare");
  r = run({"compare", R1, "--set", "sources.web.daily_volume=60", "--metrics", "volume.nope"});
  EXPECT_EQ(r.code, EXIT_BAD_INPUT);
  EXPECT_CONTAINS(r.err, "volume.nope");
  EXPECT_CONTAINS(r.err, "is not a metric of both scenarios");
}

TEST(CliSweep, EveryPointEqualsTheForecastAtThatSetting) {
  TempDir dir;
  // The default scenario: capacity, nurture and the twin run the sweep switches off.
  const std::string key = "capacity.pools.sdr.headcount";
  auto r = run({"sweep", "--param", key + "=8,12", "--metric", "volume.sql,queue.sdr.backlog", "-n",
                "6", "--json", dir.file("s.json"), "-q"});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  const Json s = read_json(dir.file("s.json"));
  ASSERT_EQ(s["points"].size(), 2u);
  r = run({"forecast", "--set", key + "=12", "-n", "6", "--json", dir.file("f.json"), "-q"});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  const Json f = read_json(dir.file("f.json"));
  for (const char* metric : {"volume.sql", "queue.sdr.backlog"}) {
    const Json& point = s["points"][1]["metrics"][metric];
    EXPECT_EQ(point["monthly"]["mean"], f["metrics"][metric]["mean"]) << metric;
    EXPECT_EQ(point["monthly"]["p90"], f["metrics"][metric]["p90"]) << metric;
    EXPECT_EQ(point["totals"]["mean"], f["totals"]["metrics"][metric]["mean"]) << metric;
  }
  EXPECT_EQ(s["points"][1]["settings"][key].get<double>(), 12.0);
}

TEST(CliSweep, RangesMakeGridsAndTheFirstPointIsTheReference) {
  TempDir dir;
  const auto r = run({"sweep", R1, "--param", "sources.web.daily_volume=40:60:3", "--param",
                      "stages.mql.transitions.sql.probability=0.3,0.5", "--metric", "volume.sql",
                      "-n", "20", "--json", dir.file("s.json"), "--csv", dir.file("s.csv")});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  const Json s = read_json(dir.file("s.json"));
  ASSERT_EQ(s["points"].size(), 6u);
  EXPECT_EQ(s["params"][0]["values"], Json({40.0, 50.0, 60.0}));
  const Json& first = s["points"][0]["metrics"]["volume.sql"]["change_from_first"]["totals"];
  EXPECT_EQ(first["mean"][0].get<double>(), 0.0);
  EXPECT_EQ(first["sd"][0].get<double>(), 0.0);
  // More volume and a higher rate: more SQLs, monotone along both axes on average.
  auto total = [&](std::size_t i) {
    const Json& t = s["points"][i]["metrics"]["volume.sql"]["totals"]["mean"];
    return t[t.size() - 1].get<double>();
  };
  EXPECT_LT(total(0), total(2));
  EXPECT_LT(total(2), total(4));
  EXPECT_LT(total(0), total(1));
  EXPECT_CONTAINS(r.out, "rows sources.web.daily_volume, columns");
  EXPECT_CONTAINS(read_text(dir.file("s.csv")), "point,sources.web.daily_volume,");
}

TEST(CliSweep, RefusesUnknownKeysNonNumbersAndEmptyRanges) {
  struct Case {
    std::string param, says;
  };
  for (const Case& c : {Case{"sources.webb.daily_volume=1,2", "sources has no 'webb'"},
                        Case{"stages.mql=1,2", "is not a single number (it is a map)"},
                        Case{"segments.all.deal_value.distribution=1,2", "'fixed'"},
                        Case{"sources.web.daily_volume=", "is an empty range"},
                        Case{"sources.web.daily_volume=10:20:0", "is an empty range"},
                        Case{"sources.web.daily_volume=10:20", "FROM:TO:POINTS"},
                        Case{"sources.web.daily_volume=ten", "'ten' is not a number"}}) {
    const auto r = run({"sweep", R1, "--param", c.param, "--metric", "volume.sql"});
    EXPECT_EQ(r.code, EXIT_BAD_INPUT) << c.param;
    EXPECT_CONTAINS(r.err, c.says);
    EXPECT_CONTAINS(r.err, "--param");
  }
  const auto r =
      run({"sweep", R1, "--param", "sources.web.daily_volume=-5,5", "--metric", "volume.sql"});
  EXPECT_EQ(r.code, EXIT_BAD_INPUT);
  EXPECT_CONTAINS(r.err, "sources.web.daily_volume=-5");
}

TEST(CliSensitivity, EachBarEqualsTheForecastAtTheSwungValue) {
  TempDir dir;
  const auto r = run({"sensitivity", R1, "--metric", "volume.won", "--params",
                      "stages.opp.transitions.won.probability,sources.paid.daily_volume", "--swing",
                      "20%", "-n", "25", "--json", dir.file("t.json")});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  const Json t = read_json(dir.file("t.json"));
  ASSERT_EQ(t["levers"].size(), 2u);
  // The win rate moves wins more than a 20% change to the smaller paid source does.
  EXPECT_EQ(t["levers"][0]["key"], "stages.opp.transitions.won.probability");
  EXPECT_DOUBLE_EQ(t["levers"][0]["high"]["value"].get<double>(), 0.3);
  const auto f = run({"forecast", R1, "--set", "stages.opp.transitions.won.probability=0.3", "-n",
                      "25", "--json", dir.file("f.json"), "-q"});
  ASSERT_EQ(f.code, EXIT_OK) << f.err;
  const Json fj = read_json(dir.file("f.json"));
  const Json& totals = fj["totals"]["metrics"]["volume.won"]["mean"];
  EXPECT_EQ(t["levers"][0]["high"]["mean"].get<double>(), totals[totals.size() - 1].get<double>());
  EXPECT_GT(t["levers"][0]["high"]["change"].get<double>(), 0.0);
  EXPECT_LT(t["levers"][0]["low"]["change"].get<double>(), 0.0);
  EXPECT_CONTAINS(r.out, "stages.opp.transitions.won.probability");
}

TEST(CliSensitivity, DefaultLeversCoverVolumesProbabilitiesAndHeadcounts) {
  TempDir dir;
  const auto r =
      run({"sensitivity", "--metric", "volume.sal", "-n", "2", "--json", dir.file("t.json"), "-q"});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  const Json t = read_json(dir.file("t.json"));
  std::vector<std::string> keys;
  for (const auto& l : t["levers"]) keys.push_back(l["key"]);
  for (const char* key : {"sources.webinars.monthly_volume", "scoring.threshold",
                          "capacity.pools.sdr.headcount", "stages.sal.transitions.sql.probability"})
    EXPECT_NE(std::find(keys.begin(), keys.end(), key), keys.end()) << key;
}

TEST(CliSensitivity, RefusesBadSwingsAndSettings) {
  auto r = run({"sensitivity", R1, "--metric", "volume.sql", "--swing", "150%"});
  EXPECT_EQ(r.code, EXIT_BAD_INPUT);
  EXPECT_CONTAINS(r.err, "--swing");
  r = run({"sensitivity", R1, "--metric", "volume.sql", "--params", "calendar.start"});
  EXPECT_EQ(r.code, EXIT_BAD_INPUT);
  EXPECT_CONTAINS(r.err, "is not a single number");
  r = run({"sensitivity", R1, "--metric", "volume.nope"});
  EXPECT_EQ(r.code, EXIT_BAD_INPUT);
  EXPECT_CONTAINS(r.err, "is not a metric of this scenario");
}

}  // namespace
}  // namespace funnelsim::cli
