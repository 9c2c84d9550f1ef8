#include "models/calibration/volume_fit.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/tools/minima.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace funnelsim::calibration {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr int CALENDAR_MONTHS = 12;
constexpr double TREND_GUARD_SD = 1.0;
// The search range of log theta, and its grid. Beyond THETA_MAX (overdispersion 0.001, which
// adds 1% to the Poisson variance only at 10,000 a month) the fit is reported as Poisson;
// THETA_MIN is overdispersion 100, far beyond any real source.
constexpr double THETA_MIN = 1e-4;
constexpr double THETA_MAX = 1e6;
constexpr double GRID_STEP = 1.0;
constexpr int MAX_IRLS_ITERATIONS = 200;
constexpr std::uintmax_t MAX_BRENT_ITERATIONS = 100;
constexpr int BRENT_BITS = std::numeric_limits<double>::digits / 2;  // u to about 1e-8

// An orthonormal basis (12 x 11) of the vectors summing to zero: normalised Helmert contrasts,
// column j comparing months 0..j with month j + 1.
MatrixXd sum_to_zero_basis() {
  MatrixXd basis = MatrixXd::Zero(CALENDAR_MONTHS, CALENDAR_MONTHS - 1);
  for (Index j = 0; j + 1 < CALENDAR_MONTHS; ++j) {
    const double jj = static_cast<double>(j);
    const double norm = std::sqrt((jj + 1.0) * (jj + 2.0));
    for (Index i = 0; i <= j; ++i) basis(i, j) = 1.0 / norm;
    basis(j + 1, j) = -(jj + 1.0) / norm;
  }
  return basis;
}

// The regression: columns [1, k - n if trend, Helmert coordinates of cal(k) if seasonality],
// and the diagonal prior precision P (0 for the intercept).
struct Design {
  MatrixXd x;
  VectorXd precision;
  bool trend = false;
  bool seasonality = false;
  MatrixXd basis;  // 12 x 11, when seasonality
};

Design make_design(int n, int first_calendar_month, const VolumeFitOptions& options) {
  Design d;
  d.trend = n >= options.trend_min_months;
  d.seasonality = n >= options.seasonality_min_months;
  const Index p = (d.trend ? 2 : 1) + (d.seasonality ? CALENDAR_MONTHS - 1 : 0);
  d.x = MatrixXd::Zero(n, p);
  d.precision = VectorXd::Zero(p);
  if (d.seasonality) d.basis = sum_to_zero_basis();
  for (int k = 0; k < n; ++k) {
    d.x(k, 0) = 1.0;
    if (d.trend) d.x(k, 1) = static_cast<double>(k - n);
    if (d.seasonality)
      d.x.row(k).tail(CALENDAR_MONTHS - 1) = d.basis.row((first_calendar_month + k) % 12);
  }
  if (d.trend) d.precision(1) = 1.0 / (TREND_GUARD_SD * TREND_GUARD_SD);
  if (d.seasonality)
    d.precision.tail(CALENDAR_MONTHS - 1)
        .setConstant(1.0 / (options.seasonality_prior_sd * options.seasonality_prior_sd));
  return d;
}

// The IRLS weights mu / (1 + phi mu) (the expected information of eta), phi = 1 / theta.
VectorXd weights(const VectorXd& mu, double phi) {
  return (mu.array() / (1.0 + phi * mu.array())).matrix();
}

// X'WX + P.
MatrixXd information(const Design& d, const VectorXd& w) {
  return d.x.transpose() * w.asDiagonal() * d.x + MatrixXd(d.precision.asDiagonal());
}

// The log-likelihood up to terms free of mu, minus the prior: sum y eta - (y + 1/phi)
// log(1 + phi mu) - 1/2 b'Pb, which tends to the Poisson sum y eta - mu as phi -> 0.
double penalised_objective(const Design& d, const VectorXd& y, const VectorXd& beta, double phi) {
  const VectorXd eta = d.x * beta;
  double total = 0.0;
  for (Index k = 0; k < y.size(); ++k) {
    const double mu = std::exp(eta(k));
    total +=
        phi > 0.0 ? y(k) * eta(k) - (y(k) + 1.0 / phi) * std::log1p(phi * mu) : y(k) * eta(k) - mu;
  }
  return total - 0.5 * beta.dot(d.precision.cwiseProduct(beta));
}

struct MeanFit {
  VectorXd beta, mu;
  int iterations = 0;
  bool converged = false;
};

