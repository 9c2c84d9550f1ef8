// One lead's nurture track (models/funnel/nurture_track.hpp) against closed forms: the mean
// and variance of engagement after k touches with decay, and the probabilities of returning,
// unsubscribing and completing the track, with the touch a lead returns at.
//
// Each check draws many independent leads and compares with standard errors (Z_LIMIT).
#include <gtest/gtest.h>

#include <boost/math/special_functions/binomial.hpp>
#include <cmath>
#include <vector>

#include "engine/rng/random_stream.hpp"
#include "models/funnel/nurture_track.hpp"
#include "tests/models/run_test_support.hpp"

namespace fm = funnelsim::models;
namespace fe = funnelsim::engine;
using funnelsim::models::testing::mean_se;
using funnelsim::models::testing::Z_LIMIT;

namespace {

constexpr int LEADS = 200000;

fe::RandomStream stream(std::uint32_t substream) {
  return fe::RandomStream({20261123, 0, 77, substream});
}

// z of an observed share against p over n independent leads.
double share_z(double hits, double n, double p) {
  return (hits / n - p) / std::sqrt(p * (1.0 - p) / n);
}

}  // namespace

// With engagement probability q, points P per engaged touch and a decay factor r per cadence,
// engagement at the k-th touch is E0 r^k + P sum_j B_j r^(k-1-j), B_j ~ Bernoulli(q):
// mean E0 r^k + P q (1 - r^k) / (1 - r), variance P^2 q (1 - q) (1 - r^2k) / (1 - r^2).
TEST(NurtureTrack, EngagementAfterKTouchesMatchesTheClosedFormWithDecay) {
  for (const double half_life : {30.0, 0.0}) {
    fm::TrackPlan plan;
    plan.cadence_days = 7.0;
    plan.touches = 12;
    plan.end_days = 7.0 * 12;
    plan.points = 10.0;
    plan.decay_per_day = half_life > 0.0 ? std::log(2.0) / half_life : 0.0;
    plan.threshold = 100.0;  // never reached: fit below
    const double q = 0.3, e0 = 20.0, start = 5.0;
    const double r = std::exp(-plan.decay_per_day * plan.cadence_days);
    const int k = plan.touches;
    const double rk = std::pow(r, k);
    const double mean = half_life > 0.0 ? e0 * rk + plan.points * q * (1.0 - rk) / (1.0 - r)
                                        : e0 + plan.points * q * k;
    const double variance = half_life > 0.0 ? plan.points * plan.points * q * (1.0 - q) *
                                                  (1.0 - rk * rk) / (1.0 - r * r)
                                            : plan.points * plan.points * q * (1.0 - q) * k;

    fe::RandomStream rng = stream(half_life > 0.0 ? 1 : 2);
    std::vector<double> at_end;
    for (int i = 0; i < LEADS; ++i) {
      const fm::TrackOutcome out = fm::follow_track(plan, q, -1000.0, e0, start, start, rng);
      ASSERT_EQ(out.kind, fm::TrackOutcome::Kind::Completed);
      ASSERT_DOUBLE_EQ(out.time, start + plan.end_days);
      at_end.push_back(fm::decayed(out.engagement, out.engaged_at, out.time, plan.decay_per_day));
    }
    const auto m = mean_se(at_end);
    EXPECT_LT(std::fabs(m.z(mean)), Z_LIMIT)
        << "half-life " << half_life << ": mean " << m.mean << " vs " << mean;
    // The sample variance against the closed form, with the standard error of a variance
    // estimate (fourth moment taken from the sample).
    double m2 = 0.0, m4 = 0.0;
    for (double x : at_end) {
      m2 += (x - m.mean) * (x - m.mean);
      m4 += std::pow(x - m.mean, 4);
    }
    m2 /= LEADS;
    m4 /= LEADS;
    const double se_var = std::sqrt((m4 - m2 * m2) / LEADS);
    EXPECT_LT(std::fabs(m2 - variance) / se_var, Z_LIMIT)
        << "half-life " << half_life << ": variance " << m2 << " vs " << variance;
  }
}

