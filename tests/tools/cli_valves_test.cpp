// funnelsim valves: both runs are the forecasts with and without the valves, paired.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/tools/cli_test_support.hpp"

namespace funnelsim::cli {
namespace {

using namespace testing_support;
using Json = nlohmann::json;

const std::string WITH_VALVE = R"(extends: "@default"
valves:
  reserve_programmes:
    webinar_blitz:
      source: webinars
      yield: {distribution: gamma, mean: 180, cv: 0.3}
      lead_time_days: 5
      spread_days: 7
      cost: 15000
      cooldown_days: 20
      max_per_quarter: 2
      trigger:
        target: accepted_leads
        check_days: [10, 20]
        below: 0.9
)";

TEST(CliValves, RunsAreTheForecastsWithAndWithoutTheValves) {
  TempDir dir;
  const std::string scenario = dir.file("v.yaml");
  write_text(scenario, WITH_VALVE);
  auto r = run({"valves", scenario, "-n", "12", "--json", dir.file("v.json")});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  EXPECT_CONTAINS(r.out, "Reserve programme webinar_blitz");
  EXPECT_CONTAINS(r.out, "without -> with valves");
  const Json v = Json::parse(read_text(dir.file("v.json")));
  EXPECT_EQ(v["format"], "funnelsim.valves");
  r = run({"forecast", scenario, "-n", "12", "--json", dir.file("with.json"), "-q"});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  r = run({"forecast", scenario, "--set", "valves=", "-n", "12", "--json", dir.file("without.json"),
           "-q"});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  const Json with = Json::parse(read_text(dir.file("with.json")));
  const Json without = Json::parse(read_text(dir.file("without.json")));
  for (const char* metric : {"volume.inquiry", "volume.sal", "sla.accepted_leads.met"}) {
    EXPECT_EQ(v["metrics"][metric]["monthly"]["variant"]["mean"], with["metrics"][metric]["mean"])
        << metric;
    EXPECT_EQ(v["metrics"][metric]["monthly"]["base"]["mean"], without["metrics"][metric]["mean"])
        << metric;
  }
  // January starts behind pace in every replication (the funnel fills up): it fires.
  EXPECT_EQ(with["metrics"]["valve.webinar_blitz.fired"]["mean"][0].get<double>(), 1.0);
  EXPECT_EQ(v["only_in_variant"].size(), 3u);  // the valve's fired, leads, cost
}

TEST(CliValves, RefusesAScenarioWithoutValves) {
  const auto r = run({"valves", "--set", "valves="});
  EXPECT_EQ(r.code, EXIT_BAD_INPUT);
  EXPECT_CONTAINS(r.err, "has no valves");
}

}  // namespace
}  // namespace funnelsim::cli
