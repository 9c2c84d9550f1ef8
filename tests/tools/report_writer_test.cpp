// The HTML report's structure: one chart per expected panel, the data embedded equal to the
// forecast's numbers, SLA targets on their panels, nothing loaded from the network.
#include "tools/report/report_writer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "models/funnel/sla_commitment.hpp"
#include "models/scenario/scenario_loader.hpp"

namespace funnelsim::report {
namespace {

using Json = nlohmann::json;

struct Fixture {
  models::Scenario scenario;
  engine::RunConfig config;
  models::Forecast forecast;
  std::string html;
  Json data;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture x;
    x.scenario = models::load_scenario_text(models::default_scenario_text(), "<default>",
                                            {"capacity.report_lost_conversions=false"});
    x.config.seed = 11;
    x.config.replications = 24;
    x.forecast = models::run_forecast(x.scenario, x.config);
    x.html = forecast_report({&x.scenario, &x.forecast, x.config, "2027-02-14"});
    const std::string open = "<script type=\"application/json\" id=\"funnelsim-report\">";
    const auto start = x.html.find(open);
    const auto end = x.html.find("</script>", start);
    if (start != std::string::npos && end != std::string::npos)
      x.data = Json::parse(x.html.substr(start + open.size(), end - start - open.size()));
    return x;
  }();
  return f;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

const Json* panel_for(const std::string& title_part) {
  for (const Json& p : fixture().data["panels"])
    if (p["title"].get<std::string>().find(title_part) != std::string::npos) return &p;
  return nullptr;
}

TEST(ReportWriter, HasOneChartPerExpectedPanel) {
  ASSERT_TRUE(libraries_available());
  const Fixture& f = fixture();
  ASSERT_TRUE(f.data.is_object());
  EXPECT_EQ(f.data["format"], "funnelsim.report");
  // A fan per stage, pipeline and bookings monthly and year to date, four per rep pool, one
  // per valve.
  const std::size_t expected = f.scenario.stages.size() + 4 + 4 * f.scenario.capacity.pools.size() +
                               f.scenario.valves.reserve_programmes.size() +
                               f.scenario.valves.cold_lists.size() +
                               f.scenario.valves.named_accounts.size();
  ASSERT_EQ(f.data["panels"].size(), expected);
  EXPECT_EQ(count(f.html, "<div class=\"panel\""), expected);
  for (const Json& p : f.data["panels"]) {
    const std::string id = p["id"];
    EXPECT_EQ(count(f.html, "id=\"" + id + "\""), 1u) << id;
    EXPECT_FALSE(p["spec"]["data"]["values"].empty()) << id;
    EXPECT_TRUE(p["spec"].contains("title")) << id;
  }
  for (const auto& stage : f.scenario.stages)
    EXPECT_NE(count(f.html, "data-metric=\"volume." + stage.id + "\""), 0u) << stage.id;
}

TEST(ReportWriter, EmbeddedDataEqualsTheForecastsNumbers) {
  const Fixture& f = fixture();
  for (const Json& p : f.data["panels"]) {
    const std::string metric = p["metric"];
    const Json& values = p["spec"]["data"]["values"];
    if (!values[0].contains("p05")) continue;  // year-to-date and valve bars: below
    const engine::PeriodStats& s = f.forecast.monthly[f.forecast.cube.metric_index(metric)];
    ASSERT_EQ(values.size(), f.forecast.months.size()) << metric;
    for (std::size_t m = 0; m < values.size(); ++m) {
      EXPECT_EQ(values[m]["month"], f.forecast.months[m]);
      EXPECT_EQ(values[m]["mean"].get<double>(), s.mean[m]) << metric;
      EXPECT_EQ(values[m]["p05"].get<double>(), s.p05[m]) << metric;
      EXPECT_EQ(values[m]["p25"].get<double>(), s.p25[m]) << metric;
      EXPECT_EQ(values[m]["p50"].get<double>(), s.p50[m]) << metric;
      EXPECT_EQ(values[m]["p75"].get<double>(), s.p75[m]) << metric;
      EXPECT_EQ(values[m]["p95"].get<double>(), s.p95[m]) << metric;
    }
  }
  // Year to date at the end of the year is the horizon total, replication by replication:
  // its mean is the total's mean.
  const Json* ytd = panel_for("Bookings: year to date");
  ASSERT_NE(ytd, nullptr);
  const Json& last = (*ytd)["spec"]["data"]["values"].back();
  const std::size_t k = f.forecast.cube.metric_index("bookings");
  EXPECT_NEAR(last["mean"].get<double>(), f.forecast.totals[k].mean.back(),
              1e-9 * f.forecast.totals[k].mean.back());
  EXPECT_EQ(last["months"], f.forecast.months.size());
  const Json* cold = panel_for("Cold list target_accounts");
  ASSERT_NE(cold, nullptr);
  const std::size_t leads = f.forecast.cube.metric_index("valve.target_accounts.leads");
  for (std::size_t m = 0; m < f.forecast.months.size(); ++m)
    EXPECT_EQ((*cold)["spec"]["data"]["values"][m]["mean"].get<double>(),
              f.forecast.monthly[leads].mean[m]);
}

TEST(ReportWriter, SlaTargetsAreDrawnOnTheirMetricsAndTabled) {
  const Fixture& f = fixture();
  const Json* sal = nullptr;
  for (const Json& p : f.data["panels"])
    if (p["metric"] == "volume.sal") sal = &p;
  ASSERT_NE(sal, nullptr);
  const Json& layers = (*sal)["spec"]["layer"];
  const Json& target = layers.back();
  EXPECT_EQ(target["mark"]["type"], "rule");
  EXPECT_EQ(target["data"]["values"][0]["target"].get<double>(), 250.0);
  // A stage no target is on has no rule.
  for (const Json& p : f.data["panels"]) {
    if (p["metric"] != "volume.mql") continue;
    for (const Json& layer : p["spec"]["layer"]) EXPECT_NE(layer["mark"]["type"], "rule");
  }
  // The commitment table: one per target, a row per month, quarter and the year.
  EXPECT_EQ(count(f.html, "<table class=\"sla\">"), f.scenario.sla.targets.size());
  const models::CommitmentTable table =
      models::commitment_table(f.forecast, f.scenario.sla.targets[0], f.scenario.sla.confidence);
  EXPECT_EQ(count(f.html, "<tr><td>"), 2 * table.labels.size());
}

TEST(ReportWriter, NothingIsLoadedFromTheNetwork) {
  std::string html = fixture().html;
  // The inlined libraries mention URLs in their code (the SVG namespace, links in messages);
  // everything else (markup, styles, specs, data) must not.
  EXPECT_EQ(count(html, "<script data-library>"), 3u);
  for (auto at = html.find("<script data-library>"); at != std::string::npos;
       at = html.find("<script data-library>")) {
    const auto end = html.find("</script>", at);
    ASSERT_NE(end, std::string::npos);
    html.erase(at, end + 9 - at);
  }
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find(" href="), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
}

TEST(ReportWriter, TheHeaderSaysWhatWasRunAndHoldsTheScenario) {
  const Fixture& f = fixture();
  EXPECT_NE(f.html.find("24 replications from 0, seed 11"), std::string::npos);
  EXPECT_NE(f.html.find("Run on 2027-02-14."), std::string::npos);
  EXPECT_EQ(f.data["run_date"], "2027-02-14");
  EXPECT_NE(f.html.find("--set capacity.report_lost_conversions=false"), std::string::npos);
  EXPECT_NE(f.html.find("<details><summary>Scenario text"), std::string::npos);
  // The scenario text is there, escaped: its first line and an escaped character.
  EXPECT_NE(f.html.find("# funnelsim default scenario"), std::string::npos);
  EXPECT_NE(f.html.find("Northwind Analytics"), std::string::npos);
  EXPECT_EQ(f.data["seed"], 11);
  EXPECT_EQ(f.data["replications"], 24);
}

Json document_of(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"funnelsim-report\">";
  const auto start = html.find(open);
  const auto end = html.find("</script>", start);
  if (start == std::string::npos || end == std::string::npos) return Json();
  return Json::parse(html.substr(start + open.size(), end - start - open.size()));
}

TEST(ReportWriter, AComparisonShowsEachMetricsPairedDifference) {
  const Fixture& f = fixture();
  const models::Scenario variant = models::load_scenario_text(
      models::default_scenario_text(), "<default>",
      {"capacity.report_lost_conversions=false", "sources.webinars.monthly_volume=650"});
  const models::Comparison c =
      models::pair_forecasts(models::Forecast(f.forecast), models::run_forecast(variant, f.config));
  const std::string html = comparison_report(
      {&f.scenario, &variant, &c, f.config, {"volume.inquiry", "bookings", "no.such.metric"}, ""});
  const Json doc = document_of(html);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["format"], "funnelsim.comparison_report");
  ASSERT_EQ(doc["panels"].size(), 2u);  // the metric neither run has is left out
  EXPECT_EQ(count(html, "<div class=\"panel\""), 2u);
  for (const Json& p : doc["panels"]) {
    const std::string metric = p["metric"];
    const auto at = std::find(c.metrics.begin(), c.metrics.end(), metric);
    ASSERT_NE(at, c.metrics.end());
    const engine::DifferenceStats& d = c.monthly[static_cast<std::size_t>(at - c.metrics.begin())];
    const Json& values = p["spec"]["data"]["values"];
    ASSERT_EQ(values.size(), c.variant.months.size());
    for (std::size_t m = 0; m < values.size(); ++m) {
      EXPECT_EQ(values[m]["mean"].get<double>(), d.mean[m]) << metric;
      EXPECT_EQ(values[m]["lo90"].get<double>(), d.lo90[m]) << metric;
      EXPECT_EQ(values[m]["hi90"].get<double>(), d.hi90[m]) << metric;
    }
  }
  // More webinars: more inquiries, every month (the interval excludes zero somewhere).
  const Json& inquiries = doc["panels"][0]["spec"]["data"]["values"];
  EXPECT_GT(inquiries[2]["lo90"].get<double>(), 0.0);
  // Both scenarios are in the header, and the variant's override.
  EXPECT_EQ(count(html, "<details><summary>"), 2u);
  EXPECT_NE(html.find("--set sources.webinars.monthly_volume=650"), std::string::npos);
  EXPECT_NE(html.find("Run on an unrecorded date."), std::string::npos);
}

TEST(ReportWriter, ATornadoHasABarPerLeverEndInTheOrderGiven) {
  const Fixture& f = fixture();
  TornadoReportInput input{&f.scenario, f.config, "volume.sql", "total",
                           0.2,         2100.0,   {},           "2027-02-14"};
  input.bars.push_back(
      {"stages.mql.transitions.sal.probability.rate", 0.7, 1.0, -350, 80, -360, -340, 70, 90});
  input.bars.push_back({"sources.webinars.monthly_volume", 400, 600, -40, 30, -45, -35, 25, 35});
  const std::string html = tornado_report(input);
  const Json doc = document_of(html);
  EXPECT_EQ(doc["format"], "funnelsim.sensitivity_report");
  ASSERT_EQ(doc["panels"].size(), 1u);
  const Json& values = doc["panels"][0]["spec"]["data"]["values"];
  ASSERT_EQ(values.size(), 4u);  // low and high for each lever
  EXPECT_EQ(values[0]["lever"], "stages.mql.transitions.sal.probability.rate");
  EXPECT_EQ(values[0]["end"], "low");
  EXPECT_EQ(values[0]["change"].get<double>(), -350.0);
  EXPECT_EQ(values[1]["value"].get<double>(), 1.0);
  EXPECT_EQ(values[3]["rank"], 1);
  EXPECT_EQ(values[3]["hi90"].get<double>(), 35.0);
  EXPECT_EQ(doc["metric"], "volume.sql");
  EXPECT_NE(html.find("swung by 20% each way"), std::string::npos);
}

// Actuals from a history are drawn on their metric's fan, as their own layer with the values
// given; the legend names the file.
TEST(ReportWriter, ActualsAreOverlaidOnTheirFans) {
  const Fixture& f = fixture();
  const Actuals actuals = {{"volume.mql", {{"2026-12", 510.0}, {"2027-01", 530.0}}},
                           {"bookings", {{"2027-01", 1.5e6}}}};
  const std::string html =
      forecast_report({&f.scenario, &f.forecast, f.config, "", actuals, "crm.csv"});
  const Json doc = document_of(html);
  std::size_t drawn = 0;
  for (const Json& p : doc["panels"]) {
    const auto it = actuals.find(p["metric"].get<std::string>());
    std::size_t layers = 0;
    for (const Json& layer : p["spec"]["layer"])
      if (layer.contains("data") && !layer["data"]["values"].empty() &&
          layer["data"]["values"][0].contains("actual")) {
        ++layers;
        const Json& values = layer["data"]["values"];
        ASSERT_NE(it, actuals.end()) << p["title"];
        ASSERT_EQ(values.size(), it->second.size());
        for (std::size_t i = 0; i < values.size(); ++i) {
          EXPECT_EQ(values[i]["month"], it->second[i].first);
          EXPECT_EQ(values[i]["actual"].get<double>(), it->second[i].second);
        }
      }
    drawn += layers > 0 ? 1 : 0;
  }
  EXPECT_EQ(drawn, 2u);  // the monthly fans of volume.mql and bookings, not year to date
  EXPECT_NE(html.find("Black points: what happened, from crm.csv."), std::string::npos);
}

// A backtest report: a panel per scored metric with the one-month-ahead forecasts and the
// actuals, titled with the metric's coverage, and a coverage panel over every metric.
TEST(ReportWriter, ABacktestShowsForecastsAgainstActualsAndCoverage) {
  const Fixture& f = fixture();
  calibration::Backtest bt;
  bt.metrics = {"volume.mql", "bookings"};
  bt.origins = {2027 * 12 + 3, 2027 * 12 + 4};
  for (int origin : bt.origins)
    for (std::size_t k = 0; k < 2; ++k)
      for (int step = 1; step <= 2; ++step) {
        calibration::BacktestPoint p;
        p.origin = origin;
        p.step = step;
        p.metric = k;
        p.actual = 100.0 * origin + step;
        p.median = p.actual + 1;
        p.lower = {p.actual - 1, p.actual - 2, p.actual - 3};
        p.upper = {p.actual + 1, p.actual + 2, p.actual + 3};
        p.covered = {true, k == 0, true};
        bt.points.push_back(p);
      }
  bt.scores = {{"volume.mql", 4, {1, 1, 1}}, {"bookings", 4, {1, 0, 1}}};
  const std::string html = backtest_report({&f.scenario, &bt, "crm.csv", f.config, 2, ""});
  const Json doc = document_of(html);
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["format"], "funnelsim.backtest_report");
  ASSERT_EQ(doc["panels"].size(), 3u);
  EXPECT_EQ(count(html, "<div class=\"panel\""), 3u);
  for (std::size_t k = 0; k < 2; ++k) {
    const Json& p = doc["panels"][k];
    EXPECT_EQ(p["metric"], bt.metrics[k]);
    const Json& values = p["spec"]["data"]["values"];
    ASSERT_EQ(values.size(), 2u);  // one point per origin: the first step
    for (std::size_t o = 0; o < 2; ++o) {
      EXPECT_EQ(values[o]["actual"].get<double>(), 100.0 * bt.origins[o] + 1);
      EXPECT_EQ(values[o]["lower"].get<double>(), 100.0 * bt.origins[o] - 1);
      EXPECT_EQ(values[o]["covered"], k == 0 ? "yes" : "no");
    }
  }
  EXPECT_NE(doc["panels"][1]["title"].get<std::string>().find("covered 0% of 4 months"),
            std::string::npos);
  EXPECT_EQ(doc["panels"][2]["spec"]["layer"][1]["data"]["values"].size(), 6u);  // 2 x 3 levels
  EXPECT_EQ(doc["origins"], Json({"2027-04", "2027-05"}));
}

}  // namespace
}  // namespace funnelsim::report
