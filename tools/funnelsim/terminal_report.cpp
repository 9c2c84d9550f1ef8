#include "tools/funnelsim/terminal_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "funnelsim/version.hpp"

namespace funnelsim::cli {

std::string format_count(double x) {
  char buf[64];
  if (std::abs(x) < 100.0) {
    std::snprintf(buf, sizeof buf, "%.1f", x);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.0f", std::abs(x));
  std::string digits(buf), grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return (x < 0 ? "-" : "") + grouped;
}

std::string format_dollars(double x) {
  char buf[64];
  const double a = std::abs(x);
  const char* sign = x < 0 ? "-" : "";
  if (a < 1e3)
    std::snprintf(buf, sizeof buf, "%s$%.0f", sign, a);
  else if (a < 1e6)
    std::snprintf(buf, sizeof buf, "%s$%.1fk", sign, a / 1e3);
  else if (a < 1e9)
    std::snprintf(buf, sizeof buf, "%s$%.2fM", sign, a / 1e6);
  else
    std::snprintf(buf, sizeof buf, "%s$%.2fB", sign, a / 1e9);
  return buf;
}

namespace {

enum class Unit { Count, Dollars, Share, Ratio };

Unit unit_of(const std::string& metric) {
  if (metric == "pipeline.created" || metric == "bookings") return Unit::Dollars;
  if (metric == "compensation.cost_per_booking_dollar") return Unit::Ratio;
  if (metric.starts_with("compensation.") && metric != "compensation.passed_unqualified")
    return Unit::Dollars;
  if (metric.starts_with("sla.") && metric.ends_with(".met")) return Unit::Share;
  if (metric.ends_with(".utilisation") || metric.ends_with(".within_sla") ||
      metric.ends_with("_share"))
    return Unit::Share;
  return Unit::Count;
}

}  // namespace

std::string format_share(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * x);
  return buf;
}

namespace {

/// What each capacity metric means, by the part after `capacity.<pool>.` or `queue.<pool>.`.
struct PoolMetricTitle {
  const char* suffix;
  const char* title;
};
constexpr PoolMetricTitle POOL_TITLES[] = {
    {"headcount", "reps on the team at month end"},
    {"fte", "effective FTE (reps weighted by ramp, month average)"},
    {"utilisation", "utilisation: rep time worked over rep time at work"},
    {"idle_hours", "idle hours at work"},
    {"open_deals", "open deals held at month end"},
    {"arrivals", "leads joining the queue"},
    {"backlog", "leads waiting for a first attempt at month end"},
    {"mean_waiting", "leads waiting for a first attempt, time average"},
    {"response_p50_minutes", "first response, median minutes (by arrival month)"},
    {"response_p90_minutes", "first response, 90th percentile minutes (by arrival month)"},
    {"response_mean_minutes", "first response, mean minutes (by arrival month)"},
    {"within_sla", "share first contacted within the response-time SLA"},
    {"expired", "leads expired before a first attempt"},
    {"unreached", "leads never reached after every attempt"},
    {"decayed", "reached leads whose qualification decayed with the wait"},
    {"qualified", "leads converted by the pool (by arrival month)"},
    {"conversions_lost", "conversions lost against unlimited capacity (by arrival month)"},
};

}  // namespace

std::string metric_title(const models::Scenario& scenario, const std::string& metric) {
  for (const auto& stage : scenario.stages)
    if (metric == "volume." + stage.id)
      return (stage.label.empty() ? stage.id : stage.label) + ": leads entering the stage";
  if (metric == "pipeline.created") return "Pipeline created: deal value of new opportunities";
  if (metric == "bookings") return "Bookings: deal value won";
  for (const auto& pool : scenario.capacity.pools)
    for (const char* prefix : {"capacity.", "queue."}) {
      const std::string head = prefix + pool.id + ".";
      if (!metric.starts_with(head)) continue;
      const std::string suffix = metric.substr(head.size());
      for (const auto& t : POOL_TITLES)
        if (suffix == t.suffix) return (pool.label.empty() ? pool.id : pool.label) + ": " + t.title;
    }
  for (const auto& stage : scenario.stages)
    if (metric == "stock." + stage.id)
      return (stage.label.empty() ? stage.id : stage.label) + ": leads in the stage at month end";
  static const std::pair<const char*, const char*> FIXED[] = {
      {"funnel.left", "Leads leaving the model (no further stage)"},
      {"sales_ready.recycled", "Rejected by sales and recycled"},
      {"sales_ready.accepted", "Accepted by sales (met the criteria)"},
      {"sales_ready.accepted_from_nurture", "Accepted by sales after returning from nurture"},
      {"sales_ready.from_nurture_share", "Share of accepted leads that came back through nurture"},
      {"scoring.time_to_mql_p50_days", "Time to MQL, median (days from inquiry, first MQLs)"},
      {"scoring.time_to_mql_p90_days", "Time to MQL, 90th percentile (days from inquiry)"},
      {"nurture.entered_new", "Nurture: new leads below the threshold starting a track"},
      {"nurture.entered_recycled", "Nurture: recycled leads starting a track"},
      {"nurture.returned", "Nurture: leads returning as MQLs"},
      {"nurture.unsubscribed", "Nurture: leads unsubscribing"},
      {"nurture.completed", "Nurture: leads finishing their track without returning"},
      {"compensation.passed_unqualified", "SDRs: leads passed on although they failed the rules"},
      {"compensation.sdr.cost", "SDR pay: base salary x FTE plus payouts ($)"},
      {"compensation.ae.cost", "AE pay: base salary x FTE plus commission ($)"},
      {"compensation.cost", "Sales pay, SDRs and AEs ($)"},
      {"compensation.cost_per_booking_dollar", "Sales pay per booked dollar"},
  };
  for (const auto& [name, title] : FIXED)
    if (metric == name) return title;
  for (const auto& target : scenario.sla.targets)
    if (metric == "sla." + target.id + ".met")
      return "SLA met: " + target.label + " (" + target.metric +
             (target.direction == models::SlaTarget::Direction::AtLeast ? " >= " : " <= ") +
             format_value(target.metric, target.value) + "); the mean is the probability";
  const std::string cost_per = "compensation.cost_per.";
  if (metric.starts_with(cost_per))
    return "Sales pay per lead entering " + metric.substr(cost_per.size()) + " ($)";
  const std::string rejected = "sales_ready.rejected.";
  if (metric.starts_with(rejected)) {
    const std::string reason = metric.substr(rejected.size());
    if (reason == "unreachable") return "Rejected: unreachable after every SDR attempt";
    if (reason == "score") return "Rejected: score below the minimum";
    if (reason == "persona") return "Rejected: persona not accepted";
    if (reason == "need") return "Rejected: no confirmed need";
    if (reason == "budget") return "Rejected: no known budget";
    if (reason == "authority") return "Rejected: contact cannot sign";
    if (reason == "timeline") return "Rejected: decision too far out";
  }
  return metric;
}

std::string format_value(const std::string& metric, double x) {
  const Unit unit = unit_of(metric);
  if (unit == Unit::Ratio) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", x);
    return buf;
  }
  return unit == Unit::Dollars ? format_dollars(x)
         : unit == Unit::Share ? format_share(x)
                               : format_count(x);
}

