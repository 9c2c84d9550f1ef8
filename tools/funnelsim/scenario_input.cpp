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

}  // namespace funnelsim::cli
