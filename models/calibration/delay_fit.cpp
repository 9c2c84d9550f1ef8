#include "models/calibration/delay_fit.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/weibull.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "engine/stats/neumaier_sum.hpp"

namespace funnelsim::calibration {

namespace {

namespace bmp = boost::math::policies;

// Boost.Math errors become NaN or infinite results, which the fit reads as "infinitely
// unlikely" instead of unwinding out of a line search; and doubles are not promoted to long
// double, which makes gamma_q about seven times faster at the precision a fit needs.
using Policy = bmp::policy<bmp::domain_error<bmp::ignore_error>, bmp::pole_error<bmp::ignore_error>,
                           bmp::overflow_error<bmp::ignore_error>,
                           bmp::evaluation_error<bmp::ignore_error>, bmp::promote_double<false>>;

constexpr double INF = std::numeric_limits<double>::infinity();
using Vec2 = Eigen::Vector2d;
using Mat2 = Eigen::Matrix2d;

std::string num(double value, int digits = 3) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
  return buffer;
}

double log_gamma(double a) {
  return boost::math::lgamma(a, Policy());
}
double digamma(double a) {
  return boost::math::digamma(a, Policy());
}

void check_observations(std::span<const DelayObservation> obs) {
  for (std::size_t i = 0; i < obs.size(); ++i) {
    const DelayObservation& o = obs[i];
    if (!std::isfinite(o.days) || o.days < 0.0)
      throw std::invalid_argument("delay fit: observation " + std::to_string(i) + " has days " +
                                  num(o.days, 17) + ", but days must be finite and >= 0");
    if (!(o.weight >= 0.0 && o.weight <= 1.0))
      throw std::invalid_argument("delay fit: observation " + std::to_string(i) + " has weight " +
                                  num(o.weight, 17) + ", but weights must be in [0, 1]");
  }
}

void check_options(const DelayFitOptions& options) {
  if (!(options.resolution_days > 0.0 && std::isfinite(options.resolution_days)))
    throw std::invalid_argument("delay fit: resolution_days must be positive and finite");
  if (!(options.ks_level > 0.0 && options.ks_level < 1.0))
    throw std::invalid_argument("delay fit: ks_level must be in (0, 1)");
  if (options.empirical_bins == 0)
    throw std::invalid_argument("delay fit: empirical_bins must be at least 1");
}

// The weighted Kaplan-Meier curve of observations already checked, weight 0 dropped. With
// `greenwood`, also Greenwood's running sum of d / (n (n - d)) at each step (infinite once
// a step empties the risk set).
std::vector<KaplanMeierStep> km_curve(std::span<const DelayObservation> obs,
                                      std::vector<double>* greenwood = nullptr) {
  std::vector<DelayObservation> sorted;
  sorted.reserve(obs.size());
  for (const DelayObservation& o : obs)
    if (o.weight > 0.0) sorted.push_back(o);
  std::sort(sorted.begin(), sorted.end(),
            [](const DelayObservation& a, const DelayObservation& b) { return a.days < b.days; });
  // The weight at risk at each time is a suffix sum: summing from the far end keeps it exact
  // to rounding, where subtracting the leavers from the total would leave cancellation noise
  // in the last, smallest risk sets.
  std::vector<double> at_risk(sorted.size() + 1, 0.0);
  for (std::size_t i = sorted.size(); i-- > 0;) at_risk[i] = at_risk[i + 1] + sorted[i].weight;
  std::vector<KaplanMeierStep> steps;
  double survival = 1.0, sum = 0.0;
  for (std::size_t i = 0; i < sorted.size();) {
    const double t = sorted[i].days;
    double died = 0.0;
    std::size_t j = i;
    for (; j < sorted.size() && sorted[j].days == t; ++j)
      if (sorted[j].event) died += sorted[j].weight;
    if (died > 0.0) {
      survival *= std::max(0.0, 1.0 - died / at_risk[i]);
      steps.push_back({t, survival, at_risk[i]});
      const double left = at_risk[i] - died;
      sum += left > 1e-12 * at_risk[i] ? died / (at_risk[i] * left) : INF;
      if (greenwood) greenwood->push_back(sum);
    }
    i = j;
  }
  return steps;
}

// Everything a fit needs from the observations, gathered once.
struct Sample {
  double resolution = 1.0 / 1440.0;
  // Events after 0 days and censored leads after 0 days (a lead censored at 0 days tells
  // nothing: S(0) = 1), with their logs.
  std::vector<double> event_t, event_log, event_w;
  std::vector<double> censored_t, censored_log, censored_w;
  double zero_w = 0.0;                  // weight of events at exactly 0 days
  double events = 0.0, censored = 0.0;  // all weights
  double sum_w = 0.0, sum_w2 = 0.0;
  // Weighted moments of the events after 0 days: weight, means and centred sums of squares
  // of t and log t, and the sum of w log t.
  double ew = 0.0, mean_t = 0.0, m2_t = 0.0, mean_log = 0.0, m2_log = 0.0, sum_log = 0.0;
  double total_days = 0.0;    // weighted sum of every observation's days
  double max_event = 0.0;     // largest event time
  double min_event = INF;     // smallest event time after 0 days
  double max_censored = 0.0;  // longest wait of a censored lead
  double min_positive = INF, max_days = 0.0;
  std::vector<KaplanMeierStep> km;
  std::vector<double> greenwood;  // Greenwood's sum at each Kaplan-Meier step
};

Sample prepare(std::span<const DelayObservation> obs, const DelayFitOptions& options) {
  check_options(options);
  check_observations(obs);
  Sample s;
  s.resolution = options.resolution_days;
  engine::NeumaierSum events, censored, sum_w, sum_w2, ew, sum_t, sum_log, total_days;
  for (const DelayObservation& o : obs) {
    if (o.weight <= 0.0) continue;
    sum_w.add(o.weight);
    sum_w2.add(o.weight * o.weight);
    total_days.add(o.weight * o.days);
    s.max_days = std::max(s.max_days, o.days);
    if (o.days > 0.0) s.min_positive = std::min(s.min_positive, o.days);
    if (o.event) {
      events.add(o.weight);
      s.max_event = std::max(s.max_event, o.days);
      if (o.days > 0.0) {
        s.min_event = std::min(s.min_event, o.days);
        s.event_t.push_back(o.days);
        s.event_log.push_back(std::log(o.days));
        s.event_w.push_back(o.weight);
        ew.add(o.weight);
        sum_t.add(o.weight * o.days);
        sum_log.add(o.weight * s.event_log.back());
      } else {
        s.zero_w += o.weight;
      }
    } else {
      censored.add(o.weight);
      s.max_censored = std::max(s.max_censored, o.days);
      if (o.days > 0.0) {
        s.censored_t.push_back(o.days);
        s.censored_log.push_back(std::log(o.days));
        s.censored_w.push_back(o.weight);
      }
    }
  }
  s.events = events.value();
  s.censored = censored.value();
  s.sum_w = sum_w.value();
  s.sum_w2 = sum_w2.value();
  s.total_days = total_days.value();
  s.ew = ew.value();
  s.sum_log = sum_log.value();
  if (s.ew > 0.0) {
    s.mean_t = sum_t.value() / s.ew;
    s.mean_log = s.sum_log / s.ew;
    engine::NeumaierSum m2_t, m2_log;
    for (std::size_t i = 0; i < s.event_t.size(); ++i) {
      const double dt = s.event_t[i] - s.mean_t, dl = s.event_log[i] - s.mean_log;
      m2_t.add(s.event_w[i] * dt * dt);
      m2_log.add(s.event_w[i] * dl * dl);
    }
    s.m2_t = m2_t.value();
    s.m2_log = m2_log.value();
  }
  if (!std::isfinite(s.min_positive)) s.min_positive = s.resolution;
  s.km = km_curve(obs, &s.greenwood);
  return s;
}

// ---- Special functions in log space, finite wherever the plain ones underflow.

// log Q(a, x), the regularised upper incomplete gamma function.
double log_gamma_q(double a, double x) {
  if (!(x > 0.0)) return 0.0;
  const double q = boost::math::gamma_q(a, x, Policy());
  if (q > 1e-280 && std::isfinite(q)) return std::log(q);
  if (!(x > a + 1.0)) return std::isfinite(q) && q > 0.0 ? std::log(q) : -INF;
  // Deep upper tail: Q = x^a e^-x / Gamma(a) * h, with h Legendre's continued fraction for
  // Gamma(a, x) e^x x^-a, evaluated by the modified Lentz method (converges fast for
  // x > a + 1).
  const double tiny = 1e-300;
  double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
  for (int i = 1; i < 300; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < 1e-15) break;
  }
  return a * std::log(x) - x - log_gamma(a) + std::log(h);
}

