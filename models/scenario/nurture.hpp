// Lead scoring and nurture tracks: how an inquiry becomes an MQL, at once or after months of
// touches, and how rejected leads earn their way back.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "models/scenario/distribution_spec.hpp"

namespace funnelsim::models {

/// The lead-scoring model (scenario `scoring`; scenarios/README.md). A lead's score is its
/// fit (`leads.fit_score`) plus its engagement. Engagement starts at `initial_engagement`
/// when the inquiry arrives, gains `points_per_touch` at each nurture touch the lead engages
/// with, and halves every `half_life_days`. A lead is an MQL when its score reaches
/// `threshold`: at once when the inquiry is scored, or at an engaged nurture touch.
struct Scoring {
  bool defined = false;
  double threshold = 0.0;  ///< points, in (0, MAX_SCORE]
  /// The transition whose probability is written `scored`: it leaves the entry stage, and
  /// the leads that take it are scored (index into the entry stage's transitions).
  std::size_t transition = 0;
  std::optional<DistributionSpec> initial_engagement;  ///< points at arrival; absent: 0
  double points_per_touch = 0.0;                       ///< points, in (0, MAX_SCORE]
  /// Probability that a lead engages with one touch, [persona][segment] flattened as
  /// persona * segment_count + segment (one persona row when `leads` has no personas).
  std::vector<double> engagement_probability;
  std::optional<double> half_life_days;  ///< absent: engagement never decays
};

/// One nurture track: a touch every `cadence_days`, at most `touches` of them, for at most
/// `max_days` in nurture. At each touch the lead first unsubscribes with
/// `unsubscribe_probability` (it leaves nurture), else engages with its engagement
/// probability (scoring).
struct NurtureTrack {
  enum class Takes { New, Recycled };

  std::string id;
  /// New: inquiries scored below the threshold. Recycled: every other lead that enters the
  /// nurture stage (rejected, lost, expired, sent back by a transition). Its engagement
  /// restarts at zero: a recycled lead earns its way back.
  Takes takes = Takes::New;
  double cadence_days = 0.0;             ///< days between touches, in (0, 365]
  int touches = 0;                       ///< track length, 1 .. 1000
  double unsubscribe_probability = 0.0;  ///< per touch, [0, 1]
  double max_days = 0.0;                 ///< most days in nurture; default cadence * touches
};

/// The nurture stage and its tracks (scenario `nurture`). Leads in `stage` follow a track:
/// they leave it for `returns_to` when their score reaches the threshold, or for `exit_to`
/// (or out of the funnel) when they unsubscribe or the track ends. A kind of lead that no
/// track takes stays in the stage, dormant, to the horizon.
struct Nurture {
  bool defined = false;
  std::size_t stage = 0;       ///< the nurture stage; it has no transitions of its own
  std::size_t returns_to = 0;  ///< default: the target of the `scored` transition
  std::optional<std::size_t> exit_to;
  std::vector<NurtureTrack> tracks;  ///< at most one per Takes value

  const NurtureTrack* track_for(NurtureTrack::Takes takes) const {
    for (const NurtureTrack& t : tracks)
      if (t.takes == takes) return &t;
    return nullptr;
  }
};

}  // namespace funnelsim::models
