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
  // Reserved for later capabilities: CAPACITY = 9, NURTURE = 10, VALVES = 11.
};

}  // namespace funnelsim::models
