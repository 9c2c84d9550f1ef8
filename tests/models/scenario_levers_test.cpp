// Which settings count as levers, how they are looked up, and how a swing moves them.
#include "models/scenario/scenario_levers.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "models/scenario/scenario_loader.hpp"

namespace funnelsim::models {
namespace {

const Lever* find(const std::vector<Lever>& levers, const std::string& key) {
  const auto at =
      std::find_if(levers.begin(), levers.end(), [&](const Lever& l) { return l.key == key; });
  return at == levers.end() ? nullptr : &*at;
}

TEST(ScenarioLevers, DefaultScenarioLeversHaveTheirValuesAndRanges) {
  const Scenario s = load_scenario_text(default_scenario_text(), "<default>");
  const auto levers = scenario_levers(s);
  const Lever* webinars = find(levers, "sources.webinars.monthly_volume");
  ASSERT_NE(webinars, nullptr);
  EXPECT_EQ(webinars->value, 500.0);
  EXPECT_FALSE(webinars->whole);
  const Lever* sdrs = find(levers, "capacity.pools.sdr.headcount");
  ASSERT_NE(sdrs, nullptr);
  EXPECT_EQ(sdrs->value, 10.0);
  EXPECT_TRUE(sdrs->whole);
  const Lever* accept = find(levers, "stages.mql.transitions.sal.probability.rate");
  ASSERT_NE(accept, nullptr);
  EXPECT_EQ(accept->value, 0.87);
  EXPECT_EQ(accept->upper, 1.0);
  ASSERT_NE(find(levers, "scoring.threshold"), nullptr);
  ASSERT_NE(find(levers, "sources.events.bursts.0.volume"), nullptr);
  ASSERT_NE(find(levers, "capacity.pools.sdr.hires.0.count"), nullptr);
  const Lever* blitzes = find(levers, "valves.reserve_programmes.webinar_blitz.max_per_quarter");
  ASSERT_NE(blitzes, nullptr);
  EXPECT_TRUE(blitzes->whole);
  EXPECT_EQ(blitzes->lower, 1.0);
  ASSERT_NE(find(levers, "valves.reserve_programmes.webinar_blitz.trigger.below"), nullptr);
  const Lever* share = find(levers, "valves.cold_lists.target_accounts.idle_share");
  ASSERT_NE(share, nullptr);
  EXPECT_EQ(share->value, 0.3);
  EXPECT_EQ(share->upper, 1.0);
  const Lever* waiting =
      find(levers, "valves.named_accounts.strategic_accounts.when_waiting_at_most");
  ASSERT_NE(waiting, nullptr);
  EXPECT_TRUE(waiting->whole);
  EXPECT_EQ(find(levers, "valves.named_accounts.strategic_accounts.win_probability")->upper, 1.0);
  // Not levers: distribution parameters, seasonality, observation counts, the seed.
  for (const Lever& l : levers) {
    EXPECT_EQ(l.key.find("deal_value"), std::string::npos) << l.key;
    EXPECT_EQ(l.key.find("seasonality"), std::string::npos) << l.key;
    EXPECT_EQ(l.key.find("observed_on"), std::string::npos) << l.key;
    EXPECT_EQ(l.key.find("check_days"), std::string::npos) << l.key;
    EXPECT_NE(l.key, "run.seed");
  }
}

TEST(ScenarioLevers, OverridesAreTheValuesSwung) {
  const Scenario s = load_scenario_text(default_scenario_text(), "<default>",
                                        {"sources.webinars.monthly_volume=800"});
  const auto levers = scenario_levers(s);
  ASSERT_NE(find(levers, "sources.webinars.monthly_volume"), nullptr);
  EXPECT_EQ(find(levers, "sources.webinars.monthly_volume")->value, 800.0);
}

TEST(ScenarioLevers, NumericSettingExplainsWhatIsWrong) {
  const Scenario s = load_scenario_text(default_scenario_text(), "<default>");
  std::string error;
  EXPECT_FALSE(numeric_setting(s, "sources.webinar.monthly_volume", error));
  EXPECT_NE(error.find("sources has no 'webinar'"), std::string::npos) << error;
  EXPECT_NE(error.find("webinars"), std::string::npos) << error;
  EXPECT_FALSE(numeric_setting(s, "stages.inquiry.transitions.mql.probability", error));
  EXPECT_NE(error.find("'scored'"), std::string::npos) << error;
  EXPECT_FALSE(numeric_setting(s, "scoring", error));
  EXPECT_NE(error.find("a map"), std::string::npos) << error;
  const auto threshold = numeric_setting(s, "scoring.threshold", error);
  ASSERT_TRUE(threshold);
  EXPECT_EQ(threshold->value, 50.0);
  EXPECT_EQ(threshold->upper, 100.0);
  // A number that is not a lever is still a setting a sweep may vary.
  const auto trend = numeric_setting(s, "sources.organic_web.trend", error);
  ASSERT_TRUE(trend);
  EXPECT_EQ(trend->value, 0.005);
}

TEST(ScenarioLevers, SwingsRoundWholeNumbersAndStayInRange) {
  Lever count{"capacity.pools.sdr.headcount", 2.0, true, 0.0, 10000.0};
  EXPECT_EQ(swung_value(count, -0.2), 1.0);  // 1.6 rounds back to 2: moved by one
  EXPECT_EQ(swung_value(count, 0.2), 3.0);
  count.value = 10.0;
  EXPECT_EQ(swung_value(count, -0.2), 8.0);
  EXPECT_EQ(swung_value(count, 0.2), 12.0);
  const Lever p{"stages.a.transitions.b.probability", 0.9, false, 0.0, 1.0};
  EXPECT_EQ(swung_value(p, 0.2), 1.0);
  EXPECT_DOUBLE_EQ(swung_value(p, -0.2), 0.72);
  const Lever zero{"x", 0.0, true, 0.0, 10.0};
  EXPECT_EQ(swung_value(zero, 0.2), 0.0);
}

TEST(ScenarioLevers, NumberTextReadsBackExactly) {
  for (double x : {800.0, 0.35, 1e-5, 0.1 + 0.2, 123456789.0})
    EXPECT_EQ(std::stod(number_text(x)), x);
  EXPECT_EQ(number_text(800.0), "800");
}

}  // namespace
}  // namespace funnelsim::models
