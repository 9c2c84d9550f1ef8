// DayQueue (models/capacity/day_queue.hpp) pops exactly what a binary heap of the same
// (time, index) pairs would, whatever the mix of pushes and pops.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

#include "engine/rng/random_stream.hpp"
#include "models/capacity/day_queue.hpp"

namespace fm = funnelsim::models;
namespace fe = funnelsim::engine;

namespace {

using Pair = std::pair<double, std::uint32_t>;
using Reference = std::priority_queue<Pair, std::vector<Pair>, std::greater<>>;

/// Runs `steps` random operations on both queues; pushes land from `back` days before the
/// last popped time to `ahead` days after it, with a share of exact ties, negative times and
/// times past the horizon.
void compare(std::uint64_t seed, int days, int steps, double back, double ahead, double pop_share) {
  fe::RandomStream rng({seed, 0, 0, 0});
  fm::DayQueue queue;
  queue.reset(days);
  Reference reference;
  double now = 0.0;
  std::uint32_t next_index = 0;
  std::vector<double> recent;  // times pushed before, for ties
  for (int step = 0; step < steps; ++step) {
    if (!reference.empty() && rng.uniform01() < pop_share) {
      ASSERT_FALSE(queue.empty());
      const fm::DayQueue::Entry top = queue.top();
      ASSERT_EQ(top.time, reference.top().first) << "step " << step;
      ASSERT_EQ(top.index, reference.top().second) << "step " << step;
      now = std::max(now, top.time);
      queue.pop();
      reference.pop();
    } else {
      double time = now - back + rng.uniform01() * (back + ahead);
      const double kind = rng.uniform01();
      if (kind < 0.1 && !recent.empty())
        time =
            recent[static_cast<std::size_t>(rng.uniform01() * static_cast<double>(recent.size()))];
      else if (kind < 0.13)
        time = -rng.uniform01() * 3.0;
      else if (kind < 0.16)
        time = static_cast<double>(days) + rng.uniform01() * 5.0;
      else if (kind < 0.2)
        time = static_cast<double>(static_cast<int>(time));  // exactly midnight
      recent.push_back(time);
      queue.push(time, next_index);
      reference.push({time, next_index});
      ++next_index;
    }
    ASSERT_EQ(queue.size(), reference.size());
  }
  while (!reference.empty()) {
    ASSERT_EQ(queue.top().time, reference.top().first);
    ASSERT_EQ(queue.top().index, reference.top().second);
    queue.pop();
    reference.pop();
  }
  EXPECT_TRUE(queue.empty());
}

TEST(DayQueue, PopsInTheOrderOfABinaryHeapWhenFilledAhead) {
  // A month of arrivals pushed at once, then drained with a few same-day pushes.
  compare(1, 90, 40000, 0.5, 30.0, 0.45);
}

TEST(DayQueue, PopsInTheOrderOfABinaryHeapWithPushesIntoThePast) {
  // Most pushes at or before the open day: the side heap does the work.
  compare(2, 30, 20000, 4.0, 0.5, 0.5);
}

TEST(DayQueue, HandlesAZeroDayHorizonAndReuse) {
  compare(3, 0, 5000, 1.0, 1.0, 0.5);
  compare(4, 1, 5000, 1.0, 3.0, 0.4);
}

TEST(DayQueue, ResetEmptiesAndKeepsWorking) {
  fm::DayQueue queue;
  queue.reset(10);
  queue.push(5.5, 1);
  queue.push(2.25, 2);
  EXPECT_EQ(queue.top().index, 2u);
  queue.reset(10);
  EXPECT_TRUE(queue.empty());
  queue.push(7.0, 3);
  queue.push(7.0, 1);
  EXPECT_EQ(queue.top().index, 1u);  // ties go by index
  queue.pop();
  EXPECT_EQ(queue.top().index, 3u);
  queue.pop();
  EXPECT_TRUE(queue.empty());
}

}  // namespace
