#include "models/scenario/source_reader.hpp"

#include <cmath>
#include <string>

#include "models/scenario/calendar_reader.hpp"
#include "models/scenario/key_suggestion.hpp"

namespace funnelsim::models {

namespace {

constexpr double MAX_TREND = 0.5;
constexpr double MAX_SEASONAL_FACTOR = 10.0;
constexpr double MAX_OVERDISPERSION = 3.0;
constexpr double MIX_TOLERANCE = 1e-6;
constexpr int MAX_BURST_DAYS = 31;

void read_volume(const MapCursor& map, Source& source) {
  const auto monthly = map.get("monthly_volume");
  const auto daily = map.get("daily_volume");
  if (monthly && daily) {
    daily->error("cannot be combined with monthly_volume: give one of the two");
    return;
  }
  if (!monthly && !daily) {
    map.missing("monthly_volume", "is required (or daily_volume instead)");
    return;
  }
  source.basis = monthly ? Source::Basis::Monthly : Source::Basis::Daily;
  if (const auto volume = (monthly ? *monthly : *daily).number(between(0.0, MAX_VOLUME)))
    source.volume = *volume;
}

void read_seasonality(const YamlCursor& at, Source& source) {
  const auto items = at.sequence();
  if (!items) return;
  if (items->size() != 12)
    at.error("must have 12 multipliers, January to December (found " +
             std::to_string(items->size()) + ")");
  const auto factors = at.numbers(between(0.0, MAX_SEASONAL_FACTOR));
  if (!factors || factors->size() != 12) return;
  for (std::size_t m = 0; m < 12; ++m) source.seasonality[m] = (*factors)[m];
}

void read_segment_mix(const MapCursor& map, const IdList& segments, Source& source) {
  const auto at = map.get("segment_mix");
  if (!at) {
    if (segments.size() == 1) source.segment_mix = {1.0};
    if (segments.size() > 1)
      map.missing("segment_mix", "is required when there is more than one segment");
    return;
  }
  const auto mix = MapCursor::open_references(*at);
  if (!mix) return;
  std::vector<double> shares(segments.size(), 0.0);
  bool ok = true;
  double sum = 0.0;
  for (const auto& entry : mix->entries()) {
    const auto share = entry.value.number(between(0.0, 1.0));
    ok = ok && share.has_value();
    sum += share.value_or(0.0);
    if (const auto index = segments.index_of(entry.key)) {
      shares[*index] = share.value_or(0.0);
    } else if (segments.known) {
      at->sink().report(entry.line, entry.column, entry.value.path(), entry.key,
                        "unknown segment" + suggestion_text(entry.key, segments.ids));
      ok = false;
    }
  }
  if (ok && std::fabs(sum - 1.0) > MIX_TOLERANCE) {
    at->error("shares must sum to 1 (they sum to " + format_number(sum) + ")");
    ok = false;
  }
  if (ok) source.segment_mix = shares;
}

void read_burst(const YamlCursor& at, const std::optional<Calendar>& calendar, Source& source) {
  const auto map = MapCursor::open(at, {"month", "volume", "first_day", "days"});
  if (!map) return;
  Burst burst;
  std::optional<YearMonth> when;
  if (const auto month_at = map->require("month")) {
    when = read_year_month(*month_at);
    if (when && calendar) {
      burst.month_index = months_since_start(*calendar, *when);
      check_within_horizon(*month_at, *calendar, burst.month_index);
    }
  }
  if (const auto volume_at = map->require("volume"))
    burst.volume = volume_at->number(between(0.0, MAX_VOLUME)).value_or(0.0);
  if (const auto first_at = map->get("first_day")) {
    const int last_day = when ? days_in_month(when->year, when->month) : 31;
    burst.first_day = static_cast<int>(first_at->integer(1, last_day).value_or(1));
  }
  if (const auto days_at = map->get("days"))
    burst.days = static_cast<int>(days_at->integer(1, MAX_BURST_DAYS).value_or(1));
  source.bursts.push_back(burst);
}

Source read_source(const std::string& id, const YamlCursor& at, const IdList& segments,
                   const std::optional<Calendar>& calendar) {
  Source source;
  source.id = id;
  const auto map = MapCursor::open(at, {"monthly_volume", "daily_volume", "arrivals", "trend",
                                        "seasonality", "overdispersion", "segment_mix", "bursts"});
  if (!map) return source;
  read_volume(*map, source);
  if (const auto arrivals_at = map->get("arrivals"))
    if (const auto arrivals = arrivals_at->keyword({"calendar", "uniform"}))
      source.follows_calendar = *arrivals == "calendar";
  if (const auto trend_at = map->get("trend"))
    source.trend = trend_at->number(between(-MAX_TREND, MAX_TREND)).value_or(0.0);
  if (const auto seasonality_at = map->get("seasonality"))
    read_seasonality(*seasonality_at, source);
  if (const auto over_at = map->get("overdispersion"))
    source.overdispersion = over_at->number(between(0.0, MAX_OVERDISPERSION)).value_or(0.0);
  read_segment_mix(*map, segments, source);
  if (const auto bursts_at = map->get("bursts"))
    if (const auto items = bursts_at->sequence())
      for (const YamlCursor& item : *items) read_burst(item, calendar, source);
  return source;
}

}  // namespace

std::vector<Source> read_sources(const MapCursor& root, const std::optional<Calendar>& calendar,
                                 ScenarioIds& ids) {
  std::vector<Source> sources;
  const auto at = root.require("sources");
  if (!at) return sources;
  const auto map = MapCursor::open_ids(*at);
  if (!map) return sources;
  ids.sources.known = true;
  for (const auto& entry : map->entries()) ids.sources.ids.push_back(entry.key);
  if (map->entries().empty()) at->error("must define at least one source");
  for (const auto& entry : map->entries())
    sources.push_back(read_source(entry.key, entry.value, ids.segments, calendar));
  return sources;
}

}  // namespace funnelsim::models
