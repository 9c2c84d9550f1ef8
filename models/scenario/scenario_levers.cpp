#include "models/scenario/scenario_levers.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

#include "models/scenario/diagnostic_sink.hpp"
#include "models/scenario/key_suggestion.hpp"
#include "models/scenario/scenario_override.hpp"
#include "models/scenario/yaml_tree.hpp"

namespace funnelsim::models {

namespace {

constexpr double BIG = 1e300;

struct LeverRule {
  std::string_view pattern;  ///< dotted; `*` matches one component, a final `**` the rest
  bool whole;
  double lower, upper;
};

constexpr LeverRule RULES[] = {
    {"sources.*.monthly_volume", false, 0.0, BIG},
    {"sources.*.daily_volume", false, 0.0, BIG},
    {"sources.*.bursts.*.volume", false, 0.0, BIG},
    {"stages.*.transitions.*.probability", false, 0.0, 1.0},
    {"stages.*.transitions.*.probability.rate", false, 0.0, 1.0},
    {"scoring.threshold", false, 0.0, 100.0},
    {"scoring.engagement.points_per_touch", false, 0.0, 100.0},
    {"sales_ready.rules.min_score", false, 0.0, 100.0},
    {"sales_ready.rules.timeline_within_months", false, 0.0, 120.0},
    {"sales_ready.cooldown_days", false, 0.0, 3650.0},
    {"sales_ready.max_recycles", true, 0.0, 255.0},
    {"nurture.tracks.*.cadence_days", false, 1.0, 365.0},
    {"nurture.tracks.*.touches", true, 1.0, 1000.0},
    {"capacity.pools.*.headcount", true, 0.0, 10000.0},
    {"capacity.pools.*.hires.*.count", true, 1.0, 10000.0},
    {"capacity.pools.*.work.max_attempts", true, 1.0, 50.0},
    {"capacity.pools.*.work.max_open", true, 0.0, 100000.0},
    {"capacity.pools.*.work.contact_probability", false, 1e-9, 1.0},
    {"capacity.pools.*.schedule.hours_per_day", false, 0.25, 24.0},
    {"capacity.pools.*.speed_to_lead.expire_after_days", false, 0.0, 3650.0},
    {"compensation.sdr.variable_share", false, 0.0, 1.0},
    {"compensation.ae.variable_share", false, 0.0, 1.0},
    {"compensation.sdr.base_salary_per_month", false, 0.0, 1e6},
    {"compensation.ae.base_salary_per_month", false, 0.0, 1e6},
    {"compensation.sdr.payout.*", false, 0.0, 1e7},
    {"compensation.ae.payout.bookings_rate", false, 0.0, 1.0},
    {"compensation.ae.payout.new_logo", false, 0.0, 1e7},
    {"valves.reserve_programmes.*.yield", false, 1e-9, 1e6},
    {"valves.reserve_programmes.*.yield.mean", false, 1e-9, 1e6},
    {"valves.reserve_programmes.*.lead_time_days", false, 0.0, 3650.0},
    {"valves.reserve_programmes.*.spread_days", false, 0.0, 365.0},
    {"valves.reserve_programmes.*.cost", false, 0.0, BIG},
    {"valves.reserve_programmes.*.cooldown_days", false, 0.0, 3650.0},
    {"valves.reserve_programmes.*.max_per_quarter", true, 1.0, 100.0},
    {"valves.reserve_programmes.*.budget", false, 0.0, BIG},
    {"valves.reserve_programmes.*.trigger.below", false, 1e-9, 2.0},
    {"valves.cold_lists.*.size", true, 0.0, 1e7},
    {"valves.cold_lists.*.replenish_per_month", true, 0.0, 1e7},
    {"valves.cold_lists.*.touch_minutes", false, 1e-9, 480.0},
    {"valves.cold_lists.*.contact_probability", false, 0.0, 1.0},
    {"valves.cold_lists.*.qualification_probability", false, 0.0, 1.0},
    {"valves.cold_lists.*.cooling_off_days", false, 0.0, 3650.0},
    {"valves.cold_lists.*.idle_share", false, 1e-9, 1.0},
    {"valves.cold_lists.*.when_waiting_at_most", true, 0.0, 1e6},
    {"valves.named_accounts.*.accounts", true, 0.0, 1e7},
    {"valves.named_accounts.*.opportunities_per_hour", false, 1e-9, 10.0},
    {"valves.named_accounts.*.idle_share", false, 1e-9, 1.0},
    {"valves.named_accounts.*.when_waiting_at_most", true, 0.0, 1e6},
    {"valves.named_accounts.*.win_probability", false, 0.0, 1.0},
    {"valves.named_accounts.*.cycle_factor", false, 1e-9, 10.0},
};

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

const LeverRule* rule_of(const std::string& key) {
  const auto parts = split(key);
  for (const LeverRule& rule : RULES) {
    const auto pattern = split(rule.pattern);
    bool match = true;
    std::size_t i = 0;
    for (; i < pattern.size() && match; ++i) {
      if (pattern[i] == "**") {
        match = parts.size() > i;
        i = pattern.size();
        break;
      }
      match = i < parts.size() && (pattern[i] == "*" || pattern[i] == parts[i]);
    }
    if (match && (pattern.back() == "**" || parts.size() == pattern.size())) return &rule;
  }
  return nullptr;
}

std::optional<double> parse_number(const std::string& text) {
  double x = 0.0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, x);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(x)) return std::nullopt;
  return x;
}

