// funnelsim valves: the runs are the forecasts with and without the valves, paired, and each
// valve alone against none.
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
  EXPECT_CONTAINS(r.out, "Cold list target_accounts");
  EXPECT_CONTAINS(r.out, "Named accounts strategic_accounts");
  EXPECT_CONTAINS(r.out, "5 runs");
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
  // The default's cold list and named accounts come with `extends`: 3 + 5 + 3 valve metrics.
  EXPECT_EQ(v["only_in_variant"].size(), 11u);
  // Each valve alone, then all of them: the last is the paired comparison itself, and each
  // alone is the forecast with only that valve.
  ASSERT_EQ(v["effects"].size(), 4u);
  EXPECT_EQ(v["effects"][3]["id"], "all");
  EXPECT_EQ(v["effects"][3]["differences"]["volume.sal"]["mean"],
            v["metrics"]["volume.sal"]["totals"]["difference"]["mean"]);
  EXPECT_EQ(v["effects"][1]["id"], "target_accounts");
  r = run({"forecast", scenario, "--set", "valves.reserve_programmes=", "--set",
           "valves.named_accounts=", "-n", "12", "--json", dir.file("list.json"), "-q"});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  const Json list = Json::parse(read_text(dir.file("list.json")));
  const Json& alone = v["effects"][1]["differences"]["volume.sal"]["mean"];
  const Json& totals = list["totals"]["metrics"]["volume.sal"]["mean"];
  const Json& base = v["metrics"]["volume.sal"]["totals"]["base"]["mean"];
  for (std::size_t g = 0; g < alone.size(); ++g)
    EXPECT_NEAR(alone[g].get<double>(), totals[g].get<double>() - base[g].get<double>(),
                1e-9 * totals[g].get<double>());
}

TEST(CliValves, TheReportShowsTheValveEffectOnEachSlaMetric) {
  TempDir dir;
  const auto r = run({"valves", "-n", "6", "-q", "--report", dir.file("v.html")});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  const std::string html = read_text(dir.file("v.html"));
  EXPECT_CONTAINS(html, "with its valves against without");
  EXPECT_CONTAINS(html, "Valve effect: with the valves - without, by month");
  // The default's two SLA targets, then pipeline and bookings.
  for (const char* metric : {"volume.sal", "queue.sdr.within_sla", "pipeline.created", "bookings"})
    EXPECT_CONTAINS(html, std::string("data-metric=\"") + metric + "\"");
}

TEST(CliValves, RefusesAScenarioWithoutValves) {
  const auto r = run({"valves", "--set", "valves="});
  EXPECT_EQ(r.code, EXIT_BAD_INPUT);
  EXPECT_CONTAINS(r.err, "has no valves");
}

}  // namespace
}  // namespace funnelsim::cli