// log P(a, x), the regularised lower incomplete gamma function.
double log_gamma_p(double a, double x) {
  if (!(x > 0.0)) return -INF;
  const double p = boost::math::gamma_p(a, x, Policy());
  if (p > 1e-280 && std::isfinite(p)) return std::log(p);
  // Deep lower tail (x well below a): P = x^a e^-x / Gamma(a + 1) * sum_n x^n / ((a+1)..(a+n)).
  double term = 1.0, sum = 1.0;
  for (int n = 1; n < 1000 && term > 1e-17 * sum; ++n) {
    term *= x / (a + n);
    sum += term;
  }
  return a * std::log(x) - x - log_gamma(a + 1.0) + std::log(sum);
}

// log of the standard normal upper tail Qn(z) = P(Z > z), and the inverse Mills ratio
// lambda(z) = phi(z) / Qn(z) (minus the derivative of log Qn).
void normal_tail(double z, double& log_q, double& lambda) {
  constexpr double LOG_ROOT_2PI = 0.91893853320467274178;
  if (z < 5.0) {
    const double q = 0.5 * std::erfc(z / std::numbers::sqrt2);
    log_q = std::log(q);
    lambda = std::exp(-0.5 * z * z - LOG_ROOT_2PI) / q;
    return;
  }
  // Laplace's continued fraction Qn / phi = 1 / (z + 1 / (z + 2 / (z + 3 / ...))), 40 levels
  // deep: accurate to about 1e-15 from z = 5 on, where erfc would start to underflow.
  double t = z;
  for (int k = 40; k >= 1; --k) t = z + k / t;
  log_q = -0.5 * z * z - LOG_ROOT_2PI - std::log(t);
  lambda = t;
}

// ---- The parametric families' log-likelihoods on the optimisation scale theta.

// The log-likelihood of one family as a function of theta, the unbounded parameters the
// optimiser moves (log shape and log scale, or mu and log sigma). Events after 0 days and
// censored leads have analytic derivatives in the subclasses; the single term of the events
// at 0 days, zero_w log F(resolution), is differentiated numerically here (it is one term,
// whatever the sample size).
class Model {
 public:
  // The log scale (or mu) may go a factor e^25 (7e10) beyond the observed times.
  explicit Model(const Sample& s)
      : s_(s),
        scale_lo_(std::log(s.min_positive) - 25.0),
        scale_hi_(std::log(std::max(s.max_days, s.resolution)) + 25.0) {}
  virtual ~Model() = default;

  // -log-likelihood; +infinity outside the search box or where any term is not finite.
  double nll(const Vec2& theta) const {
    if (!inside(theta)) return INF;
    double ll = loglik(theta);
    if (s_.zero_w > 0.0) ll += s_.zero_w * log_cdf(theta, s_.resolution);
    return std::isfinite(ll) ? -ll : INF;
  }

  // -log-likelihood with its gradient and Hessian; false when any of them is not finite.
  bool nll_derivatives(const Vec2& theta, double& f, Vec2& g, Mat2& h) const {
    if (!inside(theta)) return false;
    double ll = 0.0;
    Vec2 grad = Vec2::Zero();
    Mat2 hess = Mat2::Zero();
    loglik_derivatives(theta, ll, grad, hess);
    if (s_.zero_w > 0.0) add_zero_term(theta, ll, grad, hess);
    f = -ll;
    g = -grad;
    h = -hess;
    return std::isfinite(f) && g.allFinite() && h.allFinite();
  }

  virtual DelayFamily family() const = 0;
  // (p1, p2) at theta, and their derivatives in theta (each depends on one coordinate).
  virtual Vec2 parameters(const Vec2& theta) const = 0;
  virtual Vec2 parameter_slopes(const Vec2& theta) const = 0;
  // Starting points: from the moments of the event times; the same shape with the
  // censoring-aware mean (every observation's time over the events: the exponential MLE);
  // the exponential (or a lognormal of sigma 1) with that mean.
  virtual std::vector<Vec2> starts() const = 0;
  // The search box: far outside any sensible delay, so that an estimate on its edge means
  // "no maximum" (the optimiser stops there with a large gradient, so not converged).
  virtual bool inside(const Vec2& theta) const = 0;

 protected:
  /// Adds one family's accumulated log-likelihood, gradient and (symmetric) Hessian terms.
  static void add_sums(double sum, double g0, double g1, double h00, double h01, double h11,
                       double& ll, Vec2& g, Mat2& h) {
    ll += sum;
    g(0) += g0;
    g(1) += g1;
    h(0, 0) += h00;
    h(0, 1) += h01;
    h(1, 1) += h11;
    h(1, 0) = h(0, 1);
  }

  virtual double loglik(const Vec2& theta) const = 0;
  virtual void loglik_derivatives(const Vec2& theta, double& ll, Vec2& g, Mat2& h) const = 0;
  virtual double log_cdf(const Vec2& theta, double t) const = 0;

  // The mean of all the time observed per event: the censored exponential MLE, a start that
  // already knows the censored leads waited.
  double censored_mean() const {
    const double m = s_.total_days / s_.events;
    return std::isfinite(m) && m > 0.0 ? m : std::max(s_.mean_t, s_.resolution);
  }
  bool scale_inside(double v) const { return v >= scale_lo_ && v <= scale_hi_; }
  double clamp_scale(double v) const { return std::clamp(v, scale_lo_ + 1.0, scale_hi_ - 1.0); }

