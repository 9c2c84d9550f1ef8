// Command-line overrides (--set KEY=VALUE): parsing, applying to the tree, and owning diagnostics.
#pragma once

#include <string>
#include <vector>

#include "models/scenario/diagnostic_sink.hpp"
#include "models/scenario/yaml_tree.hpp"

namespace funnelsim::models {

/// One well-formed override.
struct ScenarioOverride {
  std::string text;        ///< as given: "sources.web.monthly_volume=800"
  std::string key_path;    ///< "sources.web.monthly_volume"
  std::string value_text;  ///< "800"
  std::string created;     ///< the shallowest map key this override created, if any
};

/// Applies `overrides` to `root` in order (when `root` is null, because the file did not parse,
/// they are only checked). VALUE is parsed as YAML; a path through a missing map key creates
/// it; a numeric component indexes a list (the index one past the end appends). Malformed
/// overrides and impossible paths are reported to `sink` with file "--set". Returns the
/// overrides that were applied.
std::vector<ScenarioOverride> apply_overrides(YamlNode* root,
                                              const std::vector<std::string>& overrides,
                                              DiagnosticSink& sink);

/// Hands each diagnostic about an overridden value to its override: a diagnostic at or below
/// an override's key path, or below a key the override created, gets file "--set" and no
/// position, and its rule names the override when the paths differ. A diagnostic about a node
/// above an override notes that the override was applied.
void attribute_to_overrides(std::vector<Diagnostic>& diagnostics,
                            const std::vector<ScenarioOverride>& applied);

}  // namespace funnelsim::models