std::string signed_value(const std::string& metric, double x) {
  std::string s(x > 0.0 ? "+" : "");
  return s.append(format_value(metric, x));
}

// Appended piecewise: GCC 12 warns falsely (-Wrestrict) on "(" + string.
std::string interval_text(const std::string& metric, double lo, double hi) {
  std::string s(1, '(');
  s.append(signed_value(metric, lo)).append(" .. ").append(signed_value(metric, hi)).append(")");
  return s;
}

namespace {

void row(std::ostream& out, const std::string& label, const engine::PeriodStats& s, std::size_t i,
         Unit unit) {
  auto f = [&](double v) {
    if (unit == Unit::Ratio) {
      char text[32];
      std::snprintf(text, sizeof text, "%.3f", v);
      return std::string(text);
    }
    return unit == Unit::Dollars ? format_dollars(v)
           : unit == Unit::Share ? format_share(v)
                                 : format_count(v);
  };
  char buf[160];
  std::snprintf(buf, sizeof buf, "  %-9s %11s %11s %11s %11s\n", label.c_str(),
                f(s.mean[i]).c_str(), f(s.p10[i]).c_str(), f(s.p50[i]).c_str(),
                f(s.p90[i]).c_str());
  out << buf;
}

}  // namespace

void print_forecast(std::ostream& out, const models::Scenario& scenario,
                    const engine::RunConfig& config, const models::Forecast& forecast,
                    const std::vector<std::string>& only) {
  char buf[256];
  out << "funnelsim " << ENGINE_VERSION << "  " << scenario.name << "  ("
      << (scenario.file_name.empty() ? "<default>" : scenario.file_name) << ")\n";
  // format_count gives counts under 100 a decimal, for means; a replication count is whole.
  std::snprintf(buf, sizeof buf, "%s replications, seed %llu, %zu months from %s, %.2f s\n",
                (config.replications < 100 ? std::to_string(config.replications)
                                           : format_count(static_cast<double>(config.replications)))
                    .c_str(),
                static_cast<unsigned long long>(config.seed), forecast.months.size(),
                forecast.months.front().c_str(), forecast.seconds);
  out << buf;
  for (const auto& o : scenario.overrides) out << "  --set " << o << '\n';
  out << "P10 and P90 bound the middle 80% of replications. Quarters and total are per "
         "replication, then quantiles:\nsums of volumes, dollars and counts; means of the months "
         "for levels, shares and response times;\nthe last month for headcount, backlog and open "
         "deals.\n";

  const auto& names = forecast.cube.metric_names();
  for (std::size_t k = 0; k < names.size(); ++k) {
    if (!only.empty() && std::find(only.begin(), only.end(), names[k]) == only.end()) continue;
    const Unit unit = unit_of(names[k]);
    out << '\n' << metric_title(scenario, names[k]) << "  [" << names[k] << "]\n";
    std::snprintf(buf, sizeof buf, "  %-9s %11s %11s %11s %11s\n", "period", "mean", "P10", "P50",
                  "P90");
    out << buf;
    for (std::size_t m = 0; m < forecast.months.size(); ++m)
      row(out, forecast.months[m], forecast.monthly[k], m, unit);
    for (std::size_t q = 0; q < forecast.total_labels.size(); ++q) {
      std::string label = forecast.total_labels[q];
      const bool partial = label != "total" && forecast.total_groups[q].size() < 3;
      if (partial) label += "*";
      row(out, label, forecast.totals[k], q, unit);
    }
  }
  bool any_partial = false;
  for (std::size_t q = 0; q + 1 < forecast.total_groups.size(); ++q)
    any_partial |= forecast.total_groups[q].size() < 3;
  if (any_partial)
    out << "\n* a quarter the horizon covers only in part: the sum of its months inside the "
           "horizon.\n";
}

}  // namespace funnelsim::cli