// The scenario's tree with its overrides applied; nullopt if it no longer parses (it did when
// the scenario was loaded, so only a programming error gets here).
std::optional<YamlNode> tree_of(const Scenario& scenario) {
  DiagnosticSink sink(scenario.file_name);
  std::optional<YamlNode> root = parse_yaml(scenario.text, sink);
  if (root) apply_overrides(&*root, scenario.overrides, sink);
  return root;
}

Lever make_lever(const std::string& key, double value) {
  Lever lever{key, value, false, -BIG, BIG};
  if (const LeverRule* rule = rule_of(key)) {
    lever.whole = rule->whole;
    lever.lower = rule->lower;
    lever.upper = rule->upper;
  }
  return lever;
}

void collect(const YamlNode& node, const std::string& path, std::vector<Lever>& out) {
  if (node.is_scalar()) {
    if (const auto x = parse_number(node.scalar); x && rule_of(path))
      out.push_back(make_lever(path, *x));
    return;
  }
  const std::string prefix = path.empty() ? "" : path + ".";
  if (node.is_map())
    for (const auto& e : node.entries) collect(e.value, prefix + e.key.scalar, out);
  if (node.is_sequence())
    for (std::size_t i = 0; i < node.items.size(); ++i)
      collect(node.items[i], prefix + std::to_string(i), out);
}

}  // namespace

std::optional<Lever> numeric_setting(const Scenario& scenario, const std::string& key,
                                     std::string& error) {
  const std::optional<YamlNode> root = tree_of(scenario);
  if (!root) {
    error = "the scenario text no longer parses";
    return std::nullopt;
  }
  const YamlNode* node = &*root;
  std::string walked;
  for (const std::string_view part : split(key)) {
    const YamlNode* next = nullptr;
    std::vector<std::string> here;
    if (node->is_map()) {
      for (const auto& e : node->entries) here.push_back(e.key.scalar);
      if (const YamlNode::Entry* e = node->find(part)) next = &e->value;
    } else if (node->is_sequence()) {
      for (std::size_t i = 0; i < node->items.size(); ++i) here.push_back(std::to_string(i));
      std::size_t index = 0;
      const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (ec == std::errc() && ptr == part.data() + part.size() && index < node->items.size())
        next = &node->items[index];
    }
    if (!next) {
      error = "is not a setting of this scenario: " +
              (walked.empty() ? std::string("the top level") : walked) + " has no '" +
              std::string(part) + "'" + suggestion_text(part, here);
      return std::nullopt;
    }
    if (!walked.empty()) walked += '.';
    walked.append(part);
    node = next;
  }
  const auto x = node->is_scalar() ? parse_number(node->scalar) : std::nullopt;
  if (!x) {
    error = "is not a single number (it is " +
            (node->is_scalar() ? std::string(1, '\'').append(node->text()).append("'")
                               : std::string(node->is_map() ? "a map" : "a list")) +
            "); only numeric settings can be varied";
    return std::nullopt;
  }
  return make_lever(key, *x);
}

std::vector<Lever> scenario_levers(const Scenario& scenario) {
  std::vector<Lever> levers;
  if (const auto root = tree_of(scenario)) collect(*root, "", levers);
  return levers;
}

double swung_value(const Lever& lever, double swing) {
  double x = lever.value * (1.0 + swing);
  if (lever.whole) {
    x = std::round(x);
    if (x == lever.value && swing != 0.0 && lever.value != 0.0) x += swing > 0.0 ? 1.0 : -1.0;
  }
  return std::clamp(x, lever.lower, lever.upper);
}

std::string number_text(double x) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, end);
}

}  // namespace funnelsim::models
