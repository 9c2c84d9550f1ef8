#include "models/scenario/capacity_reader.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/scenario/calendar_reader.hpp"
#include "models/scenario/distribution_reader.hpp"
#include "models/scenario/key_suggestion.hpp"

namespace funnelsim::models {

namespace {

constexpr std::int64_t MAX_HEADCOUNT = 10'000;
constexpr std::int64_t MAX_HIRE_COUNT = 10'000;
constexpr double MAX_RAMP_MEAN_MONTHS = 60.0;
constexpr double MAX_ATTEMPT_INTERVAL_HOURS = 720.0;  // 30 days
constexpr std::int64_t MAX_ATTEMPTS = 50;
constexpr std::int64_t MAX_OPEN = 1'000'000;
constexpr double MINUTES_PER_WEEK = 7 * 24 * 60;
constexpr double HOURS_PER_DAY = 24.0;

const std::vector<std::string> POOL_KEYS = {"label",
                                            "role",
                                            "works",
                                            "sources",
                                            "segments",
                                            "headcount",
                                            "starting_tenure_months",
                                            "hires",
                                            "ramp",
                                            "ramp_months",
                                            "attrition",
                                            "schedule",
                                            "work",
                                            "queue",
                                            "speed_to_lead"};

const char* const COUNTS_NOT_LEADS = "the entry stage's leads are counts, not individual leads";

struct Context {
  const std::optional<Calendar>& calendar;
  const ScenarioIds& ids;
  const StageTable& stages;
};

DistributionSpec fixed(double value) {
  DistributionSpec spec;
  spec.kind = DistributionSpec::Kind::Fixed;
  spec.a = value;
  return spec;
}

// One list item resolved to a declared id, with where it was written.
struct Reference {
  std::size_t index;
  YamlCursor at;
};

struct References {
  std::vector<Reference> items;
  bool complete = true;  ///< every item named a declared id
};

// A list of references to declared ids (`noun`s): reports items that are not ids, unknown ids
// (with the nearest suggested, when the ids are known) and repeated ones (kept once).
std::optional<References> read_references(const YamlCursor& at, const IdList& list,
                                          const std::string& noun) {
  const auto items = at.sequence();
  if (!items) return std::nullopt;
  References references;
  for (const YamlCursor& item : *items) {
    const auto id = item.id();
    const auto index = id ? list.index_of(*id) : std::nullopt;
    if (!index) {
      if (id && list.known) item.error("unknown " + noun + suggestion_text(*id, list.ids));
      references.complete = false;
      continue;
    }
    bool repeated = false;
    for (const Reference& r : references.items) repeated = repeated || r.index == *index;
    if (repeated) {
      item.error("is listed twice");
      continue;
    }
    references.items.push_back(Reference{*index, item});
  }
  return references;
}

// `sources:` or `segments:`: flags by index; empty (every id accepted) when absent or wrong.
std::vector<bool> read_filter(const MapCursor& map, std::string_view key, const IdList& list,
                              const std::string& noun) {
  const auto at = map.get(key);
  if (!at) return {};
  const auto references = read_references(*at, list, noun);
  if (!references) return {};
  if (at->node().items.empty()) {
    at->error("must list at least one " + noun + "; leave the key out to accept every " + noun);
    return {};
  }
  std::vector<bool> accepted(list.size(), false);
  for (const Reference& r : references->items) accepted[r.index] = true;
  return accepted;
}

std::string id_list(const std::vector<std::size_t>& indices, const IdList& ids) {
  std::string text;
  for (const std::size_t i : indices) text += (text.empty() ? "" : ", ") + ids.ids[i];
  return text;
}

// Reads `works`; returns true when every listed stage was resolved and its transitions read,
// so that the checks of `qualifies` against their targets are meaningful.
bool read_works(const MapCursor& map, const Context& context, RepPool& pool) {
  const auto at = map.require("works");
  if (!at) return false;
  const auto references = read_references(*at, context.ids.stages, "stage");
  if (!references) return false;
  if (at->node().items.empty()) {
    at->error("must list at least one stage: a pool that works no stage has no leads");
    return false;
  }
  bool complete = references->complete && context.stages.complete;
  for (const Reference& r : references->items) {
    if (r.index >= context.stages.stages.size()) continue;
    // A stage refused here leaves the targets of the worked stages unknown, so `qualifies`
    // is not checked against them either.
    if (context.stages.entry == r.index) {
      r.at.error(std::string("cannot be worked by a pool: ") + COUNTS_NOT_LEADS);
      complete = false;
      continue;
    }
    const bool read = context.stages.sites[r.index].complete;
    complete = complete && read;
    if (read && context.stages.stages[r.index].transitions.empty()) {
      r.at.error("cannot be worked by a pool: stage " + context.ids.stages.ids[r.index] +
                 " has no transitions, so working its leads would change nothing");
      complete = false;
      continue;
    }
    pool.works.push_back(r.index);
  }
  return complete;
}

void read_hire(const YamlCursor& at, const std::optional<Calendar>& calendar, RepPool& pool) {
  const auto map = MapCursor::open(at, {"month", "count", "lag_days"});
  if (!map) return;
  HirePlan hire;
  if (const auto month_at = map->require("month"))
    if (const auto when = read_year_month(*month_at); when && calendar) {
      hire.month_index = months_since_start(*calendar, *when);
      check_within_horizon(*month_at, *calendar, hire.month_index);
    }
  if (const auto count_at = map->require("count"))
    hire.count = static_cast<int>(count_at->integer(1, MAX_HIRE_COUNT).value_or(1));
  if (const auto lag_at = map->get("lag_days"))
    hire.lag_days = read_number_or_distribution(*lag_at, DistributionUse::Delay).value_or(fixed(0));
  pool.hires.push_back(std::move(hire));
}

std::optional<std::vector<double>> read_ramp(const YamlCursor& at) {
  const auto items = at.sequence();
  if (!items) return std::nullopt;
  std::vector<double> ramp;
  bool ok = true;
  for (std::size_t month = 0; month < items->size(); ++month) {
    const YamlCursor& item = (*items)[month];
    const auto value = item.number(NumberRange{});
    if (value && *value > 1.0) {
      item.error(
          "must be <= 1: a ramp above 100% (productivity is a share of a fully ramped rep's)");
    } else if (value && *value <= 0.0) {
      item.error("must be > 0: productivity in tenure month " + std::to_string(month + 1) +
                 " as a share of a fully ramped rep's");
    } else if (value) {
      ramp.push_back(*value);
      continue;
    }
    ok = false;
  }
  if (!ok) return std::nullopt;
  return ramp;
}

void read_ramps(const MapCursor& map, RepPool& pool) {
  const auto ramp_at = map.get("ramp");
  const auto months_at = map.get("ramp_months");
  const auto ramp = ramp_at ? read_ramp(*ramp_at) : std::nullopt;
  std::optional<DistributionSpec> months;
  if (months_at) {
    months = read_number_or_distribution(*months_at, DistributionUse::Months);
    if (months && months->mean() > MAX_RAMP_MEAN_MONTHS) {
      months_at->error("mean ramp is " + format_rounded(months->mean()) +
                       " months; must be <= " + format_number(MAX_RAMP_MEAN_MONTHS));
      months.reset();
    }
  }
  if (ramp_at && months_at) {
    months_at->error("cannot be combined with ramp: give one of the two");
    return;
  }
  // Either key replaces the role's default ramp, whichever form that has.
  if (ramp_at) {
    pool.ramp = ramp.value_or(std::vector<double>{});
    pool.ramp_months.reset();
  } else if (months_at) {
    pool.ramp.clear();
    pool.ramp_months = months;
  }
}

void read_attrition(const YamlCursor& at, Attrition& attrition) {
  const auto map = MapCursor::open(at, {"monthly_hazard", "tenure_months", "backfill_lag_days"});
  if (!map) return;
  const auto hazard_at = map->get("monthly_hazard");
  const auto tenure_at = map->get("tenure_months");
  if (hazard_at) {
    NumberRange below_one = between(0.0, 1.0);
    below_one.max_exclusive = true;
    attrition.monthly_hazard = hazard_at->number(below_one).value_or(0.0);
  }
  if (tenure_at) {
    attrition.tenure_months = read_number_or_distribution(*tenure_at, DistributionUse::Months);
    if (hazard_at) {
      tenure_at->error("cannot be combined with monthly_hazard: give one of the two");
      attrition.tenure_months.reset();
    }
  }
  if (const auto backfill_at = map->get("backfill_lag_days"))
    attrition.backfill_lag_days = read_number_or_distribution(*backfill_at, DistributionUse::Delay);
}

// "HH:MM" (or "H:MM"), 00:00 .. 23:59, as hours after midnight.
std::optional<double> read_clock_time(const YamlCursor& at) {
  const std::string rule = "must be a time of day HH:MM, 00:00 to 23:59";
  if (!at.node().is_scalar()) {
    at.wrong_type("a time of day HH:MM");
    return std::nullopt;
  }
  const std::string& text = at.node().scalar;
  const std::size_t colon = text.find(':');
  auto parse = [&text](std::size_t from, std::size_t to) -> std::optional<int> {
    int value = 0;
    const auto [end, ec] = std::from_chars(text.data() + from, text.data() + to, value);
    if (ec != std::errc() || end != text.data() + to) return std::nullopt;
    return value;
  };
  if (colon == std::string::npos || colon < 1 || colon > 2 || text.size() != colon + 3) {
    at.error(rule);
    return std::nullopt;
  }
  const auto hours = parse(0, colon);
  const auto minutes = parse(colon + 1, text.size());
  if (!hours || !minutes || *hours < 0 || *hours > 23 || *minutes < 0 || *minutes > 59) {
    at.error(rule);
    return std::nullopt;
  }
  return *hours + *minutes / 60.0;
}

void read_schedule(const YamlCursor& at, WorkSchedule& schedule) {
  const auto map = MapCursor::open(at, {"days", "start", "hours_per_day", "holidays"});
  if (!map) return;
  if (const auto days_at = map->get("days"))
    if (const auto days = read_weekdays(*days_at)) schedule.days = *days;
  const auto start_at = map->get("start");
  const auto hours_at = map->get("hours_per_day");
  const auto start = start_at ? read_clock_time(*start_at) : std::nullopt;
  const auto hours = hours_at ? hours_at->number(above_at_most(0.0, HOURS_PER_DAY)) : std::nullopt;
  if (start) schedule.start_hour = *start;
  if (hours) schedule.hours_per_day = *hours;
  if (const auto holidays_at = map->get("holidays"))
    schedule.observe_holidays = holidays_at->boolean().value_or(true);
  // Checked when one of the two was given and neither was wrong.
  const bool given = start_at || hours_at;
  if (given && (!start_at || start) && (!hours_at || hours) &&
      schedule.hours_per_day < HOURS_PER_DAY &&
      schedule.start_hour + schedule.hours_per_day > HOURS_PER_DAY) {
    const int h = static_cast<int>(schedule.start_hour);
    const int m = static_cast<int>(std::lround((schedule.start_hour - h) * 60.0));
    char clock[8];
    std::snprintf(clock, sizeof clock, "%02d:%02d", h, m);
    (hours_at ? *hours_at : *start_at)
        .error("a day of " + format_number(schedule.hours_per_day) + " hours from " + clock +
               " passes midnight: it must end by 24:00 unless it lasts 24 hours");
  }
}

void read_work(const YamlCursor& at, const Context& context, RepPool& pool) {
  const auto map = MapCursor::open(
      at, {"attempt_minutes", "attempt_interval_hours", "max_attempts", "contact_probability",
           "qualification_minutes", "holds", "max_open", "open_minutes_per_week"});
  if (!map) return;
  if (const auto attempt_at = map->get("attempt_minutes"))
    if (const auto spec = read_number_or_distribution(*attempt_at, DistributionUse::Minutes))
      pool.attempt_minutes = *spec;
  if (const auto interval_at = map->get("attempt_interval_hours"))
    if (const auto hours = interval_at->number(above_at_most(0.0, MAX_ATTEMPT_INTERVAL_HOURS)))
      pool.attempt_interval_hours = *hours;
  if (const auto attempts_at = map->get("max_attempts"))
    if (const auto attempts = attempts_at->integer(1, MAX_ATTEMPTS))
      pool.max_attempts = static_cast<int>(*attempts);
  if (const auto contact_at = map->get("contact_probability"))
    if (const auto p = contact_at->number(above_at_most(0.0, 1.0))) pool.contact_probability = *p;
  if (const auto qualification_at = map->get("qualification_minutes"))
    if (const auto spec = read_number_or_distribution(*qualification_at, DistributionUse::Minutes))
      pool.qualification_minutes = *spec;
  if (const auto holds_at = map->get("holds"))
    if (const auto references = read_references(*holds_at, context.ids.stages, "stage"))
      for (const Reference& r : references->items) {
        if (context.stages.entry == r.index)
          r.at.error(std::string("cannot be held by a pool: ") + COUNTS_NOT_LEADS);
        else
          pool.holds.push_back(r.index);
      }
  if (const auto open_at = map->get("max_open"))
    pool.max_open = static_cast<int>(open_at->integer(0, MAX_OPEN).value_or(0));
  if (const auto minutes_at = map->get("open_minutes_per_week"))
    pool.open_minutes_per_week = minutes_at->number(between(0.0, MINUTES_PER_WEEK)).value_or(0.0);
}

// One of `by_source` / `by_segment`: points by id, 0 for ids not listed.
std::vector<double> read_score_table(const std::optional<YamlCursor>& at, const IdList& list,
                                     const std::string& noun) {
  std::vector<double> points(list.size(), 0.0);
  if (!at) return points;
  const auto map = MapCursor::open_references(*at);
  if (!map) return points;
  for (const auto& entry : map->entries()) {
    const auto value = entry.value.number(NumberRange{});
    if (const auto index = list.index_of(entry.key))
      points[*index] = value.value_or(0.0);
    else if (list.known)
      at->sink().report(entry.line, entry.column, entry.value.path(), entry.key,
                        "unknown " + noun + suggestion_text(entry.key, list.ids));
  }
  return points;
}

void read_queue(const YamlCursor& at, const ScenarioIds& ids, RepPool& pool) {
  const auto map = MapCursor::open(at, {"discipline", "score"});
  if (!map) return;
  if (const auto discipline_at = map->get("discipline"))
    if (const auto discipline = discipline_at->keyword({"fifo", "newest_first", "highest_score"}))
      pool.discipline = *discipline == "fifo"           ? QueueDiscipline::Fifo
                        : *discipline == "newest_first" ? QueueDiscipline::NewestFirst
                                                        : QueueDiscipline::HighestScore;
  const auto score_at = map->get("score");
  if (!score_at) return;
  const auto score = MapCursor::open(*score_at, {"by_source", "by_segment"});
  if (!score) return;
  const auto by_source = read_score_table(score->get("by_source"), ids.sources, "source");
  const auto by_segment = read_score_table(score->get("by_segment"), ids.segments, "segment");
  pool.score.assign(by_source.size() * by_segment.size(), 0.0);
  for (std::size_t source = 0; source < by_source.size(); ++source)
    for (std::size_t segment = 0; segment < by_segment.size(); ++segment)
      pool.score[source * by_segment.size() + segment] = by_source[source] + by_segment[segment];
}

std::optional<DecayCurve> read_points(const YamlCursor& at) {
  const auto items = at.sequence();
  if (!items) return std::nullopt;
  if (items->empty()) {
    at.error("must have at least one point [minutes, multiplier]");
    return std::nullopt;
  }
  DecayCurve curve;
  curve.kind = DecayCurve::Kind::Points;
  bool ok = true;
  for (const YamlCursor& item : *items) {
    if (!item.node().is_sequence() || item.node().items.size() != 2) {
      if (item.node().is_sequence())
        item.error("must be a point [minutes, multiplier]");
      else
        item.wrong_type("a point [minutes, multiplier]");
      ok = false;
      continue;
    }
    const auto parts = *item.sequence();
    const auto minutes = parts[0].number(at_least(0.0));
    const auto multiplier = parts[1].number(between(0.0, 1.0));
    if (!minutes || !multiplier) {
      ok = false;
      continue;
    }
    if (!curve.points.empty()) {
      const auto [last_minutes, last_multiplier] = curve.points.back();
      if (*minutes <= last_minutes) {
        parts[0].error("minutes must be strictly increasing (" + format_number(*minutes) +
                       " after " + format_number(last_minutes) + ")");
        ok = false;
      }
      if (*multiplier > last_multiplier) {
        parts[1].error("a decay must not increase (" + format_number(*multiplier) + " after " +
                       format_number(last_multiplier) + ")");
        ok = false;
      }
    }
    curve.points.emplace_back(*minutes, *multiplier);
  }
  if (!ok) return std::nullopt;
  return curve;
}

std::optional<DecayCurve> read_decay(const YamlCursor& at) {
  const std::string forms =
      "none, {half_life_minutes: h} or {points: [[minutes, multiplier], ...]}";
  if (at.node().is_scalar() && at.node().scalar == "none") return DecayCurve{};
  if (!at.node().is_map()) {
    if (at.node().is_scalar())
      at.error("must be " + forms);
    else
      at.wrong_type(forms);
    return std::nullopt;
  }
  const auto map = MapCursor::open(at, {"half_life_minutes", "points"});
  if (!map) return std::nullopt;
  const auto half_life_at = map->get("half_life_minutes");
  const auto points_at = map->get("points");
  if (half_life_at && points_at) {
    points_at->error("cannot be combined with half_life_minutes: give one of the two");
    return std::nullopt;
  }
  if (points_at) return read_points(*points_at);
  if (!half_life_at) {
    map->missing("half_life_minutes", "is required (or points instead)");
    return std::nullopt;
  }
  const auto half_life = half_life_at->number(above(0.0));
  if (!half_life) return std::nullopt;
  DecayCurve curve;
  curve.kind = DecayCurve::Kind::HalfLife;
  curve.half_life_minutes = *half_life;
  return curve;
}

void read_lost_to(const YamlCursor& at, const Context& context, RepPool& pool) {
  if (at.node().is_scalar() && at.node().scalar == "none") {
    pool.lost_to.reset();
    return;
  }
  const auto id = at.id();
  if (!id) return;
  const IdList& stages = context.ids.stages;
  const auto index = stages.index_of(*id);
  if (!index) {
    if (stages.known) {
      std::vector<std::string> candidates = stages.ids;
      candidates.push_back("none");
      at.error("unknown stage (or none)" + suggestion_text(*id, candidates));
    }
    return;
  }
  if (context.stages.entry == index) {
    at.error(std::string("cannot be the entry stage: ") + COUNTS_NOT_LEADS);
    return;
  }
  for (const std::size_t worked : pool.works)
    if (worked == *index) {
      at.error("must not be a stage this pool works: its lost leads would queue for it again");
      return;
    }
  pool.lost_to = index;
}

void read_qualifies(const YamlCursor& at, const Context& context, bool works_complete,
                    RepPool& pool) {
  const auto references = read_references(at, context.ids.stages, "stage");
  if (!references) return;
  std::vector<bool> is_target(context.ids.stages.size(), false);
  std::vector<std::size_t> targets;
  for (const std::size_t worked : pool.works)
    for (const Transition& t : context.stages.stages[worked].transitions)
      if (t.to < is_target.size() && !is_target[t.to]) {
        is_target[t.to] = true;
        targets.push_back(t.to);
      }
  for (const Reference& r : references->items) {
    if (works_complete && !is_target[r.index]) {
      r.at.error("must be the target of a transition of a stage this pool works (" +
                 id_list(pool.works, context.ids.stages) + "); the targets are " +
                 id_list(targets, context.ids.stages));
      continue;
    }
    if (pool.lost_to == r.index) {
      r.at.error("cannot be lost_to as well: lost leads go there, so its probability cannot decay");
      continue;
    }
    pool.qualifies.push_back(r.index);
  }
}

void read_speed_to_lead(const YamlCursor& at, const Context& context, bool works_complete,
                        RepPool& pool) {
  const auto map = MapCursor::open(at, {"contact_decay", "qualification_decay", "qualifies",
                                        "expire_after_days", "lost_to", "sla_minutes"});
  if (!map) return;
  if (const auto contact_at = map->get("contact_decay"))
    if (const auto curve = read_decay(*contact_at)) pool.contact_decay = *curve;
  if (const auto qualification_at = map->get("qualification_decay"))
    if (const auto curve = read_decay(*qualification_at)) pool.qualification_decay = *curve;
  // lost_to first: qualifies may not name it.
  if (const auto lost_at = map->get("lost_to")) read_lost_to(*lost_at, context, pool);
  if (const auto qualifies_at = map->get("qualifies"))
    read_qualifies(*qualifies_at, context, works_complete, pool);
  if (const auto expire_at = map->get("expire_after_days"))
    if (const auto days = expire_at->number(at_least(0.0))) pool.expire_after_days = *days;
  if (const auto sla_at = map->get("sla_minutes"))
    if (const auto minutes = sla_at->number(at_least(0.0))) pool.sla_minutes = *minutes;
}

RepPool read_pool(const std::string& id, const YamlCursor& at, const Context& context) {
  const auto map = MapCursor::open(at, POOL_KEYS);
  // The role sets every other key's default, so it is read first.
  RepPool::Role role = RepPool::Role::Sdr;
  if (map)
    if (const auto role_at = map->get("role"))
      if (const auto name = role_at->keyword({"sdr", "ae"}))
        role = *name == "ae" ? RepPool::Role::Ae : RepPool::Role::Sdr;
  RepPool pool = default_pool(role);
  pool.id = id;
  pool.label = id;
  if (!map) return pool;
  if (const auto label_at = map->get("label")) pool.label = label_at->string().value_or(id);
  const bool works_complete = read_works(*map, context, pool);
  pool.sources = read_filter(*map, "sources", context.ids.sources, "source");
  pool.segments = read_filter(*map, "segments", context.ids.segments, "segment");
  if (const auto headcount_at = map->require("headcount"))
    pool.headcount = static_cast<int>(headcount_at->integer(0, MAX_HEADCOUNT).value_or(0));
  if (const auto tenure_at = map->get("starting_tenure_months"))
    pool.starting_tenure_months = tenure_at->number(at_least(0.0));
  if (const auto hires_at = map->get("hires"))
    if (const auto items = hires_at->sequence())
      for (const YamlCursor& item : *items) read_hire(item, context.calendar, pool);
  read_ramps(*map, pool);
  if (const auto attrition_at = map->get("attrition"))
    read_attrition(*attrition_at, pool.attrition);
  if (const auto schedule_at = map->get("schedule")) read_schedule(*schedule_at, pool.schedule);
  if (const auto work_at = map->get("work")) read_work(*work_at, context, pool);
  if (const auto queue_at = map->get("queue")) read_queue(*queue_at, context.ids, pool);
  if (const auto speed_at = map->get("speed_to_lead"))
    read_speed_to_lead(*speed_at, context, works_complete, pool);
  return pool;
}

}  // namespace

DecayCurve published_qualification_decay() {
  DecayCurve curve;
  curve.kind = DecayCurve::Kind::Points;
  curve.points = {{0.0, 1.0}, {60.0, 1.0}, {120.0, 0.143}, {1440.0, 0.0167}};
  return curve;
}

RepPool default_pool(RepPool::Role role) {
  RepPool pool;
  pool.role = role;
  pool.attempt_interval_hours = 24.0;
  pool.discipline = QueueDiscipline::Fifo;
  if (role == RepPool::Role::Sdr) {
    pool.ramp = {0.25, 0.5, 0.75};
    pool.attempt_minutes = fixed(5.0);
    pool.max_attempts = 6;
    pool.contact_probability = 0.35;
    pool.qualification_minutes = fixed(20.0);
    pool.qualification_decay = published_qualification_decay();
    pool.expire_after_days = 14.0;
    pool.sla_minutes = 60.0;
  } else {
    DistributionSpec ramp;
    ramp.kind = DistributionSpec::Kind::Lognormal;
    ramp.a = std::log(5.0);
    ramp.b = 0.7;
    pool.ramp_months = ramp;
    pool.attempt_minutes = fixed(0.0);
    pool.max_attempts = 1;
    pool.contact_probability = 1.0;
    pool.qualification_minutes = fixed(60.0);
    pool.expire_after_days = 0.0;
    pool.sla_minutes = 1440.0;
  }
  return pool;
}

Capacity read_capacity(const MapCursor& root, const std::optional<Calendar>& calendar,
                       const ScenarioIds& ids, const StageTable& stages) {
  Capacity capacity;
  const auto at = root.get("capacity");
  if (!at) return capacity;
  const auto map = MapCursor::open(*at, {"report_lost_conversions", "pools"});
  if (!map) return capacity;
  if (const auto report_at = map->get("report_lost_conversions"))
    capacity.report_lost_conversions = report_at->boolean().value_or(true);
  const auto pools_at = map->get("pools");
  if (!pools_at) return capacity;
  const auto pools = MapCursor::open_ids(*pools_at);
  if (!pools) return capacity;
  const Context context{calendar, ids, stages};
  for (const auto& entry : pools->entries())
    capacity.pools.push_back(read_pool(entry.key, entry.value, context));
  return capacity;
}

std::optional<std::size_t> read_pool_reference(const YamlCursor& at, const MapCursor& root,
                                               const Capacity& capacity,
                                               const std::string& needs_capacity) {
  const auto id = at.id();
  if (!id) return std::nullopt;
  if (!root.has("capacity")) {
    at.error("needs a `capacity` section: " + needs_capacity);
    return std::nullopt;
  }
  std::vector<std::string> ids;
  for (const RepPool& pool : capacity.pools) ids.push_back(pool.id);
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (ids[i] == *id) return i;
  // When `capacity.pools` could not be read as a map, the id is lost to the problem reported
  // there rather than unknown.
  const auto section = root.get("capacity");
  const YamlNode::Entry* pools =
      section && section->node().is_map() ? section->node().find("pools") : nullptr;
  const bool readable = section && section->node().is_map() &&
                        (pools == nullptr || pools->value.is_null() || pools->value.is_map());
  if (readable)
    at.error("unknown pool" + (ids.empty() ? std::string(" (capacity defines no pools)")
                                           : suggestion_text(*id, ids)));
  return std::nullopt;
}

}  // namespace funnelsim::models
