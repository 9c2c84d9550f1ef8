// `funnelsim report RESULT.h5 --out FILE.html`: the forecast report rebuilt from saved results.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/io/hdf5_reader.hpp"
#include "models/funnel/forecast.hpp"
#include "models/funnel/funnel_model.hpp"
#include "models/scenario/diagnostic.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "tools/funnelsim/cli.hpp"
#include "tools/funnelsim/commands.hpp"
#include "tools/funnelsim/run_options.hpp"
#include "tools/funnelsim/scenario_input.hpp"
#include "tools/report/report_writer.hpp"

namespace funnelsim::cli {

int run_report_command(const ReportOptions& options, std::ostream& out, std::ostream& err) {
  (void)out;
  std::vector<models::Diagnostic> problems;
  std::set<std::string> seen;
  check_report_path("--out", options.out, seen, problems);
  // Everything is read and checked before anything is written.
  std::optional<engine::Hdf5Result> saved;
  std::optional<models::Scenario> scenario;
  std::optional<models::Forecast> forecast;
  if (problems.empty()) {
    try {
      saved = engine::read_hdf5(options.result);
    } catch (const std::exception& e) {
      problems.push_back(command_line_problem("RESULT", options.result, e.what()));
    }
  }
  if (saved) {
    const engine::RunMetadata& meta = saved->metadata;
    try {
      scenario = models::load_scenario_text(meta.scenario_text, meta.scenario_file, meta.overrides);
    } catch (const models::ScenarioError& e) {
      for (const models::Diagnostic& d : e.diagnostics())
        problems.push_back(command_line_problem(
            "RESULT", options.result, "its scenario text no longer loads: " + d.format()));
    }
    if (scenario) {
      try {
        forecast =
            models::forecast_from_cube(models::FunnelModel(*scenario), std::move(saved->cube));
      } catch (const std::invalid_argument& e) {
        problems.push_back(command_line_problem("RESULT", options.result, e.what()));
      }
    }
  }
  if (!problems.empty()) {
    report_problems(problems, err);
    return EXIT_BAD_INPUT;
  }
  try {
    engine::RunConfig config;
    config.seed = saved->metadata.seed;
    config.first_replication = saved->metadata.first_replication;
    config.replications = saved->metadata.replications;
    report::write_forecast_report(options.out,
                                  {&*scenario, &*forecast, config, saved->metadata.run_date});
  } catch (const std::exception& e) {
    err << "funnelsim report: " << e.what() << '\n';
    return EXIT_FAILURE_RUN;
  }
  return EXIT_OK;
}

}  // namespace funnelsim::cli
