// Reads a whole scenario tree into a Scenario, section by section, collecting every problem.
#pragma once

#include "models/scenario/diagnostic_sink.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/yaml_tree.hpp"

namespace funnelsim::models {

/// Reads and validates `root`. Every problem goes to `sink`; the returned Scenario is complete
/// and consistent only when nothing was reported. Provenance fields are left to the caller.
Scenario read_scenario(const YamlNode& root, DiagnosticSink& sink);

}  // namespace funnelsim::models