  const Sample& s_;

 private:
  void add_zero_term(const Vec2& theta, double& ll, Vec2& g, Mat2& h) const {
    constexpr double step = 1e-4;
    const auto at = [&](double d0, double d1) {
      return log_cdf(theta + Vec2(d0, d1), s_.resolution);
    };
    const double f0 = at(0, 0), fp0 = at(step, 0), fm0 = at(-step, 0), f0p = at(0, step),
                 f0m = at(0, -step), fpp = at(step, step), fmm = at(-step, -step),
                 fpm = at(step, -step), fmp = at(-step, step);
    const double w = s_.zero_w;
    ll += w * f0;
    g(0) += w * (fp0 - fm0) / (2.0 * step);
    g(1) += w * (f0p - f0m) / (2.0 * step);
    h(0, 0) += w * (fp0 - 2.0 * f0 + fm0) / (step * step);
    h(1, 1) += w * (f0p - 2.0 * f0 + f0m) / (step * step);
    const double cross = w * (fpp - fpm - fmp + fmm) / (4.0 * step * step);
    h(0, 1) += cross;
    h(1, 0) += cross;
  }

  double scale_lo_ = 0.0, scale_hi_ = 0.0;
};

// A family fitted on (log shape, log scale), as gamma and Weibull are.
class ShapeScaleModel : public Model {
 public:
  using Model::Model;
  Vec2 parameters(const Vec2& th) const override { return {std::exp(th(0)), std::exp(th(1))}; }
  Vec2 parameter_slopes(const Vec2& th) const override { return parameters(th); }
  bool inside(const Vec2& th) const override {
    return th(0) >= -7.0 && th(0) <= 12.0 && scale_inside(th(1));
  }
};

// Gamma: theta = (log shape a, log scale s).
class GammaModel final : public ShapeScaleModel {
 public:
  using ShapeScaleModel::ShapeScaleModel;
  DelayFamily family() const override { return DelayFamily::Gamma; }
  std::vector<Vec2> starts() const override {
    const double var = s_.m2_t / s_.ew;
    const double a = var > 0.0 ? std::clamp(s_.mean_t * s_.mean_t / var, 0.02, 1e4) : 1e4;
    const double m = censored_mean();
    return {{std::log(a), clamp_scale(std::log(s_.mean_t / a))},
            {std::log(a), clamp_scale(std::log(m / a))},
            {0.0, clamp_scale(std::log(m))}};
  }

 protected:
  // Events after 0 days enter through their sufficient statistics:
  //   sum w log f = W (-lgamma(a) + a (mean log t - log s) - mean t / s) - sum w log t.
  double events_loglik(double a, double v, double lga) const {
    const double W = s_.ew;
    return W * (-lga + a * (s_.mean_log - v) - s_.mean_t * std::exp(-v)) - s_.sum_log;
  }

  double loglik(const Vec2& th) const override {
    const double a = std::exp(th(0)), v = th(1), inv_s = std::exp(-v);
    engine::NeumaierSum ll;
    ll.add(events_loglik(a, v, log_gamma(a)));
    for (std::size_t i = 0; i < s_.censored_t.size(); ++i)
      ll.add(s_.censored_w[i] * log_gamma_q(a, s_.censored_t[i] * inv_s));
    return ll.value();
  }

  void loglik_derivatives(const Vec2& th, double& ll, Vec2& g, Mat2& h) const override {
    const double a = std::exp(th(0)), v = th(1), inv_s = std::exp(-v);
    const double lga = log_gamma(a), psi = digamma(a), W = s_.ew;
    engine::NeumaierSum sum;
    sum.add(events_loglik(a, v, lga));
    // Events, in (a, v) first, then carried to u = log a: d/du = a d/da.
    const double d_a = W * (-psi + s_.mean_log - v);
    g(0) += a * d_a;
    g(1) += W * (-a + s_.mean_t * inv_s);
    h(0, 0) += a * a * (-W * boost::math::trigamma(a, Policy())) + a * d_a;
    h(0, 1) += -W * a;
    h(1, 1) += -W * s_.mean_t * inv_s;
    // Censored: log Q(a, x) with x = t / s. Its derivative in log s is D = x^a e^-x /
    // (Gamma(a) Q), exact; its derivatives in u = log a are central differences (Boost has
    // no derivative of Q in a), from which the cross term follows exactly:
    //   d/dv log Q = D, d2/dv2 = D (x - a - D), d2/du dv = D (a (log x - psi(a)) - d/du log Q).
    constexpr double step = 1e-4;
    const double a_up = a * std::exp(step), a_down = a * std::exp(-step);
    double g0 = 0.0, g1 = 0.0, h00 = 0.0, h01 = 0.0, h11 = 0.0;
    for (std::size_t i = 0; i < s_.censored_t.size(); ++i) {
      const double w = s_.censored_w[i], x = s_.censored_t[i] * inv_s;
      const double log_x = s_.censored_log[i] - v;
      const double lq = log_gamma_q(a, x);
      const double lq_up = log_gamma_q(a_up, x), lq_down = log_gamma_q(a_down, x);
      const double du = (lq_up - lq_down) / (2.0 * step);
      const double duu = (lq_up - 2.0 * lq + lq_down) / (step * step);
      const double D = std::exp(a * log_x - x - lga - lq);
      sum.add(w * lq);
      g0 += w * du;
      g1 += w * D;
      h00 += w * duu;
      h01 += w * D * (a * (log_x - psi) - du);
      h11 += w * D * (x - a - D);
    }
    add_sums(sum.value(), g0, g1, h00, h01, h11, ll, g, h);
  }

  double log_cdf(const Vec2& th, double t) const override {
    return log_gamma_p(std::exp(th(0)), t * std::exp(-th(1)));
  }
};

// Lognormal: theta = (mu, log sigma).
class LognormalModel final : public Model {
 public:
  using Model::Model;
  DelayFamily family() const override { return DelayFamily::Lognormal; }
  Vec2 parameters(const Vec2& th) const override { return {th(0), std::exp(th(1))}; }
  Vec2 parameter_slopes(const Vec2& th) const override { return {1.0, std::exp(th(1))}; }
  bool inside(const Vec2& th) const override {
    return scale_inside(th(0)) && th(1) >= -12.0 && th(1) <= 4.0;
  }
  std::vector<Vec2> starts() const override {
    const double sigma = std::clamp(std::sqrt(s_.m2_log / s_.ew), 0.01, 20.0);
    const double m = censored_mean();
    return {{clamp_scale(s_.mean_log), std::log(sigma)},
            {clamp_scale(std::log(m) - 0.5 * sigma * sigma), std::log(sigma)},
            {clamp_scale(std::log(m) - 0.5), 0.0}};
  }

 protected:
  static constexpr double LOG_ROOT_2PI = 0.91893853320467274178;