// Without decay a lead needs n engaged touches. Per touch it unsubscribes with u, else
// engages with q; it returns at touch k <= K with probability C(k-1, n-1) a^n b^(k-n),
// a = (1-u) q, b = (1-u)(1-q); it unsubscribes before its n-th engagement within K touches
// with probability sum_k sum_{j<n} C(k-1, j) a^j b^(k-1-j) u; otherwise it completes.
TEST(NurtureTrack, ReturnUnsubscribeAndCompleteProbabilitiesMatchTheClosedForm) {
  fm::TrackPlan plan;
  plan.cadence_days = 14.0;
  plan.touches = 20;
  plan.end_days = 14.0 * 20;
  plan.unsubscribe = 0.03;
  plan.points = 8.0;
  plan.threshold = 60.0;
  const double q = 0.15, fit = 35.0, e0 = 2.0;  // needs ceil(23 / 8) = 3 engaged touches
  const int n = 3, K = plan.touches;
  const double a = (1.0 - plan.unsubscribe) * q, b = (1.0 - plan.unsubscribe) * (1.0 - q);
  std::vector<double> returns_at(K + 1, 0.0);  // closed form by touch
  double p_return = 0.0, p_unsubscribe = 0.0;
  for (int k = 1; k <= K; ++k) {
    if (k >= n) {
      returns_at[k] = boost::math::binomial_coefficient<double>(k - 1, n - 1) * std::pow(a, n) *
                      std::pow(b, k - n);
      p_return += returns_at[k];
    }
    for (int j = 0; j < n && j <= k - 1; ++j)
      p_unsubscribe += boost::math::binomial_coefficient<double>(k - 1, j) * std::pow(a, j) *
                       std::pow(b, k - 1 - j) * plan.unsubscribe;
  }
  const double p_complete = 1.0 - p_return - p_unsubscribe;

  fe::RandomStream rng = stream(3);
  double returned = 0.0, unsubscribed = 0.0, completed = 0.0;
  std::vector<double> by_touch(K + 1, 0.0);
  const double start = 100.0;
  for (int i = 0; i < LEADS; ++i) {
    const fm::TrackOutcome out = fm::follow_track(plan, q, fit, e0, start, start, rng);
    switch (out.kind) {
      case fm::TrackOutcome::Kind::Returned: {
        returned += 1.0;
        const double touch = (out.time - start) / plan.cadence_days;
        ASSERT_DOUBLE_EQ(touch, std::round(touch));  // on a touch day
        by_touch[static_cast<std::size_t>(std::lround(touch))] += 1.0;
        ASSERT_GE(fit + out.engagement, plan.threshold);
        break;
      }
      case fm::TrackOutcome::Kind::Unsubscribed:
        unsubscribed += 1.0;
        break;
      case fm::TrackOutcome::Kind::Completed:
        completed += 1.0;
        ASSERT_DOUBLE_EQ(out.time, start + plan.end_days);
        break;
    }
  }
  EXPECT_LT(std::fabs(share_z(returned, LEADS, p_return)), Z_LIMIT) << p_return;
  EXPECT_LT(std::fabs(share_z(unsubscribed, LEADS, p_unsubscribe)), Z_LIMIT) << p_unsubscribe;
  EXPECT_LT(std::fabs(share_z(completed, LEADS, p_complete)), Z_LIMIT) << p_complete;
  EXPECT_EQ(by_touch[1] + by_touch[2], 0.0);  // three engagements need three touches
  // The touch of return, pooled where the closed form expects fewer than 50 leads.
  double pooled_seen = 0.0, pooled_expected = 0.0;
  for (int k = n; k <= K; ++k) {
    const double expected = returns_at[k] * LEADS;
    if (expected < 50.0) {
      pooled_seen += by_touch[k];
      pooled_expected += expected;
      continue;
    }
    EXPECT_LT(std::fabs(share_z(by_touch[k], LEADS, returns_at[k])), Z_LIMIT) << "touch " << k;
  }
  if (pooled_expected > 0.0) {
    EXPECT_LT(std::fabs(share_z(pooled_seen, LEADS, pooled_expected / LEADS)), Z_LIMIT);
  }
}

// A lead whose every touch is an event (q = 1, no unsubscription) engages at every touch:
// the geometric gap must be exactly one touch, never zero or two.
TEST(NurtureTrack, CertainEngagementReturnsAtTheFirstTouchThatReachesTheThreshold) {
  fm::TrackPlan plan;
  plan.cadence_days = 10.0;
  plan.touches = 8;
  plan.end_days = 80.0;
  plan.points = 5.0;
  plan.threshold = 50.0;
  fe::RandomStream rng = stream(4);
  const fm::TrackOutcome out = fm::follow_track(plan, 1.0, 31.0, 0.0, 0.0, 0.0, rng);
  EXPECT_EQ(out.kind, fm::TrackOutcome::Kind::Returned);
  EXPECT_DOUBLE_EQ(out.time, 40.0);  // 31 + 4 x 5 = 51 >= 50 at the fourth touch
  const fm::TrackOutcome never = fm::follow_track(plan, 0.0, 31.0, 0.0, 0.0, 0.0, rng);
  EXPECT_EQ(never.kind, fm::TrackOutcome::Kind::Completed);
  EXPECT_DOUBLE_EQ(never.time, 80.0);
}