// Penalised IRLS at fixed phi from `start`: Newton steps (X'W_obs X + P)^-1 (X'u - Pb), with
// u = (y - mu) / (1 + phi mu) the score of eta and W_obs = mu (1 + phi y) / (1 + phi mu)^2 the
// observed information, halved until the objective does not fall. The negative binomial
// log-likelihood is concave in eta (W_obs > 0), so these steps are well defined; Fisher scoring
// (the expected weights mu / (1 + phi mu)) converged only linearly, over hundreds of steps, at
// the large overdispersions the profile scan visits.
MeanFit fit_mean(const Design& d, const VectorXd& y, double phi, const VectorXd& start) {
  MeanFit fit;
  fit.beta = start;
  double objective = penalised_objective(d, y, fit.beta, phi);
  for (int it = 0; it < MAX_IRLS_ITERATIONS; ++it) {
    fit.iterations = it + 1;
    const VectorXd mu = (d.x * fit.beta).array().exp().matrix();
    const Eigen::ArrayXd spread = 1.0 + phi * mu.array();
    const VectorXd u = ((y - mu).array() / spread).matrix();
    const VectorXd w = (mu.array() * (1.0 + phi * y.array()) / spread.square()).matrix();
    const VectorXd score = d.x.transpose() * u - d.precision.cwiseProduct(fit.beta);
    const VectorXd step = information(d, w).ldlt().solve(score);
    double scale = 1.0, next = objective;
    VectorXd candidate = fit.beta;
    bool accepted = false;
    for (int halving = 0; halving < 60 && !accepted; ++halving, scale *= 0.5) {
      candidate = fit.beta + scale * step;
      next = penalised_objective(d, y, candidate, phi);
      // Written so that a NaN objective (an overflowing step) also counts as a fall.
      accepted = next >= objective - 1e-12 * std::abs(objective);
    }
    if (!accepted) {
      // Not even 2^-59 of the Newton step gains: the objective is at its maximum to rounding.
      fit.converged = std::isfinite(objective);
      break;
    }
    const double change = (candidate - fit.beta).cwiseAbs().maxCoeff();
    fit.beta = candidate;
    const double gain = next - objective;
    objective = next;
    if (change < 1e-10 || gain <= 1e-14 * (1.0 + std::abs(objective))) {
      fit.converged = true;
      break;
    }
  }
  fit.mu = (d.x * fit.beta).array().exp().matrix();
  return fit;
}

double log_likelihood(const VectorXd& y, const VectorXd& mu, double phi) {
  double total = 0.0;
  for (Index k = 0; k < y.size(); ++k) {
    const double yk = y(k), m = mu(k);
    const double log_factorial = boost::math::lgamma(yk + 1.0);
    if (phi > 0.0) {
      const double theta = 1.0 / phi;
      total += boost::math::lgamma(yk + theta) - boost::math::lgamma(theta) - log_factorial +
               yk * std::log(phi * m) - (yk + theta) * std::log1p(phi * m);
    } else {
      total += (yk > 0.0 ? yk * std::log(m) : 0.0) - m - log_factorial;
    }
  }
  return total;
}

// One point of the profile in theta: the b's fitted at that theta (phi = 1/theta; 0 is the
// Poisson end) and the objective theta maximises, l(b, theta) - 1/2 b'Pb, less
// 1/2 log det(X'WX + P) with the Cox-Reid adjustment.
struct ProfilePoint {
  double phi = 0.0;
  MeanFit mean;
  double value = 0.0;
};

ProfilePoint profile_at(const Design& d, const VectorXd& y, double phi, const VectorXd& start,
                        bool adjust) {
  ProfilePoint p;
  p.phi = phi;
  p.mean = fit_mean(d, y, phi, start);
  p.value = log_likelihood(y, p.mean.mu, phi) -
            0.5 * p.mean.beta.dot(d.precision.cwiseProduct(p.mean.beta));
  if (adjust) {
    const Eigen::LLT<MatrixXd> h(information(d, weights(p.mean.mu, phi)));
    p.value -= h.matrixLLT().diagonal().array().log().sum();
  }
  return p;
}

struct DispersionEstimate {
  ProfilePoint point;      // at the estimate
  double curvature = 0.0;  // second derivative of the profile in log theta there (phi > 0)
  int iterations = 0;      // IRLS iterations of all the profile points
  bool converged = true;
};

