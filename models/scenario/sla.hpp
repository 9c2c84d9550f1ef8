// The `sla` section: what marketing and sales commit to, as targets on forecast metrics.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace funnelsim::models {

/// One line of the service-level agreement: a forecast metric must be at least (or at most)
/// a value every month. For a metric that adds up over months (a volume), a quarter's target
/// is the monthly value times the quarter's months; for a level (a share, a response time)
/// it is the monthly value.
struct SlaTarget {
  enum class Direction { AtLeast, AtMost };
  std::string id;      ///< the target's id: its metric is `sla.<id>.met`
  std::string label;   ///< for the commitment sheet; default: the metric's name
  std::string metric;  ///< a metric of the scenario, e.g. volume.sal, queue.sdr.within_sla
  Direction direction = Direction::AtLeast;
  double value = 0.0;  ///< per month, in the metric's unit
};

struct Sla {
  bool defined = false;
  std::vector<SlaTarget> targets;  ///< file order
  /// Default confidence of `funnelsim commit` (the share of futures a commitment must hold in).
  double confidence = 0.9;
};

}  // namespace funnelsim::models
