#include "models/funnel/funnel_model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/funnel/funnel_streams.hpp"

namespace funnelsim::models {

namespace {

engine::RandomStream make_stream(std::uint64_t seed, std::uint64_t replication, FunnelStream stream,
                                 std::size_t substream) {
  return engine::RandomStream({seed, replication, static_cast<std::uint32_t>(stream),
                               static_cast<std::uint32_t>(substream)});
}

/// Tries of plain rejection before the starting funnel falls back to exact inversion.
constexpr int MAX_REJECTION_TRIES = 64;

}  // namespace

/// Scratch of one replication. Kept per thread and reused, so a replication allocates only
/// when it needs more room than the previous one on the same thread did.
struct FunnelModel::Replication {
  std::uint64_t seed = 0;
  std::uint64_t replication = 0;
  std::vector<double> probability;  ///< [transition][pair], after draws and the remainder
  std::vector<double> cumulative;   ///< [pair][transition]: sum up to it within its stage
  std::vector<engine::RandomStream> conversion;  ///< [stage][source]
  std::vector<engine::RandomStream> delays;      ///< [transition][source]
  std::vector<engine::RandomStream> values;      ///< [stage][source]
  std::vector<std::vector<Lead>> pending;        ///< [month][stage][source]
  std::vector<Lead> batch;
  std::vector<std::uint32_t> chosen;      ///< [option][i]: batch indices per transition
  std::vector<std::size_t> chosen_count;  ///< leads per option of the current batch
  std::vector<std::uint64_t> entries;     ///< [month][stage]
  std::vector<double> pipeline;           ///< [month]
  std::vector<double> bookings;           ///< [month]
};

FunnelModel::FunnelModel(Scenario scenario)
    : scenario_(std::move(scenario)), calendar_(scenario_.calendar) {
  const auto& sc = scenario_;
  if (sc.sources.empty() || sc.sources.size() > MAX_SOURCES)
    throw std::invalid_argument("FunnelModel: the scenario has " +
                                std::to_string(sc.sources.size()) +
                                " sources, but must have 1 to " + std::to_string(MAX_SOURCES));
  if (sc.segments.empty()) throw std::invalid_argument("FunnelModel: the scenario has no segments");
  pairs_ = sc.sources.size() * sc.segments.size();
  stage_count_ = sc.stages.size();
  source_count_ = sc.sources.size();
  horizon_days_ = static_cast<double>(calendar_.total_days());
  const std::size_t months = period_count();

  for (const auto& stage : sc.stages) metric_names_.push_back("volume." + stage.id);
  metric_names_.push_back("pipeline.created");
  metric_names_.push_back("bookings");

  for (std::size_t s = 0; s < sc.stages.size(); ++s) {
    stage_first_.push_back(transitions_.size());
    for (const auto& t : sc.stages[s].transitions) {
      if (t.probability.size() != pairs_)
        throw std::invalid_argument("FunnelModel: transition " + sc.stages[s].id + " -> " +
                                    sc.stages[t.to].id + " has " +
                                    std::to_string(t.probability.size()) + " probabilities for " +
                                    std::to_string(pairs_) + " (source, segment) pairs");
      FlatTransition flat;
      flat.from = s;
      flat.to = t.to;
      flat.remainder =
          !t.probability.empty() && t.probability.front().kind == ProbabilitySpec::Kind::Remainder;
      flat.delay = DistributionSampler(t.delay);
      transitions_.push_back(std::move(flat));
    }
  }
  stage_first_.push_back(transitions_.size());

  // Day weights inside each month for sources that follow the working calendar.
  const double off_weight = sc.calendar.non_working_day_weight;
  std::vector<double> weight_sum(months, 0.0);
  for (int m = 0; m < calendar_.months(); ++m) {
    std::vector<double> w(static_cast<std::size_t>(calendar_.month_days(m)));
    for (int d = 0; d < calendar_.month_days(m); ++d)
      w[static_cast<std::size_t>(d)] =
          calendar_.is_working_day(calendar_.month_start(m) + d) ? 1.0 : off_weight;
    for (double x : w) weight_sum[static_cast<std::size_t>(m)] += x;
    // A month with no arrival day at all (every day a holiday, weight 0) falls back to
    // uniform arrivals rather than losing a monthly volume the user asked for.
    if (weight_sum[static_cast<std::size_t>(m)] <= 0.0) std::fill(w.begin(), w.end(), 1.0);
    day_of_month_.emplace_back(w);
  }

  expected_volume_.assign(sc.sources.size() * months, 0.0);
  std::vector<double> horizon_volume(sc.sources.size(), 0.0);
  for (std::size_t s = 0; s < sc.sources.size(); ++s) {
    const Source& src = sc.sources[s];
    for (int m = 0; m < calendar_.months(); ++m) {
      double base = src.volume;
      if (src.basis == Source::Basis::Daily)
        base *= src.follows_calendar ? weight_sum[static_cast<std::size_t>(m)]
                                     : static_cast<double>(calendar_.month_days(m));
      const double e = base * std::pow(1.0 + src.trend, m) *
                       src.seasonality[static_cast<std::size_t>(calendar_.calendar_month(m))];
      expected_volume_[s * months + static_cast<std::size_t>(m)] = e;
      horizon_volume[s] += e;
    }
    segment_mix_.emplace_back(src.segment_mix);
  }
  double total = 0.0;
  for (double v : horizon_volume) total += v;
  if (total <= 0.0) std::fill(horizon_volume.begin(), horizon_volume.end(), 1.0);
  source_share_ = engine::AliasTable(horizon_volume);
  for (const auto& seg : sc.segments) deal_value_.emplace_back(seg.deal_value);
}

void FunnelModel::simulate(std::uint64_t seed, std::uint64_t replication,
                           std::span<double> out) const {
  thread_local Replication r;
  const std::size_t months = period_count();
  const std::size_t stages = scenario_.stages.size();
  const std::size_t sources = scenario_.sources.size();
  r.seed = seed;
  r.replication = replication;

  r.conversion.clear();
  r.values.clear();
  for (std::size_t s = 0; s < stages; ++s)
    for (std::size_t src = 0; src < sources; ++src) {
      r.conversion.push_back(
          make_stream(seed, replication, FunnelStream::CONVERSION, s * MAX_SOURCES + src));
      r.values.push_back(
          make_stream(seed, replication, FunnelStream::VALUES, s * MAX_SOURCES + src));
    }
  r.delays.clear();
  for (std::size_t t = 0; t < transitions_.size(); ++t)
    for (std::size_t src = 0; src < sources; ++src)
      r.delays.push_back(
          make_stream(seed, replication, FunnelStream::DELAYS, t * MAX_SOURCES + src));

  r.pending.resize(months * stages * sources);
  for (auto& p : r.pending) p.clear();
  r.entries.assign(months * stages, 0);
  r.pipeline.assign(months, 0.0);
  r.bookings.assign(months, 0.0);

  draw_probabilities(r);
  seed_initial_funnel(r);
  generate_inquiries(r);
  flow(r);

  const std::size_t metrics = metric_names_.size();
  for (std::size_t m = 0; m < months; ++m) {
    for (std::size_t s = 0; s < stages; ++s)
      out[m * metrics + s] = static_cast<double>(r.entries[m * stages + s]);
    out[m * metrics + stages] = r.pipeline[m];
    out[m * metrics + stages + 1] = r.bookings[m];
  }
}

void FunnelModel::draw_probabilities(Replication& r) const {
  const auto& sc = scenario_;
  r.probability.assign(transitions_.size() * pairs_, 0.0);
  r.cumulative.assign(pairs_ * transitions_.size(), 0.0);
  for (std::size_t t = 0; t < transitions_.size(); ++t) {
    const FlatTransition& ft = transitions_[t];
    const auto& specs = sc.stages[ft.from].transitions[t - stage_first_[ft.from]].probability;
    engine::RandomStream rng = make_stream(r.seed, r.replication, FunnelStream::PARAMETERS, t);
    for (std::size_t p = 0; p < pairs_; ++p) {
      const ProbabilitySpec& spec = specs[p];
      double value = spec.value;
      if (spec.kind == ProbabilitySpec::Kind::Beta) {
        // One written Beta is one uncertain parameter: the pairs it covers share a draw.
        std::size_t same = 0;
        while (same < p && !(specs[same].kind == ProbabilitySpec::Kind::Beta &&
                             specs[same].alpha == spec.alpha && specs[same].beta == spec.beta))
          ++same;
        value = same < p ? r.probability[t * pairs_ + same]
                         : engine::sample_beta(rng, spec.alpha, spec.beta);
      }
      r.probability[t * pairs_ + p] = value;
    }
  }
  // Remainders, and the rare replication whose Beta draws sum above 1: scaled back to 1.
  for (std::size_t s = 0; s < sc.stages.size(); ++s) {
    for (std::size_t p = 0; p < pairs_; ++p) {
      double sum = 0.0;
      for (std::size_t t = stage_first_[s]; t < stage_first_[s + 1]; ++t)
        if (!transitions_[t].remainder) sum += r.probability[t * pairs_ + p];
      const double scale = sum > 1.0 ? 1.0 / sum : 1.0;
      double cumulative = 0.0;
      for (std::size_t t = stage_first_[s]; t < stage_first_[s + 1]; ++t) {
        double& q = r.probability[t * pairs_ + p];
        q = transitions_[t].remainder ? std::max(0.0, 1.0 - sum * scale) : q * scale;
        cumulative += q;
        r.cumulative[p * transitions_.size() + t] = cumulative;
      }
    }
  }
}

void FunnelModel::push(Replication& r, std::size_t stage, std::size_t source,
                       const Lead& lead) const {
  if (!(lead.time < horizon_days_)) return;  // beyond the horizon
  const auto month = static_cast<std::size_t>(calendar_.month_of_day(static_cast<int>(lead.time)));
  r.pending[(month * stage_count_ + stage) * source_count_ + source].push_back(lead);
}

void FunnelModel::generate_inquiries(Replication& r) const {
  const auto& sc = scenario_;
  const std::size_t months = period_count();
  const std::size_t sources = sc.sources.size();
  const std::size_t segments = sc.segments.size();
  const std::size_t entry = sc.entry_stage;
  const std::size_t first = stage_first_[entry], last = stage_first_[entry + 1];

  // Common shock: log multiplier sigma * z_m - sigma^2 / 2 (mean 1), z a stationary AR(1).
  std::vector<double> shock(months, 1.0);
  if (sc.volume_shock.sigma > 0.0) {
    engine::RandomStream rng = make_stream(r.seed, r.replication, FunnelStream::SHOCKS, 0);
    const double rho = sc.volume_shock.autocorrelation, sigma = sc.volume_shock.sigma;
    double z = engine::sample_standard_normal(rng);
    for (std::size_t m = 0; m < months; ++m) {
      if (m > 0) z = rho * z + std::sqrt(1.0 - rho * rho) * engine::sample_standard_normal(rng);
      shock[m] = std::exp(sigma * z - 0.5 * sigma * sigma);
    }
  }

  std::vector<double> split(last - first);
  std::vector<std::uint64_t> moved(last - first);
  std::vector<std::uint64_t> by_segment(segments);
  std::vector<double> mix(segments);

  for (std::size_t s = 0; s < sources; ++s) {
    const Source& src = sc.sources[s];
    engine::RandomStream arrivals = make_stream(r.seed, r.replication, FunnelStream::ARRIVALS, s);
    engine::RandomStream instants =
        make_stream(r.seed, r.replication, FunnelStream::ARRIVAL_TIMES, s);
    engine::RandomStream overdispersion =
        make_stream(r.seed, r.replication, FunnelStream::SHOCKS, 1 + s);
    engine::RandomStream& conversion = r.conversion[entry * sources + s];
    const double k =
        src.overdispersion > 0.0 ? 1.0 / (src.overdispersion * src.overdispersion) : 0.0;
    for (std::size_t g = 0; g < segments; ++g) mix[g] = src.segment_mix[g];

    // Splits `count` new inquiries of segment g in month m; `instant` draws an arrival time.
    auto enter = [&](int m, std::size_t g, std::uint64_t count, auto&& instant) {
      if (count == 0) return;
      r.entries[static_cast<std::size_t>(m) * sc.stages.size() + entry] += count;
      const std::uint32_t pair = static_cast<std::uint32_t>(s * segments + g);
      for (std::size_t t = first; t < last; ++t)
        split[t - first] = r.probability[t * pairs_ + pair];
      engine::sample_multinomial(conversion, count, split, moved);
      Lead lead{0.0, -1.0f, static_cast<std::uint32_t>(g)};
      for (std::size_t t = first; t < last; ++t) {
        // A local copy keeps the generator's state in registers through the loop.
        engine::RandomStream delay_rng = r.delays[t * sources + s];
        const FlatTransition& tr = transitions_[t];
        for (std::uint64_t i = 0; i < moved[t - first]; ++i) {
          const double at = instant();
          lead.time = at + tr.delay(delay_rng);
          push(r, tr.to, s, lead);
        }
        r.delays[t * sources + s] = delay_rng;
      }
    };

    for (std::size_t m = 0; m < months; ++m) {
      const int month = static_cast<int>(m);
      double mean = expected_volume_[s * months + m] * shock[m];
      if (k > 0.0) mean *= engine::sample_gamma(overdispersion, k, 1.0 / k);
      const std::uint64_t n = engine::sample_poisson(arrivals, mean);
      engine::sample_multinomial(arrivals, n, mix, by_segment);
      for (std::size_t g = 0; g < segments; ++g)
        if (src.follows_calendar) {
          const engine::AliasTable& day = day_of_month_[m];
          const double start = calendar_.month_start(month);
          enter(month, g, by_segment[g],
                [&] { return start + static_cast<double>(day(instants)) + instants.uniform01(); });
        } else {
          const double start = calendar_.month_start(month), days = calendar_.month_days(month);
          enter(month, g, by_segment[g], [&] { return start + instants.uniform01() * days; });
        }

      for (const Burst& b : src.bursts) {
        if (b.month_index != month) continue;
        const double from = calendar_.month_start(month) + (b.first_day - 1);
        const double span = std::min(b.days, calendar_.month_days(month) - b.first_day + 1);
        const std::uint64_t nb = engine::sample_poisson(arrivals, b.volume);
        engine::sample_multinomial(arrivals, nb, mix, by_segment);
        for (std::size_t g = 0; g < segments; ++g)
          enter(month, g, by_segment[g], [&] { return from + instants.uniform01() * span; });
      }
    }
  }
}

void FunnelModel::seed_initial_funnel(Replication& r) const {
  const auto& sc = scenario_;
  const std::size_t segments = sc.segments.size();
  std::vector<double> weight;
  for (std::size_t c = 0; c < sc.initial_funnel.size(); ++c) {
    const InitialCohort& cohort = sc.initial_funnel[c];
    engine::RandomStream rng = make_stream(r.seed, r.replication, FunnelStream::INITIAL, c);
    const std::size_t first = stage_first_[cohort.stage], last = stage_first_[cohort.stage + 1];
    for (std::uint64_t i = 0; i < cohort.count; ++i) {
      const std::size_t s = cohort.source ? *cohort.source : source_share_(rng);
      const std::size_t g = cohort.segment ? *cohort.segment : segment_mix_[s](rng);
      const std::uint32_t pair = static_cast<std::uint32_t>(s * segments + g);
      const double age =
          cohort.age_min_days + rng.uniform01() * (cohort.age_max_days - cohort.age_min_days);
      // A lead that has spent `age` days in the stage without moving took transition t with
      // probability proportional to p_t P(D_t > age), or none (it stays) with 1 - sum p_t;
      // its delay is then D_t given D_t > age. Rejection draws exactly that; when it keeps
      // failing (old leads, short delays), the same law is drawn by inversion.
      std::size_t chosen = last;
      double remaining = 0.0;
      bool decided = false;
      for (int attempt = 0; attempt < MAX_REJECTION_TRIES && !decided; ++attempt) {
        const double u = rng.uniform01();
        std::size_t t = first;
        while (t < last && u >= r.cumulative[pair * transitions_.size() + t]) ++t;
        if (t == last) {
          decided = true;  // stays in the stage for good
          break;
        }
        const double d = transitions_[t].delay(rng);
        if (d > age) {
          chosen = t;
          remaining = d - age;
          decided = true;
        }
      }
      if (!decided) {
        weight.assign(last - first + 1, 0.0);
        double sum = 0.0;
        for (std::size_t t = first; t < last; ++t) {
          weight[t - first] =
              r.probability[t * pairs_ + pair] * transitions_[t].delay.survival(age);
          sum += weight[t - first];
        }
        weight.back() = std::max(0.0, 1.0 - r.cumulative[pair * transitions_.size() + last - 1]);
        sum += weight.back();
        if (sum <= 0.0) {
          // Every delay has already run out: the leads are overdue and move now.
          for (std::size_t t = first; t < last; ++t) {
            weight[t - first] = r.probability[t * pairs_ + pair];
            sum += weight[t - first];
          }
        }
        // A one-off draw: a linear search is cheaper than building an alias table.
        double target = rng.uniform01() * sum;
        chosen = first;
        while (chosen < last && target >= weight[chosen - first])
          target -= weight[chosen++ - first];
        if (chosen < last) remaining = transitions_[chosen].delay.sample_above(rng, age) - age;
      }
      if (chosen < last)
        push(r, transitions_[chosen].to, s, Lead{remaining, -1.0f, static_cast<std::uint32_t>(g)});
    }
  }
}

void FunnelModel::flow(Replication& r) const {
  const auto& sc = scenario_;
  const std::size_t stages = sc.stages.size();
  const std::size_t sources = sc.sources.size();
  const std::size_t segments = sc.segments.size();
  const std::size_t count = transitions_.size();
  for (std::size_t m = 0; m < period_count(); ++m) {
    // Leads reach later months only by positive delays; zero delays can feed a stage that
    // was already swept this month, so sweep until the month is empty.
    for (bool moved = true; moved;) {
      moved = false;
      for (std::size_t s = 0; s < stages; ++s) {
        const Stage& stage = sc.stages[s];
        const std::size_t first = stage_first_[s], last = stage_first_[s + 1];
        for (std::size_t src = 0; src < sources; ++src) {
          auto& bucket = r.pending[(m * stages + s) * sources + src];
          if (bucket.empty()) continue;
          moved = true;
          r.batch.swap(bucket);
          r.entries[m * stages + s] += r.batch.size();
          if (stage.pipeline || stage.bookings) {
            engine::RandomStream values = r.values[s * sources + src];
            for (Lead& lead : r.batch) {
              if (stage.pipeline || lead.value < 0.0f)
                lead.value = static_cast<float>(deal_value_[lead.segment](values));
              if (stage.pipeline) r.pipeline[m] += lead.value;
              if (stage.bookings) r.bookings[m] += lead.value;
            }
            r.values[s * sources + src] = values;
          }
          if (first != last) {
            // One pass draws every lead's transition, then one pass per transition draws the
            // delays of its leads. The choice is branch-free (the number of cumulative
            // thresholds at or below u) and each lead's index is appended to its transition's
            // list, because a branch on a coin flip is mispredicted half the time.
            engine::RandomStream conversion = r.conversion[s * sources + src];
            const double* cumulative = r.cumulative.data() + src * segments * count + first;
            const std::size_t options = last - first;  // the list after them: leads that leave
            const std::size_t n = r.batch.size();
            r.chosen.resize((options + 1) * n);
            r.chosen_count.assign(options + 1, 0);
            for (std::size_t i = 0; i < n; ++i) {
              const double u = conversion.uniform01();
              const double* c = cumulative + r.batch[i].segment * count;
              std::size_t k = 0;
              for (std::size_t t = 0; t < options; ++t) k += static_cast<std::size_t>(u >= c[t]);
              r.chosen[k * n + r.chosen_count[k]++] = static_cast<std::uint32_t>(i);
            }
            r.conversion[s * sources + src] = conversion;
            for (std::size_t k = 0; k < options; ++k) {
              engine::RandomStream delays = r.delays[(first + k) * sources + src];
              const FlatTransition& tr = transitions_[first + k];
              const std::uint32_t* chosen = r.chosen.data() + k * n;
              for (std::size_t j = 0; j < r.chosen_count[k]; ++j) {
                Lead lead = r.batch[chosen[j]];
                lead.time += tr.delay(delays);
                push(r, tr.to, src, lead);
              }
              r.delays[(first + k) * sources + src] = delays;
            }
          }
          r.batch.clear();
        }
      }
    }
  }
}

}  // namespace funnelsim::models
