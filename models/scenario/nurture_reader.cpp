#include "models/scenario/nurture_reader.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/scenario/diagnostic_sink.hpp"
#include "models/scenario/distribution_reader.hpp"
#include "models/scenario/key_suggestion.hpp"
#include "models/scenario/sales_ready_reader.hpp"

namespace funnelsim::models {

namespace {

constexpr double MAX_HALF_LIFE_DAYS = 3650.0;
constexpr double MAX_CADENCE_DAYS = 365.0;
constexpr std::int64_t MAX_TOUCHES = 1000;
constexpr double MAX_NURTURE_DAYS = 3650.0;
// A factor times a probability written with a few decimals lands a few ulps off 1.
constexpr double PROBABILITY_TOLERANCE = 1e-12;

const std::string ENGAGEMENT_FORMS =
    "a probability in [0, 1] or {by_persona: {id: p, ...}, default: p}";

std::string joined(const std::vector<std::string>& items) {
  std::string list;
  for (const std::string& item : items) list += (list.empty() ? "" : ", ") + item;
  return list;
}

// Checks where `scored` is written: only on a transition of the entry stage, and only once.
// Without a `scoring` section, each one is reported. Returns the accepted one, if any.
const ScoredSite* check_scored_sites(const StageTable& stages, const ScenarioIds& ids,
                                     bool has_scoring) {
  const ScoredSite* accepted = nullptr;
  for (const ScoredSite& site : stages.scored) {
    if (site.second_in_stage) {
      // Reported by read_stages.
    } else if (stages.entry && site.stage != *stages.entry) {
      site.probability.error("only the entry stage's leads are scored: write scored on a " +
                             std::string("transition of ") + ids.stages.ids[*stages.entry] +
                             ", not of " + ids.stages.ids[site.stage]);
    } else if (accepted) {
      site.probability.error("at most one transition can be scored (" +
                             ids.stages.ids[accepted->stage] + " already has one)");
    } else {
      accepted = &site;
    }
    if (!has_scoring)
      site.probability.error(
          "needs a `scoring` section: the scoring model decides which leads take this "
          "transition");
  }
  return has_scoring ? accepted : nullptr;
}

// The engagement probability by persona (one row when `leads` defines no personas).
std::optional<std::vector<double>> read_engagement_probability(const YamlCursor& at,
                                                               const LeadAttributes& leads) {
  const std::size_t rows = std::max<std::size_t>(1, leads.personas.size());
  const YamlNode& node = at.node();
  if (node.is_scalar() && parse_number(node.scalar)) {
    const auto p = at.number(between(0.0, 1.0));
    if (!p) return std::nullopt;
    return std::vector<double>(rows, *p);
  }
  if (!node.is_map()) {
    at.wrong_type(ENGAGEMENT_FORMS);
    return std::nullopt;
  }
  const auto map = MapCursor::open(at, {"by_persona", "default"});
  if (!map) return std::nullopt;
  const auto table_at = map->require("by_persona");
  const auto default_at = map->get("default");
  bool ok = true;
  std::optional<double> fallback;
  if (default_at) {
    fallback = default_at->number(between(0.0, 1.0));
    ok = fallback.has_value();
  }
  if (!table_at || !needs_attribute(*table_at, !leads.personas.empty(), "personas"))
    return std::nullopt;
  const auto table = MapCursor::open_references(*table_at);
  if (!table) return std::nullopt;
  std::vector<std::optional<double>> by_persona(leads.personas.size());
  // Listed even when its value is invalid: that problem is reported once, by number().
  std::vector<bool> is_listed(leads.personas.size(), false);
  for (const auto& entry : table->entries()) {
    const auto p = entry.value.number(between(0.0, 1.0));
    ok = ok && p.has_value();
    const auto index = std::find(leads.personas.begin(), leads.personas.end(), entry.key);
    if (index == leads.personas.end()) {
      at.sink().report(entry.line, entry.column, entry.value.path(), entry.key,
                       "unknown persona" + suggestion_text(entry.key, leads.personas));
      ok = false;
      continue;
    }
    const auto i = static_cast<std::size_t>(index - leads.personas.begin());
    by_persona[i] = p;
    is_listed[i] = true;
  }
  std::vector<std::string> unlisted;
  for (std::size_t i = 0; i < leads.personas.size(); ++i)
    if (!is_listed[i]) unlisted.push_back(leads.personas[i]);
  if (!default_at && !unlisted.empty()) {
    map->missing("default", "is required unless every persona is listed (not listed: " +
                                joined(unlisted) + ")");
    ok = false;
  }
  if (!ok) return std::nullopt;
  std::vector<double> probability(rows);
  for (std::size_t i = 0; i < rows; ++i)
    probability[i] = by_persona[i] ? *by_persona[i] : *fallback;
  return probability;
}

// Reads `engagement` into `scoring` (the flattened probability table included); returns
// false when a part the model needs is missing or invalid.
bool read_engagement(const YamlCursor& at, const LeadAttributes& leads, const ScenarioIds& ids,
                     Scoring& scoring) {
  const auto map =
      MapCursor::open(at, {"points_per_touch", "probability", "segment_factor", "half_life_days"});
  if (!map) return false;
  bool ok = true;
  if (const auto points_at = map->require("points_per_touch")) {
    const auto points = points_at->number(above_at_most(0.0, MAX_SCORE));
    scoring.points_per_touch = points.value_or(0.0);
    ok = ok && points.has_value();
  } else {
    ok = false;
  }
  std::optional<std::vector<double>> by_persona;
  if (const auto probability_at = map->require("probability"))
    by_persona = read_engagement_probability(*probability_at, leads);
  ok = ok && by_persona.has_value();
  if (const auto half_life_at = map->get("half_life_days"))
    scoring.half_life_days = half_life_at->number(above_at_most(0.0, MAX_HALF_LIFE_DAYS));

  const std::size_t segments = ids.segments.size();
  std::vector<double> factor(segments, 1.0);
  std::vector<std::optional<MapCursor::Entry>> factor_site(segments);
  if (const auto factor_at = map->get("segment_factor")) {
    if (const auto table = MapCursor::open_references(*factor_at)) {
      for (const auto& entry : table->entries()) {
        const auto f = entry.value.number(at_least(0.0));
        ok = ok && f.has_value();
        const auto index = ids.segments.index_of(entry.key);
        if (!index) {
          if (ids.segments.known)
            at.sink().report(entry.line, entry.column, entry.value.path(), entry.key,
                             "unknown segment" + suggestion_text(entry.key, ids.segments.ids));
          ok = false;
          continue;
        }
        if (!f) continue;
        factor[*index] = *f;
        factor_site[*index] = entry;
      }
    } else {
      ok = false;
    }
  }
  if (!by_persona) return false;

  // Each factor must keep every persona's probability in its segment a probability.
  const std::size_t rows = by_persona->size();
  for (std::size_t s = 0; s < segments; ++s) {
    if (!factor_site[s]) continue;
    std::size_t worst = 0;
    for (std::size_t p = 1; p < rows; ++p)
      if ((*by_persona)[p] > (*by_persona)[worst]) worst = p;
    const double product = (*by_persona)[worst] * factor[s];
    if (product <= 1.0 + PROBABILITY_TOLERANCE) continue;
    const std::string who = leads.personas.empty() ? "" : " of persona " + leads.personas[worst];
    factor_site[s]->value.error("makes the engagement probability" + who + " in segment " +
                                ids.segments.ids[s] + " " + format_number((*by_persona)[worst]) +
                                " * " + format_number(factor[s]) + " = " + format_rounded(product) +
                                "; must be <= 1");
    ok = false;
  }
  if (!ok) return false;
  scoring.engagement_probability.assign(rows * segments, 0.0);
  for (std::size_t p = 0; p < rows; ++p)
    for (std::size_t s = 0; s < segments; ++s)
      scoring.engagement_probability[p * segments + s] = (*by_persona)[p] * factor[s];
  return true;
}

// The nurture stage: leads leave it by the tracks, so it has no transitions of its own.
std::optional<std::size_t> read_nurture_stage(const YamlCursor& at, const ScenarioIds& ids,
                                              const StageTable& stages) {
  const auto index = read_individual_stage(
      at, ids, stages, "inquiries scored below the threshold go from it to the nurture stage");
  if (!index || *index >= stages.sites.size()) return index;
  const auto& transitions = stages.sites[*index].transitions;
  if (!transitions || !transitions->node().is_map()) return index;
  std::vector<std::string> targets;
  for (const YamlNode::Entry& entry : transitions->node().entries)
    targets.push_back(entry.key.text());
  if (targets.empty()) return index;
  at.error(
      "is the nurture stage: leads leave it by the tracks' rules, so it cannot have "
      "transitions of its own (it has " +
      std::to_string(targets.size()) + ": " + joined(targets) + ")");
  return std::nullopt;
}

// `returns_to` or `exit_to`: neither the entry stage nor the nurture stage.
std::optional<std::size_t> read_destination(const YamlCursor& at, const ScenarioIds& ids,
                                            const StageTable& stages,
                                            std::optional<std::size_t> nurture_stage) {
  const auto index =
      read_individual_stage(at, ids, stages, "its leads are counts, not individual leads");
  if (index && index == nurture_stage) {
    at.error("cannot be the nurture stage itself: leads leave the nurture stage for it");
    return std::nullopt;
  }
  return index;
}

// One track; false (and not added) when it is unusable.
bool read_track(const MapCursor::Entry& entry, std::vector<NurtureTrack>& tracks) {
  const auto fields = MapCursor::open(
      entry.value, {"takes", "cadence_days", "touches", "unsubscribe_probability", "max_days"});
  if (!fields) return false;
  NurtureTrack track;
  track.id = entry.key;
  bool ok = true;
  if (const auto takes_at = fields->require("takes")) {
    const auto takes = takes_at->keyword({"new", "recycled"});
    if (takes) {
      track.takes = *takes == "new" ? NurtureTrack::Takes::New : NurtureTrack::Takes::Recycled;
      for (const NurtureTrack& other : tracks)
        if (other.takes == track.takes) {
          takes_at->error("track " + other.id + " already takes " + *takes +
                          " leads: each kind of lead follows at most one track");
          ok = false;
        }
    }
    ok = ok && takes.has_value();
  } else {
    ok = false;
  }
  std::optional<double> cadence;
  if (const auto cadence_at = fields->require("cadence_days"))
    cadence = cadence_at->number(above_at_most(0.0, MAX_CADENCE_DAYS));
  std::optional<std::int64_t> touches;
  if (const auto touches_at = fields->require("touches"))
    touches = touches_at->integer(1, MAX_TOUCHES);
  ok = ok && cadence && touches;
  track.cadence_days = cadence.value_or(0.0);
  track.touches = static_cast<int>(touches.value_or(0));
  if (const auto unsubscribe_at = fields->get("unsubscribe_probability"))
    track.unsubscribe_probability = unsubscribe_at->number(between(0.0, 1.0)).value_or(0.0);
  track.max_days = track.cadence_days * track.touches;
  if (const auto max_at = fields->get("max_days")) {
    const auto max_days = max_at->number(above_at_most(0.0, MAX_NURTURE_DAYS));
    if (max_days && cadence && *max_days < *cadence) {
      max_at->error("is shorter than cadence_days (" + format_number(*cadence) +
                    "): no touch would happen");
      ok = false;
    }
    track.max_days = max_days.value_or(track.max_days);
  }
  if (ok) tracks.push_back(std::move(track));
  return ok;
}

}  // namespace

Scoring read_scoring(const MapCursor& root, const LeadAttributes& leads, const ScenarioIds& ids,
                     const StageTable& stages) {
  Scoring scoring;
  const auto at = root.get("scoring");
  const ScoredSite* site = check_scored_sites(stages, ids, at.has_value());
  if (!at) return scoring;
  const auto map = MapCursor::open(*at, {"threshold", "initial_engagement", "engagement"});
  if (!map) return scoring;
  bool ok = true;
  if (!leads.fit_score) {
    at->error("needs leads.fit_score: a lead's score is its fit plus its engagement");
    ok = false;
  }
  if (!site) {
    // A scored transition that could not be accepted has been reported already; so has an
    // entry stage transition that could not be read (it may have been meant as scored).
    if (stages.scored.empty() && stages.entry && stages.sites[*stages.entry].complete)
      at->error("no transition is scored: write `probability: scored` on the transition of " +
                ids.stages.ids[*stages.entry] +
                " (the entry stage) to the MQL stage, so that the scoring model decides which "
                "inquiries become MQLs");
    ok = false;
  } else if (site->transition) {
    scoring.transition = *site->transition;
  } else {
    ok = false;  // its target or probability could not be read (reported)
  }
  if (const auto threshold_at = map->require("threshold")) {
    const auto threshold = threshold_at->number(above_at_most(0.0, MAX_SCORE));
    scoring.threshold = threshold.value_or(0.0);
    ok = ok && threshold.has_value();
  } else {
    ok = false;
  }
  if (const auto initial_at = map->get("initial_engagement"))
    scoring.initial_engagement = read_number_or_distribution(*initial_at, DistributionUse::Points);
  if (const auto engagement_at = map->require("engagement"))
    ok = read_engagement(*engagement_at, leads, ids, scoring) && ok;
  else
    ok = false;
  scoring.defined = ok;
  return scoring;
}

Nurture read_nurture(const MapCursor& root, const Scoring& scoring, const ScenarioIds& ids,
                     const StageTable& stages) {
  Nurture nurture;
  const auto at = root.get("nurture");
  if (!at) return nurture;
  const auto map = MapCursor::open(*at, {"stage", "returns_to", "exit_to", "tracks"});
  if (!map) return nurture;
  if (!root.has("scoring"))
    at->error(
        "needs a `scoring` section: leads return from nurture when their score reaches the "
        "threshold");
  bool ok = scoring.defined;  // else reported: by read_scoring, or just above
  std::optional<std::size_t> stage;
  if (const auto stage_at = map->require("stage")) {
    stage = read_nurture_stage(*stage_at, ids, stages);
    // The default returns_to: the target of the scored transition, the MQL stage.
    if (stage && scoring.defined && stages.entry && !map->has("returns_to")) {
      const Stage& entry = stages.stages[*stages.entry];
      if (scoring.transition < entry.transitions.size()) {
        nurture.returns_to = entry.transitions[scoring.transition].to;
        if (nurture.returns_to == *stage) {
          stage_at->error(
              "is the target of the scored transition, where leads at the threshold "
              "go; the nurture stage holds the leads below it");
          stage.reset();
        }
      }
    }
  }
  ok = ok && stage.has_value();
  if (const auto returns_at = map->get("returns_to")) {
    const auto returns_to = read_destination(*returns_at, ids, stages, stage);
    nurture.returns_to = returns_to.value_or(0);
    ok = ok && returns_to.has_value();
  }
  if (const auto exit_at = map->get("exit_to")) {
    nurture.exit_to = read_destination(*exit_at, ids, stages, stage);
    ok = ok && nurture.exit_to.has_value();
  }
  if (const auto tracks_at = map->require("tracks")) {
    if (const auto tracks = MapCursor::open_ids(*tracks_at)) {
      if (tracks->entries().empty()) {
        tracks_at->error(
            "must define a track: one that takes new leads, one that takes recycled leads, "
            "or one of each");
        ok = false;
      }
      for (const auto& entry : tracks->entries()) ok = read_track(entry, nurture.tracks) && ok;
    } else {
      ok = false;
    }
  } else {
    ok = false;
  }
  if (ok) {
    nurture.defined = true;
    nurture.stage = *stage;
  }
  return nurture;
}

}  // namespace funnelsim::models