  // Events after 0 days through their sufficient statistics: with z = (log t - mu) / sigma,
  //   sum w log f = -sum w log t - W (log sigma + log sqrt(2 pi)) - Q / (2 sigma^2),
  //   Q = sum w (log t - mu)^2 = M2 + W (mean log t - mu)^2.
  double loglik(const Vec2& th) const override {
    const double mu = th(0), tau = th(1), var = std::exp(2.0 * tau), W = s_.ew;
    const double dm = s_.mean_log - mu, Q = s_.m2_log + W * dm * dm;
    engine::NeumaierSum ll;
    ll.add(-s_.sum_log - W * (tau + LOG_ROOT_2PI) - Q / (2.0 * var));
    const double inv_sigma = std::exp(-tau);
    for (std::size_t i = 0; i < s_.censored_t.size(); ++i) {
      double log_q, lambda;
      normal_tail((s_.censored_log[i] - mu) * inv_sigma, log_q, lambda);
      ll.add(s_.censored_w[i] * log_q);
    }
    return ll.value();
  }

  void loglik_derivatives(const Vec2& th, double& ll, Vec2& g, Mat2& h) const override {
    const double mu = th(0), tau = th(1), var = std::exp(2.0 * tau), W = s_.ew;
    const double dm = s_.mean_log - mu, Q = s_.m2_log + W * dm * dm;
    engine::NeumaierSum sum;
    sum.add(-s_.sum_log - W * (tau + LOG_ROOT_2PI) - Q / (2.0 * var));
    g(0) += W * dm / var;
    g(1) += -W + Q / var;
    h(0, 0) += -W / var;
    h(0, 1) += -2.0 * W * dm / var;
    h(1, 1) += -2.0 * Q / var;
    // Censored: log Qn(z), z = (log t - mu) / sigma. With lambda the inverse Mills ratio,
    // d/dz log Qn = -lambda and d2/dz2 = lambda (z - lambda); dz/dmu = -1/sigma,
    // dz/dtau = -z, d2z/dmu dtau = 1/sigma, d2z/dtau2 = z.
    const double inv_sigma = std::exp(-tau);
    double g0 = 0.0, g1 = 0.0, h00 = 0.0, h01 = 0.0, h11 = 0.0;
    for (std::size_t i = 0; i < s_.censored_t.size(); ++i) {
      const double w = s_.censored_w[i], z = (s_.censored_log[i] - mu) * inv_sigma;
      double log_q, lambda;
      normal_tail(z, log_q, lambda);
      const double second = lambda * (z - lambda);
      sum.add(w * log_q);
      g0 += w * lambda * inv_sigma;
      g1 += w * lambda * z;
      h00 += w * second * inv_sigma * inv_sigma;
      h01 += w * (second * z - lambda) * inv_sigma;
      h11 += w * (second * z * z - lambda * z);
    }
    add_sums(sum.value(), g0, g1, h00, h01, h11, ll, g, h);
  }

  double log_cdf(const Vec2& th, double t) const override {
    double log_q, lambda;
    normal_tail(-(std::log(t) - th(0)) * std::exp(-th(1)), log_q, lambda);
    return log_q;
  }
};

// Weibull: theta = (log shape k, log scale l).
class WeibullModel final : public ShapeScaleModel {
 public:
  using ShapeScaleModel::ShapeScaleModel;
  DelayFamily family() const override { return DelayFamily::Weibull; }
  std::vector<Vec2> starts() const override {
    // sd(log T) = pi / (k sqrt 6) and E log T = log l - euler_gamma / k.
    const double sd = std::sqrt(s_.m2_log / s_.ew);
    const double k = sd > 0.0 ? std::clamp(1.2825498301618641 / sd, 0.02, 1e4) : 1e4;
    const double l = std::exp(s_.mean_log + std::numbers::egamma / k);
    const double m = censored_mean();
    return {{std::log(k), clamp_scale(std::log(l))},
            {std::log(k), clamp_scale(std::log(m) - log_gamma(1.0 + 1.0 / k))},
            {0.0, clamp_scale(std::log(m))}};
  }

 protected:
  // With k = e^u, s = log t - v and z = (t / l)^k = e^(k s):
  //   event: log f = u + k s - log t - z; censored: log S = -z.
  // z_u = z k s, z_v = -k z, z_uu = z (k^2 s^2 + k s), z_uv = -z (k^2 s + k), z_vv = k^2 z.
  double loglik(const Vec2& th) const override {
    const double u = th(0), k = std::exp(u), v = th(1);
    engine::NeumaierSum ll;
    for (std::size_t i = 0; i < s_.event_t.size(); ++i) {
      const double ks = k * (s_.event_log[i] - v);
      ll.add(s_.event_w[i] * (u + ks - s_.event_log[i] - std::exp(ks)));
    }
    for (std::size_t i = 0; i < s_.censored_t.size(); ++i)
      ll.add(-s_.censored_w[i] * std::exp(k * (s_.censored_log[i] - v)));
    return ll.value();
  }

  void loglik_derivatives(const Vec2& th, double& ll, Vec2& g, Mat2& h) const override {
    const double u = th(0), k = std::exp(u), v = th(1);
    engine::NeumaierSum sum;
    double g0 = 0.0, g1 = 0.0, h00 = 0.0, h01 = 0.0, h11 = 0.0;
    const auto add_z = [&](double w, double s) {
      const double ks = k * s, z = std::exp(ks);
      sum.add(-w * z);
      g0 -= w * z * ks;
      g1 += w * k * z;
      h00 -= w * z * (ks * ks + ks);
      h01 += w * z * (k * ks + k);
      h11 -= w * k * k * z;
    };
    for (std::size_t i = 0; i < s_.event_t.size(); ++i) {
      const double w = s_.event_w[i], s = s_.event_log[i] - v, ks = k * s;
      sum.add(w * (u + ks - s_.event_log[i]));
      g0 += w * (1.0 + ks);
      g1 -= w * k;
      h00 += w * ks;
      h01 -= w * k;
      add_z(w, s);
    }
    for (std::size_t i = 0; i < s_.censored_t.size(); ++i)
      add_z(s_.censored_w[i], s_.censored_log[i] - v);
    add_sums(sum.value(), g0, g1, h00, h01, h11, ll, g, h);
  }

  double log_cdf(const Vec2& th, double t) const override {
    const double ks = std::exp(th(0)) * (std::log(t) - th(1));
    // log(1 - e^-z); when z underflows, log F = log z = ks to double precision.
    return ks < -30.0 ? ks : std::log(-std::expm1(-std::exp(ks)));
  }
};

// ---- The optimiser.

struct Optimum {
  Vec2 theta = Vec2::Zero();
  double f = INF;  // -log-likelihood at theta
  Mat2 hessian = Mat2::Zero();
  bool converged = false;
};

// Newton's direction, with the Hessian shifted to be positive definite where it is not
// (Levenberg): far from the optimum, the log-likelihood need not be concave.
struct Direction {
  Vec2 step;
  double decrement;  // g' H^-1 g: the squared length of the Newton step in standard errors
  bool positive_definite;
};

