#include "models/scenario/distribution_reader.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "models/scenario/map_cursor.hpp"

namespace funnelsim::models {

namespace {

const std::vector<std::string> KINDS = {"fixed",     "exponential", "gamma",
                                        "lognormal", "weibull",     "empirical"};
// A cv above 10 means a gamma shape below 0.01 or a lognormal sigma above 2.15: almost all
// mass near zero and a mean carried by rare huge values, which is never what a planner means.
constexpr double MAX_CV = 10.0;
constexpr double MAX_SIGMA = 5.0;
// exp(50) dollars or days is already absurd; the bound keeps every derived mean finite.
constexpr double MAX_ABS_MU = 50.0;
constexpr double PROBABILITY_SUM_TOLERANCE = 1e-6;

using ParameterSet = std::vector<std::string>;

// Delays, work times and scores may be exactly 0; dollars, lengths of time in months and
// counts of leads may not (a programme that yields no leads is not a programme).
bool may_be_zero(DistributionUse use) {
  return use == DistributionUse::Delay || use == DistributionUse::Minutes ||
         use == DistributionUse::Points;
}

// The largest mean `use` allows and its unit; infinity when unbounded.
double max_mean(DistributionUse use) {
  switch (use) {
    case DistributionUse::Delay:
      return MAX_DELAY_MEAN_DAYS;
    case DistributionUse::Minutes:
      return MAX_MINUTES_MEAN;
    case DistributionUse::Months:
      return MAX_MONTHS_MEAN;
    case DistributionUse::Points:
      return MAX_SCORE;
    case DistributionUse::Count:
      return MAX_COUNT_MEAN;
    case DistributionUse::DealValue:
      break;
  }
  return std::numeric_limits<double>::infinity();
}

const char* unit(DistributionUse use) {
  switch (use) {
    case DistributionUse::Delay:
      return "days";
    case DistributionUse::Minutes:
      return "minutes";
    case DistributionUse::Months:
      return "months";
    case DistributionUse::Points:
      return "points";
    case DistributionUse::Count:
      return "leads";
    case DistributionUse::DealValue:
      break;
  }
  return "dollars";
}

// The parameterisations each kind accepts, in documentation order.
std::vector<ParameterSet> parameter_sets(const std::string& kind) {
  if (kind == "fixed") return {{"value"}};
  if (kind == "exponential") return {{"mean"}};
  if (kind == "gamma") return {{"shape", "scale"}, {"mean", "cv"}};
  if (kind == "lognormal") return {{"median", "sigma"}, {"mu", "sigma"}, {"mean", "cv"}};
  if (kind == "weibull") return {{"shape", "scale"}};
  if (kind == "empirical") return {{"edges", "probabilities"}};
  return {};
}

std::vector<std::string> allowed_keys(const std::vector<std::string>& kinds) {
  std::vector<std::string> keys = {"distribution"};
  for (const std::string& kind : kinds)
    for (const ParameterSet& set : parameter_sets(kind))
      for (const std::string& key : set) {
        bool seen = false;
        for (const std::string& k : keys) seen = seen || k == key;
        if (!seen) keys.push_back(key);
      }
  return keys;
}

std::string describe_sets(const std::string& kind) {
  std::string text;
  const auto sets = parameter_sets(kind);
  for (std::size_t i = 0; i < sets.size(); ++i) {
    if (i > 0) text += ", or ";
    for (std::size_t j = 0; j < sets[i].size(); ++j) text += (j > 0 ? " and " : "") + sets[i][j];
  }
  return text;
}

struct Choice {
  ParameterSet keys;
  bool complete = true;  ///< every key of the set is present and no foreign key is
};

// Picks the parameterisation the user meant (the one sharing most keys with what was
// written, the first on a tie: {mu, sigma} is lognormal's second form even though `sigma`
// is also in its first), reports keys from other parameterisations and missing keys of the
// chosen one.
std::optional<Choice> choose_parameters(const MapCursor& map, const std::string& kind) {
  const auto sets = parameter_sets(kind);
  const ParameterSet* chosen = nullptr;
  std::size_t most = 0;
  for (const ParameterSet& set : sets) {
    std::size_t shared = 0;
    for (const std::string& key : set) shared += map.has(key) ? 1 : 0;
    if (shared > most) {
      most = shared;
      chosen = &set;
    }
  }
  if (!chosen) {
    map.cursor().error(kind + " needs " + describe_sets(kind));
    return std::nullopt;
  }
  bool ok = true;
  for (const auto& entry : map.entries()) {
    if (entry.key == "distribution") continue;
    bool in_set = false;
    for (const std::string& key : *chosen) in_set = in_set || key == entry.key;
    if (!in_set) {
      std::string chosen_text;
      for (const std::string& key : *chosen)
        chosen_text += (chosen_text.empty() ? "" : " and ") + key;
      entry.value.error("cannot be combined with " + chosen_text + "; " + kind + " takes " +
                        describe_sets(kind));
      ok = false;
    }
  }
  for (const std::string& key : *chosen)
    if (!map.require(key)) ok = false;
  return Choice{*chosen, ok};
}

std::optional<double> number_at(const MapCursor& map, const std::string& key,
                                const NumberRange& range) {
  const auto at = map.get(key);
  return at ? at->number(range) : std::nullopt;
}

std::optional<DistributionSpec> read_empirical(const MapCursor& map) {
  const auto edges_at = map.get("edges");
  const auto probabilities_at = map.get("probabilities");
  const auto edges = edges_at ? edges_at->numbers(at_least(0.0)) : std::nullopt;
  const auto probabilities =
      probabilities_at ? probabilities_at->numbers(between(0.0, 1.0)) : std::nullopt;
  if (!edges || !probabilities) return std::nullopt;
  bool ok = true;
  for (std::size_t i = 1; i < edges->size(); ++i)
    if ((*edges)[i] <= (*edges)[i - 1]) {
      edges_at->error("must be strictly increasing (edge " + std::to_string(i) + " is " +
                      format_number((*edges)[i]) + ")");
      ok = false;
      break;
    }
  if (probabilities->empty() || edges->size() != probabilities->size() + 1) {
    edges_at->error("must have one more edge than probabilities (" + std::to_string(edges->size()) +
                    " edges, " + std::to_string(probabilities->size()) +
                    " probabilities, at least 1)");
    ok = false;
  }
  double sum = 0.0;
  for (const double p : *probabilities) sum += p;
  if (std::fabs(sum - 1.0) > PROBABILITY_SUM_TOLERANCE) {
    probabilities_at->error("must sum to 1 (they sum to " + format_number(sum) + ")");
    ok = false;
  }
  if (!ok) return std::nullopt;
  DistributionSpec spec;
  spec.kind = DistributionSpec::Kind::Empirical;
  spec.edges = *edges;
  spec.probabilities = *probabilities;
  return spec;
}

std::optional<DistributionSpec> read_parameters(const MapCursor& map, const std::string& kind,
                                                const ParameterSet& set, DistributionUse use) {
  using Kind = DistributionSpec::Kind;
  DistributionSpec spec;
  const NumberRange positive = above(0.0);
  if (kind == "fixed") {
    const auto value = number_at(map, "value", may_be_zero(use) ? at_least(0.0) : positive);
    if (!value) return std::nullopt;
    spec.kind = Kind::Fixed;
    spec.a = *value;
    return spec;
  }
  if (kind == "exponential") {
    const auto mean = number_at(map, "mean", positive);
    if (!mean) return std::nullopt;
    spec.kind = Kind::Exponential;
    spec.a = *mean;
    return spec;
  }
  if (kind == "empirical") return read_empirical(map);
  // Two-parameter kinds: read both before giving up so both problems are reported.
  const bool by_mean_cv = set[0] == "mean";
  const NumberRange first_range = set[0] == "mu" ? between(-MAX_ABS_MU, MAX_ABS_MU) : positive;
  const NumberRange second_range = set[1] == "sigma" ? between(0.0, MAX_SIGMA)
                                   : set[1] == "cv"  ? above_at_most(0.0, MAX_CV)
                                                     : positive;
  const auto first = number_at(map, set[0], first_range);
  const auto second = number_at(map, set[1], second_range);
  if (!first || !second) return std::nullopt;
  if (kind == "gamma") {
    if (by_mean_cv) return gamma_from_mean_cv(*first, *second);
    spec.kind = Kind::Gamma;
    spec.a = *first;
    spec.b = *second;
    return spec;
  }
  if (kind == "lognormal") {
    if (by_mean_cv) return lognormal_from_mean_cv(*first, *second);
    spec.kind = Kind::Lognormal;
    spec.a = set[0] == "median" ? std::log(*first) : *first;
    spec.b = *second;
    return spec;
  }
  spec.kind = Kind::Weibull;
  spec.a = *first;
  spec.b = *second;
  return spec;
}

}  // namespace

DistributionSpec gamma_from_mean_cv(double mean, double cv) {
  DistributionSpec spec;
  spec.kind = DistributionSpec::Kind::Gamma;
  spec.a = 1.0 / (cv * cv);
  spec.b = mean * cv * cv;
  return spec;
}

DistributionSpec lognormal_from_mean_cv(double mean, double cv) {
  DistributionSpec spec;
  spec.kind = DistributionSpec::Kind::Lognormal;
  const double variance = std::log1p(cv * cv);
  spec.a = std::log(mean) - 0.5 * variance;
  spec.b = std::sqrt(variance);
  return spec;
}

std::optional<DistributionSpec> read_distribution(const YamlCursor& at, DistributionUse use) {
  if (!at.node().is_map()) {
    at.wrong_type("a distribution map such as {distribution: gamma, shape: 2, scale: 3}");
    return std::nullopt;
  }
  // The kind decides which keys are valid, so read it before checking the others.
  std::optional<std::string> kind;
  if (const YamlNode::Entry* entry = at.node().find("distribution");
      entry && !entry->value.is_null())
    kind = at.child(*entry).keyword(KINDS);
  const auto map =
      MapCursor::open(at, allowed_keys(kind ? std::vector<std::string>{*kind} : KINDS));
  if (!map) return std::nullopt;
  if (!kind) {
    if (!map->has("distribution")) {
      std::string list;
      for (const std::string& k : KINDS) list += (list.empty() ? "" : " | ") + k;
      map->missing("distribution", "is required: one of " + list);
    }
    return std::nullopt;
  }
  const auto choice = choose_parameters(*map, *kind);
  if (!choice) return std::nullopt;
  // The values present are read even when the set is incomplete, to report them too.
  auto spec = read_parameters(*map, *kind, choice->keys, use);
  if (!spec || !choice->complete) return std::nullopt;
  const double mean = spec->mean();
  if (!std::isfinite(mean)) {
    at.error("has no finite mean");
    return std::nullopt;
  }
  if (mean > max_mean(use)) {
    at.error(std::string(use == DistributionUse::Delay ? "mean delay is " : "mean is ") +
             format_rounded(mean) + " " + unit(use) +
             "; must be <= " + format_number(max_mean(use)));
    return std::nullopt;
  }
  return spec;
}

std::optional<DistributionSpec> read_number_or_distribution(const YamlCursor& at,
                                                            DistributionUse use) {
  if (!at.node().is_scalar()) return read_distribution(at, use);
  NumberRange range = may_be_zero(use) ? at_least(0.0) : above(0.0);
  range.max = max_mean(use);
  const auto value = parse_number(at.node().scalar);
  if (!value) {
    at.wrong_type(std::string("a number of ") + unit(use) +
                  " or a distribution map such as {distribution: gamma, mean: 2, cv: 1}");
    return std::nullopt;
  }
  if (!range.contains(*value)) {
    at.error(range.rule(*value));
    return std::nullopt;
  }
  DistributionSpec spec;
  spec.kind = DistributionSpec::Kind::Fixed;
  spec.a = *value;
  return spec;
}

}  // namespace funnelsim::models
