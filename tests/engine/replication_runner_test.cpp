// run_replications: thread counts and ranges give the same rows, and a distributed run (a
// ReplicationExchange) simulates only its rank's static block and assembles the rest.
#include "engine/run/replication_runner.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/rng/random_stream.hpp"

namespace funnelsim::engine {
namespace {

// Two periods, three metrics: a draw from the replication's own stream and its index.
struct ToyModel {
  std::size_t period_count() const { return 2; }
  std::vector<std::string> metric_names() const { return {"draw", "replication", "seed"}; }
  void simulate(std::uint64_t seed, std::uint64_t replication, std::span<double> out) const {
    if (replication == fail_at) throw std::runtime_error("replication failed");
    RandomStream rng = RandomStream::from_word(seed * 1'000'003 + replication);
    for (std::size_t p = 0; p < 2; ++p) {
      out[p * 3] = rng.uniform01();
      out[p * 3 + 1] = static_cast<double>(replication);
      out[p * 3 + 2] = static_cast<double>(seed);
    }
  }
  std::uint64_t fail_at = std::numeric_limits<std::uint64_t>::max();
};

RunConfig config(std::size_t replications, std::size_t threads, std::uint64_t first = 0) {
  RunConfig c;
  c.seed = 77;
  c.replications = replications;
  c.threads = threads;
  c.first_replication = first;
  return c;
}

bool same(const ResultCube& a, const ResultCube& b) {
  return a.values().size() == b.values().size() &&
         std::memcmp(a.values().data(), b.values().data(), a.values().size() * sizeof(double)) == 0;
}

TEST(ReplicationRunner, EveryThreadCountAndSplitGivesTheSameRows) {
  const ToyModel model;
  const ResultCube one = run_replications(model, config(50, 1));
  EXPECT_TRUE(same(one, run_replications(model, config(50, 2))));
  EXPECT_TRUE(same(one, run_replications(model, config(50, 8))));
  const ResultCube tail = run_replications(model, config(20, 2, 30));
  for (std::size_t r = 0; r < 20; ++r)
    for (std::size_t k = 0; k < 6; ++k) EXPECT_EQ(tail.slice(r)[k], one.slice(30 + r)[k]);
}

TEST(ReplicationRunner, RankBlocksCoverTheRunInOrder) {
  for (std::size_t n : {0u, 1u, 7u, 10u, 1000u})
    for (std::size_t ranks : {1u, 2u, 3u, 8u}) {
      std::size_t next = 0, smallest = n, largest = 0;
      for (std::size_t r = 0; r < ranks; ++r) {
        const ReplicationBlock b = rank_block(n, ranks, r);
        EXPECT_EQ(b.first, next) << n << " over " << ranks;
        next += b.count;
        smallest = std::min(smallest, b.count);
        largest = std::max(largest, b.count);
      }
      EXPECT_EQ(next, n);
      EXPECT_LE(largest - smallest, 1u);  // static blocks as even as they can be
    }
  const ReplicationBlock first = rank_block(7, 3, 0);  // 3, 2, 2
  EXPECT_EQ(first.count, 3u);
  EXPECT_EQ(rank_block(7, 3, 2).first, 5u);
}

// Rank `rank` of `ranks` in one process: it records what it is given and fills the others'
// rows from a single-process cube, as the real exchange would from the other ranks.
class FakeExchange final : public ReplicationExchange {
 public:
  FakeExchange(std::size_t rank, std::size_t ranks, const ResultCube& others)
      : rank_(rank), ranks_(ranks), others_(others) {}
  std::size_t rank() const override { return rank_; }
  std::size_t ranks() const override { return ranks_; }
  void exchange(std::span<const double> mine, std::span<double> all,
                std::span<const std::size_t> counts, std::size_t row) override {
    sent = std::vector<double>(mine.begin(), mine.end());
    std::size_t offset = 0;
    for (std::size_t r = 0; r < counts.size(); ++r) {
      const double* from = r == rank_ ? mine.data() : others_.values().data() + offset * row;
      std::copy(from, from + counts[r] * row, all.begin() + static_cast<long>(offset * row));
      offset += counts[r];
    }
  }
  [[noreturn]] void abort(const std::string& message) override { throw std::logic_error(message); }
  std::vector<double> sent;

 private:
  std::size_t rank_, ranks_;
  const ResultCube& others_;
};

TEST(ReplicationRunner, ADistributedRankSimulatesItsBlockOnly) {
  const ToyModel model;
  const ResultCube one = run_replications(model, config(11, 2, 5));
  for (std::size_t rank = 0; rank < 3; ++rank) {
    FakeExchange exchange(rank, 3, one);
    set_replication_exchange(&exchange);
    const ResultCube cube = run_replications(model, config(11, 2, 5));
    set_replication_exchange(nullptr);
    EXPECT_TRUE(same(one, cube)) << "rank " << rank;
    // What this rank sent is its block, computed by itself: replications 5 + first ...
    const ReplicationBlock b = rank_block(11, 3, rank);
    ASSERT_EQ(exchange.sent.size(), b.count * 6);
    for (std::size_t i = 0; i < b.count; ++i)
      EXPECT_EQ(exchange.sent[i * 6 + 1], static_cast<double>(5 + b.first + i));
  }
}

TEST(ReplicationRunner, AFailureOnARankAbortsThroughTheExchange) {
  ToyModel model;
  model.fail_at = 3;
  const ResultCube one(4, 2, model.metric_names());
  FakeExchange exchange(0, 2, one);  // rank 0 of 2 runs replications 0 .. 1 of 4: fine
  set_replication_exchange(&exchange);
  EXPECT_NO_THROW(run_replications(model, config(4, 1)));
  FakeExchange second(1, 2, one);  // rank 1 runs 2 .. 3 and fails: abort, not a hang
  set_replication_exchange(&second);
  EXPECT_THROW(
      {
        try {
          run_replications(model, config(4, 1));
        } catch (const std::logic_error& e) {
          EXPECT_STREQ(e.what(), "replication failed");
          throw;
        }
      },
      std::logic_error);
  set_replication_exchange(nullptr);
}

}  // namespace
}  // namespace funnelsim::engine
