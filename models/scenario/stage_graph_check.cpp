#include "models/scenario/stage_graph_check.hpp"

#include <string>

namespace funnelsim::models {

namespace {

// Sums of decimal fractions such as 0.1 + 0.2 + 0.7 land a few ulps off 1.
constexpr double SUM_TOLERANCE = 1e-9;

using Kind = ProbabilitySpec::Kind;

struct PairSummary {
  double fixed_sum = 0.0;  ///< fixed values plus Beta means, remainder (and scored) excluded
  bool has_beta = false;
  bool has_remainder = false;  ///< a remainder or scored transition fills the stage to 1
};

// Remainder and scored both take 1 minus the stage's other probabilities.
bool fills(const ProbabilitySpec& p) {
  return p.kind == Kind::Remainder || p.kind == Kind::Scored;
}

PairSummary summarise(const Stage& stage, std::size_t pair) {
  PairSummary s;
  for (const Transition& t : stage.transitions) {
    const ProbabilitySpec& p = t.probability[pair];
    s.fixed_sum += p.mean();
    s.has_beta = s.has_beta || p.kind == Kind::Beta;
    s.has_remainder = s.has_remainder || fills(p);
  }
  return s;
}

void check_sums(const StageTable& table, std::size_t pairs, const ScenarioIds& ids) {
  const std::size_t segments = ids.segments.size();
  for (std::size_t i = 0; i < table.stages.size(); ++i) {
    const StageSite& site = table.sites[i];
    if (!site.complete || !site.transitions || table.stages[i].transitions.empty()) continue;
    double worst = 1.0 + SUM_TOLERANCE;
    std::size_t worst_pair = 0;
    std::size_t over = 0;
    for (std::size_t pair = 0; pair < pairs; ++pair) {
      const double sum = summarise(table.stages[i], pair).fixed_sum;
      if (sum <= 1.0 + SUM_TOLERANCE) continue;
      ++over;
      if (sum > worst) {
        worst = sum;
        worst_pair = pair;
      }
    }
    if (over == 0) continue;
    std::string rule = "outgoing probabilities of stage " + table.stages[i].id + " sum to " +
                       format_rounded(worst) + " for source " +
                       ids.sources.ids[worst_pair / segments] + ", segment " +
                       ids.segments.ids[worst_pair % segments] +
                       " (fixed values and Beta means); must be <= 1";
    if (over > 1) rule += " (" + std::to_string(over - 1) + " more source/segment pairs too)";
    site.transitions->error(site.transitions->path(), format_rounded(worst), rule);
  }
}

bool is_exit(const Stage& stage, std::size_t pairs) {
  if (stage.transitions.empty()) return true;
  for (std::size_t pair = 0; pair < pairs; ++pair) {
    const PairSummary s = summarise(stage, pair);
    if (!s.has_remainder && (s.has_beta || s.fixed_sum < 1.0 - SUM_TOLERANCE)) return true;
  }
  return false;
}

// Whether any lead can ever take `t` out of `stage`.
bool can_flow(const Stage& stage, const Transition& t, std::size_t pairs) {
  for (std::size_t pair = 0; pair < pairs; ++pair) {
    const ProbabilitySpec& p = t.probability[pair];
    if (p.kind == Kind::Beta || (p.kind == Kind::Fixed && p.value > 0.0)) return true;
    if (fills(p)) {
      const PairSummary s = summarise(stage, pair);
      if (s.has_beta || s.fixed_sum < 1.0 - SUM_TOLERANCE) return true;
    }
  }
  return false;
}

void check_traps(const StageTable& table, const std::vector<std::size_t>& cohort_stages,
                 std::size_t pairs) {
  const std::size_t n = table.stages.size();
  std::vector<std::vector<std::size_t>> successors(n), predecessors(n);
  for (std::size_t i = 0; i < n; ++i)
    for (const Transition& t : table.stages[i].transitions)
      if (can_flow(table.stages[i], t, pairs)) {
        successors[i].push_back(t.to);
        predecessors[t.to].push_back(i);
      }
  // Forward from where leads start; backward from the exits.
  auto mark = [n](std::vector<std::size_t> frontier,
                  const std::vector<std::vector<std::size_t>>& edges) {
    std::vector<bool> seen(n, false);
    for (const std::size_t s : frontier) seen[s] = true;
    while (!frontier.empty()) {
      const std::size_t s = frontier.back();
      frontier.pop_back();
      for (const std::size_t next : edges[s])
        if (!seen[next]) {
          seen[next] = true;
          frontier.push_back(next);
        }
    }
    return seen;
  };
  std::vector<std::size_t> starts = cohort_stages;
  starts.push_back(*table.entry);
  std::vector<std::size_t> exits;
  for (std::size_t i = 0; i < n; ++i)
    if (is_exit(table.stages[i], pairs)) exits.push_back(i);
  const std::vector<bool> reachable = mark(starts, successors);
  const std::vector<bool> can_leave = mark(exits, predecessors);

  std::string trapped;
  std::optional<std::size_t> first;
  for (std::size_t i = 0; i < n; ++i)
    if (reachable[i] && !can_leave[i]) {
      trapped += (trapped.empty() ? "" : ", ") + table.stages[i].id;
      if (!first) first = i;
    }
  if (!first) return;
  const YamlCursor& at = table.sites[*first].stage;
  at.error(at.path(), "",
           "leads can circulate forever among stages " + trapped +
               ": none of them leads to an exit (a stage without transitions, or one whose "
               "outgoing probabilities can sum below 1)");
}

}  // namespace

void check_stage_graph(const StageTable& table, const std::vector<std::size_t>& cohort_stages,
                       const ScenarioIds& ids) {
  const std::size_t pairs = ids.sources.size() * ids.segments.size();
  if (pairs == 0) return;
  check_sums(table, pairs, ids);
  if (table.complete && table.entry) check_traps(table, cohort_stages, pairs);
}

}  // namespace funnelsim::models
