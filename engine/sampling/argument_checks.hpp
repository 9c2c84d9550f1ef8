// Stan-style argument checks for the samplers: a failed check names the function, the argument,
// its value and the rule it breaks, and throws std::domain_error.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace funnelsim::engine::detail {

/// Shortest text that reads back to the same double ("-3", "0.3", "inf", "nan"), so the message
/// shows exactly the value the caller passed, without printf noise such as "0.29999999999999999".
inline std::string format_argument(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

inline std::string format_argument(std::uint64_t value) {
  return std::to_string(value);
}

// Kept out of line and cold so that the checks cost the hot paths one predictable branch each.
[[noreturn, gnu::cold, gnu::noinline]] inline void throw_domain_error(std::string_view function,
                                                                      std::string_view argument,
                                                                      const std::string& value,
                                                                      std::string_view rule) {
  std::string message;
  message.append(function).append(": ").append(argument).append(" is ").append(value);
  message.append(", but ").append(rule);
  throw std::domain_error(message);
}

inline void check_finite(const char* function, const char* argument, double value) {
  if (!std::isfinite(value)) {
    throw_domain_error(function, argument, format_argument(value), "must be finite");
  }
}

inline void check_positive_finite(const char* function, const char* argument, double value) {
  if (!(value > 0.0 && value < HUGE_VAL)) {
    throw_domain_error(function, argument, format_argument(value), "must be positive and finite");
  }
}

inline void check_nonnegative_finite(const char* function, const char* argument, double value) {
  if (!(value >= 0.0 && value < HUGE_VAL)) {
    throw_domain_error(function, argument, format_argument(value),
                       "must be non-negative and finite");
  }
}

inline void check_probability(const char* function, const char* argument, double value) {
  if (!(value >= 0.0 && value <= 1.0)) {
    throw_domain_error(function, argument, format_argument(value), "must be in [0, 1]");
  }
}

}  // namespace funnelsim::engine::detail
