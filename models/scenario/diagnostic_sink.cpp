#include "models/scenario/diagnostic_sink.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace funnelsim::models {

std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // Integers below 2^53 print exactly and without an exponent, which is how limits such as
  // 10000000 and 3650 appear in the documentation.
  if (value == std::floor(value) && std::fabs(value) < 9.007199254740992e15)
    return std::to_string(static_cast<std::int64_t>(value));
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string format_rounded(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

}  // namespace funnelsim::models
