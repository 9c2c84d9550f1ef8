// `funnelsim commit`: the SLA commitment table, and the lever value that meets a target.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <set>
#include <sstream>

#include "engine/io/atomic_file.hpp"
#include "funnelsim/version.hpp"
#include "models/funnel/funnel_model.hpp"
#include "models/funnel/sla_commitment.hpp"
#include "models/scenario/scenario_levers.hpp"
#include "tools/funnelsim/cli.hpp"
#include "tools/funnelsim/commands.hpp"
#include "tools/funnelsim/scenario_input.hpp"
#include "tools/funnelsim/terminal_report.hpp"
#include "tools/funnelsim/what_if_output.hpp"
#include "tools/funnelsim/what_if_runs.hpp"

namespace funnelsim::cli {

namespace {

using Direction = models::SlaTarget::Direction;

const char* sign_of(Direction d) {
  return d == Direction::AtLeast ? ">=" : "<=";
}

// METRIC>=V or METRIC<=V.
std::optional<models::SlaTarget> parse_target(const std::string& text,
                                              std::vector<models::Diagnostic>& problems) {
  for (const auto& [op, direction] : {std::pair{std::string(">="), Direction::AtLeast},
                                      std::pair{std::string("<="), Direction::AtMost}}) {
    const std::size_t at = text.find(op);
    if (at == std::string::npos || at == 0) continue;
    models::SlaTarget t;
    t.id = "target";
    t.metric = text.substr(0, at);
    t.label = t.metric;
    t.direction = direction;
    try {
      std::size_t used = 0;
      const std::string v = text.substr(at + 2);
      t.value = std::stod(v, &used);
      if (used != v.size() || !std::isfinite(t.value)) throw std::invalid_argument(v);
    } catch (const std::exception&) {
      problems.push_back(
          command_line_problem("--target", text, "the value after " + op + " must be a number"));
      return std::nullopt;
    }
    return t;
  }
  problems.push_back(command_line_problem(
      "--target", text, "must be METRIC>=VALUE or METRIC<=VALUE, e.g. volume.sal>=450"));
  return std::nullopt;
}

using TargetTable = models::CommitmentTable;
using models::commitment_table;

void add_without(TargetTable& with, const TargetTable& without) {
  with.commit_without = without.commit;
  with.p_meet_without = without.p_meet;
}

void print_tables(std::ostream& out, const std::vector<TargetTable>& tables, double q) {
  char buf[256];
  for (const TargetTable& t : tables) {
    const std::string& m = t.target.metric;
    out << '\n'
        << t.target.label << "  [" << m << " " << sign_of(t.target.direction) << " "
        << format_value(m, t.target.value) << " a month]\n";
    const std::string head =
        std::string("commit (") + std::to_string(static_cast<int>(std::lround(q * 100))) + "%)";
    const bool valves = !t.commit_without.empty();
    if (valves) {
      std::snprintf(buf, sizeof buf, "  %-9s %21s %11s %11s %19s\n", "period",
                    (head + " w/o -> with").c_str(), "mean", "target", "P(meet) w/o -> with");
      out << buf;
    } else {
      std::snprintf(buf, sizeof buf, "  %-9s %16s %11s %11s %12s\n", "period", head.c_str(), "mean",
                    "target", "P(meet)");
      out << buf;
    }
    for (std::size_t i = 0; i < t.labels.size(); ++i) {
      if (valves) {
        const std::string commit =
            format_value(m, t.commit_without[i]) + " -> " + format_value(m, t.commit[i]);
        const std::string meet =
            format_share(t.p_meet_without[i]) + " -> " + format_share(t.p_meet[i]);
        std::snprintf(buf, sizeof buf, "  %-9s %21s %11s %11s %19s\n", t.labels[i].c_str(),
                      commit.c_str(), format_value(m, t.mean[i]).c_str(),
                      format_value(m, t.written[i]).c_str(), meet.c_str());
      } else {
        std::snprintf(buf, sizeof buf, "  %-9s %16s %11s %11s %12s\n", t.labels[i].c_str(),
                      format_value(m, t.commit[i]).c_str(), format_value(m, t.mean[i]).c_str(),
                      format_value(m, t.written[i]).c_str(), format_share(t.p_meet[i]).c_str());
      }
      out << buf;
    }
  }
}

std::string markdown_sheet(const models::Scenario& s, const engine::RunConfig& config, double q,
                           const std::vector<TargetTable>& tables) {
  std::ostringstream md;
  const int pct = static_cast<int>(std::lround(q * 100));
  md << "# Sales-marketing SLA: commitments at " << pct << "% confidence\n\n";
  md << "Scenario: **" << s.name << "** (`" << s.file_name << "`)";
  for (const auto& o : s.overrides) md << ", `--set " << o << "`";
  md << "  \nForecast by funnelsim " << ENGINE_VERSION << " on " << run_date() << ": "
     << config.replications << " simulated futures, seed " << config.seed << ".\n\n";
  md << "Each commitment is the largest value the metric reaches (or, for an upper limit, the "
        "smallest it stays under) in at least "
     << pct
     << "% of the simulated futures. P(meet) is the share of futures in which the target as "
        "written is met.\n";
  for (const TargetTable& t : tables) {
    const std::string& m = t.target.metric;
    md << "\n## " << t.target.label << "\n\n`" << m << " " << sign_of(t.target.direction) << " "
       << format_value(m, t.target.value) << "` a month\n\n";
    const bool valves = !t.commit_without.empty();
    if (valves) {
      md << "| period | commitment (" << pct
         << "%) without valves | with valves | expected | "
            "target | P(meet) without | with valves |\n";
      md << "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n";
    } else {
      md << "| period | commitment (" << pct << "%) | expected | target | P(meet) |\n";
      md << "| --- | ---: | ---: | ---: | ---: |\n";
    }
    for (std::size_t i = 0; i < t.labels.size(); ++i) {
      md << "| " << t.labels[i] << " | ";
      if (valves) md << format_value(m, t.commit_without[i]) << " | ";
      md << format_value(m, t.commit[i]) << " | " << format_value(m, t.mean[i]) << " | "
         << format_value(m, t.written[i]) << " | ";
      if (valves) md << format_share(t.p_meet_without[i]) << " | ";
      md << format_share(t.p_meet[i]) << " |\n";
    }
  }
  md << "\n## Signed\n\n| team | name | date |\n| --- | --- | --- |\n| Marketing | | |\n"
        "| Sales | | |\n";
  return md.str();
}

Json tables_json(const std::vector<TargetTable>& tables) {
  Json out = Json::array();
  for (const TargetTable& t : tables)
    out.push_back({{"id", t.target.id},
                   {"label", t.target.label},
                   {"metric", t.target.metric},
                   {"direction", t.target.direction == Direction::AtLeast ? "at_least" : "at_most"},
                   {"value", t.target.value},
                   {"periods", t.labels},
                   {"commitment", t.commit},
                   {"mean", t.mean},
                   {"target", t.written},
                   {"p_meet", t.p_meet}});
  for (std::size_t i = 0; i < tables.size(); ++i)
    if (!tables[i].commit_without.empty()) {
      out[i]["commitment_without_valves"] = tables[i].commit_without;
      out[i]["p_meet_without_valves"] = tables[i].p_meet_without;
    }
  return out;
}

/// One evaluation of the lever during --solve.
struct Evaluation {
  double value = 0.0;
  double p = 0.0;       ///< the binding (smallest) probability over the periods
  std::string binding;  ///< its period
};

}  // namespace

int run_commit_command(const CommitOptions& options, std::ostream& out, std::ostream& err) {
  std::vector<models::Diagnostic> problems;
  auto scenario = load_input(options.scenario, problems);
  const engine::RunConfig config =
      resolve_run_config(options.run, scenario ? &*scenario : nullptr, problems,
                         options.solve.empty() ? 0 : CommitOptions::SOLVE_REPLICATIONS);
  std::set<std::string> seen;
  check_output_path("--json", options.json, seen, problems);
  check_output_path("--markdown", options.markdown, seen, problems);
  const double q = options.confidence ? *options.confidence
                   : scenario         ? scenario->sla.confidence
                                      : 0.9;
  if (!(q > 0.0 && q < 1.0))
    problems.push_back(command_line_problem("--confidence", models::number_text(q),
                                            "must be strictly between 0 and 1, e.g. 0.9"));
  std::vector<models::SlaTarget> targets;
  if (!options.target.empty()) {
    if (auto t = parse_target(options.target, problems)) targets.push_back(*t);
  } else if (scenario) {
    targets = scenario->sla.targets;
  }
  std::optional<models::Lever> lever;
  std::optional<PeriodRef> period;
  if (scenario) {
    const auto names = models::FunnelModel(*scenario).metric_names();
    for (const auto& t : targets)
      if (std::find(names.begin(), names.end(), t.metric) == names.end())
        problems.push_back(
            command_line_problem("--target", t.metric, "is not a metric of this scenario"));
    if (targets.empty() && problems.empty())
      problems.push_back(
          command_line_problem("--target", "",
                               "the scenario has no `sla` section: add targets to it "
                               "(scenarios/README.md) or give --target METRIC>=VALUE"));
    if (!options.solve.empty()) {
      std::string error;
      lever = models::numeric_setting(*scenario, options.solve, error);
      if (!lever) problems.push_back(command_line_problem("--solve", options.solve, error));
      if (targets.size() != 1 && problems.empty())
        problems.push_back(command_line_problem(
            "--target", "", "--solve needs exactly one target: give --target METRIC>=VALUE"));
      if (options.period != "each-month") period = find_period(*scenario, options.period, problems);
      if (!options.range.empty()) {
        const std::size_t colon = options.range.find(':');
        double a = 0.0, b = 0.0;
        bool ok = colon != std::string::npos;
        try {
          if (ok) {
            a = std::stod(options.range.substr(0, colon));
            b = std::stod(options.range.substr(colon + 1));
          }
        } catch (const std::exception&) {
          ok = false;
        }
        if (!ok || !(a < b))
          problems.push_back(command_line_problem("--range", options.range,
                                                  "must be LOW:HIGH with LOW < HIGH, e.g. 8:20"));
      }
    }
  }
  if (!problems.empty()) {
    report_problems(problems, err);
    return EXIT_BAD_INPUT;
  }

  try {
    std::vector<std::string> metrics;
    for (const auto& t : targets) metrics.push_back(t.metric);
    const std::vector<std::string> extra = twin_off(*scenario, metrics);
    if (options.solve.empty()) {
      // With valves, the same replications run without them too: the commitment both ways.
      const bool valves = !scenario->valves.reserve_programmes.empty();
      std::vector<Point> points(valves ? 2 : 1);
      if (valves) points[1].sets = {"valves="};
      if (!load_points(options.scenario, extra, points, problems))
        throw std::runtime_error(problems.front().format());
      const double seconds = run_points(points, config, !options.quiet, err);
      std::vector<TargetTable> tables;
      for (const auto& t : targets) {
        tables.push_back(commitment_table(points[0].forecast, t, q));
        if (valves) add_without(tables.back(), commitment_table(points[1].forecast, t, q));
      }
      if (!options.json.empty()) {
        Json j = what_if_document("funnelsim.commitment", config, *scenario);
        j["confidence"] = q;
        Json ids = Json::array();
        for (const auto& p : scenario->valves.reserve_programmes) ids.push_back(p.id);
        j["valves"] = ids;  // with valves, the *_without_valves arrays are the run without
        j["targets"] = tables_json(tables);
        engine::write_file_atomically(options.json, j.dump(1) + "\n");
      }
      if (!options.markdown.empty())
        engine::write_file_atomically(options.markdown,
                                      markdown_sheet(*scenario, config, q, tables));
      if (options.quiet) return EXIT_OK;
      char buf[256];
      out << "funnelsim " << ENGINE_VERSION << "  commit  " << scenario->name << "  ("
          << (scenario->file_name.empty() ? "<default>" : scenario->file_name) << ")\n";
      std::snprintf(buf, sizeof buf,
                    "%zu replications, seed %llu, %.1f s. commit: the largest value reached in "
                    "%.0f%% of futures\n(the smallest not exceeded, for an upper limit); "
                    "P(meet): the share meeting the target as written.\n",
                    config.replications, static_cast<unsigned long long>(config.seed), seconds,
                    100.0 * q);
      out << buf;
      for (const auto& o : scenario->overrides) out << "  --set " << o << '\n';
      print_tables(out, tables, q);
      out << "\nQuarter and total targets are the monthly value times the months for volumes, "
             "the monthly value for levels.\n";
      return EXIT_OK;
    }

    // --solve: the smallest lever value meeting the target with probability q, by bracketing
    // then bisection; every evaluation runs the same replications (paired), so the probability
    // is a deterministic, nearly monotone function of the lever.
    const auto start = std::chrono::steady_clock::now();
    const models::SlaTarget& t = targets.front();
    std::vector<Evaluation> evaluations;
    auto evaluate = [&](double x) -> Evaluation {
      for (const Evaluation& e : evaluations)
        if (e.value == x) return e;
      Point p{{options.solve + "=" + models::number_text(x)}, {}, {}};
      std::vector<models::Diagnostic> why;
      if (!load_point(options.scenario, extra, p, why))
        throw std::runtime_error("the scenario is not valid at " + p.sets.front() + ": " +
                                 why.front().format());
      std::vector<Point> points{std::move(p)};
      run_points(points, config, false, err);
      const models::Forecast& f = points.front().forecast;
      const TargetTable table = commitment_table(f, t, q);
      Evaluation e{x, 2.0, ""};
      for (std::size_t i = 0; i < table.labels.size(); ++i) {
        const bool month = i < f.months.size();
        const bool counted = period ? table.labels[i] == period->label : month;
        if (counted && table.p_meet[i] < e.p) {
          e.p = table.p_meet[i];
          e.binding = table.labels[i];
        }
      }
      evaluations.push_back(e);
      if (!options.quiet) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "  %s = %-12s P = %6.1f%%  (binding: %s)\n",
                      options.solve.c_str(), models::number_text(x).c_str(), 100.0 * e.p,
                      e.binding.c_str());
        out << buf;
      }
      return e;
    };
    auto clamp = [&](double x) {
      x = std::clamp(x, lever->lower, std::min(lever->upper, 1e12));
      return lever->whole ? std::round(x) : x;
    };
    if (!options.quiet)
      out << "funnelsim " << ENGINE_VERSION << "  commit --solve " << options.solve << "  ("
          << config.replications << " paired replications per value)\n";
    double lo = 0.0, hi = 0.0;
    bool bracketed = false;
    if (!options.range.empty()) {
      const std::size_t colon = options.range.find(':');
      lo = clamp(std::stod(options.range.substr(0, colon)));
      hi = clamp(std::stod(options.range.substr(colon + 1)));
    } else {
      const double x0 = lever->value != 0.0 ? lever->value : 1.0;
      lo = hi = clamp(x0);
    }
    Evaluation e_hi = evaluate(hi);
    for (int i = 0; i < 12 && e_hi.p < q && hi < std::min(lever->upper, 1e12); ++i) {
      lo = hi;
      hi = clamp(hi * 2.0 + (lever->whole ? 1.0 : 0.0));
      e_hi = evaluate(hi);
    }
    Evaluation e_lo = evaluate(lo);
    for (int i = 0; i < 12 && e_lo.p >= q && lo > lever->lower; ++i) {
      hi = lo;
      e_hi = e_lo;
      lo = clamp(lo / 2.0);
      e_lo = evaluate(lo);
    }
    bracketed = e_hi.p >= q && e_lo.p < q;
    auto tolerance = [&] {
      return lever->whole ? 1.0 : std::max(1e-9, options.tolerance * std::abs(hi));
    };
    while (bracketed && hi - lo > tolerance()) {
      const double mid = clamp(0.5 * (lo + hi));
      if (mid == lo || mid == hi) break;
      const Evaluation e = evaluate(mid);
      if (e.p >= q) {
        hi = mid;
        e_hi = e;
      } else {
        lo = mid;
        e_lo = e;
      }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // Values whose simulated probability is within two binomial standard errors of q cannot be
    // told apart from the answer with this many replications.
    const double se = std::sqrt(q * (1.0 - q) / static_cast<double>(config.replications));
    double near_lo = hi, near_hi = hi;
    for (const Evaluation& e : evaluations)
      if (std::abs(e.p - q) <= 2.0 * se) {
        near_lo = std::min(near_lo, e.value);
        near_hi = std::max(near_hi, e.value);
      }
    const bool solved = e_hi.p >= q && (bracketed || e_lo.p >= q);
    if (!options.json.empty()) {
      Json j = what_if_document("funnelsim.solve", config, *scenario);
      j["lever"] = options.solve;
      j["target"] = {{"metric", t.metric},
                     {"direction", t.direction == Direction::AtLeast ? "at_least" : "at_most"},
                     {"value", t.value},
                     {"period", period ? period->label : std::string("each-month")}};
      j["confidence"] = q;
      j["solved"] = solved;
      j["value"] = solved ? Json(hi) : Json(nullptr);
      j["probability"] = e_hi.p;
      j["bracket"] = {lo, hi};
      j["bracket_probability"] = {e_lo.p, e_hi.p};
      j["probability_se"] = se;
      j["indistinguishable"] = {near_lo, near_hi};
      Json ev = Json::array();
      for (const Evaluation& e : evaluations)
        ev.push_back({{"value", e.value}, {"probability", e.p}, {"binding", e.binding}});
      j["evaluations"] = ev;
      j["seconds"] = seconds;
      engine::write_file_atomically(options.json, j.dump(1) + "\n");
    }
    if (!options.quiet) {
      char buf[400];
      std::string where = "every month";
      if (period) where = std::string("in ").append(period->label);
      if (!solved) {
        std::snprintf(buf, sizeof buf,
                      "\nNo value of %s up to %s meets %s %s %s with %.0f%% confidence (best: "
                      "%.1f%%).\n",
                      options.solve.c_str(), models::number_text(hi).c_str(), t.metric.c_str(),
                      sign_of(t.direction), models::number_text(t.value).c_str(), 100.0 * q,
                      100.0 * e_hi.p);
        out << buf;
      } else {
        std::snprintf(buf, sizeof buf,
                      "\n%s = %s is the smallest value found meeting %s %s %s %s with %.0f%% "
                      "confidence:\n  P = %.1f%% (binding period %s), standard error %.1f points; "
                      "at %s (just below) P = %.1f%%.\n  With %zu replications, values from %s to "
                      "%s give probabilities within 2 standard errors of %.0f%%:\n  that is the "
                      "answer's uncertainty. %zu runs, %.1f s.\n",
                      options.solve.c_str(), models::number_text(hi).c_str(), t.metric.c_str(),
                      sign_of(t.direction), models::number_text(t.value).c_str(), where.c_str(),
                      100.0 * q, 100.0 * e_hi.p, e_hi.binding.c_str(), 100.0 * se,
                      models::number_text(lo).c_str(), 100.0 * e_lo.p, config.replications,
                      models::number_text(near_lo).c_str(), models::number_text(near_hi).c_str(),
                      100.0 * q, evaluations.size(), seconds);
        out << buf;
      }
    }
    return solved ? EXIT_OK : EXIT_FAILURE_RUN;
  } catch (const std::exception& e) {
    err << "funnelsim commit: " << e.what() << '\n';
    return EXIT_FAILURE_RUN;
  }
}

}  // namespace funnelsim::cli
