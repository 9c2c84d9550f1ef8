// What a result file records about the run that produced it, so it can be reproduced.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/io/format.hpp"
#include "funnelsim/version.hpp"

namespace funnelsim::engine {

/// Written at the top of every result file (JSON, HDF5) and read back from HDF5. The engine
/// does not interpret the scenario fields or the period axis: the caller (the model layer)
/// names them, e.g. period_axis = "months" with labels "2027-01", ... The defaults are those
/// of a file this engine writes; a reader fills in what the file says.
struct RunMetadata {
  std::string format{FORECAST_FORMAT};
  std::array<int, 2> format_version = FORMAT_VERSION;  // {major, minor}
  std::string engine_version = ENGINE_VERSION;
  std::string scenario_name;
  std::string scenario_file;           // as given by the user; may be empty (built-in)
  std::string scenario_text;           // the full scenario text the run used
  std::vector<std::string> overrides;  // command-line overrides, in the order applied
  std::uint64_t seed = 0;
  std::uint64_t first_replication = 0;     // replication index of the cube's row 0
  std::size_t replications = 0;            // rows of the cube
  std::string period_axis;                 // name of the period axis, e.g. "months"
  std::vector<std::string> period_labels;  // one per period of the cube
  // UTC date of the run, YYYY-MM-DD (HDF5 only, optional: empty when not recorded).
  std::string run_date;

  bool operator==(const RunMetadata&) const = default;
};

}  // namespace funnelsim::engine
