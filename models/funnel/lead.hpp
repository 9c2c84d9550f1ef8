// One lead moving through the funnel's stages after the entry stage.
#pragma once

#include <cstdint>

namespace funnelsim::models {

/// Its source is implied by the bucket it waits in (pending leads are kept per source).
/// 24 bytes: growing it from 16 to carry `profile` cost nothing measurable on R1 (bench,
/// 2026-11-23: 12.7 vs 13.4 ns a lead on one thread, within run-to-run noise). A float holds
/// a deal value to about 1e-7 of itself (cents on a $100k deal); sums of dollars are kept in
/// double.
struct Lead {
  double time;            ///< days since the forecast start: when it enters its next stage
  float value;            ///< deal value in dollars; < 0 until drawn
  std::uint16_t segment;  ///< segment index
  /// 1 + the replication-wide index of the rep whose open deal this is (AE pools with
  /// `holds`); 0 when no rep holds it.
  std::uint16_t owner;
  /// 1 + the index of the lead's attributes in the replication's profile table (scenarios
  /// with a `leads` section); 0 when it has none.
  std::uint32_t profile = 0;
  /// The lead's number in a recorded history (FunnelModel::simulate_history), from 1; 0 in
  /// every other run. It fills the struct's padding, so it costs no room.
  std::uint32_t id = 0;
};
static_assert(sizeof(Lead) == 24);

/// A lead's attributes (scenario `leads`) and its scoring state (scenario `scoring`).
/// Persona, fit and initial engagement are drawn when the lead is created; the decision
/// timeline and the BANT flags, which only the sales-ready criteria read, the first time the
/// lead is judged, from its own stream (FunnelModel::judge).
struct LeadProfile {
  enum Flag : std::uint8_t {
    NEED = 1,
    BUDGET = 2,
    AUTHORITY = 4,
    DRAWN = 8,      ///< timeline and flags drawn (the first time the lead is judged)
    NURTURED = 16,  ///< has returned from nurture as an MQL
    MQL_SEEN = 32,  ///< its first MQL (by score) has been counted for time-to-MQL
    /// Failed the sales-ready rules but an SDR passed it on (compensation): the AE sends it
    /// back when it leaves the accept stage.
    UNQUALIFIED = 64,
  };
  std::uint64_t key = 0;         ///< seeds the lead's own draws in nurture
  float fit = 0.0f;              ///< fit score, points 0 .. 100
  float decision_months = 0.0f;  ///< months to the decision, as of decision_at
  float decision_at = 0.0f;      ///< day of the last timeline update
  float created = 0.0f;          ///< day the inquiry arrived (negative: before the start)
  float engagement = 0.0f;       ///< engagement points as of engaged_at
  float engaged_at = 0.0f;       ///< day engagement was last updated
  std::uint8_t persona = 0;
  std::uint8_t flags = 0;
  std::uint8_t recycles = 0;         ///< times rejected and recycled
  std::uint8_t nurture_entries = 0;  ///< times it has entered a nurture track
};

}  // namespace funnelsim::models
