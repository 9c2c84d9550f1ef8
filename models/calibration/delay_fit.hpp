// Fitting a stage's delay distribution to CRM history, right-censored leads included.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace funnelsim::calibration {

/// One lead's stay in a stage, measured in days from the moment it entered the stage.
/// - event = true: the lead entered the next stage `days` after it entered this one.
/// - event = false (right-censored): on the as-of date the lead had been waiting `days` days
///   and had not moved yet, so its delay is only known to exceed `days`. Dropping these
///   leads would keep only the ones that moved quickly and bias every delay short.
/// `weight` is the share of the lead this observation stands for: an EM caller splits a
/// waiting lead fractionally between the transitions it may still take, so events and
/// censored leads alike carry a weight in (0, 1]. A weight of 0 is accepted and ignored.
/// Every likelihood, count and Kaplan-Meier estimate below is weighted by it.
struct DelayObservation {
  double days = 0;      ///< finite and >= 0
  bool event = true;    ///< false: censored at `days`
  double weight = 1.0;  ///< in [0, 1]
};

/// The distribution families a delay can be fitted to; the names match the scenario
/// language's `distribution:` forms.
enum class DelayFamily { Fixed, Gamma, Lognormal, Weibull, Empirical };

/// "fixed", "gamma", "lognormal", "weibull" or "empirical".
std::string_view family_name(DelayFamily family);

/// A fitted delay distribution (days) and how well it fits.
///
/// Parameters (p1, p2), all in days or per the family's convention:
/// - Fixed: p1 = the value (a point mass); p2 = 0.
/// - Gamma: p1 = shape a, p2 = scale s; density t^(a-1) e^(-t/s) / (Gamma(a) s^a), mean a s.
/// - Lognormal: p1 = mu, p2 = sigma; log T ~ Normal(mu, sigma^2), median e^mu, mean
///   e^(mu + sigma^2 / 2).
/// - Weibull: p1 = shape k, p2 = scale l; P(T > t) = exp(-(t / l)^k), mean l Gamma(1 + 1/k).
/// - Empirical: p1 = p2 = 0; `edges` and `probabilities` describe bins [edges[i],
///   edges[i+1]) holding probabilities[i] each (summing to 1), the delay uniform within its
///   bin (the scenario language's empirical form).
///
/// Fit statistics:
/// - log_likelihood: sum over observations of weight * log-contribution: events log f(t),
///   censored leads log S(t), and events at exactly 0 days log F(resolution_days) (they are
///   read as "somewhere in [0, resolution]", see DelayFitOptions). For Fixed the point mass
///   is given probability 1 within resolution_days of the value, so the log-likelihood is 0
///   when every event lies there and no lead waited past it, else -infinity; for Empirical
///   it uses the piecewise-uniform density. Either may be -infinity, never NaN.
/// - aic = 2 k - 2 log_likelihood with k = 2 for the parametric families. Fixed and
///   Empirical are not comparable by AIC (a point mass or a histogram shaped by the data
///   itself), so their aic is +infinity unless fit_delay chose Fixed as the only usable
///   candidate (no parametric family converged), when it is 2 - 2 log_likelihood. A parametric
///   family that did not converge also has aic = +infinity.
/// - se1, se2, cov12: standard errors of p1, p2 and their covariance, from the observed
///   information (the inverse Hessian of -log_likelihood at the MLE) taken on the
///   optimisation scale (log shape and log scale; mu and log sigma) and carried back to
///   (p1, p2) by the delta method. 0 for Fixed and Empirical; +infinity for a parametric
///   family that did not converge.
/// - events, censored: the weighted counts of events and censored leads.
/// - ks_distance: the Kolmogorov-Smirnov distance between the weighted Kaplan-Meier
///   estimate of the CDF and this fit's CDF, sup |KM(t) - F(t)| over t up to the largest
///   event time. As F is continuous (except for Fixed) and KM a step function, the sup is
///   attained next to a step, so both sides of every step are checked; a step at 0 days is
///   compared with F(resolution_days).
/// - ks_statistic: the same sup with each deviation divided by S(t) (1 + sigma^2(t)), S the
///   Kaplan-Meier survival and sigma^2(t) = N sum_{t_i <= t} d_i / (n_i (n_i - d_i))
///   Greenwood's variance factor (N the total weight, d_i and n_i the event and at-risk
///   weights of step i; left of a step, the values of the step before). This is Hall and
///   Wellner's transform (Biometrika 67, 1980): sqrt(N) (KM - F) / (S (1 + sigma^2)) tends
///   to a Brownian bridge run over [0, K] with K = sigma^2 / (1 + sigma^2) < 1, so the
///   ordinary Kolmogorov critical value still holds (conservatively) under censoring.
///   Without censoring the divisor is exactly 1 and ks_statistic == ks_distance; with
///   censoring the late steps, estimated from the few leads still at risk, count less.
///   fit_delay tests this one: in simulations with 75% or more of the leads censored, the
///   raw distance rejected the true family in most samples, this one in under 1%.
/// - converged: the fit is usable. Parametric: Newton (or the Nelder-Mead fallback) ended
///   where the Hessian is positive definite and the Newton step is shorter than 1e-4
///   standard errors, i.e. the gradient is negligible in the metric of the information.
///   Fixed and Empirical: there was at least one event.
struct DelayFit {
  DelayFamily family = DelayFamily::Fixed;
  double p1 = 0, p2 = 0;
  double se1 = 0, se2 = 0, cov12 = 0;
  double log_likelihood = 0, aic = 0;
  double events = 0, censored = 0;
  double ks_distance = 0, ks_statistic = 0;
  bool converged = false;
  std::vector<double> edges, probabilities;  ///< Empirical only

