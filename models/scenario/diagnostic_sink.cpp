#include "models/scenario/diagnostic_sink.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <utility>

namespace funnelsim::models {

void DiagnosticSink::report(int line, int column, std::string key_path, std::string value,
                            std::string rule) {
  const std::string* file = nullptr;
  if (!key_files_.empty()) {
    const auto key = key_files_.find(key_path);
    if (key != key_files_.end() && key->second.line == line && key->second.column == column)
      file = key->second.file;
  }
  report_in(file, line, column, std::move(key_path), std::move(value), std::move(rule));
}

void DiagnosticSink::report_in(const std::string* file, int line, int column, std::string key_path,
                               std::string value, std::string rule) {
  diagnostics_.push_back(Diagnostic{file ? *file : file_,
                                    line,
                                    column,
                                    std::move(key_path),
                                    std::move(value),
                                    std::move(rule),
                                    {}});
}

void DiagnosticSink::note_key(const std::string& key_path, int line, int column,
                              const std::string* file) {
  if (file && *file != file_) key_files_[key_path] = KeyPosition{line, column, file};
}

std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // Integers below 2^53 print exactly and without an exponent, which is how limits such as
  // 10000000 and 3650 appear in the documentation.
  if (value == std::floor(value) && std::fabs(value) < 9.007199254740992e15)
    return std::to_string(static_cast<std::int64_t>(value));
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string format_rounded(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

}  // namespace funnelsim::models
