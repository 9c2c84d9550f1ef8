#include "models/scenario/scenario_reader.hpp"

#include "models/funnel/funnel_model.hpp"
#include "models/scenario/sla_reader.hpp"

#include <string>
#include <vector>

#include "models/scenario/calendar_reader.hpp"
#include "models/scenario/capacity_reader.hpp"
#include "models/scenario/compensation_reader.hpp"
#include "models/scenario/distribution_reader.hpp"
#include "models/scenario/key_suggestion.hpp"
#include "models/scenario/map_cursor.hpp"
#include "models/scenario/nurture_reader.hpp"
#include "models/scenario/sales_ready_reader.hpp"
#include "models/scenario/scenario_ids.hpp"
#include "models/scenario/source_reader.hpp"
#include "models/scenario/stage_graph_check.hpp"
#include "models/scenario/stage_reader.hpp"
#include "models/scenario/valves_reader.hpp"

namespace funnelsim::models {

namespace {

constexpr std::int64_t MAX_REPLICATIONS = 10'000'000;
constexpr double MAX_SHOCK_SIGMA = 2.0;
constexpr double MAX_AUTOCORRELATION = 0.99;
constexpr double MAX_COHORT_COUNT = 1e7;
constexpr double MAX_AGE_DAYS = 3650.0;

void read_run(const MapCursor& root, Scenario& scenario) {
  const auto at = root.get("run");
  if (!at) return;
  const auto map = MapCursor::open(*at, {"replications", "seed"});
  if (!map) return;
  if (const auto replications_at = map->get("replications"))
    if (const auto n = replications_at->integer(1, MAX_REPLICATIONS))
      scenario.replications = static_cast<std::size_t>(*n);
  if (const auto seed_at = map->get("seed"))
    if (const auto seed = seed_at->unsigned_integer()) scenario.seed = *seed;
}

void read_segments(const MapCursor& root, Scenario& scenario, ScenarioIds& ids) {
  const auto at = root.require("segments");
  if (!at) return;
  const auto map = MapCursor::open_ids(*at);
  if (!map) return;
  ids.segments.known = true;
  if (map->entries().empty()) at->error("must define at least one segment");
  for (const auto& entry : map->entries()) {
    ids.segments.ids.push_back(entry.key);
    Segment segment;
    segment.id = entry.key;
    if (const auto fields = MapCursor::open(entry.value, {"deal_value"}))
      if (const auto deal_at = fields->require("deal_value"))
        if (const auto deal = read_distribution(*deal_at, DistributionUse::DealValue))
          segment.deal_value = *deal;
    scenario.segments.push_back(std::move(segment));
  }
}

void read_shocks(const MapCursor& root, Scenario& scenario) {
  const auto at = root.get("shocks");
  if (!at) return;
  const auto map = MapCursor::open(*at, {"monthly_volume"});
  if (!map) return;
  const auto volume_at = map->get("monthly_volume");
  if (!volume_at) return;
  const auto volume = MapCursor::open(*volume_at, {"sigma", "autocorrelation"});
  if (!volume) return;
  if (const auto sigma_at = volume->require("sigma"))
    scenario.volume_shock.sigma = sigma_at->number(between(0.0, MAX_SHOCK_SIGMA)).value_or(0.0);
  if (const auto rho_at = volume->get("autocorrelation"))
    scenario.volume_shock.autocorrelation =
        rho_at->number(between(0.0, MAX_AUTOCORRELATION)).value_or(0.0);
}

// A reference from the initial funnel to a declared id; reports an unknown one.
std::optional<std::size_t> resolve(const YamlCursor& at, const IdList& list, const char* noun) {
  const auto id = at.id();
  if (!id) return std::nullopt;
  const auto index = list.index_of(*id);
  if (!index && list.known)
    at.error(std::string("unknown ") + noun + suggestion_text(*id, list.ids));
  return index;
}

void read_age(const YamlCursor& at, InitialCohort& cohort) {
  if (at.node().is_sequence()) {
    const auto ages = at.numbers(between(0.0, MAX_AGE_DAYS));
    if (!ages) return;
    if (ages->size() != 2) {
      at.error("must be one age or [min, max]");
    } else if ((*ages)[0] > (*ages)[1]) {
      at.error("min must be <= max");
    } else {
      cohort.age_min_days = (*ages)[0];
      cohort.age_max_days = (*ages)[1];
    }
    return;
  }
  if (!at.node().is_scalar()) {
    at.wrong_type("an age in days or [min, max]");
    return;
  }
  if (const auto age = at.number(between(0.0, MAX_AGE_DAYS)))
    cohort.age_min_days = cohort.age_max_days = *age;
}

// Where a cohort sets `track`, checked once the `nurture` section has been read.
struct TrackSite {
  std::size_t cohort;
  YamlCursor at;
};

// Returns the stages the cohorts start in, for the trap check.
std::vector<std::size_t> read_initial_funnel(const MapCursor& root, const ScenarioIds& ids,
                                             const std::optional<std::size_t>& entry,
                                             Scenario& scenario,
                                             std::vector<TrackSite>& track_sites) {
  std::vector<std::size_t> stages;
  const auto at = root.get("initial_funnel");
  if (!at) return stages;
  const auto items = at->sequence();
  if (!items) return stages;
  for (const YamlCursor& item : *items) {
    const auto map =
        MapCursor::open(item, {"stage", "count", "age_days", "source", "segment", "track"});
    if (!map) continue;
    InitialCohort cohort;
    if (const auto stage_at = map->require("stage"))
      if (const auto stage = resolve(*stage_at, ids.stages, "stage")) {
        cohort.stage = *stage;
        stages.push_back(*stage);
        // Without scoring, an inquiry that has not moved on yet is a lead like any other
        // (calibrate starts from them); with it, it would skip the score it has not had.
        if (stage == entry && root.has("scoring"))
          stage_at->error(
              "must not be the entry stage when the scenario has `scoring`: an inquiry waiting "
              "there has not been scored yet");
      }
    if (const auto count_at = map->require("count"))
      cohort.count = static_cast<std::uint64_t>(
          count_at->integer(0, static_cast<std::int64_t>(MAX_COHORT_COUNT)).value_or(0));
    if (const auto age_at = map->get("age_days")) read_age(*age_at, cohort);
    if (const auto source_at = map->get("source"))
      cohort.source = resolve(*source_at, ids.sources, "source");
    if (const auto segment_at = map->get("segment"))
      cohort.segment = resolve(*segment_at, ids.segments, "segment");
    if (const auto track_at = map->get("track"))
      if (const auto takes = track_at->keyword({"new", "recycled"})) {
        cohort.track = *takes == "new" ? NurtureTrack::Takes::New : NurtureTrack::Takes::Recycled;
        track_sites.push_back({scenario.initial_funnel.size(), *track_at});
      }
    scenario.initial_funnel.push_back(cohort);
  }
  return stages;
}

}  // namespace

Scenario read_scenario(const YamlNode& root, DiagnosticSink& sink) {
  Scenario scenario;
  // An empty document has no position; point at its start.
  const YamlCursor root_at(root, "", sink, root.line > 0 ? root.line : 1,
                           root.column > 0 ? root.column : 1);
  if (!root.is_map()) {
    root_at.error(
        "a scenario must be a map of sections: name, calendar, segments, sources, "
        "stages, ...");
    return scenario;
  }
  const auto map = MapCursor::open(
      root_at, {"name", "description", "run", "calendar", "segments", "sources", "shocks", "stages",
                "initial_funnel", "capacity", "leads", "sales_ready", "scoring", "nurture",
                "compensation", "sla", "valves"});
  if (const auto name_at = map->require("name")) scenario.name = name_at->string().value_or("");
  if (const auto description_at = map->get("description")) {
    if (description_at->node().is_scalar())
      scenario.description = description_at->node().scalar;
    else
      description_at->wrong_type("a string");
  }
  read_run(*map, scenario);
  const auto calendar = read_calendar(*map);
  if (calendar) scenario.calendar = *calendar;
  ScenarioIds ids;
  read_segments(*map, scenario, ids);
  scenario.sources = read_sources(*map, calendar, ids);
  read_shocks(*map, scenario);
  StageTable table = read_stages(*map, ids);
  std::vector<TrackSite> track_sites;
  const auto cohort_stages = read_initial_funnel(*map, ids, table.entry, scenario, track_sites);
  check_stage_graph(table, cohort_stages, ids);
  scenario.capacity = read_capacity(*map, calendar, ids, table);
  scenario.leads = read_lead_attributes(*map, ids);
  scenario.sales_ready = read_sales_ready(*map, scenario.leads, ids, table);
  scenario.scoring = read_scoring(*map, scenario.leads, ids, table);
  scenario.nurture = read_nurture(*map, scenario.scoring, ids, table);
  scenario.compensation = read_compensation(*map, scenario.capacity, ids, table);
  const SlaRead sla = read_sla(*map);
  scenario.sla = sla.sla;
  scenario.valves = read_valves(*map, calendar, scenario.sla,
                                ValveContext{ids, scenario.sources, table, scenario.capacity});
  for (const TrackSite& site : track_sites) {
    const std::size_t stage = scenario.initial_funnel[site.cohort].stage;
    if (!map->get("nurture"))
      site.at.error("needs a `nurture` section: only leads in the nurture stage follow a track");
    else if (scenario.nurture.defined && stage != scenario.nurture.stage)
      site.at.error("only a cohort in the nurture stage (" +
                    ids.stages.ids[scenario.nurture.stage] + ") follows a track");
  }
  scenario.stages = std::move(table.stages);
  scenario.entry_stage = table.entry.value_or(0);
  // The SLA names forecast metrics, which exist only once the rest of the scenario is valid.
  if (sla.sla.defined && sink.empty()) check_sla_metrics(sla, FunnelModel(scenario).metric_names());
  return scenario;
}

}  // namespace funnelsim::models
