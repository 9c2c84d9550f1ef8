// Calibration of a lead source's monthly inquiry volume from its history: negative-binomial
// regression with a level, a trend and shrunken seasonality.
#pragma once

#include <array>
#include <span>
#include <vector>

namespace funnelsim::calibration {

/// When the terms of the volume model are fitted and how strongly seasonality is shrunk.
struct VolumeFitOptions {
  /// The log-linear trend is fitted from this many observed months on.
  int trend_min_months = 6;
  /// The 12 calendar-month effects are fitted from this many observed months on.
  int seasonality_min_months = 12;
  /// Prior standard deviation of each calendar month's log effect (0.15: a month 16% above
  /// or 14% below the average is one sd out). Must be positive.
  double seasonality_prior_sd = 0.15;
  /// Estimate theta from the Cox-Reid adjusted profile likelihood (see fit_monthly_volume)
  /// rather than the plain one, which underestimates the overdispersion when the mean model
  /// spends many of the months.
  bool cox_reid_adjustment = true;
};

/// The fitted volume model of one lead source. Month k = 0 .. n - 1 are the observed months,
/// month n the first month after them.
///
///   log E[y_k] = b0 + b1 (k - n) + s[cal(k)],   Var y_k = mu_k + mu_k^2 / theta,
///
/// with cal(k) the calendar month of month k (0 = January) and s the 12 log month effects,
/// which sum to zero.
struct VolumeFit {
  int months = 0;    ///< n, the observed months
  double total = 0;  ///< sum of the observed counts
  /// Expected count in month n without seasonality, i.e. exp(b0) times the arithmetic mean of
  /// the 12 month multipliers exp(s[c]): the mean of month n's expectation over the calendar
  /// month it could fall in. Counts per month.
  double level = 0;
  /// Standard error of log(level) from the parameters' (penalised) information matrix: the
  /// uncertainty of the fitted level, not the month-to-month noise. 0 when level is 0.
  double level_se_log = 0;
  /// Monthly growth factor minus 1, exp(b1) - 1 (0.01: 1% a month); 0 when not fitted.
  double trend = 0;
  double trend_se = 0;  ///< exp(b1) se(b1); 0 when not fitted
  bool has_trend = false, has_seasonality = false;
  /// Month multipliers January .. December, exp(s[c]) over their arithmetic mean, so they
  /// average 1; all 1 when seasonality is not fitted.
  std::array<double, 12> seasonality{};
  /// 1 / sqrt(theta): the coefficient of variation of the mean-1 gamma multiplier that turns a
  /// Poisson count into this negative binomial. 0 = Poisson.
  double overdispersion = 0;
  /// Its standard error, by the delta method from the curvature of the (adjusted) profile
  /// likelihood in log theta. At the Poisson boundary (overdispersion 0), where the delta method
  /// degenerates, the square root of the standard error of 1/theta there,
  /// sqrt(sqrt(2 / sum mu_k^2)): about the overdispersion the data could just resolve.
  double overdispersion_se = 0;
  bool converged = false;
  int iterations = 0;  ///< IRLS iterations, summed over every theta the search evaluated
  /// Negative-binomial (Poisson when overdispersion is 0) log-likelihood of the counts at the
  /// estimates, without the seasonality prior; with lgamma(y + 1) for y!, so fractional counts
  /// are allowed. 0 for all-zero counts.
  double log_likelihood = 0;
  std::vector<double> fitted;   ///< mu_k, the fitted expectation of each observed month
  int next_calendar_month = 0;  ///< cal(n), the calendar month of month n

