#include "models/scenario/stage_reader.hpp"

#include <string>

#include "models/scenario/distribution_reader.hpp"
#include "models/scenario/key_suggestion.hpp"
#include "models/scenario/probability_reader.hpp"

namespace funnelsim::models {

namespace {

// Reads one stage's transitions into `stage`; returns false if any could not be read.
bool read_transitions(const YamlCursor& at, const ScenarioIds& ids, Stage& stage) {
  const auto map = MapCursor::open_references(at);
  if (!map) return false;
  bool complete = true;
  std::optional<std::string> remainder_target;
  for (const auto& entry : map->entries()) {
    Transition transition;
    const auto target = ids.stages.index_of(entry.key);
    if (!target) {
      at.sink().report(entry.line, entry.column, entry.value.path(), entry.key,
                       "unknown stage" + suggestion_text(entry.key, ids.stages.ids));
      complete = false;
    }
    const auto fields = MapCursor::open(entry.value, {"probability", "delay"});
    if (!fields) {
      complete = false;
      continue;
    }
    const auto probability_at = fields->require("probability");
    std::optional<std::vector<ProbabilitySpec>> probability;
    if (probability_at) {
      probability = read_probability(*probability_at, ids);
      const YamlNode& node = probability_at->node();
      if (node.is_scalar() && node.scalar == "remainder") {
        if (remainder_target) {
          probability_at->error("at most one transition of a stage can be remainder (" +
                                *remainder_target + " already is)");
          complete = false;
        } else {
          remainder_target = entry.key;
        }
      }
    }
    if (const auto delay_at = fields->get("delay")) {
      const auto delay = read_distribution(*delay_at, DistributionUse::Delay);
      if (delay)
        transition.delay = *delay;
      else
        complete = false;
    }
    if (!target || !probability) {
      complete = false;
      continue;
    }
    transition.to = *target;
    transition.probability = std::move(*probability);
    stage.transitions.push_back(std::move(transition));
  }
  return complete;
}

}  // namespace

StageTable read_stages(const MapCursor& root, ScenarioIds& ids) {
  StageTable table;
  const auto at = root.require("stages");
  if (!at) return table;
  const auto map = MapCursor::open_ids(*at);
  if (!map) return table;
  ids.stages.known = true;
  for (const auto& entry : map->entries()) ids.stages.ids.push_back(entry.key);
  if (map->entries().empty()) {
    at->error("must define at least one stage");
    return table;
  }
  table.complete = ids.sources.known && ids.segments.known;
  for (const auto& entry : map->entries()) {
    Stage stage;
    stage.id = entry.key;
    stage.label = entry.key;
    // Problems with the stage as a whole point at its id.
    StageSite site{YamlCursor(entry.value.node(), entry.value.path(), entry.value.sink(),
                              entry.line, entry.column),
                   std::nullopt, true};
    const auto fields =
        MapCursor::open(entry.value, {"kind", "label", "pipeline", "bookings", "transitions"});
    if (fields) {
      if (const auto kind_at = fields->get("kind")) {
        const auto kind = kind_at->keyword({"entry", "normal"});
        if (kind == "entry") {
          if (table.entry)
            kind_at->error("only one stage can have kind entry (" + ids.stages.ids[*table.entry] +
                           " already has)");
          else
            table.entry = table.stages.size();
        }
      }
      if (const auto label_at = fields->get("label"))
        stage.label = label_at->string().value_or(stage.label);
      if (const auto pipeline_at = fields->get("pipeline"))
        stage.pipeline = pipeline_at->boolean().value_or(false);
      if (const auto bookings_at = fields->get("bookings"))
        stage.bookings = bookings_at->boolean().value_or(false);
      if (const auto transitions_at = fields->get("transitions")) {
        site.transitions = transitions_at;
        site.complete = read_transitions(*transitions_at, ids, stage);
      }
    } else {
      site.complete = false;
    }
    table.complete = table.complete && site.complete;
    table.stages.push_back(std::move(stage));
    table.sites.push_back(std::move(site));
  }
  if (!table.entry) {
    at->error(at->path(), "", "exactly one stage must have kind: entry (none has)");
    table.complete = false;
  }
  return table;
}

}  // namespace funnelsim::models