Direction newton_direction(const Vec2& g, const Mat2& h) {
  // The closed form for 2 x 2 (no iterative tridiagonalisation).
  Eigen::SelfAdjointEigenSolver<Mat2> eigen;
  eigen.computeDirect(h);
  const Vec2 values = eigen.eigenvalues();  // increasing
  const double largest = std::max(std::fabs(values(0)), std::fabs(values(1)));
  Direction d;
  d.positive_definite = values(0) > 1e-12 * largest && largest > 0.0;
  Vec2 shifted = values;
  if (!d.positive_definite) {
    const double floor = 1e-3 * std::max(largest, 1e-8);
    for (int i = 0; i < 2; ++i) shifted(i) = std::max(std::fabs(values(i)), floor);
  }
  const Mat2& vectors = eigen.eigenvectors();
  const Vec2 projected = vectors.transpose() * g;
  d.step = -(vectors * projected.cwiseQuotient(shifted));
  d.decrement = -g.dot(d.step);
  return d;
}

// Damped Newton from theta. Stops with converged = true once the Hessian is positive
// definite and the Newton step is shorter than 1e-6 standard errors (that last step is
// taken: in the quadratic region it lands on the maximum to rounding). The derivatives at a
// trial point are computed with its value, as the full step is nearly always accepted: for
// the gamma family, whose survival function costs the most, that saves a quarter of the work.
Optimum newton(const Model& model, Vec2 theta, int max_iterations) {
  Optimum out;
  out.theta = theta;
  double f = 0.0;  // f, g and h always belong to theta
  Vec2 g;
  Mat2 h;
  if (!model.nll_derivatives(theta, f, g, h)) {
    out.f = model.nll(theta);
    return out;
  }
  double ft = 0.0;
  Vec2 gt;
  Mat2 ht;
  for (int iteration = 0; iteration < max_iterations; ++iteration) {
    out.theta = theta;
    out.f = f;
    out.hessian = h;
    Direction d = newton_direction(g, h);
    if (!d.step.allFinite()) return out;
    if (d.positive_definite && d.decrement < 1e-12) {
      const double fn = model.nll(theta + d.step);
      if (std::isfinite(fn)) {
        out.theta = theta + d.step;
        out.f = fn;
      }
      out.converged = true;
      return out;
    }
    if (d.positive_definite && d.decrement < 1e-6) {
      // The quadratic model is exact to far below rounding here: no line search, whose
      // comparison of nearly equal values would only see noise. A non-finite value means
      // the edge of the box: no maximum inside.
      if (!model.nll_derivatives(theta + d.step, ft, gt, ht)) break;
      theta += d.step;
      f = ft;
      g = gt;
      h = ht;
      continue;
    }
    // At most a factor e^2 per iteration in any shape or scale.
    const double longest = d.step.cwiseAbs().maxCoeff();
    if (longest > 2.0) d.step *= 2.0 / longest;
    const double slope = g.dot(d.step);
    double alpha = 1.0;
    bool moved = false;
    for (int k = 0; k < 50 && slope < 0.0; ++k, alpha *= 0.5) {
      const Vec2 trial = theta + alpha * d.step;
      if (k == 0) {
        if (!model.nll_derivatives(trial, ft, gt, ht)) continue;
      } else {
        ft = model.nll(trial);
      }
      if (!(ft <= f + 1e-4 * alpha * slope)) continue;
      if (k > 0 && !model.nll_derivatives(trial, ft, gt, ht)) break;
      theta = trial;
      f = ft;
      g = gt;
      h = ht;
      moved = true;
      break;
    }
    if (!moved) break;
  }
  // Out of iterations or stuck: converged if the last point is already close enough.
  const Direction d = newton_direction(g, h);
  out.theta = theta;
  out.f = f;
  out.hessian = h;
  out.converged = d.positive_definite && d.decrement < 1e-8;
  return out;
}

// Nelder-Mead on the -log-likelihood, for when Newton gets stuck (a Hessian that misleads
// far from the optimum): slow but needs no derivatives. Standard coefficients (reflection
// 1, expansion 2, contraction and shrink 1/2).
Vec2 nelder_mead(const Model& model, const Vec2& start, int budget) {
  std::array<Vec2, 3> x = {start, start + Vec2(0.5, 0.0), start + Vec2(0.0, 0.5)};
  std::array<double, 3> f;
  for (int i = 0; i < 3; ++i) f[i] = model.nll(x[i]);
  int used = 3;
  while (used < budget) {
    std::array<int, 3> order = {0, 1, 2};
    std::sort(order.begin(), order.end(), [&](int a, int b) { return f[a] < f[b]; });
    const int best = order[0], second = order[1], worst = order[2];
    if (std::isfinite(f[worst]) && f[worst] - f[best] <= 1e-12 * (1.0 + std::fabs(f[best])) &&
        (x[worst] - x[best]).norm() < 1e-9)
      break;
    const Vec2 centre = 0.5 * (x[best] + x[second]);
    const Vec2 reflected = centre + (centre - x[worst]);
    const double fr = model.nll(reflected);
    ++used;
    if (fr < f[best]) {
      const Vec2 expanded = centre + 2.0 * (centre - x[worst]);
      const double fe = model.nll(expanded);
      ++used;
      if (fe < fr) {
        x[worst] = expanded;
        f[worst] = fe;
      } else {
        x[worst] = reflected;
        f[worst] = fr;
      }
    } else if (fr < f[second]) {
      x[worst] = reflected;
      f[worst] = fr;
    } else {
      const Vec2 contracted =
          fr < f[worst] ? centre + 0.5 * (reflected - centre) : centre + 0.5 * (x[worst] - centre);
      const double fc = model.nll(contracted);
      ++used;
      if (fc < std::min(fr, f[worst])) {
        x[worst] = contracted;
        f[worst] = fc;
      } else {
        for (int i : {second, worst}) {
          x[i] = x[best] + 0.5 * (x[i] - x[best]);
          f[i] = model.nll(x[i]);
          ++used;
        }
      }
    }
  }
  const int best = static_cast<int>(std::min_element(f.begin(), f.end()) - f.begin());
  return x[best];
}

Optimum optimise(const Model& model) {
  Vec2 start = Vec2::Zero();
  double best = INF;
  for (const Vec2& candidate : model.starts()) {
    const double f = model.nll(candidate);
    if (f < best) {
      best = f;
      start = candidate;
    }
  }
  if (!std::isfinite(best)) return {start, INF, Mat2::Zero(), false};
  Optimum out = newton(model, start, 60);
  if (out.converged) return out;
  // Newton ran to the edge of the box: the likelihood keeps growing towards a degenerate
  // distribution (a point mass, say), and Nelder-Mead would only follow it there, slowly.
  bool at_edge = false;
  for (int i = 0; i < 2; ++i)
    for (double side : {-0.5, 0.5}) {
      Vec2 probe = out.theta;
      probe(i) += side;
      at_edge = at_edge || !model.inside(probe);
    }
  if (at_edge) return out;
  const Vec2 from = std::isfinite(out.f) && out.f <= best ? out.theta : start;
  const Optimum polished = newton(model, nelder_mead(model, from, 400), 40);
  if (polished.converged || !(polished.f >= out.f)) out = polished;
  return out;
}

