// Reads back a result file written by write_hdf5: the run's metadata and its result cube.
#pragma once

#include <string>
#include <string_view>

#include "engine/io/format.hpp"
#include "engine/io/run_metadata.hpp"
#include "engine/stats/result_cube.hpp"

namespace funnelsim::engine {

struct Hdf5Result {
  RunMetadata metadata;
  ResultCube cube;
};

/// Reads the file `path` in the layout of write_hdf5 (docs/output_formats.md). The cube's
/// metrics are in the file's `metric_order`, its rows in file order, bit for bit as written.
///
/// Refuses, with std::runtime_error naming the path: a file that is not HDF5 or cannot be
/// opened; a file whose `format` attribute is missing or is not `expected_format`; a file
/// whose format_version major differs from FORMAT_VERSION's (the message gives both; any
/// minor is accepted, since minors only add fields); a file whose attributes or datasets
/// are missing or have the wrong type or shape.
///
/// Tested by tests/engine/hdf5_io_test.cpp.
Hdf5Result read_hdf5(const std::string& path, std::string_view expected_format = FORECAST_FORMAT);

}  // namespace funnelsim::engine
