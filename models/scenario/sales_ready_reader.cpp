#include "models/scenario/sales_ready_reader.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "models/scenario/diagnostic_sink.hpp"
#include "models/scenario/distribution_reader.hpp"
#include "models/scenario/key_suggestion.hpp"

namespace funnelsim::models {

namespace {

constexpr double SHARE_TOLERANCE = 1e-6;
constexpr std::size_t MAX_PERSONAS = 255;
constexpr double MAX_COOLDOWN_DAYS = 3650.0;
constexpr std::int64_t MAX_RECYCLES = 100;

void read_personas(const YamlCursor& at, LeadAttributes& leads) {
  const auto map = MapCursor::open_ids(at);
  if (!map) return;
  if (map->entries().empty()) {
    at.error("must name at least one persona with its share");
    return;
  }
  if (map->entries().size() > MAX_PERSONAS) {
    at.error("has " + std::to_string(map->entries().size()) + " personas; at most " +
             std::to_string(MAX_PERSONAS));
    return;
  }
  double sum = 0.0;
  bool ok = true;
  for (const auto& entry : map->entries()) {
    const auto share = entry.value.number(between(0.0, 1.0));
    ok = ok && share.has_value();
    leads.personas.push_back(entry.key);
    leads.persona_share.push_back(share.value_or(0.0));
    sum += share.value_or(0.0);
  }
  if (ok && std::fabs(sum - 1.0) > SHARE_TOLERANCE)
    at.error("shares must sum to 1 (they sum to " + format_number(sum) + ")");
}

// Persona shares of an override: ids of the base personas only; unlisted ones get 0.
void read_override_personas(const YamlCursor& at, const LeadAttributes& base,
                            AttributeOverride& o) {
  const auto map = MapCursor::open_references(at);
  if (!map) return;
  o.persona_share.assign(base.personas.size(), 0.0);
  double sum = 0.0;
  bool ok = true;
  for (const auto& entry : map->entries()) {
    std::optional<std::size_t> index;
    for (std::size_t p = 0; p < base.personas.size(); ++p)
      if (base.personas[p] == entry.key) index = p;
    const auto share = entry.value.number(between(0.0, 1.0));
    if (!index) {
      at.sink().report(entry.line, entry.column, entry.value.path(), entry.key,
                       "unknown persona" + suggestion_text(entry.key, base.personas) +
                           " (an override can only reshare the personas of leads.personas)");
      ok = false;
      continue;
    }
    ok = ok && share.has_value();
    o.persona_share[*index] = share.value_or(0.0);
    sum += share.value_or(0.0);
  }
  if (ok && std::fabs(sum - 1.0) > SHARE_TOLERANCE)
    at.error("shares must sum to 1 (they sum to " + format_number(sum) + ")");
  if (!ok) o.persona_share.clear();
}

// One override; `base` has been read, so an attribute it lacks is an error here.
AttributeOverride read_override(const YamlCursor& at, const LeadAttributes& base) {
  AttributeOverride o;
  const auto map = MapCursor::open(at, {"personas", "fit_score", "decision_timeline_months",
                                        "budget_known", "authority", "need"});
  if (!map) return o;
  auto base_has = [&](const YamlCursor& key_at, bool defined, const char* what) {
    if (!defined)
      key_at.error(std::string("overrides leads.") + what +
                   ", which the base `leads` section does not define (define it there first)");
    return defined;
  };
  if (const auto personas_at = map->get("personas"))
    if (base_has(*personas_at, !base.personas.empty(), "personas"))
      read_override_personas(*personas_at, base, o);
  if (const auto fit_at = map->get("fit_score"))
    if (base_has(*fit_at, base.fit_score.has_value(), "fit_score"))
      o.fit_score = read_number_or_distribution(*fit_at, DistributionUse::Points);
  if (const auto timeline_at = map->get("decision_timeline_months"))
    if (base_has(*timeline_at, base.decision_timeline_months.has_value(),
                 "decision_timeline_months"))
      o.decision_timeline_months =
          read_number_or_distribution(*timeline_at, DistributionUse::Months);
  if (const auto budget_at = map->get("budget_known"))
    if (base_has(*budget_at, base.budget_known.has_value(), "budget_known"))
      o.budget_known = budget_at->number(between(0.0, 1.0));
  if (const auto authority_at = map->get("authority"))
    if (base_has(*authority_at, base.authority.has_value(), "authority"))
      o.authority = authority_at->number(between(0.0, 1.0));
  if (const auto need_at = map->get("need"))
    if (base_has(*need_at, base.need.has_value(), "need"))
      o.need = need_at->number(between(0.0, 1.0));
  return o;
}

// by_source or by_segment: a map from ids of `dimension` to overrides.
std::vector<std::optional<AttributeOverride>> read_overrides(const YamlCursor& at,
                                                             const LeadAttributes& base,
                                                             const IdList& dimension,
                                                             const char* noun) {
  std::vector<std::optional<AttributeOverride>> out(dimension.size());
  const auto map = MapCursor::open_references(at);
  if (!map) return out;
  for (const auto& entry : map->entries()) {
    const auto index = dimension.index_of(entry.key);
    if (!index) {
      if (dimension.known)
        at.sink().report(
            entry.line, entry.column, entry.value.path(), entry.key,
            std::string("unknown ") + noun + suggestion_text(entry.key, dimension.ids));
      continue;
    }
    out[*index] = read_override(entry.value, base);
  }
  return out;
}

void read_slip(const YamlCursor& at, LeadAttributes& leads) {
  const auto map = MapCursor::open(at, {"monthly_probability", "months"});
  if (!map) return;
  if (const auto p_at = map->require("monthly_probability"))
    leads.slip_probability = p_at->number(between(0.0, 1.0)).value_or(0.0);
  if (const auto months_at = map->require("months"))
    if (const auto months = read_number_or_distribution(*months_at, DistributionUse::Months))
      leads.slip_months = *months;
}

void read_rules(const YamlCursor& at, const LeadAttributes& leads, SalesReady& ready) {
  const auto map = MapCursor::open(at, {"min_score", "personas", "need_required", "budget_required",
                                        "authority_required", "timeline_within_months"});
  if (!map) return;
  if (const auto score_at = map->get("min_score"))
    if (needs_attribute(*score_at, leads.fit_score.has_value(), "fit_score"))
      ready.min_score = score_at->number(between(0.0, MAX_SCORE));
  if (const auto personas_at = map->get("personas")) {
    if (needs_attribute(*personas_at, !leads.personas.empty(), "personas")) {
      if (const auto items = personas_at->sequence()) {
        ready.personas.assign(leads.personas.size(), false);
        if (items->empty()) personas_at->error("must list at least one persona");
        for (const YamlCursor& item : *items) {
          const auto id = item.id();
          if (!id) continue;
          std::optional<std::size_t> index;
          for (std::size_t p = 0; p < leads.personas.size(); ++p)
            if (leads.personas[p] == *id) index = p;
          if (!index) {
            item.error("unknown persona" + suggestion_text(*id, leads.personas));
            continue;
          }
          if (ready.personas[*index]) item.error("is listed twice");
          ready.personas[*index] = true;
        }
      }
    }
  }
  struct Flag {
    const char* key;
    const char* attribute;
    bool defined;
    bool* rule;
  };
  const Flag flags[] = {
      {"need_required", "need", leads.need.has_value(), &ready.need_required},
      {"budget_required", "budget_known", leads.budget_known.has_value(), &ready.budget_required},
      {"authority_required", "authority", leads.authority.has_value(), &ready.authority_required},
  };
  for (const Flag& flag : flags)
    if (const auto flag_at = map->get(flag.key))
      if (const auto value = flag_at->boolean(); value && *value)
        if (needs_attribute(*flag_at, flag.defined, flag.attribute)) *flag.rule = true;
  if (const auto timeline_at = map->get("timeline_within_months"))
    if (needs_attribute(*timeline_at, leads.decision_timeline_months.has_value(),
                        "decision_timeline_months"))
      ready.timeline_within_months = timeline_at->number(between(0.0, MAX_MONTHS_MEAN));
}

}  // namespace

std::optional<std::size_t> read_individual_stage(const YamlCursor& at, const ScenarioIds& ids,
                                                 const StageTable& stages,
                                                 const std::string& entry_rule) {
  const auto id = at.id();
  if (!id) return std::nullopt;
  const auto index = ids.stages.index_of(*id);
  if (!index) {
    if (ids.stages.known) at.error("unknown stage" + suggestion_text(*id, ids.stages.ids));
    return std::nullopt;
  }
  if (stages.entry == index) {
    at.error("cannot be the entry stage: " + entry_rule);
    return std::nullopt;
  }
  return index;
}

bool needs_attribute(const YamlCursor& at, bool defined, const char* what) {
  if (!defined)
    at.error(std::string("refers to leads.") + what + ", which the scenario's " +
             "`leads` section does not define");
  return defined;
}

LeadAttributes read_lead_attributes(const MapCursor& root, const ScenarioIds& ids) {
  LeadAttributes leads;
  leads.slip_months.kind = DistributionSpec::Kind::Fixed;
  leads.slip_months.a = 0.0;
  const auto at = root.get("leads");
  if (!at) return leads;
  const auto map =
      MapCursor::open(*at, {"personas", "fit_score", "decision_timeline_months", "budget_known",
                            "authority", "need", "timeline_slip", "by_source", "by_segment"});
  if (!map) return leads;
  leads.defined = true;
  if (const auto personas_at = map->get("personas")) read_personas(*personas_at, leads);
  if (const auto fit_at = map->get("fit_score"))
    leads.fit_score = read_number_or_distribution(*fit_at, DistributionUse::Points);
  if (const auto timeline_at = map->get("decision_timeline_months"))
    leads.decision_timeline_months =
        read_number_or_distribution(*timeline_at, DistributionUse::Months);
  if (const auto budget_at = map->get("budget_known"))
    leads.budget_known = budget_at->number(between(0.0, 1.0));
  if (const auto authority_at = map->get("authority"))
    leads.authority = authority_at->number(between(0.0, 1.0));
  if (const auto need_at = map->get("need")) leads.need = need_at->number(between(0.0, 1.0));
  if (const auto slip_at = map->get("timeline_slip")) {
    if (!leads.decision_timeline_months)
      slip_at->error("needs leads.decision_timeline_months: only a timeline can slip");
    else
      read_slip(*slip_at, leads);
  }
  if (const auto by_source_at = map->get("by_source"))
    leads.by_source = read_overrides(*by_source_at, leads, ids.sources, "source");
  if (const auto by_segment_at = map->get("by_segment"))
    leads.by_segment = read_overrides(*by_segment_at, leads, ids.segments, "segment");
  return leads;
}

SalesReady read_sales_ready(const MapCursor& root, const LeadAttributes& leads,
                            const ScenarioIds& ids, const StageTable& stages) {
  SalesReady ready;
  const auto at = root.get("sales_ready");
  if (!at) return ready;
  const auto map = MapCursor::open(*at, {"stage", "accept_to", "rules", "recycle_to",
                                         "cooldown_days", "max_recycles", "exhausted_to"});
  if (!map) return ready;
  if (!leads.defined) at->error("needs a `leads` section: the criteria judge lead attributes");
  constexpr std::size_t NONE = static_cast<std::size_t>(-1);
  std::size_t stage = NONE, accept_to = NONE;
  if (const auto stage_at = map->require("stage"))
    stage = read_individual_stage(*stage_at, ids, stages).value_or(NONE);
  if (const auto accept_at = map->require("accept_to")) {
    accept_to = read_individual_stage(*accept_at, ids, stages).value_or(NONE);
    if (stage != NONE && accept_to != NONE && stage < stages.stages.size()) {
      bool found = false;
      std::vector<std::string> targets;
      for (const Transition& t : stages.stages[stage].transitions) {
        found = found || t.to == accept_to;
        if (t.to < ids.stages.ids.size()) targets.push_back(ids.stages.ids[t.to]);
      }
      if (!found && stages.complete) {
        std::string list;
        for (const auto& id : targets) list += (list.empty() ? "" : ", ") + id;
        accept_at->error("must be one of stage " + ids.stages.ids[stage] + "'s transitions (" +
                         (list.empty() ? "it has none" : list) + ")");
        accept_to = NONE;
      }
    }
  }
  if (const auto rules_at = map->require("rules")) read_rules(*rules_at, leads, ready);
  if (const auto recycle_at = map->get("recycle_to"))
    ready.recycle_to = read_individual_stage(*recycle_at, ids, stages);
  if (const auto cooldown_at = map->get("cooldown_days"))
    ready.cooldown_days = cooldown_at->number(between(0.0, MAX_COOLDOWN_DAYS)).value_or(0.0);
  if (const auto max_at = map->get("max_recycles")) {
    ready.max_recycles = static_cast<int>(max_at->integer(0, MAX_RECYCLES).value_or(0));
    if (!ready.recycle_to && ready.max_recycles > 0)
      max_at->error("needs recycle_to: the stage rejected leads are recycled to");
  } else if (ready.recycle_to) {
    ready.max_recycles = 1;
  }
  if (const auto exhausted_at = map->get("exhausted_to"))
    ready.exhausted_to = read_individual_stage(*exhausted_at, ids, stages);
  if (stage != NONE && accept_to != NONE) {
    ready.defined = true;
    ready.stage = stage;
    ready.accept_to = accept_to;
  }
  return ready;
}

}  // namespace funnelsim::models