// ---- Fits.

// The KS distances of `fit` from the Kaplan-Meier curve (see DelayFit::ks_distance and
// ks_statistic), checked on both sides of every step.
void set_ks(DelayFit& fit, const Sample& s) {
  double distance = 0.0, statistic = 0.0;
  // The KM CDF just before the step, and the Hall-Wellner divisor S (1 + sigma^2) there
  // (1 before the first step).
  double before = 0.0, divisor_before = 1.0;
  for (std::size_t i = 0; i < s.km.size(); ++i) {
    const KaplanMeierStep& step = s.km[i];
    const double F = fit.cdf(step.time > 0.0 ? step.time : s.resolution);
    const double after = 1.0 - step.survival;
    const double divisor = step.survival * (1.0 + s.sum_w * s.greenwood[i]);
    distance = std::max({distance, std::fabs(after - F), std::fabs(before - F)});
    statistic = std::max(statistic, std::fabs(before - F) / divisor_before);
    // Where the risk set ran empty the divisor is infinite (or 0 * inf): no information.
    if (divisor > 0.0 && std::isfinite(divisor))
      statistic = std::max(statistic, std::fabs(after - F) / divisor);
    before = after;
    divisor_before = divisor > 0.0 && std::isfinite(divisor) ? divisor : INF;
  }
  fit.ks_distance = distance;
  fit.ks_statistic = statistic;
}

DelayFit blank_fit(DelayFamily family, const Sample& s) {
  DelayFit fit;
  fit.family = family;
  fit.events = s.events;
  fit.censored = s.censored;
  return fit;
}

DelayFit fit_parametric(const Model& model, const Sample& s) {
  DelayFit fit = blank_fit(model.family(), s);
  fit.se1 = fit.se2 = INF;
  fit.aic = INF;
  // A single distinct event time (day-rounded data of an automated step, say), with no event
  // at 0 and no lead seen waiting longer, lets the family collapse onto it with ever growing
  // likelihood; chasing that would only cost time.
  const bool collapses =
      s.min_event == s.max_event && s.zero_w <= 0.0 && !(s.max_censored > s.max_event);
  if (s.ew <= 0.0 || collapses) {
    // No event after 0 days: no maximum either (the likelihood grows as the delay runs off
    // to infinity, or collapses onto 0). Leave a harmless distribution with the
    // censoring-aware mean.
    const double m = s.events > 0.0 ? std::max(s.total_days / s.events, s.resolution)
                                    : std::max(s.max_days, s.resolution);
    if (model.family() == DelayFamily::Lognormal) {
      fit.p1 = std::log(m) - 0.5;
      fit.p2 = 1.0;
    } else {
      fit.p1 = 1.0;
      fit.p2 = m;
    }
    fit.log_likelihood = -INF;
    set_ks(fit, s);
    return fit;
  }
  const Optimum o = optimise(model);
  const Vec2 p = model.parameters(o.theta);
  fit.p1 = p(0);
  fit.p2 = p(1);
  fit.log_likelihood = std::isfinite(o.f) ? -o.f : -INF;
  fit.converged = o.converged;
  if (o.converged) {
    const Mat2 covariance = o.hessian.inverse();
    const Vec2 slope = model.parameter_slopes(o.theta);
    const double v1 = slope(0) * slope(0) * covariance(0, 0);
    const double v2 = slope(1) * slope(1) * covariance(1, 1);
    const double c12 = slope(0) * slope(1) * covariance(0, 1);
    if (v1 > 0.0 && v2 > 0.0 && std::isfinite(v1) && std::isfinite(v2) && std::isfinite(c12)) {
      fit.se1 = std::sqrt(v1);
      fit.se2 = std::sqrt(v2);
      fit.cov12 = c12;
      fit.aic = 4.0 - 2.0 * fit.log_likelihood;
    } else {
      fit.converged = false;
    }
  }
  set_ks(fit, s);
  return fit;
}

DelayFit fit_model(DelayFamily family, const Sample& s) {
  switch (family) {
    case DelayFamily::Gamma:
      return fit_parametric(GammaModel(s), s);
    case DelayFamily::Lognormal:
      return fit_parametric(LognormalModel(s), s);
    case DelayFamily::Weibull:
      return fit_parametric(WeibullModel(s), s);
    default:
      break;
  }
  return blank_fit(family, s);
}

// log-likelihood of a Fixed or Empirical fit (see DelayFit::log_likelihood).
double nonparametric_loglik(const DelayFit& fit, std::span<const DelayObservation> obs,
                            double resolution) {
  engine::NeumaierSum ll;
  for (const DelayObservation& o : obs) {
    if (o.weight <= 0.0) continue;
    double term;
    if (fit.family == DelayFamily::Fixed) {
      const bool fits =
          o.event ? std::fabs(o.days - fit.p1) <= resolution : o.days < fit.p1 + resolution;
      term = fits ? 0.0 : -INF;
    } else if (!o.event) {
      term = std::log(fit.survival(o.days));
    } else if (o.days > 0.0) {
      term = std::log(fit.pdf(o.days));
    } else {
      term = std::log(fit.cdf(resolution));
    }
    if (term == -INF) return -INF;
    ll.add(o.weight * term);
  }
  return ll.value();
}

// Fixed at the weighted mean of the event times, or of the censored times when there is no
// event (a lower bound).
DelayFit fixed_fit(const Sample& s, std::span<const DelayObservation> obs) {
  DelayFit fit = blank_fit(DelayFamily::Fixed, s);
  if (s.events > 0.0) {
    fit.p1 = s.ew > 0.0 ? s.mean_t * s.ew / s.events : 0.0;
    fit.converged = true;
  } else if (s.censored > 0.0) {
    fit.p1 = s.total_days / s.censored;
  }
  fit.log_likelihood = nonparametric_loglik(fit, obs, s.resolution);
  fit.aic = INF;
  set_ks(fit, s);
  return fit;
}

