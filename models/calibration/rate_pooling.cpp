#include "models/calibration/rate_pooling.hpp"

#include <algorithm>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace funnelsim::calibration {

namespace {

constexpr double KAPPA_MIN = 1.0;
constexpr double KAPPA_MAX = 1e6;
constexpr int GRID_STEPS = 120;  // log kappa in steps of log(1e6) / 120, about 0.115

// The remainder of Stirling's series, lgamma(z) - [(z - 1/2) log z - z + log(2 pi) / 2], to the
// z^-7 term: the next term is below 5e-17 from z = 30 on.
double stirling_remainder(double z) {
  const double r = 1.0 / z, r2 = r * r;
  return r * (1.0 / 12.0 - r2 * (1.0 / 360.0 - r2 * (1.0 / 1260.0 - r2 / 1680.0)));
}

// lgamma(a + x) - lgamma(a), the log of the rising factorial a (a + 1) ... (a + x - 1) for
// real x >= 0, a > 0. For large a the two log-gammas are huge and nearly equal (about 1.3e7
// at a = 1e6, where a rounding is 2e-9), and the marginal likelihood near complete pooling
// changes by less than that per step of kappa; Stirling's series for the difference keeps the
// error relative to the result instead.
double log_rising(double a, double x) {
  if (x == 0.0) return 0.0;
  if (a < 30.0) return boost::math::lgamma(a + x) - boost::math::lgamma(a);
  return (a - 0.5) * std::log1p(x / a) + x * (std::log(a + x) - 1.0) + stirling_remainder(a + x) -
         stirling_remainder(a);
}

// The beta-binomial log marginal likelihood of the groups at prior strength exp(log_kappa),
// without the binomial coefficients (constant in kappa).
double log_marginal(std::span<const RateGroup> groups, double p, double log_kappa) {
  const double kappa = std::exp(log_kappa);
  const double a = kappa * p, b = kappa * (1.0 - p);
  double total = 0.0;
  for (const RateGroup& g : groups)
    total += log_rising(a, g.successes) + log_rising(b, g.trials - g.successes) -
             log_rising(kappa, g.trials);
  return total;
}

// The maximising kappa in [KAPPA_MIN, KAPPA_MAX]. A grid first, because nothing guarantees the
// marginal likelihood is unimodal in kappa, then golden-section search between the best grid
// point's neighbours.
double fit_prior_strength(std::span<const RateGroup> groups, double p) {
  const double lo = std::log(KAPPA_MIN), hi = std::log(KAPPA_MAX);
  const double step = (hi - lo) / GRID_STEPS;
  const auto at = [&](int j) { return j == GRID_STEPS ? hi : lo + step * j; };
  int best = 0;
  double best_value = log_marginal(groups, p, at(0));
  for (int j = 1; j <= GRID_STEPS; ++j) {
    const double value = log_marginal(groups, p, at(j));
    if (value > best_value) {
      best = j;
      best_value = value;
    }
  }
  double left = at(best > 0 ? best - 1 : 0), right = at(best < GRID_STEPS ? best + 1 : best);
  const double golden = 0.5 * (std::sqrt(5.0) - 1.0);
  double x1 = right - golden * (right - left), x2 = left + golden * (right - left);
  double f1 = log_marginal(groups, p, x1), f2 = log_marginal(groups, p, x2);
  for (int i = 0; i < 80 && right - left > 1e-12; ++i) {
    if (f1 < f2) {  // the maximum is right of x1
      left = x1;
      x1 = x2;
      f1 = f2;
      x2 = left + golden * (right - left);
      f2 = log_marginal(groups, p, x2);
    } else {
      right = x2;
      x2 = x1;
      f2 = f1;
      x1 = right - golden * (right - left);
      f1 = log_marginal(groups, p, x1);
    }
  }
  const double inner = f1 >= f2 ? x1 : x2, inner_value = std::max(f1, f2);
  // The ends are returned exactly (1e6 reads as complete pooling), when no interior point
  // beats them.
  if (best == GRID_STEPS && best_value >= inner_value) return KAPPA_MAX;
  if (best == 0 && best_value >= inner_value) return KAPPA_MIN;
  return inner_value >= best_value ? std::exp(inner) : std::exp(at(best));
}

PooledRate jeffreys(double successes, double trials) {
  return {successes + 0.5, trials - successes + 0.5};
}

}  // namespace

double PooledRate::mean() const {
  return alpha / (alpha + beta);
}

double PooledRate::sd() const {
  const double total = alpha + beta;
  return std::sqrt(alpha * beta / (total * total * (total + 1.0)));
}

RatePooling pool_rates(std::span<const RateGroup> groups) {
  std::vector<RateGroup> clean(groups.begin(), groups.end());
  double successes = 0.0, trials = 0.0;
  int informative = 0;
  for (std::size_t i = 0; i < clean.size(); ++i) {
    RateGroup& g = clean[i];
    if (!(std::isfinite(g.successes) && std::isfinite(g.trials) && g.successes >= 0.0 &&
          g.trials >= 0.0))
      throw std::invalid_argument("pool_rates: group " + std::to_string(i) + " has " +
                                  std::to_string(g.successes) + " successes in " +
                                  std::to_string(g.trials) +
                                  " trials; both must be finite and non-negative");
    if (g.successes > g.trials + 1e-9 * std::max(g.trials, 1.0))
      throw std::invalid_argument("pool_rates: group " + std::to_string(i) + " has " +
                                  std::to_string(g.successes) + " successes in only " +
                                  std::to_string(g.trials) + " trials");
    g.successes = std::min(g.successes, g.trials);
    successes += g.successes;
    trials += g.trials;
    if (g.trials > 0.0) ++informative;
  }

  RatePooling out;
  out.overall = trials > 0.0 ? successes / trials : 0.0;
  out.overall_posterior = jeffreys(successes, trials);
  out.groups.reserve(clean.size());
  if (informative < 2) {
    for (const RateGroup& g : clean) out.groups.push_back(jeffreys(g.successes, g.trials));
    return out;
  }

  // A prior mean of exactly 0 or 1 would make the prior improper (a Beta parameter 0).
  const double p =
      successes > 0.0 && successes < trials ? out.overall : out.overall_posterior.mean();
  const double kappa = fit_prior_strength(clean, p);
  out.prior_strength = kappa;
  for (const RateGroup& g : clean)
    out.groups.push_back({kappa * p + g.successes, kappa * (1.0 - p) + g.trials - g.successes});
  return out;
}

}  // namespace funnelsim::calibration
