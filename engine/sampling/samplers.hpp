// Umbrella header: every portable sampler of the engine.
//
// Why our own samplers: the std:: distributions are implementation-defined, so their draws change
// between standard libraries and versions; these are exact in law, take the caller's
// RandomStream (library code never owns or seeds a generator) and give bit-identical draws for a
// given libm (they use std::exp, log, log1p and sqrt, whose last-bit results can differ between
// libms; tables are built from the same calls) and a build that does not contract floating-point
// expressions into FMAs (GCC's default under -std=c++20). Free functions and constructors check
// their arguments and throw std::domain_error naming the function, argument, value and rule;
// GammaSampler::operator() and AliasTable::operator() check nothing per call.
//
// Tested by tests/engine/samplers_test.cpp: chi-square goodness of fit against Boost.Math at a
// fixed seed, pinned first draws, argument checks.
#pragma once

#include "engine/sampling/alias_table.hpp"
#include "engine/sampling/beta.hpp"
#include "engine/sampling/binomial.hpp"
#include "engine/sampling/exponential.hpp"
#include "engine/sampling/gamma_sampler.hpp"
#include "engine/sampling/lognormal.hpp"
#include "engine/sampling/multinomial.hpp"
#include "engine/sampling/negative_binomial.hpp"
#include "engine/sampling/poisson.hpp"
#include "engine/sampling/standard_normal.hpp"
#include "engine/sampling/weibull.hpp"
