#include "models/scenario/compensation_reader.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario/capacity_reader.hpp"
#include "models/scenario/diagnostic_sink.hpp"
#include "models/scenario/key_suggestion.hpp"

namespace funnelsim::models {

namespace {

constexpr double MAX_BASE_SALARY_PER_MONTH = 1e6;
constexpr double MAX_PAYOUT = 1e7;
// Half-widths of the elasticity ranges, per unit of variable share: a share or probability
// moves by at most 1, attempts by at most 20 (max_attempts itself is capped at 50).
constexpr double MAX_SHARE_ELASTICITY = 1.0;
constexpr double MAX_ATTEMPTS_ELASTICITY = 20.0;

const char* const ELASTICITY_FORMS = "a number or {mean, sd}";

template <std::size_t N>
std::vector<std::string> strings(const std::array<std::string_view, N>& names) {
  return std::vector<std::string>(names.begin(), names.end());
}

const std::vector<std::string> SDR_PLANS = strings(Compensation::sdr_plan_names());
const std::vector<std::string> AE_PLANS = strings(Compensation::ae_plan_names());
const std::vector<std::string> SDR_ELASTICITY_KEYS = {"pass_unqualified", "follow_up_attempts",
                                                      "work_first"};
const std::vector<std::string> AE_ELASTICITY_KEYS = {"inbound_time_share"};
const std::vector<std::string> WORK_FIRST = {"keep", "fifo", "newest_first", "highest_score"};

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
  std::string list;
  for (const std::string& item : items) list += (list.empty() ? "" : separator) + item;
  return list;
}

std::optional<std::size_t> position(const std::vector<std::string>& names, std::string_view name) {
  const auto at = std::find(names.begin(), names.end(), name);
  if (at == names.end()) return std::nullopt;
  return static_cast<std::size_t>(at - names.begin());
}

// A number in [min, max]. The rule names both ends ("must be between 0 and 10000000"): a
// payout or salary has a ceiling too, and a user who wrote a negative one should see it.
std::optional<double> bounded(const YamlCursor& at, double min, double max) {
  const auto value = at.number(NumberRange{});
  if (!value) return std::nullopt;
  if (*value < min || *value > max) {
    at.error("must be between " + format_number(min) + " and " + format_number(max));
    return std::nullopt;
  }
  return value;
}

// Which plans a section takes, and the names to use in its messages.
struct PlanKind {
  const std::vector<std::string>& plans;
  const std::vector<std::string>& other_plans;
  const char* name;        // "SDR"
  const char* other_name;  // "AE"
  RepPool::Role role;
  const char* role_name;  // as written in `capacity`: "sdr"
};

const PlanKind SDR_KIND{SDR_PLANS, AE_PLANS, "SDR", "AE", RepPool::Role::Sdr, "sdr"};
const PlanKind AE_KIND{AE_PLANS, SDR_PLANS, "AE", "SDR", RepPool::Role::Ae, "ae"};

// A plan name of `kind`, as its index; a plan of the other kind is named as such.
std::optional<std::size_t> read_plan(const YamlCursor& at, const PlanKind& kind) {
  if (at.node().is_scalar() && position(kind.other_plans, at.node().scalar)) {
    at.error(std::string("is an ") + kind.other_name + " plan; an " + kind.name +
             " plan is one of " + joined(kind.plans, " | "));
    return std::nullopt;
  }
  const auto name = at.keyword(kind.plans);
  if (!name) return std::nullopt;
  return position(kind.plans, *name);
}

// `pool`: a pool of `capacity` whose role is the plan's.
std::optional<std::size_t> read_pool(const YamlCursor& at, const MapCursor& root,
                                     const Capacity& capacity, const PlanKind& kind) {
  const auto index = read_pool_reference(
      at, root, capacity,
      "the plan's pool is one of its pools (its reps, their FTE and their queue)");
  if (!index) return std::nullopt;
  const RepPool& pool = capacity.pools[*index];
  if (pool.role != kind.role) {
    at.error("is a pool of role " + std::string(pool.role == RepPool::Role::Sdr ? "sdr" : "ae") +
             "; the " + kind.name + " plan needs a pool whose role is " + kind.role_name);
    return std::nullopt;
  }
  return index;
}

// The keys every plan section shares; fills the fields of `plan` they set.
template <class Plan, class PlanEnum>
void read_plan_fields(const MapCursor& map, const MapCursor& root, const Capacity& capacity,
                      const PlanKind& kind, Plan& plan) {
  if (const auto pool_at = map.get("pool")) plan.pool = read_pool(*pool_at, root, capacity, kind);
  if (const auto plan_at = map.require("plan"))
    if (const auto index = read_plan(*plan_at, kind)) plan.plan = static_cast<PlanEnum>(*index);
  plan.observed_plan = plan.plan;
  if (const auto observed_at = map.get("observed_plan"))
    if (const auto index = read_plan(*observed_at, kind))
      plan.observed_plan = static_cast<PlanEnum>(*index);
  if (const auto share_at = map.require("variable_share"))
    plan.variable_share = bounded(*share_at, 0.0, 1.0).value_or(0.0);
  plan.observed_variable_share = plan.variable_share;
  if (const auto observed_at = map.get("observed_variable_share"))
    plan.observed_variable_share =
        bounded(*observed_at, 0.0, 1.0).value_or(plan.observed_variable_share);
  if (const auto salary_at = map.get("base_salary_per_month")) {
    plan.base_salary_per_month = bounded(*salary_at, 0.0, MAX_BASE_SALARY_PER_MONTH).value_or(0.0);
    if (plan.base_salary_per_month > 0.0 && !map.has("pool"))
      salary_at->error("needs `pool`: the cost is salary x the pool's FTE");
  }
}

// SDR `payout`: dollars per lead entering each named stage.
void read_sdr_payout(const YamlCursor& at, const ScenarioIds& ids, SdrCompensation& sdr) {
  const auto map = MapCursor::open_references(at);
  if (!map) return;
  for (const auto& entry : map->entries()) {
    const auto dollars = bounded(entry.value, 0.0, MAX_PAYOUT);
    const auto stage = ids.stages.index_of(entry.key);
    if (!stage) {
      if (ids.stages.known)
        at.sink().report(entry.line, entry.column, entry.value.path(), entry.key,
                         "unknown stage" + suggestion_text(entry.key, ids.stages.ids));
      continue;
    }
    if (dollars) sdr.payout.emplace_back(*stage, *dollars);
  }
}

// The keys of an `sdr` or `ae` plan.
const std::vector<std::string> PLAN_KEYS = {"pool",
                                            "plan",
                                            "observed_plan",
                                            "variable_share",
                                            "observed_variable_share",
                                            "base_salary_per_month",
                                            "payout"};

SdrCompensation read_sdr(const YamlCursor& at, const MapCursor& root, const Capacity& capacity,
                         const ScenarioIds& ids) {
  SdrCompensation sdr;
  const auto map = MapCursor::open(at, PLAN_KEYS);
  if (!map) return sdr;
  read_plan_fields<SdrCompensation, SdrPlan>(*map, root, capacity, SDR_KIND, sdr);
  if (const auto payout_at = map->get("payout")) read_sdr_payout(*payout_at, ids, sdr);
  return sdr;
}

AeCompensation read_ae(const YamlCursor& at, const MapCursor& root, const Capacity& capacity,
                       const StageTable& stages) {
  AeCompensation ae;
  const auto map = MapCursor::open(at, PLAN_KEYS);
  if (!map) return ae;
  read_plan_fields<AeCompensation, AePlan>(*map, root, capacity, AE_KIND, ae);
  const auto payout_at = map->get("payout");
  if (!payout_at) return ae;
  const auto payout = MapCursor::open(*payout_at, {"bookings_rate", "new_logo"});
  if (!payout) return ae;
  if (const auto rate_at = payout->get("bookings_rate"))
    ae.bookings_rate = bounded(*rate_at, 0.0, 1.0).value_or(0.0);
  if (const auto logo_at = payout->get("new_logo")) {
    ae.new_logo = bounded(*logo_at, 0.0, MAX_PAYOUT).value_or(0.0);
    const bool books = std::any_of(stages.stages.begin(), stages.stages.end(),
                                   [](const Stage& stage) { return stage.bookings; });
    // An incomplete stage table may have lost its bookings stage to a problem reported there.
    if (ae.new_logo > 0.0 && stages.complete && !books)
      logo_at->error(
          "needs a stage with `bookings: true`: a new logo is a lead entering one, and no stage "
          "books");
  }
  return ae;
}

// `cost_per`: stages, each once.
std::vector<std::size_t> read_cost_per(const YamlCursor& at, const ScenarioIds& ids) {
  std::vector<std::size_t> cost_per;
  const auto items = at.sequence();
  if (!items) return cost_per;
  for (const YamlCursor& item : *items) {
    const auto id = item.id();
    if (!id) continue;
    const auto stage = ids.stages.index_of(*id);
    if (!stage) {
      if (ids.stages.known) item.error("unknown stage" + suggestion_text(*id, ids.stages.ids));
      continue;
    }
    if (std::find(cost_per.begin(), cost_per.end(), *stage) != cost_per.end()) {
      item.error("is listed twice");
      continue;
    }
    cost_per.push_back(*stage);
  }
  return cost_per;
}

// One elasticity: a number (known exactly) or {mean, sd}, the mean within +-half_width and
// the sd in [0, half_width].
std::optional<Elasticity> read_elasticity(const YamlCursor& at, double half_width) {
  const YamlNode& node = at.node();
  if (node.is_scalar() && parse_number(node.scalar)) {
    const auto mean = bounded(at, -half_width, half_width);
    if (!mean) return std::nullopt;
    return Elasticity{*mean, 0.0};
  }
  if (!node.is_map()) {
    at.wrong_type(ELASTICITY_FORMS);
    return std::nullopt;
  }
  const auto map = MapCursor::open(at, {"mean", "sd"});
  if (!map) return std::nullopt;
  std::optional<double> mean;
  if (const auto mean_at = map->require("mean")) mean = bounded(*mean_at, -half_width, half_width);
  std::optional<double> sd = 0.0;
  if (const auto sd_at = map->get("sd")) sd = bounded(*sd_at, 0.0, half_width);
  if (!mean || !sd) return std::nullopt;
  return Elasticity{*mean, *sd};
}

WorkFirst work_first_of(const std::string& name) {
  if (name == "fifo") return WorkFirst::Fifo;
  if (name == "newest_first") return WorkFirst::NewestFirst;
  if (name == "highest_score") return WorkFirst::HighestScore;
  return WorkFirst::Keep;
}

// A key of one plan's elasticities that is not of its kind: named as the other kind's, or
// unknown with the nearest key of its own kind (or all of them) in the rule.
void report_elasticity_key(const MapCursor::Entry& entry, const std::string& plan,
                           const PlanKind& kind, const std::vector<std::string>& own,
                           const std::vector<std::string>& other) {
  std::string rule;
  if (position(other, entry.key))
    rule = std::string("is an elasticity of ") + kind.other_name + " plans; plan " + plan +
           " takes " + joined(own, ", ");
  else
    rule = "unknown key" + suggestion_text(entry.key, own);
  entry.value.sink().report(entry.line, entry.column, entry.value.path(), entry.key, rule);
}

void read_sdr_elasticities(const MapCursor::Entry& plan, SdrElasticities& elasticities) {
  const auto map = MapCursor::open_references(plan.value);
  if (!map) return;
  for (const auto& entry : map->entries()) {
    if (entry.key == "pass_unqualified") {
      if (const auto e = read_elasticity(entry.value, MAX_SHARE_ELASTICITY))
        elasticities.pass_unqualified = *e;
    } else if (entry.key == "follow_up_attempts") {
      if (const auto e = read_elasticity(entry.value, MAX_ATTEMPTS_ELASTICITY))
        elasticities.follow_up_attempts = *e;
    } else if (entry.key == "work_first") {
      if (const auto name = entry.value.keyword(WORK_FIRST))
        elasticities.work_first = work_first_of(*name);
    } else {
      report_elasticity_key(entry, plan.key, SDR_KIND, SDR_ELASTICITY_KEYS, AE_ELASTICITY_KEYS);
    }
  }
}

void read_ae_elasticities(const MapCursor::Entry& plan, AeElasticities& elasticities) {
  const auto map = MapCursor::open_references(plan.value);
  if (!map) return;
  for (const auto& entry : map->entries()) {
    if (entry.key == "inbound_time_share") {
      if (const auto e = read_elasticity(entry.value, MAX_SHARE_ELASTICITY))
        elasticities.inbound_time_share = *e;
    } else {
      report_elasticity_key(entry, plan.key, AE_KIND, AE_ELASTICITY_KEYS, SDR_ELASTICITY_KEYS);
    }
  }
}

// `elasticities`: per plan name, overrides of the fields they give; the rest keep their
// defaults.
void read_elasticities(const YamlCursor& at, Compensation& compensation) {
  std::vector<std::string> plans = SDR_PLANS;
  plans.insert(plans.end(), AE_PLANS.begin(), AE_PLANS.end());
  const auto map = MapCursor::open(at, plans);
  if (!map) return;
  for (const auto& entry : map->entries()) {
    if (const auto sdr = position(SDR_PLANS, entry.key))
      read_sdr_elasticities(entry, compensation.sdr_elasticities[*sdr]);
    else if (const auto ae = position(AE_PLANS, entry.key))
      read_ae_elasticities(entry, compensation.ae_elasticities[*ae]);
  }
}

}  // namespace

Compensation read_compensation(const MapCursor& root, const Capacity& capacity,
                               const ScenarioIds& ids, const StageTable& stages) {
  Compensation compensation;
  const auto at = root.get("compensation");
  if (!at) return compensation;
  // Every problem is reported where it is found; the section is usable only without any.
  const std::size_t problems_before = at->sink().size();
  const auto map = MapCursor::open(*at, {"sdr", "ae", "cost_per", "elasticities"});
  if (!map) return compensation;
  if (!map->has("sdr") && !map->has("ae"))
    at->error("must define sdr, ae or both: the plans whose cost and effect are modelled");
  if (const auto sdr_at = map->get("sdr"))
    compensation.sdr = read_sdr(*sdr_at, root, capacity, ids);
  if (const auto ae_at = map->get("ae")) compensation.ae = read_ae(*ae_at, root, capacity, stages);
  if (const auto cost_at = map->get("cost_per"))
    compensation.cost_per = read_cost_per(*cost_at, ids);
  if (const auto elasticities_at = map->get("elasticities"))
    read_elasticities(*elasticities_at, compensation);
  if (at->sink().size() != problems_before) return Compensation{};
  compensation.defined = true;
  return compensation;
}

}  // namespace funnelsim::models
