// A scenario with known parameters and its simulated history, for the calibration tests.
#pragma once

#include <string>

#include "models/calibration/calibrate.hpp"
#include "models/calibration/history.hpp"
#include "models/calibration/synthetic_history.hpp"
#include "models/funnel/funnel_model.hpp"
#include "models/scenario/scenario_loader.hpp"

namespace funnelsim::calibration::testing {

/// The truth the round trips recover: two sources with flat volumes (the web one
/// overdispersed), two segments with lognormal deal values, and one delay family of each
/// kind. `scale` multiplies the volumes; `months` is the length of the history from 2024-01.
inline std::string truth_scenario(double scale, int months) {
  return R"(name: Calibration truth
calendar:
  start: 2024-01
  horizon_months: )" +
         std::to_string(months) + R"(
segments:
  smb: {deal_value: {distribution: lognormal, median: 9000, sigma: 0.5}}
  ent: {deal_value: {distribution: lognormal, median: 60000, sigma: 0.7}}
sources:
  web:
    monthly_volume: )" +
         std::to_string(600.0 * scale) + R"(
    overdispersion: 0.1
    segment_mix: {smb: 0.7, ent: 0.3}
  events:
    monthly_volume: )" +
         std::to_string(250.0 * scale) + R"(
    segment_mix: {smb: 0.4, ent: 0.6}
stages:
  inquiry:
    kind: entry
    transitions:
      mql:
        probability: {by_source: {web: 0.25, events: 0.40}}
        delay: {distribution: gamma, shape: 1.5, scale: 4}
  mql:
    transitions:
      sql: {probability: 0.5, delay: {distribution: lognormal, median: 10, sigma: 0.6}}
      lost: {probability: 0.2, delay: {distribution: gamma, shape: 2, scale: 7}}
  sql:
    pipeline: true
    transitions:
      won: {probability: 0.3, delay: {distribution: weibull, shape: 1.5, scale: 40}}
      lost: {probability: 0.5, delay: {distribution: gamma, shape: 3, scale: 20}}
  won:
    bookings: true
  lost:
)";
}

inline models::Scenario load(const std::string& text) {
  return models::load_scenario_text(text, "<test>");
}

inline HistorySchema schema_of(const models::Scenario& sc) {
  HistorySchema schema;
  for (const models::Stage& s : sc.stages) schema.stages.push_back(s.id);
  schema.entry_stage = sc.entry_stage;
  return schema;
}

/// Replication `replication` of `scenario` as read back from its CSV.
inline History simulated_history(const models::Scenario& scenario, std::uint64_t seed,
                                 std::uint64_t replication = 0) {
  const models::FunnelModel model(scenario);
  return parse_history(synthetic_history_csv(model, seed, replication), "<simulated>",
                       schema_of(scenario));
}

/// The fit line with `key`, or a line with estimate NaN.
inline FitLine line(const Calibration& c, const std::string& key) {
  for (const FitLine& l : c.lines)
    if (l.key == key) return l;
  FitLine none;
  none.estimate = std::numeric_limits<double>::quiet_NaN();
  return none;
}

inline const DelayChoice* delay(const Calibration& c, const std::string& from,
                                const std::string& to) {
  for (const DelayChoice& d : c.delays)
    if (d.from == from && d.to == to) return &d;
  return nullptr;
}

}  // namespace funnelsim::calibration::testing
