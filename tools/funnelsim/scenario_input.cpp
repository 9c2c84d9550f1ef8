#include "tools/funnelsim/scenario_input.hpp"

#include "models/scenario/scenario_loader.hpp"

namespace funnelsim::cli {

std::optional<models::Scenario> load_input(const ScenarioInput& input,
                                           std::vector<models::Diagnostic>& problems) {
  try {
    if (input.path.empty())
      return models::load_scenario_text(models::default_scenario_text(), "<default>",
                                        input.overrides);
    return models::load_scenario_file(input.path, input.overrides);
  } catch (const models::ScenarioError& e) {
    problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
    return std::nullopt;
  }
}

void report_problems(const std::vector<models::Diagnostic>& problems, std::ostream& err) {
  err << problems.size() << (problems.size() == 1 ? " problem" : " problems")
      << " found; nothing was run or written:\n";
  for (const auto& d : problems) err << "  " << d.format() << '\n';
}

models::Diagnostic command_line_problem(const std::string& option, const std::string& value,
                                        const std::string& rule) {
  models::Diagnostic d;
  d.file = "command line";
  d.key_path = option;
  d.value = value;
  d.rule = rule;
  return d;
}

void add_history_problems(const std::string& path, const calibration::HistoryReadError& error,
                          std::vector<models::Diagnostic>& problems) {
  for (const calibration::HistoryError& h : error.errors) {
    models::Diagnostic d;
    d.file = path;
    d.line = static_cast<int>(h.row);
    d.key_path = h.column.empty() ? "" : "column " + h.column;
    d.rule = h.message;
    problems.push_back(d);
  }
  if (error.errors.empty()) problems.push_back(command_line_problem("HISTORY", path, error.what()));
  if (error.unkept > 0)
    problems.push_back(command_line_problem(
        "HISTORY", path, "and " + std::to_string(error.unkept) + " more problems not listed"));
}

}  // namespace funnelsim::cli