// The empirical distribution of the Kaplan-Meier curve (see fit_delay); tail_end: where the
// tail bin after the largest event time should end, if beyond it.
DelayFit empirical_fit(const Sample& s, std::span<const DelayObservation> obs, double tail_end,
                       std::size_t bins) {
  DelayFit fit = blank_fit(DelayFamily::Empirical, s);
  fit.converged = !s.km.empty();
  fit.aic = INF;
  const auto& km = s.km;
  const double res = s.resolution;
  const double last = s.max_event > 0.0 ? s.max_event : res;
  // Right-continuous KM survival at t.
  const auto survival_at = [&](double t) {
    const auto it = std::upper_bound(km.begin(), km.end(), t,
                                     [](double x, const KaplanMeierStep& k) { return x < k.time; });
    return it == km.begin() ? 1.0 : std::prev(it)->survival;
  };
  // Events at 0 days get a first bin of their own, [0, resolution_days), as they are read
  // everywhere else.
  std::vector<double> edges = {0.0};
  if (s.zero_w > 0.0 && res < last) edges.push_back(res);
  std::size_t k = 1;
  const double nb = static_cast<double>(bins);
  for (const KaplanMeierStep& step : km) {
    const double F = 1.0 - step.survival;
    bool crossed = false;
    // The tolerance keeps a crossing that rounding put a hair short (1 - 0.95 < 0.05).
    for (; k < bins && F >= static_cast<double>(k) / nb * (1.0 - 1e-12); ++k) crossed = true;
    if (crossed && step.time >= edges.back() + res && step.time < last) edges.push_back(step.time);
  }
  if (last >= edges.back() + res || edges.size() == 1)
    edges.push_back(last);
  else
    edges.back() = last;  // merge the edge just below the largest event time into it
  std::vector<double> probabilities;
  double previous = 1.0;
  for (std::size_t i = 1; i < edges.size(); ++i) {
    const double here = survival_at(edges[i]);
    probabilities.push_back(std::max(0.0, previous - here));
    previous = here;
  }
  if (previous > 1e-12) {
    edges.push_back(tail_end > last && std::isfinite(tail_end) ? tail_end : 2.0 * last);
    probabilities.push_back(previous);
  }
  double total = 0.0;
  for (double p : probabilities) total += p;
  for (double& p : probabilities) p /= total;
  fit.edges = std::move(edges);
  fit.probabilities = std::move(probabilities);
  fit.log_likelihood = nonparametric_loglik(fit, obs, s.resolution);
  set_ks(fit, s);
  return fit;
}

// The parametric distributions with the checked policy.
using GammaDist = boost::math::gamma_distribution<double, Policy>;
using LognormalDist = boost::math::lognormal_distribution<double, Policy>;
using WeibullDist = boost::math::weibull_distribution<double, Policy>;

// Index of the empirical bin holding t (edges[i] <= t < edges[i+1]); the last edge belongs
// to the last bin.
std::size_t bin_of(const std::vector<double>& edges, double t) {
  const auto it = std::upper_bound(edges.begin(), edges.end(), t);
  const std::size_t i = static_cast<std::size_t>(it - edges.begin());
  return std::min(i, edges.size() - 1) - 1;
}

}  // namespace

std::string_view family_name(DelayFamily family) {
  switch (family) {
    case DelayFamily::Fixed:
      return "fixed";
    case DelayFamily::Gamma:
      return "gamma";
    case DelayFamily::Lognormal:
      return "lognormal";
    case DelayFamily::Weibull:
      return "weibull";
    case DelayFamily::Empirical:
      return "empirical";
  }
  return "fixed";
}

// ---- DelayFit's distribution functions.

double DelayFit::mean() const {
  switch (family) {
    case DelayFamily::Fixed:
      return p1;
    case DelayFamily::Gamma:
      return p1 * p2;
    case DelayFamily::Lognormal:
      return std::exp(p1 + 0.5 * p2 * p2);
    case DelayFamily::Weibull:
      return p2 * boost::math::tgamma(1.0 + 1.0 / p1, Policy());
    case DelayFamily::Empirical: {
      double m = 0.0;
      for (std::size_t i = 0; i < probabilities.size(); ++i)
        m += probabilities[i] * 0.5 * (edges[i] + edges[i + 1]);
      return m;
    }
  }
  return p1;
}

double DelayFit::mean_se() const {
  if (family == DelayFamily::Fixed || family == DelayFamily::Empirical) return 0.0;
  if (!converged) return INF;
  double d1 = 0.0, d2 = 0.0;  // derivatives of the mean in p1 and p2
  if (family == DelayFamily::Gamma) {
    d1 = p2;
    d2 = p1;
  } else if (family == DelayFamily::Lognormal) {
    d1 = mean();
    d2 = d1 * p2;
  } else {
    const double g = boost::math::tgamma(1.0 + 1.0 / p1, Policy());
    d1 = -p2 * g * digamma(1.0 + 1.0 / p1) / (p1 * p1);
    d2 = g;
  }
  const double var = d1 * d1 * se1 * se1 + d2 * d2 * se2 * se2 + 2.0 * d1 * d2 * cov12;
  return std::isfinite(var) ? std::sqrt(std::max(0.0, var)) : INF;
}

double DelayFit::cdf(double t) const {
  if (std::isnan(t)) return t;
  if (family == DelayFamily::Fixed) return t >= p1 ? 1.0 : 0.0;
  if (t <= 0.0) return 0.0;
  if (t == INF) return 1.0;
  switch (family) {
    case DelayFamily::Gamma:
      return boost::math::cdf(GammaDist(p1, p2), t);
    case DelayFamily::Lognormal:
      return boost::math::cdf(LognormalDist(p1, p2), t);
    case DelayFamily::Weibull:
      return boost::math::cdf(WeibullDist(p1, p2), t);
    case DelayFamily::Empirical: {
      if (edges.size() < 2 || t >= edges.back()) return 1.0;
      if (t < edges.front()) return 0.0;
      const std::size_t bin = bin_of(edges, t);
      double below = 0.0;
      for (std::size_t i = 0; i < bin; ++i) below += probabilities[i];
      const double share = (t - edges[bin]) / (edges[bin + 1] - edges[bin]);
      return std::min(1.0, below + probabilities[bin] * share);
    }
    default:
      return 0.0;
  }
}

double DelayFit::survival(double t) const {
  if (std::isnan(t)) return t;
  if (family == DelayFamily::Fixed) return t < p1 ? 1.0 : 0.0;
  if (t <= 0.0) return 1.0;
  if (t == INF) return 0.0;
  switch (family) {
    case DelayFamily::Gamma:
      return boost::math::cdf(boost::math::complement(GammaDist(p1, p2), t));
    case DelayFamily::Lognormal:
      return boost::math::cdf(boost::math::complement(LognormalDist(p1, p2), t));
    case DelayFamily::Weibull:
      return boost::math::cdf(boost::math::complement(WeibullDist(p1, p2), t));
    case DelayFamily::Empirical: {
      if (edges.size() < 2 || t >= edges.back()) return 0.0;
      if (t < edges.front()) return 1.0;
      const std::size_t bin = bin_of(edges, t);
      double above = 0.0;
      for (std::size_t i = bin + 1; i < probabilities.size(); ++i) above += probabilities[i];
      const double share = (edges[bin + 1] - t) / (edges[bin + 1] - edges[bin]);
      return std::min(1.0, above + probabilities[bin] * share);
    }
    default:
      return 1.0;
  }
}