// theta maximising the (adjusted) profile likelihood on [THETA_MIN, THETA_MAX], or Poisson: a
// grid of log theta from the Poisson end down, each point a warm-started IRLS fit, then Brent's
// method between the best grid point's neighbours (why not Newton steps at fixed mu: see
// fit_monthly_volume in the header).
DispersionEstimate estimate_dispersion(const Design& d, const VectorXd& y, const VectorXd& start,
                                       bool adjust) {
  DispersionEstimate e;
  const ProfilePoint poisson = profile_at(d, y, 0.0, start, adjust);
  e.iterations += poisson.mean.iterations;
  bool converged = poisson.mean.converged;
  const auto at = [&](double u, const VectorXd& warm) {
    ProfilePoint p = profile_at(d, y, std::exp(-u), warm, adjust);
    e.iterations += p.mean.iterations;
    converged = converged && p.mean.converged;
    return p;
  };
  const double u_min = std::log(THETA_MIN), u_max = std::log(THETA_MAX);
  const int steps = static_cast<int>(std::ceil((u_max - u_min) / GRID_STEP));
  std::vector<double> grid_u;
  std::vector<ProfilePoint> grid;
  for (int j = 0; j <= steps; ++j) {  // from the Poisson end down, each fit warm-starting the next
    grid_u.push_back(std::max(u_max - GRID_STEP * j, u_min));
    grid.push_back(at(grid_u.back(), j == 0 ? poisson.mean.beta : grid.back().mean.beta));
  }
  std::size_t best = 0;
  for (std::size_t j = 1; j < grid.size(); ++j)
    if (grid[j].value > grid[best].value) best = j;
  // Poisson when the profile rises all the way to the end of the range.
  if (best == 0 || poisson.value >= grid[best].value) {
    e.point = poisson;
    e.converged = poisson.mean.converged;
    return e;
  }
  e.point = grid[best];
  double u_best = grid_u[best];
  if (best + 1 < grid.size()) {
    VectorXd warm = grid[best].mean.beta;
    const auto minus_profile = [&](double u) {
      ProfilePoint p = at(u, warm);
      warm = p.mean.beta;
      return -p.value;
    };
    std::uintmax_t max_iterations = MAX_BRENT_ITERATIONS;
    const auto [u, minus_value] = boost::math::tools::brent_find_minima(
        minus_profile, grid_u[best + 1], grid_u[best - 1], BRENT_BITS, max_iterations);
    if (-minus_value > e.point.value) {
      e.point = at(u, warm);
      u_best = u;
    }
  }
  // The curvature by a central second difference: the profile is smooth on the scale of 1 in
  // log theta, and its values are exact to about 1e-12.
  const double h = 0.05;
  const double up = at(u_best + h, e.point.mean.beta).value;
  const double down = at(u_best - h, e.point.mean.beta).value;
  e.curvature = (up - 2.0 * e.point.value + down) / (h * h);
  e.converged = converged;
  return e;
}

// The fit of one or two months, and the fallback: level = mean, Poisson, no other terms.
VolumeFit mean_only(VolumeFit fit, std::span<const double> counts) {
  const double n = static_cast<double>(counts.size());
  fit.level = fit.total / n;
  fit.level_se_log = fit.total > 0.0 ? 1.0 / std::sqrt(fit.total) : 0.0;
  fit.trend = fit.trend_se = fit.overdispersion = fit.overdispersion_se = 0.0;
  fit.has_trend = fit.has_seasonality = false;
  fit.seasonality.fill(1.0);
  fit.fitted.assign(counts.size(), fit.level);
  const VectorXd y = Eigen::Map<const VectorXd>(counts.data(), static_cast<Index>(counts.size()));
  fit.log_likelihood =
      fit.total > 0.0 ? log_likelihood(y, VectorXd::Constant(y.size(), fit.level), 0.0) : 0.0;
  return fit;
}

bool all_finite(const VolumeFit& fit) {
  bool ok = std::isfinite(fit.level) && std::isfinite(fit.level_se_log) &&
            std::isfinite(fit.trend) && std::isfinite(fit.trend_se) &&
            std::isfinite(fit.overdispersion) && std::isfinite(fit.overdispersion_se) &&
            std::isfinite(fit.log_likelihood);
  for (double s : fit.seasonality) ok = ok && std::isfinite(s);
  for (double m : fit.fitted) ok = ok && std::isfinite(m);
  return ok;
}

}  // namespace

double VolumeFit::expected(int months_after_last, int calendar_month) const {
  if (calendar_month < 0 || calendar_month >= CALENDAR_MONTHS)
    throw std::out_of_range("VolumeFit::expected: calendar month " +
                            std::to_string(calendar_month) + " is not in 0 .. 11");
  return level * std::pow(1.0 + trend, months_after_last - 1) * seasonality[calendar_month];
}

