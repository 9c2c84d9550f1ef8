#include "models/calibration/synthetic_history.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "models/calibration/history.hpp"

namespace funnelsim::calibration {

std::string synthetic_history_csv(const models::FunnelModel& model, std::uint64_t seed,
                                  std::uint64_t replication, std::uint64_t* leads) {
  const models::Scenario& sc = model.scenario();
  std::vector<double> metrics(model.period_count() * model.metric_names().size());
  std::vector<models::StageEvent> events;
  model.simulate_history(seed, replication, metrics, events);
  // Time order; stable, so a lead's steps at one instant stay in the order they happened.
  std::stable_sort(
      events.begin(), events.end(),
      [](const models::StageEvent& a, const models::StageEvent& b) { return a.time < b.time; });
  const double start =
      static_cast<double>(days_from_civil(sc.calendar.start_year, sc.calendar.start_month, 1));
  std::string csv = "lead_id,stage,timestamp,source,segment,amount\n";
  csv.reserve(events.size() * 64);
  std::uint32_t last_lead = 0;
  char line[96];
  for (const models::StageEvent& e : events) {
    last_lead = std::max(last_lead, e.lead);
    // Whole seconds since the epoch: a timestamp written is the instant read back.
    const auto seconds = static_cast<long long>(std::floor((start + e.time) * 86400.0));
    const long long day = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
    const long long second_of_day = seconds - day * 86400;
    const CivilDate date = civil_from_days(static_cast<int>(day));
    csv += 'L';
    csv += std::to_string(e.lead);
    csv += ',';
    csv += sc.stages[e.stage].id;
    std::snprintf(line, sizeof line, ",%04d-%02d-%02dT%02lld:%02lld:%02lld,", date.year, date.month,
                  date.day, second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60);
    csv += line;
    csv += sc.sources[e.source].id;
    csv += ',';
    csv += sc.segments[e.segment].id;
    csv += ',';
    if (sc.stages[e.stage].pipeline && e.value >= 0.0f)
      csv += std::to_string(static_cast<long long>(std::llround(e.value)));
    csv += '\n';
  }
  if (leads) *leads = last_lead;
  return csv;
}

}  // namespace funnelsim::calibration
