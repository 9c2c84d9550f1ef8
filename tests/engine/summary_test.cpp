// Tests of summarise: known moments and quantiles, determinism, compensated sums.
#include "engine/stats/summary.hpp"

#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/stats/quantile.hpp"

namespace funnelsim::engine {
namespace {

// A cube of pseudo-random values from a fixed LCG: reproducible without the rng module.
ResultCube pseudo_random_cube(std::size_t replications, std::size_t periods, std::size_t metrics) {
  std::vector<std::string> names;
  for (std::size_t m = 0; m < metrics; ++m) names.push_back("metric" + std::to_string(m));
  ResultCube cube(replications, periods, names);
  std::uint64_t state = 12345;
  for (std::size_t r = 0; r < replications; ++r)
    for (std::size_t p = 0; p < periods; ++p)
      for (std::size_t m = 0; m < metrics; ++m) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        // Integers 0..1023 with many ties (like counts), plus a fraction for some metrics.
        const double count = static_cast<double>(state >> 54);
        cube.at(r, p, m) = m % 2 == 0 ? count : count / 7.0 - 50.0;
      }
  return cube;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::bit_cast<std::uint64_t>(a[i]) != std::bit_cast<std::uint64_t>(b[i])) return false;
  return true;
}

TEST(Summarise, KnownMeanSdAndQuantiles) {
  // Metric "a" in period 0 takes 3, 1, 4, 2 over the replications (unsorted on purpose);
  // in period 1 ten times that. Metric "b" is 7 throughout.
  ResultCube cube(4, 2, {"a", "b"});
  const std::vector<double> a = {3, 1, 4, 2};
  for (std::size_t r = 0; r < 4; ++r) {
    cube.at(r, 0, 0) = a[r];
    cube.at(r, 1, 0) = 10 * a[r];
    cube.at(r, 0, 1) = 7;
    cube.at(r, 1, 1) = 7;
  }
  const std::vector<PeriodStats> stats = summarise(cube);
  ASSERT_EQ(stats.size(), 2u);
  ASSERT_EQ(stats[0].mean.size(), 2u);
  // mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5 over n - 1 = 3: sd sqrt(5/3).
  EXPECT_EQ(stats[0].mean[0], 2.5);
  EXPECT_DOUBLE_EQ(stats[0].sd[0], std::sqrt(5.0 / 3.0));
  EXPECT_EQ(stats[0].mean[1], 25.0);
  EXPECT_DOUBLE_EQ(stats[0].sd[1], 10 * std::sqrt(5.0 / 3.0));
  // Sorted 1 2 3 4, h = 3 q, value = 1 + 3 q: p05 1.15, p10 1.3, p25 1.75, p50 2.5,
  // p75 3.25, p90 3.7, p95 3.85 (4 ulp: h and the interpolation are rounded).
  const std::vector<double> expected = {1.15, 1.3, 1.75, 2.5, 3.25, 3.7, 3.85};
  for (std::size_t i = 0; i < PeriodStats::QUANTILES.size(); ++i) {
    const auto field = PeriodStats::FIELDS[PeriodStats::FIRST_QUANTILE_FIELD + i];
    EXPECT_DOUBLE_EQ((stats[0].*field.values)[0], expected[i]) << field.name;
    EXPECT_DOUBLE_EQ((stats[0].*field.values)[1], 10 * expected[i]) << field.name;
    EXPECT_EQ((stats[1].*field.values)[0], 7.0) << field.name;
  }
  EXPECT_EQ(stats[1].mean[1], 7.0);
  EXPECT_EQ(stats[1].sd[1], 0.0);
}

TEST(Summarise, FieldsNameTheQuantilesInOrder) {
  // The writers take names from FIELDS; p05 must be the field of QUANTILES[0] = 0.05, etc.
  const char* names[] = {"p05", "p10", "p25", "p50", "p75", "p90", "p95"};
  for (std::size_t i = 0; i < PeriodStats::QUANTILES.size(); ++i) {
    EXPECT_EQ(PeriodStats::FIELDS[PeriodStats::FIRST_QUANTILE_FIELD + i].name, names[i]);
    EXPECT_DOUBLE_EQ(PeriodStats::QUANTILES[i] * 100, std::stod(std::string(names[i] + 1)));
  }
  EXPECT_EQ(PeriodStats::FIELDS[0].name, "mean");
  EXPECT_EQ(PeriodStats::FIELDS[1].name, "sd");
}

