#include "models/scenario/diagnostic.hpp"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace funnelsim::models {

namespace {

constexpr const char* OVERRIDE_FILE = "--set";

// The file labels the count line names: the scenario files with problems (several when the
// scenario extends others), in the order their problems are listed, unless every problem
// came from the command line.
std::string what_file(const std::vector<Diagnostic>& diagnostics) {
  std::vector<const std::string*> files;
  for (const Diagnostic& d : diagnostics) {
    if (d.file == OVERRIDE_FILE) continue;
    bool listed = false;
    for (const std::string* f : files) listed = listed || *f == d.file;
    if (!listed) files.push_back(&d.file);
  }
  if (files.empty())
    return diagnostics.empty() ? std::string("scenario") : std::string("--set overrides");
  std::string text;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (i > 0) text += i + 1 == files.size() ? " and " : ", ";
    text += *files[i];
  }
  return text;
}

std::string what_text(const std::vector<Diagnostic>& diagnostics) {
  const std::size_t n = diagnostics.size();
  std::string text = std::to_string(n) + (n == 1 ? " problem in " : " problems in ") +
                     what_file(diagnostics) + ":";
  for (const Diagnostic& d : diagnostics) {
    text += '\n';
    text += d.format();
  }
  return text;
}

}  // namespace

std::string Diagnostic::format() const {
  std::string out;
  if (file == OVERRIDE_FILE) {
    // An override has no position; repeating KEY=VALUE tells the user which --set it was.
    // (Appends rather than `"literal" + std::string`: GCC 12 warns falsely on the latter.)
    out.append(file).append(" ");
    if (!override_text.empty())
      out.append(override_text);
    else {
      out.append(key_path);
      if (!value.empty()) out.append("=").append(value);
    }
  } else {
    out.append(file);
    if (line > 0)
      out.append(":").append(std::to_string(line)).append(":").append(std::to_string(column));
  }
  out.append(": ");
  if (!key_path.empty()) out.append(key_path).append(": ");
  if (!value.empty()) out.append("value ").append(value).append(": ");
  out.append(rule);
  return out;
}

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(what_text(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace funnelsim::models
