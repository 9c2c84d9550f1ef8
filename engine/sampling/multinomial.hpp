// The multinomial sampler: sequential conditional binomials, with an implicit last category.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "engine/rng/random_stream.hpp"
#include "engine/sampling/argument_checks.hpp"
#include "engine/sampling/binomial.hpp"

namespace funnelsim::engine {

/// Splits n trials over k categories with probabilities p[0..k-1], writing counts[0..k-1].
/// The probabilities may sum to less than 1: the remainder is an implicit extra category that is
/// not reported (leads that stay put, say), so sum(counts) <= n. A sum within 1e-9 of 1 (above
/// or below) is taken as 1 with rounding error: the implicit category is then empty, the
/// probabilities are renormalised and sum(counts) == n exactly.
///
/// Exact in law: count i is Binomial(remaining trials, p_i / remaining probability), the
/// conditional law of a multinomial count given the earlier ones. Counts after the trials run
/// out are zero without any draw, so the number of draws depends on the outcome.
inline void sample_multinomial(RandomStream& rng, std::uint64_t n,
                               std::span<const double> probabilities,
                               std::span<std::uint64_t> counts) {
  constexpr const char* function = "sample_multinomial";
  if (counts.size() != probabilities.size()) {
    detail::throw_domain_error(
        function, "counts.size()",
        detail::format_argument(static_cast<std::uint64_t>(counts.size())),
        "must equal probabilities.size() (" +
            detail::format_argument(static_cast<std::uint64_t>(probabilities.size())) + ")");
  }
  if (n > detail::BINOMIAL_MAX_TRIALS) {
    detail::throw_domain_error(function, "n", detail::format_argument(n),
                               "must be at most 2^53 (9007199254740992)");
  }
  double total = 0.0;
  std::size_t last_positive = probabilities.size();
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    const double p = probabilities[i];
    if (!(p >= 0.0 && p <= 1.0)) {
      detail::throw_domain_error(function, "probabilities[" + std::to_string(i) + "]",
                                 detail::format_argument(p), "must be in [0, 1]");
    }
    total += p;
    if (p > 0.0) last_positive = i;
  }
  if (!(total <= 1.0 + 1e-9)) {
    detail::throw_domain_error(function, "sum(probabilities)", detail::format_argument(total),
                               "must be at most 1 (+1e-9 for rounding)");
  }
  // Remaining probability mass, including the implicit category's.
  const bool implicit_empty = total >= 1.0 - 1e-9;
  double mass = implicit_empty ? total : 1.0;
  std::uint64_t remaining = n;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    if (remaining == 0 || i > last_positive) {
      counts[i] = 0;
      continue;
    }
    if (i == last_positive && implicit_empty) {
      // The last category with mass takes the rest: subtracting the earlier p's from `mass`
      // leaves a rounding residue that must not leak trials into the empty implicit category.
      counts[i] = remaining;
      remaining = 0;
      continue;
    }
    // Rounding in `mass` can leave it at or below p_i (even below 0) when the implicit category is
    // nearly empty; the conditional probability is then 1.
    const double conditional = mass > probabilities[i] ? probabilities[i] / mass : 1.0;
    const std::uint64_t k = detail::binomial_unchecked(rng, remaining, conditional);
    counts[i] = k;
    remaining -= k;
    mass -= probabilities[i];
  }
}

}  // namespace funnelsim::engine
