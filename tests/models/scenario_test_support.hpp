// Helpers for the scenario tests: a small valid scenario, edits to it, and diagnostic lookup.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/scenario/scenario_loader.hpp"

namespace funnelsim::models::testing {

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}
// gtest's EXPECT_PRED2 prints both strings on failure; gmock is not linked into the tests.
#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_PRED2(::funnelsim::models::testing::contains, haystack, needle)

/// Valid: two segments, two sources, an entry stage, a nurture loop with an exit.
inline const std::string BASE = R"(name: Test scenario
calendar:
  start: 2027-01
  horizon_months: 12
segments:
  smb: {deal_value: {distribution: fixed, value: 1000}}
  ent: {deal_value: {distribution: lognormal, median: 50000, sigma: 0.5}}
sources:
  web:
    monthly_volume: 100
    segment_mix: {smb: 0.7, ent: 0.3}
  events:
    monthly_volume: 50
    segment_mix: {smb: 0.5, ent: 0.5}
stages:
  inquiry:
    kind: entry
    transitions:
      mql: {probability: 0.2, delay: {distribution: exponential, mean: 3}}
  mql:
    transitions:
      won: {probability: 0.3}
      nurture: {probability: remainder}
  nurture:
    transitions:
      mql: {probability: 0.1, delay: {distribution: gamma, mean: 90, cv: 0.5}}
  won:
    bookings: true
)";

/// `text` with the first occurrence of `from` replaced by `to` (which must exist).
inline std::string edit(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "no '" << from << "' to edit";
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

/// 1-based line and column of the first occurrence of `needle` in `text`.
inline int line_of(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  int line = 1;
  for (std::size_t i = 0; i < at && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}
inline int column_of(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  const auto line_start = text.rfind('\n', at);
  return static_cast<int>(at - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
}

/// The diagnostics loading `text` produces; fails the test if it loads cleanly.
inline std::vector<Diagnostic> problems(const std::string& text,
                                        const std::vector<std::string>& overrides = {}) {
  try {
    load_scenario_text(text, "test.yaml", overrides);
  } catch (const ScenarioError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << "expected a ScenarioError";
  return {};
}

/// The diagnostic about `key_path`, or a failure listing what was reported instead.
inline Diagnostic about(const std::vector<Diagnostic>& diagnostics, const std::string& key_path) {
  for (const Diagnostic& d : diagnostics)
    if (d.key_path == key_path) return d;
  std::string all;
  for (const Diagnostic& d : diagnostics) all += "\n  " + d.format();
  ADD_FAILURE() << "no diagnostic about '" << key_path << "'; got:" << all;
  return {};
}

}  // namespace funnelsim::models::testing
