#include "engine/io/csv_writer.hpp"

#include <array>
#include <charconv>
#include <string_view>

#include "engine/io/atomic_file.hpp"
#include "engine/io/output_checks.hpp"

namespace funnelsim::engine {
namespace {

void append_field(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out += field;
    return;
  }
  out += '"';
  for (const char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void append_number(std::string& out, double value) {
  // Shortest form that parses back to the same double; 32 chars hold any double.
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), result.ptr);
}

void append_rows(std::string& out, const ResultCube& cube, const std::vector<PeriodStats>& stats,
                 const std::vector<std::string>& labels) {
  for (std::size_t m = 0; m < stats.size(); ++m) {
    for (std::size_t p = 0; p < labels.size(); ++p) {
      append_field(out, cube.metric_names()[m]);
      out += ',';
      append_field(out, labels[p]);
      for (const auto& field : PeriodStats::FIELDS) {
        out += ',';
        append_number(out, (stats[m].*field.values)[p]);
      }
      out += '\n';
    }
  }
}

}  // namespace

std::string csv_text(const RunMetadata& metadata, const ResultCube& cube,
                     const std::vector<PeriodStats>& stats,
                     const std::optional<TotalsSection>& totals) {
  check_run_metadata("csv_text", metadata, cube);
  check_summary("csv_text", cube, stats, totals);
  std::string out = "metric,period";
  for (const auto& field : PeriodStats::FIELDS) {
    out += ',';
    out += field.name;
  }
  out += '\n';
  append_rows(out, cube, stats, metadata.period_labels);
  if (totals) append_rows(out, cube, totals->stats, totals->period_labels);
  return out;
}

void write_csv(const std::string& path, const RunMetadata& metadata, const ResultCube& cube,
               const std::vector<PeriodStats>& stats, const std::optional<TotalsSection>& totals) {
  write_file_atomically(path, csv_text(metadata, cube, stats, totals));
}

}  // namespace funnelsim::engine
