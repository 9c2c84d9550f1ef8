#include "models/funnel/comparison.hpp"

#include <algorithm>
#include <stdexcept>

namespace funnelsim::models {

Comparison pair_forecasts(Forecast base, Forecast variant) {
  if (base.months != variant.months)
    throw std::invalid_argument(
        "the two scenarios forecast different months (" +
        (base.months.empty() ? std::string("none")
                             : base.months.front() + " .. " + base.months.back()) +
        " against " +
        (variant.months.empty() ? std::string("none")
                                : variant.months.front() + " .. " + variant.months.back()) +
        "): give both the same calendar.start and horizon_months");
  if (base.cube.replications() != variant.cube.replications())
    throw std::invalid_argument("the two runs have different replication counts");
  Comparison c;
  const std::vector<std::string>& bn = base.cube.metric_names();
  const std::vector<std::string>& vn = variant.cube.metric_names();
  for (std::size_t i = 0; i < bn.size(); ++i) {
    const auto at = std::find(vn.begin(), vn.end(), bn[i]);
    if (at == vn.end()) {
      c.only_base.push_back(bn[i]);
      continue;
    }
    c.metrics.push_back(bn[i]);
    c.index.push_back({i, static_cast<std::size_t>(at - vn.begin())});
  }
  for (const std::string& name : vn)
    if (std::find(bn.begin(), bn.end(), name) == bn.end()) c.only_variant.push_back(name);
  c.monthly = engine::paired_differences(base.cube, variant.cube, c.index);
  c.totals = engine::paired_differences(base.total_cube, variant.total_cube, c.index);
  c.base = std::move(base);
  c.variant = std::move(variant);
  return c;
}

}  // namespace funnelsim::models
