// Micro-benchmarks of engine/sampling: nanoseconds per draw at representative parameters, and the
// cost of deriving a RandomStream from its key.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "engine/sampling/samplers.hpp"

namespace {

using namespace funnelsim::engine;

RandomStream bench_stream() {
  return RandomStream(StreamKey{1, 0, 0, 0});
}

// Each iteration is one draw; DoNotOptimize keeps the result alive without a memory round trip.
template <class Draw>
void run(benchmark::State& state, Draw draw) {
  RandomStream rng = bench_stream();
  for (auto _ : state) benchmark::DoNotOptimize(draw(rng));
}

void BM_RandomStreamConstruct(benchmark::State& state) {
  std::uint64_t replication = 0;
  for (auto _ : state) {
    RandomStream rng(StreamKey{42, replication++, 3, 1});
    benchmark::DoNotOptimize(rng);
  }
}
BENCHMARK(BM_RandomStreamConstruct);

void BM_Uniform01(benchmark::State& s) {
  run(s, [](RandomStream& r) { return r.uniform01(); });
}
BENCHMARK(BM_Uniform01);

void BM_StandardNormal(benchmark::State& s) {
  run(s, sample_standard_normal);
}
BENCHMARK(BM_StandardNormal);

void BM_Exponential(benchmark::State& s) {
  run(s, [](RandomStream& r) { return sample_exponential(r, 2.0); });
}
BENCHMARK(BM_Exponential);

void BM_GammaSampler(benchmark::State& s) {
  const GammaSampler gamma(static_cast<double>(s.range(0)) / 10.0, 1.0);
  run(s, gamma);
}
BENCHMARK(BM_GammaSampler)->Arg(3)->Arg(20)->Arg(75);  // shape 0.3, 2, 7.5

void BM_SampleGamma(benchmark::State& s) {
  run(s, [](RandomStream& r) { return sample_gamma(r, 2.0, 1.0); });
}
BENCHMARK(BM_SampleGamma);

void BM_Lognormal(benchmark::State& s) {
  run(s, [](RandomStream& r) { return sample_lognormal(r, 1.0, 0.5); });
}
BENCHMARK(BM_Lognormal);

void BM_Weibull(benchmark::State& s) {
  run(s, [](RandomStream& r) { return sample_weibull(r, 1.5, 2.0); });
}
BENCHMARK(BM_Weibull);

void BM_Beta(benchmark::State& s) {
  run(s, [](RandomStream& r) { return sample_beta(r, 2.0, 5.0); });
}
BENCHMARK(BM_Beta);

void BM_Poisson(benchmark::State& s) {
  const double mean = static_cast<double>(s.range(0));
  run(s, [mean](RandomStream& r) { return sample_poisson(r, mean); });
}
BENCHMARK(BM_Poisson)->Arg(3)->Arg(9)->Arg(10)->Arg(100)->Arg(10000);

void BM_Binomial(benchmark::State& s) {
  const auto n = static_cast<std::uint64_t>(s.range(0));
  run(s, [n](RandomStream& r) { return sample_binomial(r, n, 0.3); });
}
BENCHMARK(BM_Binomial)->Arg(20)->Arg(1000)->Arg(1000000);

void BM_NegativeBinomial(benchmark::State& s) {
  run(s, [](RandomStream& r) { return sample_negative_binomial(r, 50.0, 2.0); });
}
BENCHMARK(BM_NegativeBinomial);

void BM_Multinomial5(benchmark::State& s) {
  const std::vector<double> p = {0.3, 0.2, 0.1, 0.05, 0.05};
  std::vector<std::uint64_t> counts(p.size());
  RandomStream rng = bench_stream();
  for (auto _ : s) {
    sample_multinomial(rng, 1000, p, counts);
    benchmark::DoNotOptimize(counts.data());
  }
}
BENCHMARK(BM_Multinomial5);

void BM_AliasTable(benchmark::State& s) {
  std::vector<double> weights(static_cast<std::size_t>(s.range(0)));
  for (std::size_t i = 0; i < weights.size(); ++i) weights[i] = 1.0 + static_cast<double>(i % 7);
  const AliasTable table(weights);
  run(s, table);
}
BENCHMARK(BM_AliasTable)->Arg(8)->Arg(1000);

}  // namespace