double DelayFit::pdf(double t) const {
  if (std::isnan(t)) return t;
  if (family == DelayFamily::Fixed || t < 0.0 || t == INF) return 0.0;
  switch (family) {
    case DelayFamily::Gamma:
    case DelayFamily::Weibull: {
      if (t == 0.0) {
        // Shape < 1: the density has a pole at 0; shape 1: the exponential's 1 / scale.
        return p1 < 1.0 ? INF : p1 == 1.0 ? 1.0 / p2 : 0.0;
      }
      if (family == DelayFamily::Gamma) return boost::math::pdf(GammaDist(p1, p2), t);
      // In logs: Boost's (k / l) z^(k-1) e^(-z^k) is inf * 0 for a large shape k past z = 1.
      const double log_z = std::log(t / p2);
      return std::exp(std::log(p1 / p2) + (p1 - 1.0) * log_z - std::exp(p1 * log_z));
    }
    case DelayFamily::Lognormal:
      return t == 0.0 ? 0.0 : boost::math::pdf(LognormalDist(p1, p2), t);
    case DelayFamily::Empirical: {
      if (edges.size() < 2 || t < edges.front() || t > edges.back()) return 0.0;
      const std::size_t bin = bin_of(edges, t);
      return probabilities[bin] / (edges[bin + 1] - edges[bin]);
    }
    default:
      return 0.0;
  }
}

double DelayFit::quantile(double p) const {
  if (std::isnan(p)) return p;
  p = std::clamp(p, 0.0, 1.0);
  switch (family) {
    case DelayFamily::Fixed:
      return p1;
    case DelayFamily::Empirical: {
      if (edges.size() < 2) return 0.0;
      double below = 0.0;
      for (std::size_t i = 0; i < probabilities.size(); ++i) {
        const double pi = probabilities[i];
        if (pi > 0.0 && below + pi >= p)
          return edges[i] + std::max(0.0, p - below) / pi * (edges[i + 1] - edges[i]);
        below += pi;
      }
      return edges.back();
    }
    default:
      break;
  }
  if (p <= 0.0) return 0.0;
  if (p >= 1.0) return INF;
  switch (family) {
    case DelayFamily::Gamma:
      return boost::math::quantile(GammaDist(p1, p2), p);
    case DelayFamily::Lognormal:
      return boost::math::quantile(LognormalDist(p1, p2), p);
    case DelayFamily::Weibull:
      return boost::math::quantile(WeibullDist(p1, p2), p);
    default:
      return 0.0;
  }
}

// ---- The public fits.

std::vector<KaplanMeierStep> kaplan_meier(std::span<const DelayObservation> obs) {
  check_observations(obs);
  return km_curve(obs);
}

DelayFit fit_family(DelayFamily family, std::span<const DelayObservation> obs,
                    const DelayFitOptions& options) {
  const Sample s = prepare(obs, options);
  switch (family) {
    case DelayFamily::Fixed:
      return fixed_fit(s, obs);
    case DelayFamily::Empirical:
      return empirical_fit(s, obs, 0.0, options.empirical_bins);
    default:
      return fit_model(family, s);
  }
}

DelayFitResult fit_delay(std::span<const DelayObservation> obs, const DelayFitOptions& options) {
  const Sample s = prepare(obs, options);
  DelayFitResult result;
  // Fixed as the only candidate: its AIC (k = 1) is then the one on record.
  const auto only_fixed = [&](DelayFit fixed, std::string reason) {
    fixed.aic = 2.0 - 2.0 * fixed.log_likelihood;
    result.chosen = fixed;
    result.candidates = {fixed};
    result.reason = std::move(reason);
    return result;
  };
  if (s.sum_w <= 0.0) {
    DelayFit fixed = blank_fit(DelayFamily::Fixed, s);
    return only_fixed(fixed, "no observations: fixed at 0 days");
  }
  if (s.events > 0.0 && s.ew <= 0.0)
    return only_fixed(fixed_fit(s, obs),
                      "every observed delay is 0 (" + num(s.events, 4) + " events)");

  std::vector<DelayFit> fits = {fit_model(DelayFamily::Gamma, s),
                                fit_model(DelayFamily::Lognormal, s),
                                fit_model(DelayFamily::Weibull, s)};
  const DelayFit* best = nullptr;
  int converged = 0;
  for (const DelayFit& f : fits)
    if (f.converged) {
      ++converged;
      if (!best || f.aic < best->aic) best = &f;
    }
  const std::string families =
      std::to_string(converged) + (converged == 1 ? " family" : " families");
  result.candidates = fits;

  if (s.events < static_cast<double>(options.min_events)) {
    const std::string few = s.events > 0.0 ? "only " + num(s.events, 3) + " events (fewer than " +
                                                 std::to_string(options.min_events) + ")"
                                           : "no events";
    if (best) {
      result.chosen = *best;
      result.reason = few + ": lowest AIC of " + families + " that converged, shape not tested";
      return result;
    }
    DelayFit fixed = fixed_fit(s, obs);
    fixed.aic = 2.0 - 2.0 * fixed.log_likelihood;
    result.candidates.push_back(fixed);
    result.chosen = fixed;
    result.reason = s.events > 0.0 ? few + " and no family converged: fixed at their mean, " +
                                         num(fixed.p1) + " days"
                                   : "no events, only " + num(s.censored, 4) +
                                         " waiting leads: fixed at their mean wait, " +
                                         num(fixed.p1) + " days (a lower bound)";
    return result;
  }

  const double n_eff = s.sum_w * s.sum_w / s.sum_w2;
  const double critical = std::sqrt(-std::log(options.ks_level / 2.0) / 2.0) / std::sqrt(n_eff);
  result.ks_critical = critical;
  if (best && best->ks_statistic <= critical) {
    result.chosen = *best;
    result.reason = "lowest AIC of " + families + "; KS " + num(best->ks_statistic, 2) + " below " +
                    num(critical, 2);
    return result;
  }
  if (!best) {
    const double cv = std::sqrt(s.m2_t / s.ew) / s.mean_t;
    if (cv <= 0.01 && s.zero_w <= 0.0) {
      DelayFit fixed = fixed_fit(s, obs);
      fixed.aic = 2.0 - 2.0 * fixed.log_likelihood;  // the only usable candidate
      result.candidates.push_back(fixed);
      result.chosen = fixed;
      result.reason = "no family converged and the events are all at about " + num(fixed.p1) +
                      " days: fixed at their mean";
      return result;
    }
  }
  const double tail_end = best ? best->quantile(0.999) : 0.0;
  DelayFit empirical = empirical_fit(s, obs, tail_end, options.empirical_bins);
  result.candidates.push_back(empirical);
  result.chosen = empirical;
  const std::string bins = std::to_string(empirical.probabilities.size()) + " bins";
  result.reason =
      best ? "no family fits: the lowest-AIC " + std::string(family_name(best->family)) +
                 " has KS " + num(best->ks_statistic, 2) + " above " + num(critical, 2) +
                 " (level " + num(options.ks_level, 2) + "), so the Kaplan-Meier curve in " + bins
           : "no family converged: the Kaplan-Meier curve in " + bins;
  return result;
}

}  // namespace funnelsim::calibration
