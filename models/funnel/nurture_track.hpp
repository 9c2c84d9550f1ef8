// One lead's course through a nurture track: touches, engagement, and whether its score
// reaches the MQL threshold before it unsubscribes or the track ends.
#pragma once

#include <cmath>
#include <cstdint>

#include "engine/rng/random_stream.hpp"
#include "engine/sampling/exponential.hpp"

namespace funnelsim::models {

/// What a track needs at run time (built from a NurtureTrack and the Scoring).
struct TrackPlan {
  double cadence_days = 1.0;   ///< days between touches
  int touches = 0;             ///< touches that fit in the track (cadence and max_days)
  double end_days = 0.0;       ///< days from entering nurture to the end of the track
  double unsubscribe = 0.0;    ///< per touch
  double points = 0.0;         ///< engagement points per engaged touch
  double decay_per_day = 0.0;  ///< ln 2 / half-life; 0: no decay
  double threshold = 0.0;      ///< MQL score threshold
};

/// Engagement of `points` at day `at`, decayed to day `to` (>= at).
inline double decayed(double points, double at, double to, double decay_per_day) {
  return decay_per_day > 0.0 ? points * std::exp(-decay_per_day * (to - at)) : points;
}

/// The per-touch odds of a lead with engagement probability q on a track: an event (an
/// unsubscription or an engagement) has probability u + (1 - u) q. Precomputed per
/// (track, persona, segment), so that a lead's track costs no logarithm of its own.
struct TrackOdds {
  double event = 0.0;
  double per_touch = 0.0;  ///< -log(1 - event): the geometric gap's exponential rate; inf at 1
  double unsubscribe_share = 0.0;  ///< u / event: the share of events that unsubscribe
};

inline TrackOdds track_odds(const TrackPlan& plan, double engage) {
  TrackOdds odds;
  odds.event = plan.unsubscribe + (1.0 - plan.unsubscribe) * engage;
  odds.per_touch = -std::log1p(-odds.event);
  odds.unsubscribe_share = odds.event > 0.0 ? plan.unsubscribe / odds.event : 0.0;
  return odds;
}

/// How a lead left its track (or that it is still on it at `time` when the track ends).
struct TrackOutcome {
  enum class Kind : std::uint8_t { Returned, Unsubscribed, Completed };
  Kind kind = Kind::Completed;
  double time = 0.0;        ///< day it returned, unsubscribed, or the track ended
  double engagement = 0.0;  ///< engagement points as of engaged_at
  double engaged_at = 0.0;  ///< day of the last engaged touch (or of entering nurture)
};

/// Follows a lead that enters nurture at day `start` with `engagement` points as of
/// `engaged_at`, fit `fit` and engagement probability `engage` per touch. Touch k
/// (k = 1 .. plan.touches) falls on start + k * cadence; at each one the lead unsubscribes
/// with plan.unsubscribe, else engages with `engage`. Its score can only rise at an engaged
/// touch, so only those are simulated: the number of touches to the next event (an
/// unsubscription or an engagement) is geometric with p = u + (1 - u) q, and the event is
/// an unsubscription with probability u / p. Two draws per event instead of two per touch,
/// with the same law.
///
/// Tested by tests/models/nurture_model_test.cpp (mean engagement after k touches and the
/// crossing probability against closed forms).
inline TrackOutcome follow_track(const TrackPlan& plan, const TrackOdds& odds, double fit,
                                 double engagement, double engaged_at, double start,
                                 engine::RandomStream& rng) {
  TrackOutcome out;
  out.engagement = engagement;
  out.engaged_at = engaged_at;
  if (odds.event > 0.0) {
    const double unsubscribe_share = odds.unsubscribe_share;
    long touch = 0;
    for (;;) {
      // Touches up to and including the next event: 1 + Geometric failures, drawn as the
      // floor of an exponential (a ziggurat draw, no logarithm): P(floor(E / l) >= k) =
      // exp(-k l) = (1 - p)^k.
      double gap = 1.0;
      if (odds.event < 1.0)
        gap += std::floor(engine::detail::standard_exponential(rng) / odds.per_touch);
      if (!(gap <= static_cast<double>(plan.touches - touch))) break;  // past the track's end
      touch += static_cast<long>(gap);
      const double at = start + static_cast<double>(touch) * plan.cadence_days;
      if (rng.uniform01() < unsubscribe_share) {
        out.kind = TrackOutcome::Kind::Unsubscribed;
        out.time = at;
        return out;
      }
      out.engagement =
          decayed(out.engagement, out.engaged_at, at, plan.decay_per_day) + plan.points;
      out.engaged_at = at;
      if (fit + out.engagement >= plan.threshold) {
        out.kind = TrackOutcome::Kind::Returned;
        out.time = at;
        return out;
      }
    }
  }
  out.kind = TrackOutcome::Kind::Completed;
  out.time = start + plan.end_days;
  return out;
}

/// As above, for engagement probability `engage` (the odds computed on the spot).
inline TrackOutcome follow_track(const TrackPlan& plan, double engage, double fit,
                                 double engagement, double engaged_at, double start,
                                 engine::RandomStream& rng) {
  return follow_track(plan, track_odds(plan, engage), fit, engagement, engaged_at, start, rng);
}

}  // namespace funnelsim::models
