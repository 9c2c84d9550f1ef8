#include "models/scenario/valves_reader.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario/calendar_reader.hpp"
#include "models/scenario/capacity_reader.hpp"
#include "models/scenario/diagnostic_sink.hpp"
#include "models/scenario/distribution_reader.hpp"
#include "models/scenario/key_suggestion.hpp"

namespace funnelsim::models {

namespace {

constexpr double MAX_SPREAD_DAYS = 365.0;
constexpr double MAX_COOLDOWN_DAYS = 3650.0;
constexpr std::int64_t MAX_PER_QUARTER = 100;
// Every month has a day 28, so a check day up to it is checked in every month.
constexpr int LAST_CHECK_DAY = 28;
constexpr double MAX_BELOW = 2.0;

constexpr std::string_view VOLUME_PREFIX = "volume.";

constexpr std::uint64_t MAX_ACCOUNTS = 10'000'000;
constexpr double MAX_TOUCH_MINUTES = 480.0;
constexpr double MAX_COOLING_DAYS = 3650.0;
constexpr std::int64_t MAX_WAITING = 1'000'000;
constexpr double MAX_OPPORTUNITIES_PER_HOUR = 10.0;
constexpr double MAX_CYCLE_FACTOR = 10.0;

const std::vector<std::string> KINDS = {"reserve_programmes", "cold_lists", "named_accounts"};

// Days from the calendar's first day to the end of its last month.
double horizon_days(const Calendar& calendar) {
  int days = 0;
  int year = calendar.start_year;
  int month = calendar.start_month;
  for (int m = 0; m < calendar.horizon_months; ++m) {
    days += days_in_month(year, month);
    if (++month > 12) {
      month = 1;
      ++year;
    }
  }
  return days;
}

// The target ids written under `sla.targets`, valid or not; nullopt when that map cannot be
// read. A target missing from the read Sla but written there had a problem of its own, already
// reported, and calling it unknown would only repeat it.
std::optional<std::vector<std::string>> written_target_ids(const MapCursor& root) {
  const auto at = root.get("sla");
  if (!at || !at->node().is_map()) return std::nullopt;
  const YamlNode::Entry* targets = at->node().find("targets");
  if (targets == nullptr || !targets->value.is_map()) return std::nullopt;
  std::vector<std::string> ids;
  for (const YamlNode::Entry& entry : targets->value.entries) ids.push_back(entry.key.scalar);
  return ids;
}

// `source`: a declared source, as its index.
std::optional<std::size_t> read_source(const YamlCursor& at, const ScenarioIds& ids) {
  const auto id = at.id();
  if (!id) return std::nullopt;
  const auto index = ids.sources.index_of(*id);
  if (!index && ids.sources.known)
    at.error("unknown source" + suggestion_text(*id, ids.sources.ids));
  return index;
}

// Dollars, >= 0; `what` says what the amount is, so a negative one reads as the mistake it is.
std::optional<double> read_dollars(const YamlCursor& at, const std::string& what) {
  const auto value = at.number(NumberRange{});
  if (!value) return std::nullopt;
  if (*value < 0.0) {
    at.error("must be >= 0: " + what);
    return std::nullopt;
  }
  return value;
}

// `lead_time_days`: >= 0 and, when the calendar could be read, shorter than its horizon, or no
// firing's leads would ever arrive within it.
std::optional<double> read_lead_time(const YamlCursor& at,
                                     const std::optional<Calendar>& calendar) {
  const auto days = at.number(at_least(0.0));
  if (!days || !calendar) return days;
  const double horizon = horizon_days(*calendar);
  if (*days >= horizon) {
    at.error("must be < " + format_number(horizon) +
             ", the horizon in days: a firing's leads would arrive after the forecast ends");
    return std::nullopt;
  }
  return days;
}

// `check_days`: days of the month 1 .. LAST_CHECK_DAY, strictly ascending, at least one.
std::optional<std::vector<int>> read_check_days(const YamlCursor& at) {
  const auto items = at.sequence();
  if (!items) return std::nullopt;
  if (items->empty()) {
    at.error("must list at least one day of the month");
    return std::nullopt;
  }
  std::vector<int> days;
  bool ok = true;
  for (const YamlCursor& item : *items) {
    const auto day = item.integer(std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
    if (!day) {
      ok = false;
      continue;
    }
    if (*day < 1 || *day > LAST_CHECK_DAY) {
      item.error("must be a day of the month from 1 to " + std::to_string(LAST_CHECK_DAY) +
                 " (every month has a day " + std::to_string(LAST_CHECK_DAY) + ")");
      ok = false;
      continue;
    }
    if (!days.empty() && *day <= days.back()) {
      item.error("must be after the check day before it (" + std::to_string(days.back()) +
                 "): check days are strictly ascending");
      ok = false;
      continue;
    }
    days.push_back(static_cast<int>(*day));
  }
  if (!ok) return std::nullopt;
  return days;
}

// `trigger.target`: an at_least target of `sla` on volume.<stage>; sets the programme's target
// and stage. False when they could not be set, reported here or (silently here) elsewhere.
bool read_target(const YamlCursor& at, const MapCursor& root, const Sla& sla,
                 const ScenarioIds& ids, ReserveProgramme& programme) {
  const auto id = at.id();
  if (!id) return false;
  if (!root.has("sla")) {
    at.error("needs an `sla` section: the trigger compares pace with an SLA target");
    return false;
  }
  const auto found = std::find_if(sla.targets.begin(), sla.targets.end(),
                                  [&](const SlaTarget& target) { return target.id == *id; });
  if (found == sla.targets.end()) {
    const auto written = written_target_ids(root);
    if (written && std::find(written->begin(), written->end(), *id) == written->end())
      at.error("unknown SLA target" + suggestion_text(*id, *written));
    return false;
  }
  const SlaTarget& target = *found;
  const bool is_volume = target.metric.starts_with(VOLUME_PREFIX);
  const std::string stage_id = is_volume ? target.metric.substr(VOLUME_PREFIX.size()) : "";
  const auto stage = ids.stages.index_of(stage_id);
  if (!stage) {
    // volume.<not a stage> is not a metric: check_sla_metrics reports it at the target's own
    // `metric`, the nearest name suggested, which is where the mistake is.
    if (!is_volume)
      at.error("the pace is counted from a stage's volume; target " + *id + " is on metric " +
               target.metric);
    return false;
  }
  if (target.direction != SlaTarget::Direction::AtLeast) {
    at.error("target " + *id +
             " is an at_most target; a reserve programme adds leads when the month falls short "
             "of an at_least target");
    return false;
  }
  programme.target = static_cast<std::size_t>(found - sla.targets.begin());
  programme.stage = *stage;
  return true;
}

// False when the target could not be resolved (see read_target).
bool read_trigger(const YamlCursor& at, const MapCursor& root, const Sla& sla,
                  const ScenarioIds& ids, ReserveProgramme& programme) {
  const auto map = MapCursor::open(at, {"target", "check_days", "below"});
  if (!map) return false;
  bool resolved = false;
  if (const auto target_at = map->require("target"))
    resolved = read_target(*target_at, root, sla, ids, programme);
  if (const auto days_at = map->require("check_days"))
    programme.check_days = read_check_days(*days_at).value_or(std::vector<int>{});
  if (const auto below_at = map->get("below"))
    programme.below = below_at->number(above_at_most(0.0, MAX_BELOW)).value_or(programme.below);
  return resolved;
}

// `resolved` becomes false when the source or the trigger's target could not be resolved: a
// problem reported here, or one reported in another section (an unreadable `sources`, an
// invalid SLA target) that leaves this programme unusable without a report of its own.
ReserveProgramme read_programme(const MapCursor::Entry& entry, const MapCursor& root,
                                const std::optional<Calendar>& calendar, const Sla& sla,
                                const ScenarioIds& ids, bool& resolved) {
  ReserveProgramme programme;
  programme.id = entry.key;
  resolved = false;
  const auto map =
      MapCursor::open(entry.value, {"source", "yield", "lead_time_days", "spread_days", "cost",
                                    "cooldown_days", "max_per_quarter", "budget", "trigger"});
  if (!map) return programme;
  std::optional<std::size_t> source;
  if (const auto source_at = map->require("source")) source = read_source(*source_at, ids);
  programme.source = source.value_or(0);
  if (const auto yield_at = map->require("yield"))
    if (const auto yield = read_number_or_distribution(*yield_at, DistributionUse::Count))
      programme.yield = *yield;
  if (const auto lead_at = map->require("lead_time_days"))
    programme.lead_time_days = read_lead_time(*lead_at, calendar).value_or(0.0);
  if (const auto spread_at = map->get("spread_days"))
    programme.spread_days = spread_at->number(between(0.0, MAX_SPREAD_DAYS)).value_or(0.0);
  if (const auto cost_at = map->require("cost"))
    programme.cost = read_dollars(*cost_at, "the dollars one firing costs").value_or(0.0);
  if (const auto cooldown_at = map->get("cooldown_days"))
    programme.cooldown_days = cooldown_at->number(between(0.0, MAX_COOLDOWN_DAYS)).value_or(0.0);
  if (const auto max_at = map->get("max_per_quarter"))
    programme.max_per_quarter =
        static_cast<int>(max_at->integer(1, MAX_PER_QUARTER).value_or(programme.max_per_quarter));
  if (const auto budget_at = map->get("budget"))
    programme.budget =
        read_dollars(*budget_at, "dollars over the horizon (0 or absent: no limit)").value_or(0.0);
  if (const auto budget_at = map->get("budget");
      budget_at && programme.budget > 0.0 && programme.budget < programme.cost)
    budget_at->error("is less than the cost of one firing (" + format_number(programme.cost) +
                     "): the programme could never fire; raise it, or write 0 for no limit");
  bool triggered = false;
  if (const auto trigger_at = map->require("trigger"))
    triggered = read_trigger(*trigger_at, root, sla, ids, programme);
  resolved = source.has_value() && triggered;
  return programme;
}

// `enters`: a declared stage other than the entry stage (new inquiries are the reserve
// programmes' business).
std::optional<std::size_t> read_enters(const YamlCursor& at, const ScenarioIds& ids,
                                       const StageTable& table) {
  const auto id = at.id();
  if (!id) return std::nullopt;
  const auto stage = ids.stages.index_of(*id);
  if (!stage) {
    if (ids.stages.known) at.error("unknown stage" + suggestion_text(*id, ids.stages.ids));
    return std::nullopt;
  }
  if (table.entry && *stage == *table.entry) {
    at.error(
        "is the entry stage; leads from idle time enter a later stage (a reserve "
        "programme adds inquiries)");
    return std::nullopt;
  }
  return stage;
}

// The keys both idle-time valves share; false when the pool, source or stage could not be
// resolved.
bool read_idle_work(const MapCursor& map, const MapCursor& root, const Capacity& capacity,
                    const ScenarioIds& ids, const StageTable& table, IdleWork& work) {
  std::optional<std::size_t> pool, source, enters;
  if (const auto pool_at = map.require("pool"))
    pool = read_pool_reference(*pool_at, root, capacity,
                               "the valve is worked with the idle time of one of its pools");
  if (const auto source_at = map.require("source")) source = read_source(*source_at, ids);
  if (const auto enters_at = map.require("enters")) enters = read_enters(*enters_at, ids, table);
  if (const auto share_at = map.get("idle_share"))
    work.idle_share = share_at->number(above_at_most(0.0, 1.0)).value_or(work.idle_share);
  if (const auto waiting_at = map.get("when_waiting_at_most"))
    work.when_waiting_at_most = static_cast<int>(waiting_at->integer(0, MAX_WAITING).value_or(0));
  work.pool = pool.value_or(0);
  work.source = source.value_or(0);
  work.enters = enters.value_or(0);
  return pool && source && enters;
}

std::uint64_t read_count(const YamlCursor& at, std::uint64_t max) {
  const auto value = at.integer(0, static_cast<std::int64_t>(max));
  return value ? static_cast<std::uint64_t>(*value) : 0;
}

ColdList read_cold_list(const MapCursor::Entry& entry, const MapCursor& root,
                        const Capacity& capacity, const ScenarioIds& ids, const StageTable& table,
                        bool& resolved) {
  ColdList list;
  list.id = entry.key;
  resolved = false;
  const auto map = MapCursor::open(
      entry.value, {"pool", "source", "enters", "idle_share", "when_waiting_at_most", "size",
                    "replenish_per_month", "touch_minutes", "contact_probability",
                    "qualification_probability", "cooling_off_days"});
  if (!map) return list;
  resolved = read_idle_work(*map, root, capacity, ids, table, list);
  if (resolved && capacity.pools[list.pool].works.empty()) {
    map->get("pool")->error(
        "works no stage, so it has no queue to leave it idle; a cold list "
        "is worked by a pool that works inbound leads");
    resolved = false;
  }
  if (const auto size_at = map->require("size")) list.size = read_count(*size_at, MAX_ACCOUNTS);
  if (const auto at = map->get("replenish_per_month"))
    list.replenish_per_month = read_count(*at, MAX_ACCOUNTS);
  if (const auto at = map->require("touch_minutes"))
    list.touch_minutes = at->number(above_at_most(0.0, MAX_TOUCH_MINUTES)).value_or(1.0);
  if (const auto at = map->require("contact_probability"))
    list.contact_probability = at->number(between(0.0, 1.0)).value_or(0.0);
  if (const auto at = map->require("qualification_probability"))
    list.qualification_probability = at->number(between(0.0, 1.0)).value_or(0.0);
  if (const auto at = map->get("cooling_off_days"))
    list.cooling_off_days =
        at->number(between(0.0, MAX_COOLING_DAYS)).value_or(list.cooling_off_days);
  return list;
}

// `win_probability` needs a transition from `enters` to a bookings stage to replace.
bool wins_somewhere(const StageTable& table, std::size_t stage) {
  for (const Transition& t : table.stages[stage].transitions)
    if (t.to < table.stages.size() && table.stages[t.to].bookings) return true;
  return false;
}

NamedAccounts read_named_accounts(const MapCursor::Entry& entry, const MapCursor& root,
                                  const Capacity& capacity, const std::vector<Source>& sources,
                                  const ScenarioIds& ids, const StageTable& table, bool& resolved) {
  NamedAccounts named;
  named.id = entry.key;
  resolved = false;
  const auto map = MapCursor::open(
      entry.value, {"pool", "source", "enters", "idle_share", "when_waiting_at_most", "accounts",
                    "opportunities_per_hour", "win_probability", "cycle_factor"});
  if (!map) return named;
  resolved = read_idle_work(*map, root, capacity, ids, table, named);
  if (resolved && named.source < sources.size()) {
    const Source& source = sources[named.source];
    if (source.volume > 0.0 || !source.bursts.empty()) {
      map->get("source")->error(
          "must be a source with no inquiries of its own (monthly_volume: 0, no bursts): the "
          "win rate and cycle of the named accounts apply to every lead of the source");
      resolved = false;
    }
  }
  if (const auto at = map->require("accounts")) named.accounts = read_count(*at, MAX_ACCOUNTS);
  if (const auto at = map->require("opportunities_per_hour"))
    named.opportunities_per_hour =
        at->number(above_at_most(0.0, MAX_OPPORTUNITIES_PER_HOUR)).value_or(0.0);
  if (const auto at = map->get("win_probability")) {
    named.win_probability = at->number(between(0.0, 1.0));
    if (resolved && named.enters < table.stages.size() && !wins_somewhere(table, named.enters)) {
      at->error("needs a transition from " + table.stages[named.enters].id +
                " to a stage with `bookings: true`: that transition's probability is the one "
                "it replaces");
      resolved = false;
    }
  }
  if (const auto at = map->get("cycle_factor"))
    named.cycle_factor = at->number(above_at_most(0.0, MAX_CYCLE_FACTOR)).value_or(1.0);
  return named;
}

}  // namespace

Valves read_valves(const MapCursor& root, const std::optional<Calendar>& calendar, const Sla& sla,
                   const ValveContext& context) {
  const ScenarioIds& ids = context.ids;
  Valves valves;
  const auto at = root.get("valves");
  if (!at) return valves;
  // Every problem is reported where it is found; the section is usable only without any.
  const std::size_t problems_before = at->sink().size();
  const auto map = MapCursor::open(*at, KINDS);
  if (!map) return valves;
  if (!map->has("reserve_programmes") && !map->has("cold_lists") && !map->has("named_accounts")) {
    at->error(
        "must define at least one of reserve_programmes (marketing's), cold_lists (the "
        "SDRs') and named_accounts (the AEs')");
    return valves;
  }
  bool all_resolved = true;
  // Every valve's metrics are valve.<id>.*, so an id names one valve of any kind.
  std::vector<std::string> seen;
  auto each = [&](const std::string& kind, auto&& read) {
    const auto kind_at = map->get(kind);
    if (!kind_at) return;
    const auto entries = MapCursor::open_ids(*kind_at);
    if (!entries) return;
    if (entries->entries().empty())
      kind_at->error("must define at least one valve, or be left out");
    for (const auto& entry : entries->entries()) {
      if (std::find(seen.begin(), seen.end(), entry.key) != seen.end())
        entry.value.error("valve id " + entry.key +
                          " is already used by another valve: its metrics are valve." + entry.key +
                          ".*, so ids are unique across the valve kinds");
      seen.push_back(entry.key);
      bool resolved = false;
      read(entry, resolved);
      all_resolved = all_resolved && resolved;
    }
  };
  each("reserve_programmes", [&](const MapCursor::Entry& entry, bool& resolved) {
    valves.reserve_programmes.push_back(read_programme(entry, root, calendar, sla, ids, resolved));
  });
  each("cold_lists", [&](const MapCursor::Entry& entry, bool& resolved) {
    valves.cold_lists.push_back(
        read_cold_list(entry, root, context.capacity, ids, context.table, resolved));
  });
  each("named_accounts", [&](const MapCursor::Entry& entry, bool& resolved) {
    valves.named_accounts.push_back(read_named_accounts(
        entry, root, context.capacity, context.sources, ids, context.table, resolved));
  });
  if (at->sink().size() != problems_before || !all_resolved) return Valves{};
  valves.defined = true;
  return valves;
}

}  // namespace funnelsim::models