TEST(Summarise, SingleReplicationHasZeroSdAndItsValueAsEveryQuantile) {
  ResultCube cube(1, 1, {"x"});
  cube.at(0, 0, 0) = -3.5;
  const PeriodStats stats = summarise(cube).at(0);
  EXPECT_EQ(stats.mean[0], -3.5);
  EXPECT_EQ(stats.sd[0], 0.0);
  EXPECT_EQ(stats.p05[0], -3.5);
  EXPECT_EQ(stats.p95[0], -3.5);
}

TEST(Summarise, CompensatedSumKeepsWhatNaiveSummationLoses) {
  // 1e16 + 1 rounds back to 1e16 (the spacing of doubles there is 2), so a naive sum of
  // 1e16, 1, -1e16 is 0; the exact sum is 1, and the compensated sum recovers it.
  ResultCube cube(3, 1, {"x"});
  cube.at(0, 0, 0) = 1e16;
  cube.at(1, 0, 0) = 1.0;
  cube.at(2, 0, 0) = -1e16;
  double naive = 0;
  for (std::size_t r = 0; r < 3; ++r) naive += cube.at(r, 0, 0);
  ASSERT_EQ(naive, 0.0);  // the case really defeats naive summation
  EXPECT_EQ(summarise(cube)[0].mean[0], 1.0 / 3.0);
}

TEST(Summarise, QuantilesEqualThoseOfTheSortedColumn) {
  // summarise selects order statistics without sorting; it must give exactly what sorting
  // and quantile_sorted give, for odd and even n, with many ties, on both sides of the size
  // where select_order_statistics switches from partitioning to buckets (2048).
  for (const std::size_t n : {2u, 13u, 1000u, 1001u, 4096u, 5001u}) {
    const ResultCube cube = pseudo_random_cube(n, 3, 2);
    const std::vector<PeriodStats> stats = summarise(cube);
    for (std::size_t m = 0; m < 2; ++m)
      for (std::size_t p = 0; p < 3; ++p) {
        std::vector<double> column;
        for (std::size_t r = 0; r < n; ++r) column.push_back(cube.at(r, p, m));
        std::sort(column.begin(), column.end());
        for (std::size_t i = 0; i < PeriodStats::QUANTILES.size(); ++i) {
          const auto field = PeriodStats::FIELDS[PeriodStats::FIRST_QUANTILE_FIELD + i];
          EXPECT_EQ((stats[m].*field.values)[p], quantile_sorted(column, PeriodStats::QUANTILES[i]))
              << "n " << n << " metric " << m << " period " << p << " " << field.name;
        }
      }
  }
}

TEST(Summarise, BitIdenticalAcrossRunsAndThreadCounts) {
  const ResultCube cube = pseudo_random_cube(5000, 4, 5);
  const std::vector<PeriodStats> first = summarise(cube);
  std::vector<PeriodStats> again = summarise(cube);
  std::vector<PeriodStats> one_thread;
  tbb::task_arena(1).execute([&] { one_thread = summarise(cube); });
  for (std::size_t m = 0; m < cube.metrics(); ++m)
    for (const auto& field : PeriodStats::FIELDS) {
      EXPECT_TRUE(same_bits(first[m].*field.values, again[m].*field.values)) << field.name;
      EXPECT_TRUE(same_bits(first[m].*field.values, one_thread[m].*field.values)) << field.name;
    }
}

TEST(Summarise, MeanAgreesWithDirectSum) {
  // Integers 0..1023, 5000 of them: every partial sum is an exact double, so the plain sum
  // is exact and the compensated mean must equal it divided by n, bit for bit.
  const ResultCube cube = pseudo_random_cube(5000, 1, 1);
  double sum = 0;
  for (std::size_t r = 0; r < 5000; ++r) sum += cube.at(r, 0, 0);
  EXPECT_EQ(summarise(cube)[0].mean[0], sum / 5000.0);
}

TEST(Summarise, RejectsNanNamingWhereItIs) {
  ResultCube cube(4, 2, {"a", "b"});
  cube.at(2, 1, 1) = std::numeric_limits<double>::quiet_NaN();
  try {
    summarise(cube);
    FAIL() << "NaN accepted";
  } catch (const std::domain_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("'b'"), std::string::npos) << message;
    EXPECT_NE(message.find("replication 2"), std::string::npos) << message;
    EXPECT_NE(message.find("period 1"), std::string::npos) << message;
  }
}

TEST(Summarise, RejectsCubeWithoutReplications) {
  const ResultCube cube(0, 3, {"a"});
  EXPECT_THROW(summarise(cube), std::invalid_argument);
}

}  // namespace
}  // namespace funnelsim::engine