  /// The expected count of month n - 1 + months_after_last, when that month is calendar month
  /// calendar_month (0 = January):
  ///
  ///   level (1 + trend)^(months_after_last - 1) seasonality[calendar_month].
  ///
  /// months_after_last = 1 is month n, the month after the last observed (whose calendar
  /// month is next_calendar_month); 2 the month after that. Values <= 0 reach back into the
  /// history: expected(k - n + 1, cal(k)) == fitted[k]. The trend compounds without limit:
  /// horizons are the caller's judgement. Throws std::out_of_range if calendar_month is not
  /// in 0 .. 11.
  double expected(int months_after_last, int calendar_month) const;
};

/// Fits the volume model to `counts`, the inquiries of months 0 .. n - 1 (n = counts.size()),
/// month 0 being calendar month first_calendar_month (0 = January .. 11 = December).
///
/// Terms: b0 always; b1 from options.trend_min_months observed months on; s from
/// options.seasonality_min_months on. The 12 effects have a Gaussian prior, independent
/// N(0, sd^2) (sd = options.seasonality_prior_sd) conditioned on summing to zero; they are
/// estimated as 11 coordinates in an orthonormal basis of the sum-zero subspace, where that
/// prior is N(0, sd^2 I). The b's are the posterior mode: penalised IRLS, the prior precision
/// added to X'WX (Newton steps with the observed information, which for this likelihood is
/// always positive, and step halving). b1 has a guard prior of sd 1 (a month-on-month factor of
/// e per sd): it changes no sensible fit measurably (se(b1) is of order 0.01) but keeps the
/// trend finite when zeros at one end of the history would send it to infinity.
///
/// Shrinkage: the prior pulls each month's effect toward 0 by about the factor
/// sd^2 / (sd^2 + v), v the sampling variance of one month's log effect, roughly
/// (1/mu + 1/theta) / years. It is strong where the data are noisy, not where the history is
/// short as such. Simulated years without seasonality: at 3 a month the multipliers stay
/// within +-10% of flat (998 in 1000), but at 1000 a month with overdispersion 0.2 the fit
/// keeps over half of the months' deviations as "seasonality" (the largest multiplier off by
/// 0.2 on average). With 12 months there are as many effects as months, so only the prior
/// divides their spread between seasonality and overdispersion, and the estimated
/// overdispersion comes out low. Three years of clean data (v well below sd^2) are followed
/// closely: 95% of the month deviations are kept at overdispersion 0.05.
///
/// Bias: shrinking the effects also biases the trend, and through it the extrapolated level,
/// when the true pattern is tilted across the year of the window (high early months, low late
/// ones, or the reverse): the model then reads part of the tilt as a trend. Simulated with a
/// +-20% sine pattern starting in January, overdispersion 0.15: level -5% (0.8 of its se) at
/// 24 months, -2% at 36. Averaged over patterns drawn from the prior the level is unbiased to
/// 0.1 se, and its se calibrated (z-scores with sd about 1.1, as theta is estimated).
///
/// Overdispersion: theta maximises the profile likelihood over the b's, with
/// options.cox_reid_adjustment (the default) the Cox-Reid adjusted profile
/// l(b_theta, theta) - 1/2 b'Pb - 1/2 log det(X'WX + P) (W = mu / (1 + mu/theta)), as edgeR
/// and DESeq2 estimate their dispersions; it is a Laplace approximation to the likelihood of
/// theta with the b's integrated out, and corrects the downward bias of plain maximum likelihood
/// when the mean model spends many of the months (up to 13 coefficients for 12 to 36 months:
/// at 24 months and a true overdispersion of 0.15 the plain estimate averages 0.10, the
/// adjusted 0.146). The profile is scanned on a grid of log theta (steps of 1 over
/// [1e-4, 1e6], each point a warm-started IRLS fit) and its best point refined by Brent's
/// method. Poisson (overdispersion 0) is reported when the profile rises all the way to
/// theta = 1e6 (overdispersion 0.001) or beyond, which includes under-dispersed data.
///
/// Why not alternate IRLS with Newton steps in log theta at fixed mu (digamma and trigamma):
/// with a year of history the profile has long flat stretches and can have two maxima (the
/// noise read as overdispersion, or absorbed by the month effects), and the fixed-mu curvature
/// overstated the profile's tenfold there, so the alternation crawled for hundreds of steps,
/// to whichever maximum was nearer. The grid finds the higher one in a fixed number of fits.
///
/// Special cases: all-zero counts give level 0, trend 0, Poisson, converged. One or two months
/// give level = their mean, Poisson, level_se_log = 1 / sqrt(total), no trend or seasonality.
/// The result never holds a NaN: should the iteration fail numerically, the mean-only Poisson
/// fit is returned with converged = false. About 1 to 2 ms for 36 months.
///
/// Throws std::invalid_argument if counts is empty or holds a negative or non-finite value,
/// first_calendar_month is not in 0 .. 11, or seasonality_prior_sd is not positive and finite.
///
/// Tested by tests/models/calibration/volume_fit_test.cpp.
VolumeFit fit_monthly_volume(std::span<const double> counts, int first_calendar_month,
                             const VolumeFitOptions& options = {});

}  // namespace funnelsim::calibration
