// Collects the diagnostics of one scenario load, so validation can keep going after a problem.
#pragma once

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "models/scenario/diagnostic.hpp"

namespace funnelsim::models {

/// Every problem of one load, each with the file it is in. A scenario that extends others is
/// read from several files: a problem raised on a YAML node is reported in that node's file
/// (YamlNode::file); the sink's own file, the one the user named, is the fallback.
class DiagnosticSink {
 public:
  explicit DiagnosticSink(std::string file) : file_(std::move(file)) {}

  /// A problem at `line`:`column` of the sink's file, or, when that is the position of a map
  /// key recorded with note_key() under `key_path`, of the file that key was read from (the
  /// readers that report an unknown id at its key use this form).
  void report(int line, int column, std::string key_path, std::string value, std::string rule);
  /// A problem at `line`:`column` of `file`; nullptr means the sink's file.
  void report_in(const std::string* file, int line, int column, std::string key_path,
                 std::string value, std::string rule);
  void add(Diagnostic diagnostic) { diagnostics_.push_back(std::move(diagnostic)); }

  /// Records that the map key at `key_path` was written at `line`:`column` of `file`. Only
  /// keys from a file other than the sink's need recording, so a load from one file records
  /// nothing.
  void note_key(const std::string& key_path, int line, int column, const std::string* file);

  const std::string& file() const { return file_; }
  std::size_t size() const { return diagnostics_.size(); }
  bool empty() const { return diagnostics_.empty(); }
  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }

 private:
  struct KeyPosition {
    int line = 0;
    int column = 0;
    const std::string* file = nullptr;
  };

  std::string file_;
  std::vector<Diagnostic> diagnostics_;
  std::unordered_map<std::string, KeyPosition> key_files_;  ///< by key path
};

/// A number as a person would write it in a rule: 10000000 not 1e+07, 0.25 not 0.250000.
std::string format_number(double value);

/// A computed number to 6 significant digits: 1.1 rather than 1.1000000000000001.
std::string format_rounded(double value);

}  // namespace funnelsim::models
