// Names of the funnel's random streams (StreamKey::stream values).
#pragma once

#include <cstdint>

namespace funnelsim::models {

/// Each subsystem draws from its own stream, and each part of a subsystem from its own
/// substream (noted per entry), so common random numbers hold across scenario variants:
/// changing a conversion probability, say, leaves every inquiry count untouched.
/// Values are part of the reproducibility contract: never renumber, only append.
enum class FunnelStream : std::uint32_t {
  PARAMETERS = 1,  ///< uncertain probabilities, drawn once per replication; substream = transition
  SHOCKS = 2,      ///< substream 0: common monthly volume shock; 1 + s: source s overdispersion
  ARRIVALS = 3,    ///< monthly inquiry counts and segment split; substream = source
  ARRIVAL_TIMES = 4,  ///< arrival instants of inquiries that move on; substream = source
  CONVERSION = 5,     ///< which transition a lead takes; substream = stage
  DELAYS = 6,         ///< time spent before a transition; substream = transition
  VALUES = 7,         ///< deal values; substream = stage
  INITIAL = 8,        ///< the starting funnel; substream = cohort
  /// Rep pools; substream = pool * CAPACITY_SUBSTREAMS + one of CapacitySubstream.
  CAPACITY = 9,
  /// Lead attributes and their evolution; substream = source * NURTURE_SUBSTREAMS + one of
  /// NurtureSubstream.
  NURTURE = 10,
  /// Reserve programmes; substream = programme: yields, arrivals, segments, conversion and
  /// the attributes of the leads they bring.
  VALVES = 11,
  /// Compensation behaviour: substream 0 the elasticities drawn once per replication,
  /// substream 1 the SDRs' choices to pass unqualified leads on.
  COMPENSATION = 12,
};

/// Substreams of one source within FunnelStream::NURTURE.
enum class NurtureSubstream : std::uint32_t {
  ATTRIBUTES = 0,  ///< persona, fit, timeline and flags of each lead, in creation order
  JUDGING = 1,     ///< timeline slips drawn at acceptance outside a rep pool
};
inline constexpr std::uint32_t NURTURE_SUBSTREAMS = 4;

/// Substreams of one pool within FunnelStream::CAPACITY.
enum class CapacitySubstream : std::uint32_t {
  ROSTER = 0,     ///< hires' lags, attrition, backfills, random ramp lengths
  LEAD_KEYS = 1,  ///< one 64-bit key per lead, in the order leads join the pool's queue
  INITIAL = 2,    ///< owners of open deals in the starting funnel; indexed by cohort, not pool
};
inline constexpr std::uint32_t CAPACITY_SUBSTREAMS = 4;

}  // namespace funnelsim::models
