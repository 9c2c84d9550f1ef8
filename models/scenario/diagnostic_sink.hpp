// Collects the diagnostics of one scenario load, so validation can keep going after a problem.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "models/scenario/diagnostic.hpp"

namespace funnelsim::models {

class DiagnosticSink {
 public:
  explicit DiagnosticSink(std::string file) : file_(std::move(file)) {}

  void report(int line, int column, std::string key_path, std::string value, std::string rule) {
    diagnostics_.push_back(Diagnostic{
        file_, line, column, std::move(key_path), std::move(value), std::move(rule), {}});
  }
  void add(Diagnostic diagnostic) { diagnostics_.push_back(std::move(diagnostic)); }

  const std::string& file() const { return file_; }
  std::size_t size() const { return diagnostics_.size(); }
  bool empty() const { return diagnostics_.empty(); }
  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }

 private:
  std::string file_;
  std::vector<Diagnostic> diagnostics_;
};

/// A number as a person would write it in a rule: 10000000 not 1e+07, 0.25 not 0.250000.
std::string format_number(double value);

/// A computed number to 6 significant digits: 1.1 rather than 1.1000000000000001.
std::string format_rounded(double value);

}  // namespace funnelsim::models
