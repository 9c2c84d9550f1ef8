#include "models/scenario/scenario_loader.hpp"

#include <algorithm>
#include <cstring>

#include "models/scenario/diagnostic_sink.hpp"
#include "models/scenario/scenario_extends.hpp"
#include "models/scenario/scenario_override.hpp"
#include "models/scenario/scenario_reader.hpp"
#include "models/scenario/yaml_tree.hpp"

namespace funnelsim::models {

namespace {

// File diagnostics by (place of the file in the extends chain, line, column), then override
// diagnostics in the order they arose. The file the user named comes first.
void sort_by_position(std::vector<Diagnostic>& diagnostics, const ScenarioFiles& files) {
  const auto rank = [&files](const Diagnostic& d) {
    return d.file == "--set" ? files.size() + 1 : files.order_of(d.file);
  };
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [&rank](const Diagnostic& a, const Diagnostic& b) {
                     const std::size_t a_rank = rank(a);
                     const std::size_t b_rank = rank(b);
                     if (a_rank != b_rank) return a_rank < b_rank;
                     if (a.line != b.line) return a.line < b.line;
                     return a.column < b.column;
                   });
}

}  // namespace

Scenario load_scenario_text(std::string_view text, const std::string& file_label,
                            const std::vector<std::string>& overrides) {
  DiagnosticSink sink(file_label);
  // Owns the file labels the tree's nodes point at: declared before the tree, dies after it.
  ScenarioFiles files;
  ResolvedTree tree = resolve_extends(text, file_label, files, sink);
  std::optional<YamlNode>& root = tree.root;
  // Provenance is the merged file before overrides, which outputs record on their own.
  std::string resolved_text;
  if (root && !tree.extends.empty())
    resolved_text = resolved_scenario_text(*root, file_label, tree.extends);
  const std::vector<ScenarioOverride> applied =
      apply_overrides(root ? &*root : nullptr, overrides, sink);
  Scenario scenario;
  if (root) scenario = read_scenario(*root, sink);
  if (!sink.empty()) {
    std::vector<Diagnostic>& diagnostics = sink.diagnostics();
    attribute_to_overrides(diagnostics, applied);
    sort_by_position(diagnostics, files);
    throw ScenarioError(std::move(diagnostics));
  }
  scenario.file_name = file_label;
  scenario.text = tree.extends.empty() ? std::string(text) : std::move(resolved_text);
  scenario.overrides = overrides;
  return scenario;
}

Scenario load_scenario_file(const std::string& path, const std::vector<std::string>& overrides) {
  std::string text;
  if (const int error = read_text_file(path, text); error != 0)
    throw ScenarioError({Diagnostic{
        path, 0, 0, "", "", std::string("cannot read the file: ") + std::strerror(error), {}}});
  return load_scenario_text(text, path, overrides);
}

}  // namespace funnelsim::models