  /// Expected delay, days (+infinity if it overflows, e.g. a lognormal with huge sigma).
  double mean() const;
  /// Delta-method standard error of mean() from se1, se2 and cov12; 0 for Fixed and
  /// Empirical, +infinity when the fit did not converge.
  double mean_se() const;
  /// P(T <= t). Fixed: a step at the value. Empirical: piecewise linear between edges,
  /// 1 from the last edge on.
  double cdf(double t) const;
  /// P(T > t), computed directly (not as 1 - cdf) so that tails keep their precision.
  double survival(double t) const;
  /// Density at t. Empirical: probabilities[i] / (edges[i+1] - edges[i]) inside bin i (the
  /// last edge belongs to the last bin). Fixed: 0 everywhere, as a point mass has no
  /// density. May be +infinity at t = 0 (gamma or Weibull with shape < 1), never NaN.
  double pdf(double t) const;
  /// The smallest t with cdf(t) >= p, for p in [0, 1]; +infinity at p = 1 for the unbounded
  /// families.
  double quantile(double p) const;
};

/// Settings of fit_family and fit_delay.
struct DelayFitOptions {
  /// The timestamps' resolution, days (1 minute). An event at exactly 0 days happened within
  /// the same timestamp, so it is read as interval-censored in [0, resolution_days]: a
  /// continuous density gives the single point 0 no mass, and log f(0) would be -infinity or
  /// +infinity. Empirical edges closer than this are merged.
  double resolution_days = 1.0 / 1440.0;
  /// Significance level of the "no family fits" Kolmogorov-Smirnov test (see fit_delay).
  double ks_level = 0.001;
  /// How many equal-probability bins the empirical fallback aims at (before merging edges).
  std::size_t empirical_bins = 20;
  /// Below this total event weight, fit_delay skips the KS test and the empirical fallback:
  /// too few events to judge a shape by, or to build a histogram from.
  std::size_t min_events = 5;
};

/// What fit_delay chose and why.
/// - chosen: the fit to simulate with.
/// - candidates: every fit considered, in the order fitted (gamma, lognormal, Weibull, then
///   a Fixed or Empirical fallback when one was built), for the fit report.
/// - reason: one sentence saying why `chosen` was chosen, e.g. "lowest AIC of 3 families; KS
///   0.012 below 0.041".
/// - ks_critical: the KS critical value the choice was checked against (0 when not checked).
struct DelayFitResult {
  DelayFit chosen;
  std::vector<DelayFit> candidates;
  std::string reason;
  double ks_critical = 0;
};

