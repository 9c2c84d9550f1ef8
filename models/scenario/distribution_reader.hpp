// Reads a distribution written in any of its accepted forms into the normalised DistributionSpec.
#pragma once

#include <optional>

#include "models/scenario/distribution_spec.hpp"
#include "models/scenario/sales_ready.hpp"
#include "models/scenario/yaml_cursor.hpp"

namespace funnelsim::models {

/// What the distribution measures, which sets its limits: a delay in days may be 0 and its
/// mean may not exceed MAX_DELAY_MEAN_DAYS; a deal value in dollars must be positive; a time
/// of work in minutes may be 0 and its mean may not exceed MAX_MINUTES_MEAN; a length of time
/// in months (a ramp, a tenure) must be positive and its mean may not exceed MAX_MONTHS_MEAN.
/// Points: a lead score, 0 .. MAX_SCORE (draws are clamped to that range by the model).
/// Count: a number of leads (a reserve programme's yield), its mean in (0, MAX_COUNT_MEAN];
/// the model rounds each draw to a whole number.
enum class DistributionUse { Delay, DealValue, Minutes, Months, Points, Count };

inline constexpr double MAX_DELAY_MEAN_DAYS = 3650.0;
inline constexpr double MAX_MINUTES_MEAN = 1440.0;  ///< one day
inline constexpr double MAX_MONTHS_MEAN = 600.0;    ///< fifty years
/// A million leads from one programme is beyond any company's funnel; the bound catches a
/// yield written in dollars or with a stray factor of 1000.
inline constexpr double MAX_COUNT_MEAN = 1e6;

/// Converts the alternative parameterisations (gamma by mean and cv, lognormal by median or
/// mean and cv, ...) as documented in scenarios/README.md. Reports every problem; nullopt if any.
std::optional<DistributionSpec> read_distribution(const YamlCursor& at, DistributionUse use);

/// As read_distribution, but a plain number is also accepted and means a fixed value: within
/// [0, max mean] for delays and minutes, (0, max mean] for months, deal values and counts.
std::optional<DistributionSpec> read_number_or_distribution(const YamlCursor& at,
                                                            DistributionUse use);

/// Gamma with mean m and coefficient of variation c: shape 1/c^2, scale m c^2.
DistributionSpec gamma_from_mean_cv(double mean, double cv);
/// Lognormal with mean m and coefficient of variation c: sigma^2 = ln(1 + c^2),
/// mu = ln m - sigma^2 / 2.
DistributionSpec lognormal_from_mean_cv(double mean, double cv);

}  // namespace funnelsim::models
