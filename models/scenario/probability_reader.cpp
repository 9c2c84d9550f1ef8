#include "models/scenario/probability_reader.hpp"

#include <string>

#include "models/scenario/key_suggestion.hpp"
#include "models/scenario/map_cursor.hpp"

namespace funnelsim::models {

namespace {

const std::string FORMS =
    "a number in [0, 1], remainder, scored, {beta: [a, b]}, {rate: r, observed_on: n}, "
    "{by_source: {...}, default: P} or {by_segment: {...}, default: P}";
const std::vector<std::string> ALL_KEYS = {"beta",      "rate",       "observed_on",
                                           "by_source", "by_segment", "default"};

bool has_any(const YamlNode& node, std::initializer_list<const char*> keys) {
  for (const char* key : keys)
    if (node.find(key)) return true;
  return false;
}

std::optional<ProbabilitySpec> read_beta(const YamlCursor& at) {
  const auto map = MapCursor::open(at, {"beta"});
  if (!map) return std::nullopt;
  const auto list = map->require("beta");
  if (!list) return std::nullopt;
  const auto values = list->numbers(above(0.0));
  if (!values) return std::nullopt;
  if (values->size() != 2) {
    list->error("must be [a, b]: exactly two shape parameters");
    return std::nullopt;
  }
  ProbabilitySpec spec;
  spec.kind = ProbabilitySpec::Kind::Beta;
  spec.alpha = (*values)[0];
  spec.beta = (*values)[1];
  return spec;
}

std::optional<ProbabilitySpec> read_observed_rate(const YamlCursor& at) {
  const auto map = MapCursor::open(at, {"rate", "observed_on"});
  if (!map) return std::nullopt;
  const auto rate_at = map->require("rate");
  const auto n_at = map->require("observed_on");
  const auto rate = rate_at ? rate_at->number(between(0.0, 1.0)) : std::nullopt;
  const auto n = n_at ? n_at->number(above(0.0)) : std::nullopt;
  if (!rate || !n) return std::nullopt;
  return beta_from_observed_rate(*rate, *n);
}

// Every form except the tables; `in_table` names the table for a clearer message.
std::optional<ProbabilitySpec> read_single(const YamlCursor& at, bool in_table) {
  const YamlNode& node = at.node();
  if (node.is_scalar()) {
    if (node.scalar == "remainder" || node.scalar == "scored") {
      if (in_table) {
        at.error(node.scalar + " is not allowed inside a by_source or by_segment table");
        return std::nullopt;
      }
      ProbabilitySpec spec;
      spec.kind = node.scalar == "remainder" ? ProbabilitySpec::Kind::Remainder
                                             : ProbabilitySpec::Kind::Scored;
      return spec;
    }
    if (const auto value = parse_number(node.scalar)) {
      if (*value < 0.0 || *value > 1.0) {
        at.error("must be between 0 and 1");
        return std::nullopt;
      }
      ProbabilitySpec spec;
      spec.value = *value;
      return spec;
    }
    const auto near = nearest_key(node.scalar, {"remainder", "scored"});
    at.error("must be a probability: " + FORMS + (near ? "; did you mean '" + *near + "'?" : ""));
    return std::nullopt;
  }
  if (node.is_map()) {
    if (has_any(node, {"beta"})) return read_beta(at);
    if (has_any(node, {"rate", "observed_on"})) return read_observed_rate(at);
    if (in_table && has_any(node, {"by_source", "by_segment", "default"})) {
      at.error(
          "tables cannot be nested here (only a by_segment table inside a by_source "
          "entry)");
      return std::nullopt;
    }
    // No recognisable key: report the unknown ones with suggestions, or the empty map.
    const std::size_t before = at.sink().size();
    MapCursor::open(at, ALL_KEYS);
    if (at.sink().size() == before) at.error("must be a probability: " + FORMS);
    return std::nullopt;
  }
  at.wrong_type("a probability: " + FORMS);
  return std::nullopt;
}

bool is_table(const YamlNode& node) {
  return node.is_map() && has_any(node, {"by_source", "by_segment", "default"}) &&
         !has_any(node, {"beta", "rate", "observed_on"});
}

// A table: per (source, segment) pair, source * segments + segment. Inside a by_source entry
// (`nested`) only a by_segment table is allowed, giving that source's rates by segment.
std::optional<std::vector<ProbabilitySpec>> read_table(const YamlCursor& at, const ScenarioIds& ids,
                                                       bool nested = false) {
  const auto map = MapCursor::open(at, {"by_source", "by_segment", "default"});
  if (!map) return std::nullopt;
  const auto by_source = map->get("by_source");
  const auto by_segment = map->get("by_segment");
  const auto default_at = map->get("default");
  bool ok = true;
  if (by_source && by_segment) {
    by_segment->error("cannot be combined with by_source: a table is by source or by segment");
    ok = false;
  }
  if (nested && by_source) {
    by_source->error(
        "a table inside by_source must be by_segment (the source is already "
        "chosen)");
    return std::nullopt;
  }
  const bool is_by_source = by_source.has_value();
  const std::optional<YamlCursor>& table_at = is_by_source ? by_source : by_segment;
  const IdList& dimension = is_by_source ? ids.sources : ids.segments;
  const char* noun = is_by_source ? "source" : "segment";

  std::optional<ProbabilitySpec> fallback;
  if (default_at) {
    fallback = read_single(*default_at, true);
    ok = ok && fallback.has_value();
  }
  std::vector<std::optional<ProbabilitySpec>> by_index(dimension.size());
  // A by_source entry that is itself a by_segment table: that source's pairs.
  std::vector<std::optional<std::vector<ProbabilitySpec>>> by_pair(dimension.size());
  // Listed even when its value is invalid: that problem is reported once, by read_single.
  std::vector<bool> is_listed(dimension.size(), false);
  if (!table_at) {
    map->missing("by_source", "a table needs by_source or by_segment");
    return std::nullopt;
  }
  const auto table = MapCursor::open_references(*table_at);
  if (!table) return std::nullopt;
  for (const auto& entry : table->entries()) {
    const auto index = dimension.index_of(entry.key);
    if (is_by_source && !nested && is_table(entry.value.node())) {
      const auto pairs = read_table(entry.value, ids, true);
      ok = ok && pairs.has_value();
      if (index) {
        by_pair[*index] = pairs;
        is_listed[*index] = true;
        continue;
      }
    } else if (const auto spec = read_single(entry.value, true); index) {
      ok = ok && spec.has_value();
      by_index[*index] = spec;
      is_listed[*index] = true;
    } else {
      ok = ok && spec.has_value();
    }
    if (!index && dimension.known) {
      at.sink().report(entry.line, entry.column, entry.value.path(), entry.key,
                       std::string("unknown ") + noun + suggestion_text(entry.key, dimension.ids));
      ok = false;
    }
  }
  std::string unlisted;
  for (std::size_t i = 0; i < dimension.size(); ++i)
    if (!is_listed[i]) unlisted += (unlisted.empty() ? "" : ", ") + dimension.ids[i];
  if (!default_at && !unlisted.empty()) {
    map->missing("default", std::string("is required unless every ") + noun +
                                " is listed (not listed: " + unlisted + ")");
    ok = false;
  }
  if (!ok) return std::nullopt;

  const std::size_t segments = ids.segments.size();
  std::vector<ProbabilitySpec> specs(ids.sources.size() * segments);
  for (std::size_t source = 0; source < ids.sources.size(); ++source)
    for (std::size_t segment = 0; segment < segments; ++segment) {
      const std::size_t pair = source * segments + segment;
      if (is_by_source && by_pair[source]) {
        specs[pair] = (*by_pair[source])[pair];
        continue;
      }
      const auto& listed = by_index[is_by_source ? source : segment];
      specs[pair] = listed ? *listed : *fallback;
    }
  return specs;
}

}  // namespace

ProbabilitySpec beta_from_observed_rate(double rate, double observed_on) {
  ProbabilitySpec spec;
  spec.kind = ProbabilitySpec::Kind::Beta;
  spec.alpha = rate * observed_on + 0.5;
  spec.beta = (1.0 - rate) * observed_on + 0.5;
  return spec;
}

std::optional<std::vector<ProbabilitySpec>> read_probability(const YamlCursor& at,
                                                             const ScenarioIds& ids) {
  if (is_table(at.node())) return read_table(at, ids);
  const auto spec = read_single(at, false);
  if (!spec) return std::nullopt;
  return std::vector<ProbabilitySpec>(ids.sources.size() * ids.segments.size(), *spec);
}

}  // namespace funnelsim::models
