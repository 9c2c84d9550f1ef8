// Regression: the default scenario's forecast at a fixed seed, stored at 6 significant digits.
//
// A change that moves any statistic of any metric, month or total fails here with a list of
// what moved. If the change is intended (a new sampler, a model fix), regenerate with
//   FUNNELSIM_UPDATE_REGRESSION=1 build/tests/test_regression
// and commit tests/regression/default_summary.json with a message that says why it moved.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "models/funnel/forecast.hpp"
#include "models/scenario/scenario_loader.hpp"

namespace fm = funnelsim::models;
namespace fe = funnelsim::engine;

namespace {

const std::string EXPECTED =
    std::string(FUNNELSIM_SOURCE_DIR) + "/tests/regression/default_summary.json";
constexpr std::uint64_t SEED = 20270101;
constexpr std::size_t REPLICATIONS = 200;

// Six significant digits: far below any statistical signal, far above the last-bit noise a
// different but IEEE-conforming libm could introduce into a mean of 200 values.
std::string fixed(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

nlohmann::ordered_json section(const std::vector<std::string>& names,
                               const std::vector<fe::PeriodStats>& stats) {
  nlohmann::ordered_json out;
  for (std::size_t k = 0; k < names.size(); ++k)
    for (const auto& field : fe::PeriodStats::FIELDS)
      for (double v : stats[k].*field.values)
        out[names[k]][std::string(field.name)].push_back(std::stod(fixed(v)));
  return out;
}

nlohmann::ordered_json current_summary() {
  const fm::Scenario scenario = fm::load_scenario_text(fm::default_scenario_text(), "<default>");
  fe::RunConfig config;
  config.seed = SEED;
  config.replications = REPLICATIONS;
  const fm::Forecast f = fm::run_forecast(scenario, config);
  nlohmann::ordered_json j;
  j["scenario"] = "scenarios/default.yaml";
  j["seed"] = SEED;
  j["replications"] = REPLICATIONS;
  j["significant_digits"] = 6;
  j["months"] = f.months;
  j["metrics"] = section(f.cube.metric_names(), f.monthly);
  j["totals_periods"] = f.total_labels;
  j["totals"] = section(f.cube.metric_names(), f.totals);
  return j;
}

}  // namespace

TEST(Regression, DefaultScenarioSummaryIsUnchanged) {
  const nlohmann::ordered_json actual = current_summary();
  if (const char* update = std::getenv("FUNNELSIM_UPDATE_REGRESSION"); update && *update == '1') {
    std::ofstream(EXPECTED) << actual.dump(1) << '\n';
    GTEST_SKIP() << "rewrote " << EXPECTED;
  }
  std::ifstream in(EXPECTED);
  ASSERT_TRUE(in) << EXPECTED << " is missing; create it with FUNNELSIM_UPDATE_REGRESSION=1";
  const nlohmann::ordered_json expected = nlohmann::ordered_json::parse(in);
  ASSERT_EQ(expected["months"], actual["months"]);
  ASSERT_EQ(expected["seed"], actual["seed"]);

  std::ostringstream diff;
  int moved = 0;
  for (const char* part : {"metrics", "totals"}) {
    for (const auto& [metric, fields] : actual[part].items()) {
      if (!expected[part].contains(metric)) {
        diff << "  new metric " << part << "." << metric << '\n';
        ++moved;
        continue;
      }
      for (const auto& [field, values] : fields.items())
        for (std::size_t i = 0; i < values.size(); ++i) {
          const double want = expected[part][metric][field][i].get<double>();
          const double got = values[i].get<double>();
          if (fixed(want) != fixed(got) && ++moved <= 25)
            diff << "  " << part << " " << metric << " " << field << "[" << i << "]: expected "
                 << fixed(want) << ", got " << fixed(got) << '\n';
        }
    }
  }
  EXPECT_EQ(moved, 0)
      << moved << " statistics moved (first 25 shown):\n"
      << diff.str()
      << "If intended, regenerate with FUNNELSIM_UPDATE_REGRESSION=1 (see this file's header).";
}
