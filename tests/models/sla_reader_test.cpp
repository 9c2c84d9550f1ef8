// The `sla` section: targets on forecast metrics, read and checked with positions.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/funnel/funnel_model.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "tests/models/scenario_test_support.hpp"

namespace funnelsim::models {
namespace {

using testing::about;
using testing::BASE;
using testing::line_of;
using testing::problems;

std::string with_sla(const std::string& sla) {
  return BASE + sla;
}

const std::string GOOD = R"(sla:
  confidence: 0.8
  targets:
    wins:
      label: Deals won a month
      metric: volume.won
      at_least: 8
    slow:
      metric: volume.nurture
      at_most: 400
)";

TEST(SlaReader, ReadsTargetsAndAddsOneMetMetricEach) {
  const Scenario s = load_scenario_text(with_sla(GOOD), "test.yaml");
  ASSERT_TRUE(s.sla.defined);
  EXPECT_EQ(s.sla.confidence, 0.8);
  ASSERT_EQ(s.sla.targets.size(), 2u);
  EXPECT_EQ(s.sla.targets[0].id, "wins");
  EXPECT_EQ(s.sla.targets[0].label, "Deals won a month");
  EXPECT_EQ(s.sla.targets[0].metric, "volume.won");
  EXPECT_EQ(s.sla.targets[0].direction, SlaTarget::Direction::AtLeast);
  EXPECT_EQ(s.sla.targets[0].value, 8.0);
  EXPECT_EQ(s.sla.targets[1].direction, SlaTarget::Direction::AtMost);
  EXPECT_EQ(s.sla.targets[1].label, "volume.nurture");  // the metric, when no label
  const auto names = FunnelModel(s).metric_names();
  ASSERT_GE(names.size(), 2u);
  EXPECT_EQ(names[names.size() - 2], "sla.wins.met");
  EXPECT_EQ(names.back(), "sla.slow.met");
}

TEST(SlaReader, MetIsOneInExactlyTheMonthsThatMeetTheTarget) {
  const Scenario s = load_scenario_text(with_sla(GOOD), "test.yaml");
  const FunnelModel model(s);
  const auto names = model.metric_names();
  const auto index = [&](const std::string& n) {
    return static_cast<std::size_t>(std::find(names.begin(), names.end(), n) - names.begin());
  };
  std::vector<double> out(model.period_count() * names.size());
  bool some_met = false, some_missed = false;
  for (std::uint64_t rep = 0; rep < 20; ++rep) {
    model.simulate(7, rep, out);
    for (std::size_t m = 0; m < model.period_count(); ++m) {
      const double* row = out.data() + m * names.size();
      EXPECT_EQ(row[index("sla.wins.met")], row[index("volume.won")] >= 8.0 ? 1.0 : 0.0);
      EXPECT_EQ(row[index("sla.slow.met")], row[index("volume.nurture")] <= 400.0 ? 1.0 : 0.0);
      (row[index("sla.wins.met")] == 1.0 ? some_met : some_missed) = true;
    }
  }
  EXPECT_TRUE(some_met);
  EXPECT_TRUE(some_missed);
}

TEST(SlaReader, AnUnknownMetricIsReportedWithTheNearestAndItsLine) {
  const std::string text =
      with_sla(testing::edit(GOOD, "metric: volume.won", "metric: volume.wno"));
  const Diagnostic d = about(problems(text), "sla.targets.wins.metric");
  EXPECT_EQ(d.line, line_of(text, "metric: volume.wno"));
  EXPECT_NE(d.rule.find("is not a metric of this scenario"), std::string::npos) << d.rule;
  EXPECT_NE(d.rule.find("volume.won"), std::string::npos) << d.rule;
}

TEST(SlaReader, RulesOfATarget) {
  struct Case {
    std::string from, to, key, says;
  };
  for (const Case& c : {Case{"at_least: 8", "at_least: 8\n      at_most: 50",
                             "sla.targets.wins.at_most", "not both"},
                        Case{"      at_least: 8\n", "", "sla.targets.wins.at_least", "is required"},
                        Case{"at_least: 8", "at_least: -1", "sla.targets.wins.at_least", ">= 0"},
                        Case{"confidence: 0.8", "confidence: 1", "sla.confidence", "< 1"},
                        Case{"metric: volume.won", "metric: sla.slow.met",
                             "sla.targets.wins.metric", "another target"},
                        Case{"      label: Deals won a month\n", "      lable: x\n",
                             "sla.targets.wins.lable", "label"}}) {
    const std::string text = with_sla(testing::edit(GOOD, c.from, c.to));
    const Diagnostic d = about(problems(text), c.key);
    EXPECT_NE(d.rule.find(c.says), std::string::npos) << c.key << ": " << d.rule;
  }
  const Diagnostic empty = about(problems(with_sla("sla:\n  targets: {}\n")), "sla.targets");
  EXPECT_NE(empty.rule.find("at least one target"), std::string::npos) << empty.rule;
}

}  // namespace
}  // namespace funnelsim::models
