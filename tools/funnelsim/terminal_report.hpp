// The forecast as readable terminal tables: one block per metric, months then quarter totals.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "engine/run/run_config.hpp"
#include "models/funnel/forecast.hpp"
#include "models/scenario/scenario.hpp"

namespace funnelsim::cli {

/// Prints a header (scenario, seed, replications, time) and, for each metric (or those in
/// `only`), mean / P10 / P50 / P90 per month, per calendar quarter and for the horizon.
void print_forecast(std::ostream& out, const models::Scenario& scenario,
                    const engine::RunConfig& config, const models::Forecast& forecast,
                    const std::vector<std::string>& only);

/// 1234567 -> "1,234,567"; below 100 one decimal is kept ("42.5").
std::string format_count(double x);
/// 0.123 -> "12.3%".
std::string format_share(double x);
/// A value of `metric` in its unit: dollars, a share, or a count.
std::string format_value(const std::string& metric, double x);
/// A metric's title for tables ("MQL: leads entering the stage"); the name if it has none.
std::string metric_title(const models::Scenario& scenario, const std::string& metric);
/// format_value with a + on a positive value: a change.
std::string signed_value(const std::string& metric, double x);
/// "(+1.2 .. +3.4)": an interval of changes.
std::string interval_text(const std::string& metric, double lo, double hi);
/// Dollars, compact: "$950", "$12.3k", "$4.56M", "$1.20B".
std::string format_dollars(double x);

}  // namespace funnelsim::cli
