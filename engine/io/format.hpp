// Names and version of the result file formats the engine writes and reads.
#pragma once

#include <array>
#include <string_view>

namespace funnelsim::engine {

/// The `format` of a forecast run's result files: the JSON and CSV summaries and the HDF5
/// file of every replication's values. docs/output_formats.md describes each layout.
inline constexpr std::string_view FORECAST_FORMAT = "funnelsim.forecast";

/// {major, minor} of those layouts. A minor version only adds fields, so a reader accepts
/// any minor; a new major may rename or remove fields, so readers refuse a major they do
/// not know.
inline constexpr std::array<int, 2> FORMAT_VERSION = {1, 0};

}  // namespace funnelsim::engine
