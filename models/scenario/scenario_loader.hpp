// Reads a scenario from YAML, applies --set overrides, validates everything, builds a Scenario.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "models/scenario/diagnostic.hpp"
#include "models/scenario/scenario.hpp"

namespace funnelsim::models {

/// The embedded scenarios/default.yaml.
std::string_view default_scenario_text();

/// Parses `text` (reported as `file_label` in diagnostics); if it starts from another scenario
/// (`extends: PATH`, see resolve_extends in scenario_extends.hpp) loads that chain and merges
/// it; applies `overrides` ("a.b.c=VALUE", VALUE parsed as YAML) to the merged tree; then
/// validates the whole tree. A relative PATH is resolved against the directory of
/// `file_label` when it is a path, else the current directory. Each problem names the file
/// that holds it (a base file's key is reported in the base file) and problems are sorted by
/// (file: the named one first, then down the chain; line; column), overrides last. Throws
/// ScenarioError holding every problem found; never returns a partially valid Scenario.
///
/// The result's `text` is `text` exactly as given, or, for a scenario that extends another,
/// the merged scenario written back as YAML under a "# resolved from ..." comment, which
/// loads to the same scenario on its own. `file_name` is `file_label`.
Scenario load_scenario_text(std::string_view text, const std::string& file_label,
                            const std::vector<std::string>& overrides = {});

/// Reads the file at `path` (a missing or unreadable file is a ScenarioError too), then as
/// load_scenario_text with `path` as the label.
Scenario load_scenario_file(const std::string& path,
                            const std::vector<std::string>& overrides = {});

}  // namespace funnelsim::models
