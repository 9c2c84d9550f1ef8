// Helpers for the command-line tests: run the CLI in-process, a temporary directory, positions.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/temp_dir.hpp"
#include "tools/funnelsim/cli.hpp"

namespace funnelsim::cli::testing_support {

using funnelsim::testing_support::read_text;
using funnelsim::testing_support::TempDir;
using funnelsim::testing_support::write_text;

inline std::string source_path(const std::string& relative) {
  return std::string(FUNNELSIM_SOURCE_DIR) + "/" + relative;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}
// gtest's EXPECT_PRED2 prints both strings on failure; gmock is not linked into the tests.
#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_PRED2(::funnelsim::cli::testing_support::contains, haystack, needle)
#define EXPECT_NOT_CONTAINS(haystack, needle) \
  EXPECT_FALSE(::funnelsim::cli::testing_support::contains(haystack, needle)) << (haystack)

/// What one in-process run of the command line returned and printed.
struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

/// Runs `funnelsim ARGS...` through run_cli.
inline CliRun run(const std::vector<std::string>& args) {
  std::vector<const char*> argv{"funnelsim"};
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  CliRun result;
  result.code = run_cli(static_cast<int>(argv.size()), argv.data(), out, err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

/// `text` with the only occurrence of `from` replaced by `to`. A `from` that is missing or
/// ambiguous fails the test, so an edit can never silently leave the scenario valid.
inline std::string edit(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "no '" << from << "' to edit";
  if (at == std::string::npos) return text;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos) << "'" << from << "' is not unique";
  text.replace(at, from.size(), to);
  return text;
}

/// "line:column" (1-based) of the character marked by '^' in `marked`, a snippet that occurs
/// once in `text` once the marker is removed: position_of(text, "\n  ^mql:") is the `m`.
inline std::string position_of(const std::string& text, const std::string& marked) {
  const auto caret = marked.find('^');
  std::string needle = marked;
  if (caret != std::string::npos) needle.erase(caret, 1);
  const auto at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << "no '" << needle << "' in the scenario";
  if (at == std::string::npos) return "?:?";
  EXPECT_EQ(text.find(needle, at + 1), std::string::npos) << "'" << needle << "' is not unique";
  const auto target = at + (caret == std::string::npos ? 0 : caret);
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(target), '\n');
  const auto line_start = text.rfind('\n', target == 0 ? 0 : target - 1);
  const auto column =
      line_start == std::string::npos || target == 0 ? target + 1 : target - line_start;
  return std::to_string(line) + ":" + std::to_string(column);
}

/// The diagnostic lines of a refused run's `err` (each indented by two spaces under the count).
inline std::vector<std::string> diagnostic_lines(const std::string& err) {
  std::vector<std::string> lines;
  std::istringstream in(err);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("  ", 0) == 0) lines.push_back(line.substr(2));
  return lines;
}

}  // namespace funnelsim::cli::testing_support
