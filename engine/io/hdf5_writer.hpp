// Writes every replication's values of a run to an HDF5 file, with the run's metadata.
#pragma once

#include <string>

#include "engine/io/run_metadata.hpp"
#include "engine/stats/result_cube.hpp"

namespace funnelsim::engine {

/// Layout (docs/output_formats.md): root attributes format, format_version (int32[2]),
/// engine_version, scenario_name, scenario_file, scenario_text, overrides (string array),
/// seed, first_replication, replications (uint64), period_axis, metric_order (string
/// array); dataset /<period_axis> of period labels; group /metrics with one float64 dataset
/// per metric, named as the metric, shape (replications, periods), chunked, shuffled and
/// deflate-compressed. Strings are variable-length UTF-8.
///
/// The file is written to a temporary name and renamed into place (AtomicFile): it appears
/// complete or not at all. Throws std::invalid_argument if the metadata does not describe
/// the cube or a metric name cannot be a dataset name (empty, '.', '..' or holding '/'),
/// before creating anything; std::runtime_error naming the path if HDF5 or the file system
/// fails.
///
/// Tested by tests/engine/hdf5_io_test.cpp.
void write_hdf5(const std::string& path, const RunMetadata& metadata, const ResultCube& cube);

}  // namespace funnelsim::engine
