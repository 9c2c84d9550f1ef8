// Loading the scenario named on the command line and reporting its problems.
#pragma once

#include <optional>
#include <ostream>
#include <vector>

#include "models/calibration/history.hpp"
#include "models/scenario/diagnostic.hpp"
#include "models/scenario/scenario.hpp"
#include "tools/funnelsim/commands.hpp"

namespace funnelsim::cli {

/// The scenario, or nullopt with its problems appended to `problems`.
std::optional<models::Scenario> load_input(const ScenarioInput& input,
                                           std::vector<models::Diagnostic>& problems);

/// "N problem(s):" then one line per diagnostic, on `err`.
void report_problems(const std::vector<models::Diagnostic>& problems, std::ostream& err);

/// A problem with a command-line setting (file "command line").
models::Diagnostic command_line_problem(const std::string& option, const std::string& value,
                                        const std::string& rule);

/// A history file's problems as diagnostics: one per row, naming the file, row and column.
void add_history_problems(const std::string& path, const calibration::HistoryReadError& error,
                          std::vector<models::Diagnostic>& problems);

}  // namespace funnelsim::cli