/// Maximum-likelihood fit of one family to right-censored, weighted delays.
///
/// Log-likelihood: sum of weight * (log f(t) for events at t > 0, log F(resolution_days) for
/// events at 0, log S(t) for leads censored at t). Gamma, lognormal and Weibull are
/// optimised on an unbounded scale (log shape, log scale; mu, log sigma) by damped Newton
/// with analytic derivatives (the gamma survival function's derivative in the shape is taken
/// by central differences) and backtracking, from the best of three starts: the moments of
/// the event times; the same shape with the censoring-aware mean (total time observed /
/// events, the exponential MLE); and the exponential itself. Nelder-Mead takes over when Newton
/// stalls, and Newton then polishes its result. With no event after 0 days, or with every event at
/// one time t > 0 and no lead censored after t, there is no MLE (the likelihood grows without bound
/// as the distribution runs off, or collapses onto t): the family comes back with converged = false
/// without being optimised. Fixed: the weighted mean of the event times (of the censored times, a
/// lower bound, when there are no events). Empirical: built from the Kaplan-Meier curve as in
/// fit_delay, its tail bin ending at twice the largest event time.
///
/// Throws std::invalid_argument if an observation has a negative or non-finite `days` or a
/// weight outside [0, 1], or for options out of range (see fit_delay).
DelayFit fit_family(DelayFamily family, std::span<const DelayObservation> obs,
                    const DelayFitOptions& options = {});

/// Chooses a delay distribution for right-censored, weighted observations:
/// 1. No observation: Fixed 0 (converged = false).
/// 2. Events exist and every event is at 0 days: Fixed 0, "every observed delay is 0".
/// 3. Otherwise gamma, lognormal and Weibull are fitted (fit_family) and the converged one
///    with the lowest AIC is the best.
/// 4. With a total event weight below min_events, the best is chosen without a
///    goodness-of-fit test; if none converged, Fixed at the mean of what there is (the event
///    times, else the censored times).
/// 5. Otherwise the best must pass a Kolmogorov-Smirnov test against the weighted
///    Kaplan-Meier curve: its ks_statistic (its ks_distance when nothing is censored) must
///    not exceed c(ks_level) / sqrt(n_eff), where c(a) = sqrt(-ln(a / 2) / 2) is the
///    asymptotic Kolmogorov critical value (1.949 at 0.001, 1.628 at 0.01, 1.358 at 0.05)
///    and n_eff = (sum w)^2 / sum w^2 over all observations (Kish's effective sample size).
///    If it fails, or no family converged, the choice is Empirical, built from the
///    Kaplan-Meier curve: edges at 0 (and at resolution_days when some events are at 0
///    days, so that they have a bin of their own), at the event times where 1 - S first reaches
///    k / empirical_bins (k = 1, 2, ...; merged when closer than resolution_days) and at the
///    largest event time, each bin holding the Kaplan-Meier mass in it (so the
///    piecewise-linear CDF passes through the Kaplan-Meier CDF at every edge); the mass S
///    left after the largest event time goes into one tail bin from there to the best
///    family's 0.999 quantile (twice the largest event time when that is not larger or there
///    is no best). When no family converged, no event is at 0 days and the event times'
///    coefficient of variation is at most 1%, the choice is Fixed at their mean instead (a
///    histogram would smear a deterministic delay over [0, t]).
/// Estimating the parameters first makes the test lenient (Lilliefors); the level 0.001
/// leaves real data, which no family fits exactly, some room at large n.
///
/// Throws std::invalid_argument as fit_family, and for options out of range
/// (resolution_days not positive, ks_level outside (0, 1), empirical_bins 0).
///
/// Tested by tests/models/calibration/delay_fit_test.cpp.
DelayFitResult fit_delay(std::span<const DelayObservation> obs,
                         const DelayFitOptions& options = {});

/// One step of the Kaplan-Meier survival curve.
/// - time: a distinct event time, days;
/// - survival: the estimate of P(T > time), just after the step;
/// - at_risk: the weight of observations with days >= time (leads censored at `time` are
///   still at risk at it: they were seen to wait that long).
struct KaplanMeierStep {
  double time;
  double survival;
  double at_risk;
};

/// The weighted Kaplan-Meier estimate: at each distinct event time t, with d the weight of
/// events at t and n the weight at risk, survival is multiplied by 1 - d / n. One step per
/// distinct event time, in increasing time; censoring times make no step. Observations of
/// weight 0 are ignored.
///
/// Throws std::invalid_argument as fit_family.
std::vector<KaplanMeierStep> kaplan_meier(std::span<const DelayObservation> obs);

}  // namespace funnelsim::calibration
