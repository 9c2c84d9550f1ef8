// One problem found in a scenario, with where it is and which rule it breaks.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace funnelsim::models {

struct Diagnostic {
  /// The file that holds the problem: a path, "<default>", or "--set" for a command-line
  /// override. For a scenario that extends others, the base file that holds the bad key.
  std::string file;
  int line = 0;          ///< 1-based; 0 when unknown (e.g. a missing key's parent is used instead)
  int column = 0;        ///< 1-based
  std::string key_path;  ///< dotted, e.g. "stages.mql.transitions.sal.probability"
  std::string value;     ///< the offending value as written ("" when missing)
  std::string rule;      ///< what must hold, e.g. "must be between 0 and 1"
  std::string override_text;  ///< for file "--set": the KEY=VALUE the user wrote

  /// "file:line:column: key_path: value 'v' ...: rule" on one line.
  std::string format() const;
};

/// Thrown when a scenario (or its overrides, or the run settings) break one or more rules.
/// Carries every problem found, in file order, never just the first.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace funnelsim::models
