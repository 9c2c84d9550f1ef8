#include "models/calibration/calibrate.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "models/calibration/rate_pooling.hpp"

namespace funnelsim::calibration {

namespace {

/// A number as YAML writes it: six significant digits are far finer than any estimate here.
std::string num(double value, int digits = 6) {
  if (value == 0.0 || !std::isfinite(value)) return "0";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
  return buffer;
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

std::string percent(double share, int digits = 3) {
  return num(100.0 * share, digits) + "%";
}

/// The YAML flow form of a distribution (scenarios/README.md, "Distribution forms").
std::string distribution_yaml(const models::DistributionSpec& d) {
  using Kind = models::DistributionSpec::Kind;
  switch (d.kind) {
    case Kind::Fixed:
      return "{distribution: fixed, value: " + num(d.a) + "}";
    case Kind::Exponential:
      return "{distribution: exponential, mean: " + num(d.a) + "}";
    case Kind::Gamma:
      return "{distribution: gamma, shape: " + num(d.a) + ", scale: " + num(d.b) + "}";
    case Kind::Lognormal:
      return "{distribution: lognormal, mu: " + num(d.a) + ", sigma: " + num(d.b) + "}";
    case Kind::Weibull:
      return "{distribution: weibull, shape: " + num(d.a) + ", scale: " + num(d.b) + "}";
    case Kind::Empirical: {
      std::string out = "{distribution: empirical, edges: [";
      for (std::size_t i = 0; i < d.edges.size(); ++i) out += (i ? ", " : "") + num(d.edges[i]);
      out += "], probabilities: [";
      for (std::size_t i = 0; i < d.probabilities.size(); ++i)
        out += (i ? ", " : "") + num(d.probabilities[i], 8);
      return out + "]}";
    }
  }
  return "{distribution: fixed, value: 0}";
}

/// The scenario form of a fitted delay. Empirical probabilities are renormalised after
/// rounding so they sum to 1 within the reader's 1e-6.
models::DistributionSpec delay_spec(const DelayFit& fit) {
  models::DistributionSpec d;
  switch (fit.family) {
    case DelayFamily::Fixed:
      d.kind = models::DistributionSpec::Kind::Fixed;
      d.a = std::max(0.0, fit.p1);
      break;
    case DelayFamily::Gamma:
      d.kind = models::DistributionSpec::Kind::Gamma;
      d.a = fit.p1;
      d.b = fit.p2;
      break;
    case DelayFamily::Lognormal:
      d.kind = models::DistributionSpec::Kind::Lognormal;
      d.a = fit.p1;
      d.b = fit.p2;
      break;
    case DelayFamily::Weibull:
      d.kind = models::DistributionSpec::Kind::Weibull;
      d.a = fit.p1;
      d.b = fit.p2;
      break;
    case DelayFamily::Empirical: {
      d.kind = models::DistributionSpec::Kind::Empirical;
      d.edges = fit.edges;
      double sum = 0.0;
      for (double p : fit.probabilities) sum += std::max(0.0, p);
      for (double p : fit.probabilities) d.probabilities.push_back(std::max(0.0, p) / sum);
      break;
    }
  }
  return d;
}

/// One stay of a lead in a stage: how long until it entered the next stage `target` (an
/// index into the stage's targets), or, with target < 0, how long it had been there by the
/// as-of date (or by its return to the entry stage, which the model cannot represent).
struct Spell {
  std::uint32_t source = 0;
  std::uint32_t cell = 0;  ///< source * segments + segment
  double days = 0.0;
  int target = -1;
};

/// Age bands of the starting funnel, days: narrow where leads still move often.
constexpr std::array<double, 10> AGE_BANDS = {0, 7, 14, 30, 60, 90, 180, 365, 730, 3650};

}  // namespace

int month_of_day(double days) {
  const CivilDate c = civil_from_days(static_cast<int>(std::floor(days)));
  return c.year * 12 + c.month - 1;
}

double month_start_day(int month) {
  return static_cast<double>(days_from_civil(month / 12, month % 12 + 1, 1));
}

std::string month_label(int month) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d", month / 12, month % 12 + 1);
  return buffer;
}

MonthSpan complete_months(const History& history) {
  if (history.events.empty()) return {};
  double first = history.last_time;
  bool any_entry = false;
  for (const HistoryEvent& e : history.events)
    if (e.stage == history.entry_stage) {
      first = std::min(first, e.time);
      any_entry = true;
    }
  if (!any_entry) first = history.first_time;
  MonthSpan span;
  span.first = month_of_day(first);
  if (first - month_start_day(span.first) >= 3.0) ++span.first;
  const int last = month_of_day(history.last_time);
  span.end = month_start_day(last + 1) - history.last_time <= 3.0 ? last + 1 : last;
  span.end = std::max(span.end, span.first);
  return span;
}

Calibration calibrate(const History& full, const models::Scenario& structure, int as_of_month,
                      const CalibrationOptions& options) {
  const double as_of = month_start_day(as_of_month);
  const History h = full.before(as_of);
  if (h.events.empty())
    throw std::invalid_argument("the history has no events before " + month_label(as_of_month) +
                                "-01");
  if (h.stages.size() != structure.stages.size())
    throw std::invalid_argument("the history was read with other stages than the scenario's");
  const std::size_t stages = structure.stages.size();
  const std::size_t sources = h.sources.size();
  const std::size_t entry = structure.entry_stage;

  Calibration out;
  out.as_of_month = as_of_month;
  out.leads = h.leads.size();
  out.events = h.events.size();
  out.months = complete_months(h);
  out.months.end = std::min(out.months.end, as_of_month);
  out.months.first = std::min(out.months.first, out.months.end);

  // Segments: the history's, else one segment for every lead.
  const bool has_segments = !h.segments.empty();
  std::vector<std::string> segments = has_segments ? h.segments : std::vector<std::string>{"all"};
  const std::size_t segment_count = segments.size();
  auto segment_of = [&](const HistoryLead& lead) {
    return has_segments && lead.segment >= 0 ? static_cast<std::size_t>(lead.segment) : 0;
  };

  // ---- Spells and the transitions the history shows.
  std::vector<std::vector<std::uint8_t>> seen(stages, std::vector<std::uint8_t>(stages, 0));
  std::size_t returns_to_entry = 0;
  for (const HistoryLead& lead : h.leads)
    for (std::uint32_t i = 0; i + 1 < lead.event_count; ++i) {
      const HistoryEvent& a = h.events[lead.first_event + i];
      const HistoryEvent& b = h.events[lead.first_event + i + 1];
      if (b.stage == entry)
        ++returns_to_entry;
      else
        seen[a.stage][b.stage] = 1;
    }
  std::vector<std::vector<std::size_t>> targets(stages);
  for (std::size_t s = 0; s < stages; ++s)
    for (std::size_t t = 0; t < stages; ++t)
      if (seen[s][t]) targets[s].push_back(t);
  std::vector<std::vector<Spell>> spells(stages);
  for (const HistoryLead& lead : h.leads)
    for (std::uint32_t i = 0; i < lead.event_count; ++i) {
      const HistoryEvent& a = h.events[lead.first_event + i];
      if (targets[a.stage].empty()) continue;
      Spell spell{lead.source,
                  static_cast<std::uint32_t>(lead.source * segment_count + segment_of(lead)),
                  as_of - a.time, -1};
      if (i + 1 < lead.event_count) {
        const HistoryEvent& b = h.events[lead.first_event + i + 1];
        spell.days = b.time - a.time;
        if (b.stage != entry) {
          const auto& ts = targets[a.stage];
          spell.target = static_cast<int>(std::find(ts.begin(), ts.end(), b.stage) - ts.begin());
        }
      }
      spells[a.stage].push_back(spell);
    }
  if (returns_to_entry > 0)
    out.notes.push_back(std::to_string(returns_to_entry) +
                        " returns to the entry stage (a lead inquiring again) are counted as "
                        "the lead leaving its stage then: the model starts every lead at the "
                        "entry stage once");

  // ---- Rates and delays per stage: EM over the leads still waiting (see the header).
  // probability[s][k] = per source posterior; delay[s][k] = the fit.
  // The EM runs on cells, (source, segment) pairs; sources are their sums.
  const std::size_t cells = sources * segment_count;
  struct StageFit {
    std::vector<std::vector<double>> expected;       ///< [source][target] expected moves
    std::vector<double> trials;                      ///< [source] spells
    std::vector<std::vector<double>> cell_expected;  ///< [cell][target]
    std::vector<double> cell_trials;                 ///< [cell]
    std::vector<DelayFitResult> delays;              ///< [target]
    std::vector<RatePooling> rates;                  ///< [target]: by source
    /// [target][cell]: by segment within each source, pooled toward the source's rate
    /// (with two or more segments).
    std::vector<std::vector<PooledRate>> cell_rates;
  };
  std::vector<StageFit> fits(stages);
  for (std::size_t s = 0; s < stages; ++s) {
    const std::size_t k_count = targets[s].size();
    if (k_count == 0) continue;
    StageFit& fit = fits[s];
    fit.cell_trials.assign(cells, 0.0);
    std::vector<std::vector<double>> moved(cells, std::vector<double>(k_count, 0.0));
    std::vector<std::vector<DelayObservation>> observed(k_count);
    std::vector<const Spell*> waiting;
    for (const Spell& spell : spells[s]) {
      fit.cell_trials[spell.cell] += 1.0;
      if (spell.target >= 0) {
        moved[spell.cell][static_cast<std::size_t>(spell.target)] += 1.0;
        observed[static_cast<std::size_t>(spell.target)].push_back({spell.days, true, 1.0});
      } else {
        waiting.push_back(&spell);
      }
    }
    std::vector<std::vector<double>> p(cells, std::vector<double>(k_count, 0.0));
    for (std::size_t c = 0; c < cells; ++c)
      for (std::size_t k = 0; k < k_count; ++k)
        if (fit.cell_trials[c] > 0.0) p[c][k] = moved[c][k] / fit.cell_trials[c];
    fit.delays.resize(k_count);
    for (std::size_t k = 0; k < k_count; ++k) fit.delays[k] = fit_delay(observed[k], options.delay);
    fit.cell_expected = moved;
    std::vector<std::vector<DelayObservation>> obs(k_count);
    std::vector<double> weight(k_count);
    for (int iteration = 0; iteration < options.max_em_iterations && !waiting.empty();
         ++iteration) {
      // E: each waiting lead's chance of still moving by each transition.
      for (std::size_t k = 0; k < k_count; ++k) obs[k] = observed[k];
      fit.cell_expected = moved;
      for (const Spell* spell : waiting) {
        const std::vector<double>& ps = p[spell->cell];
        double stay = 1.0, total = 0.0;
        for (std::size_t k = 0; k < k_count; ++k) {
          stay -= ps[k];
          weight[k] = ps[k] * fit.delays[k].chosen.survival(spell->days);
          total += weight[k];
        }
        total += std::max(0.0, stay);
        if (!(total > 0.0)) continue;  // overdue on every transition: it has left
        for (std::size_t k = 0; k < k_count; ++k) {
          const double r = weight[k] / total;
          if (r < 1e-9) continue;
          fit.cell_expected[spell->cell][k] += r;
          obs[k].push_back({spell->days, false, r});
        }
      }
      // M: rates from the expected moves, delays from events and weighted waiting leads.
      double change = 0.0;
      for (std::size_t c = 0; c < cells; ++c)
        for (std::size_t k = 0; k < k_count; ++k)
          if (fit.cell_trials[c] > 0.0) {
            const double next = fit.cell_expected[c][k] / fit.cell_trials[c];
            change = std::max(change, std::abs(next - p[c][k]));
            p[c][k] = next;
          }
      for (std::size_t k = 0; k < k_count; ++k) fit.delays[k] = fit_delay(obs[k], options.delay);
      if (change < 1e-5) break;
    }
    fit.trials.assign(sources, 0.0);
    fit.expected.assign(sources, std::vector<double>(k_count, 0.0));
    for (std::size_t c = 0; c < cells; ++c) {
      fit.trials[c / segment_count] += fit.cell_trials[c];
      for (std::size_t k = 0; k < k_count; ++k)
        fit.expected[c / segment_count][k] += fit.cell_expected[c][k];
    }
    fit.rates.resize(k_count);
    for (std::size_t k = 0; k < k_count; ++k) {
      std::vector<RateGroup> groups;
      for (std::size_t src = 0; src < sources; ++src)
        groups.push_back({fit.expected[src][k], fit.trials[src]});
      RatePooling pooled = pool_rates(groups);
      // Complete pooling (a huge prior strength) would leave each source no uncertainty at
      // all; the shared rate is itself known only from the trials
      // seen, so the prior never counts for more than all of them together.
      double all_trials = 0.0;
      for (const RateGroup& g : groups) all_trials += g.trials;
      if (pooled.prior_strength > all_trials && all_trials > 0.0) {
        pooled.prior_strength = all_trials;
        for (std::size_t src = 0; src < sources; ++src) {
          const RateGroup& g = groups[src];
          pooled.groups[src].alpha = all_trials * pooled.overall + g.successes;
          pooled.groups[src].beta = all_trials * (1.0 - pooled.overall) + g.trials - g.successes;
        }
      }
      fit.rates[k] = pooled;
    }
    // Segments within a source: pooled toward the source's posterior mean, with the strength
    // the source's cells show (empirical Bayes), never more than the source's own trials.
    if (segment_count > 1) {
      fit.cell_rates.assign(k_count, std::vector<PooledRate>(cells));
      for (std::size_t k = 0; k < k_count; ++k)
        for (std::size_t src = 0; src < sources; ++src) {
          std::vector<RateGroup> groups;
          std::size_t with_trials = 0;
          for (std::size_t g = 0; g < segment_count; ++g) {
            const std::size_t c = src * segment_count + g;
            groups.push_back({fit.cell_expected[c][k], fit.cell_trials[c]});
            with_trials += fit.cell_trials[c] > 0.0 ? 1 : 0;
          }
          const double source_trials = fit.trials[src];
          double strength = with_trials >= 2 ? pool_rates(groups).prior_strength : source_trials;
          strength = std::min(strength, source_trials);
          const double mean = fit.rates[k].groups[src].mean();
          for (std::size_t g = 0; g < segment_count; ++g) {
            PooledRate& r = fit.cell_rates[k][src * segment_count + g];
            // A hair of prior keeps both parameters positive when a cell is all one outcome.
            r.alpha = strength * mean + groups[g].successes + 1e-6;
            r.beta = strength * (1.0 - mean) + groups[g].trials - groups[g].successes + 1e-6;
          }
        }
    }
    // A stage every lead leaves by some transition has rates summing to 1, and pooling or
    // rounding can tip the Beta means just over it, which the scenario refuses. Such a stage's
    // means are scaled to sum to 1 - 1e-5, each Beta keeping its concentration.
    auto fit_under_one = [&](auto&& posterior) {
      double sum = 0.0;
      for (std::size_t k = 0; k < k_count; ++k) sum += posterior(k).mean();
      if (sum <= 1.0 - 1e-5) return;
      for (std::size_t k = 0; k < k_count; ++k) {
        PooledRate& r = posterior(k);
        const double total = r.alpha + r.beta, mean = r.mean() * (1.0 - 1e-5) / sum;
        r.alpha = mean * total;
        r.beta = (1.0 - mean) * total;
      }
    };
    for (std::size_t src = 0; src < sources; ++src)
      fit_under_one([&](std::size_t k) -> PooledRate& { return fit.rates[k].groups[src]; });
    if (!fit.cell_rates.empty())
      for (std::size_t c = 0; c < cells; ++c)
        fit_under_one([&](std::size_t k) -> PooledRate& { return fit.cell_rates[k][c]; });
    fit_under_one([&](std::size_t k) -> PooledRate& { return fit.rates[k].overall_posterior; });
    for (std::size_t k = 0; k < k_count; ++k) {
      double events = 0.0, censored = 0.0;
      for (const DelayObservation& o : (waiting.empty() ? observed[k] : obs[k]))
        (o.event ? events : censored) += o.weight;
      out.delays.push_back({structure.stages[s].id, structure.stages[targets[s][k]].id,
                            fit.delays[k], events, censored});
    }
  }

  // ---- Volumes per source, on the complete months before the as-of date.
  const int first_month = out.months.first, month_count = out.months.end - out.months.first;
  std::vector<std::vector<double>> counts(
      sources, std::vector<double>(static_cast<std::size_t>(month_count), 0));
  std::vector<std::vector<double>> mix(sources, std::vector<double>(segment_count, 0.0));
  std::vector<double> lead_count(sources, 0.0);
  for (const HistoryLead& lead : h.leads) {
    mix[lead.source][segment_of(lead)] += 1.0;
    lead_count[lead.source] += 1.0;
    for (std::uint32_t i = 0; i < lead.event_count; ++i) {
      const HistoryEvent& e = h.events[lead.first_event + i];
      if (e.stage != entry) continue;
      const int m = month_of_day(e.time) - first_month;
      if (m >= 0 && m < month_count) counts[lead.source][static_cast<std::size_t>(m)] += 1.0;
    }
  }
  std::vector<VolumeFit> volumes(sources);
  for (std::size_t src = 0; src < sources; ++src)
    if (month_count > 0)
      volumes[src] = fit_monthly_volume(counts[src], first_month % 12, options.volume);
  if (month_count == 0)
    out.notes.push_back("no complete month of inquiries before " + month_label(as_of_month) +
                        ": every source's volume is 0");

  // ---- Deal values per segment: lognormal by maximum likelihood on the amounts.
  std::vector<std::vector<double>> amounts(segment_count);
  for (const HistoryLead& lead : h.leads)
    if (lead.amount > 0.0) amounts[segment_of(lead)].push_back(std::log(lead.amount));

  // ---- The starting funnel: leads whose last event is in a stage they can still leave.
  using CohortKey = std::tuple<std::size_t, std::size_t, std::size_t, std::size_t>;
  struct Cohort {
    std::uint64_t count = 0;
    double youngest = 1e300, oldest = 0.0;
  };
  std::map<CohortKey, Cohort> cohorts;
  std::size_t too_old = 0, gone = 0;
  for (const HistoryLead& lead : h.leads) {
    if (lead.event_count == 0) continue;
    const HistoryEvent& last = h.events[lead.first_event + lead.event_count - 1];
    if (targets[last.stage].empty()) continue;
    const double age = as_of - last.time;
    // A lead that by its age has almost surely left (the fitted chance that it will still
    // move is under 0.1%) is not open: most leads that stop in a stage never move again.
    {
      const StageFit& fit = fits[last.stage];
      const std::vector<double>& moves = fit.expected[lead.source];
      const double trials = fit.trials[lead.source];
      double stay = 1.0, still = 0.0;
      for (std::size_t k = 0; k < moves.size(); ++k) {
        const double p = trials > 0.0 ? moves[k] / trials : 0.0;
        stay -= p;
        still += p * fit.delays[k].chosen.survival(age);
      }
      if (!(still > 1e-3 * (still + std::max(0.0, stay)))) {
        ++gone;
        continue;
      }
    }
    if (age > AGE_BANDS.back()) {
      ++too_old;
      continue;
    }
    const auto band = static_cast<std::size_t>(
        std::upper_bound(AGE_BANDS.begin(), AGE_BANDS.end(), age) - AGE_BANDS.begin() - 1);
    Cohort& c = cohorts[{last.stage, lead.source, segment_of(lead), band}];
    ++c.count;
    c.youngest = std::min(c.youngest, age);
    c.oldest = std::max(c.oldest, age);
  }
  if (gone > 0)
    out.notes.push_back(std::to_string(gone) +
                        " leads whose last stage has transitions are taken as gone: at their "
                        "age the fitted chance that they still move on is under 0.1%");
  if (too_old > 0)
    out.notes.push_back(std::to_string(too_old) +
                        " leads last seen more than 3,650 days before the as-of date are left "
                        "out of the starting funnel");

  // ---- The scenario text.
  std::ostringstream y;
  const std::string from = options.history_name.empty() ? "the history" : options.history_name;
  y << "# Fitted by `funnelsim calibrate` from " << from << " as of " << month_label(as_of_month)
    << "-01:\n# " << out.leads << " leads, " << out.events << " stage events before that date";
  if (month_count > 0)
    y << "; inquiries counted over " << month_count << " complete month"
      << (month_count == 1 ? "" : "s") << ", " << month_label(out.months.first) << " .. "
      << month_label(out.months.end - 1);
  y << ".\n# Stage names, labels and flags, working days and arrival hours come from the "
       "structure scenario "
    << quoted(structure.file_name) << ".\n# Each value below says what data it came from.\n";
  y << "name: " << quoted("Calibrated: " + structure.name + ", as of " + month_label(as_of_month))
    << "\n";
  y << "description: "
    << quoted("Fitted to " + from + " (" + std::to_string(out.leads) +
              " leads) by funnelsim calibrate.")
    << "\n\n";
  const models::Calendar& cal = structure.calendar;
  y << "calendar:\n  start: " << month_label(as_of_month)
    << "\n  horizon_months: " << options.horizon_months << "\n  working_days: [";
  static constexpr std::array<const char*, 7> DAYS = {"mon", "tue", "wed", "thu",
                                                      "fri", "sat", "sun"};
  bool first_day = true;
  for (std::size_t d = 0; d < 7; ++d)
    if (cal.working_weekdays[d]) {
      y << (first_day ? "" : ", ") << DAYS[d];
      first_day = false;
    }
  y << "]\n  non_working_day_weight: " << num(cal.non_working_day_weight) << "\n";
  if (!cal.arrival_hours.empty()) {
    y << "  arrival_hours: [";
    for (std::size_t i = 0; i < cal.arrival_hours.size(); ++i)
      y << (i ? ", " : "") << num(cal.arrival_hours[i]);
    y << "]\n";
  }

  y << "\nsegments:\n";
  for (std::size_t g = 0; g < segment_count; ++g) {
    const std::vector<double>& logs = amounts[g];
    const std::string key = "segments." + segments[g] + ".deal_value";
    y << "  " << segments[g] << ":\n";
    double mean = 0.0, var = 0.0;
    for (double v : logs) mean += v;
    if (!logs.empty()) mean /= static_cast<double>(logs.size());
    for (double v : logs) var += (v - mean) * (v - mean);
    if (logs.size() >= 2) var /= static_cast<double>(logs.size() - 1);
    if (logs.size() >= 2 && var > 0.0) {
      const double sigma = std::min(5.0, std::sqrt(var));
      const double n = static_cast<double>(logs.size());
      y << "    # lognormal by maximum likelihood on " << logs.size() << " amounts: median $"
        << num(std::exp(mean), 4) << " (se of mu " << num(sigma / std::sqrt(n), 3) << ")\n";
      y << "    deal_value: {distribution: lognormal, mu: " << num(mean)
        << ", sigma: " << num(sigma) << "}\n";
      out.lines.push_back({key + ".mu", mean, sigma / std::sqrt(n), n, "log $",
                           "lognormal, median $" + num(std::exp(mean), 4)});
      out.lines.push_back(
          {key + ".sigma", sigma, sigma / std::sqrt(2.0 * (n - 1.0)), n, "log $", ""});
    } else {
      const models::Segment* same = nullptr;
      for (const models::Segment& sg : structure.segments)
        if (sg.id == segments[g]) same = &sg;
      const models::Segment& lend = same ? *same : structure.segments.front();
      y << "    # fewer than 2 distinct amounts: the structure scenario's deal value of " << lend.id
        << "\n";
      y << "    deal_value: " << distribution_yaml(lend.deal_value) << "\n";
      out.lines.push_back({key, lend.deal_value.mean(), -1, static_cast<double>(logs.size()), "$",
                           "from the structure scenario (" + lend.id + ")"});
    }
  }

  y << "\nsources:\n";
  for (std::size_t src = 0; src < sources; ++src) {
    const std::string& id = h.sources[src];
    const std::string key = "sources." + id;
    const VolumeFit& v = volumes[src];
    y << "  " << id << ":\n";
    // The level is known only to level_se_log: folded into the monthly multiplier, so a
    // forecast from a short history is as wide as its estimates are uncertain.
    const double od = std::min(
        3.0, std::sqrt(v.overdispersion * v.overdispersion + v.level_se_log * v.level_se_log));
    if (month_count > 0) {
      y << "    # negative binomial regression on " << month_count << " months (" << num(v.total, 8)
        << " inquiries): level " << num(v.level, 5) << " +- " << percent(v.level_se_log)
        << ", trend "
        << (v.has_trend ? num(100.0 * v.trend, 3) + "%/month +- " + num(100.0 * v.trend_se, 2)
                        : std::string("not fitted (under ") +
                              std::to_string(options.volume.trend_min_months) + " months)")
        << ",\n    # seasonality "
        << (v.has_seasonality
                ? std::string("fitted (shrunk toward flat)")
                : "not fitted (under " + std::to_string(options.volume.seasonality_min_months) +
                      " months)")
        << ", overdispersion " << num(v.overdispersion, 3) << " +- " << num(v.overdispersion_se, 2)
        << " widened to " << num(od, 3) << " by the level's uncertainty\n";
    }
    y << "    monthly_volume: " << num(v.level) << "\n";
    if (v.has_trend) y << "    trend: " << num(std::clamp(v.trend, -0.5, 0.5)) << "\n";
    if (v.has_seasonality) {
      y << "    seasonality: [";
      for (std::size_t c = 0; c < 12; ++c)
        y << (c ? ", " : "") << num(std::clamp(v.seasonality[c], 0.0, 10.0), 4);
      y << "]\n";
    }
    if (od > 0.0) y << "    overdispersion: " << num(od, 4) << "\n";
    const double leads = lead_count[src];
    y << "    # segment shares of its " << num(leads, 8) << " leads\n    segment_mix: {";
    // Rounded shares must still sum to 1 within 1e-6: the largest takes the rounding.
    std::vector<double> shares(segment_count, 0.0);
    std::size_t largest = 0;
    double rest = 0.0;
    for (std::size_t g = 0; g < segment_count; ++g) {
      shares[g] = leads > 0.0 ? std::round(1e6 * mix[src][g] / leads) / 1e6 : (g == 0 ? 1.0 : 0.0);
      if (shares[g] > shares[largest]) largest = g;
    }
    for (std::size_t g = 0; g < segment_count; ++g)
      if (g != largest) rest += shares[g];
    shares[largest] = 1.0 - rest;
    for (std::size_t g = 0; g < segment_count; ++g)
      y << (g ? ", " : "") << segments[g] << ": " << num(shares[g], 8);
    y << "}\n";
    if (month_count > 0) {
      out.lines.push_back({key + ".monthly_volume", v.level, v.level * v.level_se_log,
                           static_cast<double>(month_count), "inquiries/month",
                           "negative binomial regression, " + month_label(out.months.first) +
                               " .. " + month_label(out.months.end - 1)});
      if (v.has_trend)
        out.lines.push_back({key + ".trend", v.trend, v.trend_se, static_cast<double>(month_count),
                             "per month", ""});
      out.lines.push_back({key + ".overdispersion", od, v.overdispersion_se,
                           static_cast<double>(month_count), "cv",
                           "fitted " + num(v.overdispersion, 3) + ", widened by the level's se"});
    }
  }

  y << "\nstages:\n";
  for (std::size_t s = 0; s < stages; ++s) {
    const models::Stage& st = structure.stages[s];
    y << "  " << st.id << ":\n";
    if (s == entry) y << "    kind: entry\n";
    y << "    label: " << quoted(st.label) << "\n";
    if (st.pipeline) y << "    pipeline: true\n";
    if (st.bookings) y << "    bookings: true\n";
    if (targets[s].empty()) continue;
    const StageFit& fit = fits[s];
    double spells_here = 0.0;
    for (double n : fit.trials) spells_here += n;
    y << "    transitions:\n";
    for (std::size_t k = 0; k < targets[s].size(); ++k) {
      const std::string& to = structure.stages[targets[s][k]].id;
      const std::string key = "stages." + st.id + ".transitions." + to;
      const RatePooling& rate = fit.rates[k];
      const DelayFitResult& delay = fit.delays[k];
      double expected = 0.0;
      for (std::size_t src = 0; src < sources; ++src) expected += fit.expected[src][k];
      y << "      " << to << ":\n";
      y << "        # " << num(expected, 6) << " of " << num(spells_here, 8)
        << " entries moved here (waiting leads counted by their expected share); per source "
        << (fit.cell_rates.empty() ? "" : "(and segment within it) ")
        << "a Beta posterior pooled toward " << percent(rate.overall) << " (prior strength "
        << num(rate.prior_strength, 3) << ")\n";
      std::size_t listed = 0;
      for (std::size_t src = 0; src < sources; ++src) listed += fit.trials[src] > 0.0 ? 1 : 0;
      if (listed <= 1 && fit.cell_rates.empty()) {
        const PooledRate& only = rate.overall_posterior;
        y << "        probability: {beta: [" << num(only.alpha, 8) << ", " << num(only.beta, 8)
          << "]}\n";
      } else {
        y << "        probability:\n          by_source:\n";
        for (std::size_t src = 0; src < sources; ++src) {
          if (fit.trials[src] <= 0.0) continue;
          const PooledRate& g = rate.groups[src];
          const std::string source_key = key + ".probability.by_source." + h.sources[src];
          out.lines.push_back(
              {source_key, g.mean(), g.sd(), fit.trials[src], "probability",
               num(fit.expected[src][k], 6) + " of " + num(fit.trials[src], 8) + " moved"});
          if (fit.cell_rates.empty()) {
            y << "            " << h.sources[src] << ": {beta: [" << num(g.alpha, 8) << ", "
              << num(g.beta, 8) << "]}\n";
            continue;
          }
          y << "            " << h.sources[src] << ":\n              by_segment:\n";
          for (std::size_t seg = 0; seg < segment_count; ++seg) {
            const std::size_t c = src * segment_count + seg;
            if (fit.cell_trials[c] <= 0.0) continue;
            const PooledRate& r = fit.cell_rates[k][c];
            y << "                " << segments[seg] << ": {beta: [" << num(r.alpha, 8) << ", "
              << num(r.beta, 8) << "]}\n";
            out.lines.push_back(
                {source_key + ".by_segment." + segments[seg], r.mean(), r.sd(), fit.cell_trials[c],
                 "probability",
                 num(fit.cell_expected[c][k], 6) + " of " + num(fit.cell_trials[c], 8) + " moved"});
          }
          y << "              default: {beta: [" << num(g.alpha, 8) << ", " << num(g.beta, 8)
            << "]}\n";
        }
        const PooledRate& d = rate.overall_posterior;
        y << "          default: {beta: [" << num(d.alpha, 8) << ", " << num(d.beta, 8) << "]}\n";
      }
      out.lines.push_back({key + ".probability", rate.overall_posterior.mean(),
                           rate.overall_posterior.sd(), spells_here, "probability", "all sources"});
      const DelayFit& chosen = delay.chosen;
      y << "        # " << family_name(chosen.family) << ": " << delay.reason << "\n";
      y << "        delay: " << distribution_yaml(delay_spec(chosen)) << "\n";
      out.lines.push_back({key + ".delay", chosen.mean(), -1, chosen.events, "days (mean)",
                           std::string(family_name(chosen.family)) + "; " + delay.reason});
    }
  }

  if (!cohorts.empty()) {
    y << "\n# Leads in each stage on " << month_label(as_of_month)
      << "-01, by source, segment and age band (days since they entered the stage).\n";
    y << "initial_funnel:\n";
    for (const auto& [key, c] : cohorts) {
      const auto& [s, src, g, band] = key;
      y << "  - {stage: " << structure.stages[s].id << ", count: " << c.count << ", age_days: ["
        << num(c.youngest, 6) << ", " << num(std::max(c.oldest, c.youngest), 6)
        << "], source: " << h.sources[src];
      if (has_segments || segment_count == 1) y << ", segment: " << segments[g];
      y << "}\n";
      out.starting_leads += c.count;
      (void)band;
    }
  }
  out.scenario_text = y.str();
  return out;
}

}  // namespace funnelsim::calibration
