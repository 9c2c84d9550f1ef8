#include "models/scenario/scenario_loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "models/scenario/diagnostic_sink.hpp"
#include "models/scenario/scenario_override.hpp"
#include "models/scenario/scenario_reader.hpp"
#include "models/scenario/yaml_tree.hpp"

namespace funnelsim::models {

namespace {

// File diagnostics by position, then override diagnostics in the order they arose.
void sort_by_position(std::vector<Diagnostic>& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     const bool a_set = a.file == "--set";
                     const bool b_set = b.file == "--set";
                     if (a_set != b_set) return b_set;
                     if (a.line != b.line) return a.line < b.line;
                     return a.column < b.column;
                   });
}

}  // namespace

Scenario load_scenario_text(std::string_view text, const std::string& file_label,
                            const std::vector<std::string>& overrides) {
  DiagnosticSink sink(file_label);
  std::optional<YamlNode> root = parse_yaml(text, sink);
  const std::vector<ScenarioOverride> applied =
      apply_overrides(root ? &*root : nullptr, overrides, sink);
  Scenario scenario;
  if (root) scenario = read_scenario(*root, sink);
  if (!sink.empty()) {
    std::vector<Diagnostic>& diagnostics = sink.diagnostics();
    attribute_to_overrides(diagnostics, applied);
    sort_by_position(diagnostics);
    throw ScenarioError(std::move(diagnostics));
  }
  scenario.file_name = file_label;
  scenario.text = std::string(text);
  scenario.overrides = overrides;
  return scenario;
}

Scenario load_scenario_file(const std::string& path, const std::vector<std::string>& overrides) {
  auto fail = [&path](int error) {
    throw ScenarioError({Diagnostic{
        path, 0, 0, "", "", std::string("cannot read the file: ") + std::strerror(error), {}}});
  };
  errno = 0;
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                             &std::fclose);
  if (!file) fail(errno);
  std::string text;
  char buffer[65536];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, n);
  // Reading a directory opens fine on Linux and fails here with EISDIR.
  if (std::ferror(file.get())) fail(errno);
  return load_scenario_text(text, path, overrides);
}

}  // namespace funnelsim::models
