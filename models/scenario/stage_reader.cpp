#include "models/scenario/stage_reader.hpp"

#include <string>

#include "models/scenario/distribution_reader.hpp"
#include "models/scenario/key_suggestion.hpp"
#include "models/scenario/probability_reader.hpp"

namespace funnelsim::models {

namespace {

// The transition of a stage that takes the remainder of its other probabilities: written
// `remainder`, or `scored` (the remainder too, then scored).
struct Filler {
  std::string target;
  bool scored = false;
};

// The rule a second remainder or scored transition of one stage breaks.
std::string second_filler_rule(const Filler& first, bool scored) {
  if (!first.scored && !scored)
    return "at most one transition of a stage can be remainder (" + first.target + " already is)";
  if (first.scored && scored)
    return "at most one transition can be scored (" + first.target + " already is)";
  return "a stage cannot have both a scored and a remainder transition: scored takes the "
         "remainder of the stage's other probabilities (" +
         first.target + " is " + (first.scored ? "scored" : "remainder") + ")";
}

// Reads the transitions of stage `index` into `stage`, and lists its `scored` transition in
// `scored`; returns false if any could not be read.
bool read_transitions(const YamlCursor& at, const ScenarioIds& ids, std::size_t index, Stage& stage,
                      std::vector<ScoredSite>& scored) {
  const auto map = MapCursor::open_references(at);
  if (!map) return false;
  bool complete = true;
  std::optional<Filler> filler;
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
    bool is_scored = false;
    if (probability_at) {
      probability = read_probability(*probability_at, ids);
      const YamlNode& node = probability_at->node();
      if (node.is_scalar() && (node.scalar == "remainder" || node.scalar == "scored")) {
        is_scored = node.scalar == "scored";
        if (is_scored) scored.push_back(ScoredSite{index, std::nullopt, *probability_at});
        if (filler) {
          probability_at->error(second_filler_rule(*filler, is_scored));
          complete = false;
          if (is_scored) scored.back().second_in_stage = true;
        } else {
          filler = Filler{entry.key, is_scored};
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
    if (is_scored) scored.back().transition = stage.transitions.size();
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
        site.complete =
            read_transitions(*transitions_at, ids, table.stages.size(), stage, table.scored);
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
