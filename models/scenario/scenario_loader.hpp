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

/// Parses `text` (reported as `file_label` in diagnostics), applies `overrides` ("a.b.c=VALUE",
/// VALUE parsed as YAML), then validates the whole tree. Throws ScenarioError holding every
/// problem found; never returns a partially valid Scenario.
Scenario load_scenario_text(std::string_view text, const std::string& file_label,
                            const std::vector<std::string>& overrides = {});

/// Reads the file at `path` (a missing or unreadable file is a ScenarioError too).
Scenario load_scenario_file(const std::string& path,
                            const std::vector<std::string>& overrides = {});

}  // namespace funnelsim::models