VolumeFit fit_monthly_volume(std::span<const double> counts, int first_calendar_month,
                             const VolumeFitOptions& options) {
  if (counts.empty()) throw std::invalid_argument("fit_monthly_volume: no months of history");
  if (first_calendar_month < 0 || first_calendar_month >= CALENDAR_MONTHS)
    throw std::invalid_argument("fit_monthly_volume: first calendar month " +
                                std::to_string(first_calendar_month) + " is not in 0 .. 11");
  if (!(options.seasonality_prior_sd > 0.0 && std::isfinite(options.seasonality_prior_sd)))
    throw std::invalid_argument("fit_monthly_volume: seasonality_prior_sd is " +
                                std::to_string(options.seasonality_prior_sd) +
                                ", but must be positive and finite");
  VolumeFit fit;
  fit.months = static_cast<int>(counts.size());
  for (std::size_t k = 0; k < counts.size(); ++k) {
    if (!(counts[k] >= 0.0 && std::isfinite(counts[k])))
      throw std::invalid_argument("fit_monthly_volume: month " + std::to_string(k) + " count is " +
                                  std::to_string(counts[k]) +
                                  ", but must be non-negative and finite");
    fit.total += counts[k];
  }
  fit.next_calendar_month = (first_calendar_month + fit.months) % CALENDAR_MONTHS;
  fit.seasonality.fill(1.0);
  fit.converged = true;
  if (fit.total == 0.0) {
    fit.fitted.assign(counts.size(), 0.0);
    return fit;
  }
  if (fit.months <= 2) return mean_only(fit, counts);

  const Design d = make_design(fit.months, first_calendar_month, options);
  const VectorXd y = Eigen::Map<const VectorXd>(counts.data(), static_cast<Index>(counts.size()));
  const bool adjust = options.cox_reid_adjustment;

  VectorXd start = VectorXd::Zero(d.x.cols());
  start(0) = std::log(fit.total / fit.months);
  const DispersionEstimate estimate = estimate_dispersion(d, y, start, adjust);
  const MeanFit& mean = estimate.point.mean;
  const double phi = estimate.point.phi;
  fit.iterations = estimate.iterations;

  // Outputs. The parameters' covariance is the inverse penalised information; it needs no
  // theta block, as the information of a negative binomial regression is block-diagonal
  // between the b's and theta.
  const VectorXd& beta = mean.beta;
  const MatrixXd covariance = information(d, weights(mean.mu, phi))
                                  .ldlt()
                                  .solve(MatrixXd::Identity(d.x.cols(), d.x.cols()));
  VectorXd gradient = VectorXd::Zero(d.x.cols());  // of log(level) in the b's
  gradient(0) = 1.0;
  double mean_multiplier = 1.0;
  if (d.seasonality) {
    const VectorXd s = d.basis * beta.tail(CALENDAR_MONTHS - 1);
    const VectorXd multipliers = s.array().exp().matrix();
    mean_multiplier = multipliers.mean();
    for (int c = 0; c < CALENDAR_MONTHS; ++c) fit.seasonality[c] = multipliers(c) / mean_multiplier;
    // d log(mean exp(s)) / d gamma = basis' exp(s) / (12 mean exp(s)).
    gradient.tail(CALENDAR_MONTHS - 1) =
        d.basis.transpose() * multipliers / (CALENDAR_MONTHS * mean_multiplier);
  }
  fit.has_seasonality = d.seasonality;
  fit.level = std::exp(beta(0)) * mean_multiplier;
  fit.level_se_log = std::sqrt(std::max(gradient.dot(covariance * gradient), 0.0));
  fit.has_trend = d.trend;
  if (d.trend) {
    fit.trend = std::expm1(beta(1));
    fit.trend_se = std::exp(beta(1)) * std::sqrt(std::max(covariance(1, 1), 0.0));
  }
  if (phi > 0.0) {
    fit.overdispersion = std::sqrt(phi);
    // The curvature is negative at a maximum; the guard keeps a flat one finite.
    const double se_log_theta = 1.0 / std::sqrt(std::max(-estimate.curvature, 1e-12));
    fit.overdispersion_se = 0.5 * fit.overdispersion * se_log_theta;
  } else {
    fit.overdispersion_se = std::sqrt(std::sqrt(2.0 / mean.mu.squaredNorm()));
  }
  fit.fitted.assign(mean.mu.data(), mean.mu.data() + mean.mu.size());
  fit.log_likelihood = log_likelihood(y, mean.mu, phi);
  fit.converged = estimate.converged;
  if (!all_finite(fit)) {
    fit = mean_only(fit, counts);
    fit.converged = false;
  }
  return fit;
}

}  // namespace funnelsim::calibration
