// Tests that selected order statistics equal those of a full sort, on many sample shapes.
#include "engine/stats/order_statistics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace funnelsim::engine {
namespace {

// Uniform in [0, 1) from a fixed LCG, so every shape below is reproducible.
class Uniform {
 public:
  double operator()() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state_ >> 11) * 0x1p-53;
  }

 private:
  std::uint64_t state_ = 2027;
};

// The ranks summarise asks for (type 7 at 5 % ... 95 %), plus both ends and a duplicate.
std::vector<std::size_t> ranks_for(std::size_t n) {
  std::vector<std::size_t> ranks = {0, n - 1};
  for (const double q : {0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95}) {
    const auto below = static_cast<std::size_t>(std::floor(static_cast<double>(n - 1) * q));
    ranks.push_back(below);
    ranks.push_back(std::min(below + 1, n - 1));
    ranks.push_back(below);
  }
  std::sort(ranks.begin(), ranks.end());
  return ranks;
}

void expect_same_as_sort(const std::string& shape, std::vector<double> values) {
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const std::vector<std::size_t> ranks = ranks_for(values.size());
  std::vector<double> out(ranks.size());
  select_order_statistics(values, ranks, out);
  for (std::size_t i = 0; i < ranks.size(); ++i)
    EXPECT_EQ(out[i], sorted[ranks[i]])  // == so that -0.0 and +0.0 count as the same value
        << shape << ", n " << values.size() << ", rank " << ranks[i];
}

std::vector<double> make(std::size_t n, const std::function<double(std::size_t, Uniform&)>& f) {
  Uniform uniform;
  std::vector<double> values(n);
  for (std::size_t i = 0; i < n; ++i) values[i] = f(i, uniform);
  return values;
}

TEST(OrderStatistics, EqualSortedValuesOnManyShapes) {
  const double inf = std::numeric_limits<double>::infinity();
  const double max = std::numeric_limits<double>::max();
  // Sizes below, at and above the switch to buckets (2048), odd and even.
  for (const std::size_t n : {1u, 2u, 3u, 100u, 2047u, 2048u, 5001u, 100000u}) {
    expect_same_as_sort("uniform", make(n, [](std::size_t, Uniform& u) { return u(); }));
    expect_same_as_sort("counts with ties", make(n, [](std::size_t, Uniform& u) {
                          return std::floor(700 + 60 * (u() - 0.5));
                        }));
    expect_same_as_sort("constant", make(n, [](std::size_t, Uniform&) { return 3.25; }));
    expect_same_as_sort("mostly zero", make(n, [](std::size_t, Uniform& u) {
                          const double x = u();
                          return x < 0.97 ? 0.0 : x;
                        }));
    expect_same_as_sort("signed zeros and negatives", make(n, [](std::size_t i, Uniform& u) {
                          return i % 3 == 0 ? -0.0 : i % 3 == 1 ? 0.0 : -u();
                        }));
    expect_same_as_sort("one huge outlier",
                        make(n, [](std::size_t i, Uniform& u) { return i == 7 ? 1e300 : u(); }));
    expect_same_as_sort("range overflows", make(n, [max](std::size_t i, Uniform& u) {
                          return i % 2 == 0 ? -max * u() : max * u();
                        }));
    expect_same_as_sort("infinities", make(n, [inf](std::size_t i, Uniform& u) {
                          return i % 50 == 0 ? inf : i % 50 == 1 ? -inf : u();
                        }));
    expect_same_as_sort("subnormal spread", make(n, [](std::size_t, Uniform& u) {
                          return std::numeric_limits<double>::denorm_min() * std::floor(1000 * u());
                        }));
    expect_same_as_sort("sorted descending", make(n, [n](std::size_t i, Uniform&) {
                          return static_cast<double>(n - i);
                        }));
  }
}

TEST(OrderStatistics, RejectsInconsistentArguments) {
  std::vector<double> values = {3, 1, 2};
  std::vector<double> out(2);
  const std::vector<std::size_t> out_of_range = {0, 3};
  EXPECT_THROW(select_order_statistics(values, out_of_range, out), std::invalid_argument);
  const std::vector<std::size_t> descending = {2, 1};
  EXPECT_THROW(select_order_statistics(values, descending, out), std::invalid_argument);
  const std::vector<std::size_t> three = {0, 1, 2};
  EXPECT_THROW(select_order_statistics(values, three, out), std::invalid_argument);
}

}  // namespace
}  // namespace funnelsim::engine
