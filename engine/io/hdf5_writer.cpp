#include "engine/io/hdf5_writer.hpp"

#include <algorithm>
#include <array>
#include <span>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "engine/io/atomic_file.hpp"
#include "engine/io/hdf5_handle.hpp"
#include "engine/io/output_checks.hpp"

namespace funnelsim::engine {
namespace {

using hdf5::ErrorScope;
using hdf5::Handle;

// Chunks of about 256 KiB: inside HDF5's recommended 10 KiB - 1 MiB, large enough for
// deflate to work well, small enough that reading a few replications stays cheap.
constexpr std::size_t CHUNK_BYTES = 256 * 1024;
constexpr unsigned DEFLATE_LEVEL = 1;

Handle simple_space(const ErrorScope& errors, std::vector<hsize_t> dims) {
  return errors.own(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose,
                    "creating a dataspace");
}

Handle scalar_space(const ErrorScope& errors) {
  return errors.own(H5Screate(H5S_SCALAR), H5Sclose, "creating a scalar dataspace");
}

void write_attribute(const ErrorScope& errors, hid_t location, const char* name, hid_t file_type,
                     hid_t memory_type, hid_t space, const void* data) {
  const std::string what = std::string("writing attribute '") + name + "'";
  Handle attribute = errors.own(
      H5Acreate2(location, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, what);
  errors.check(H5Awrite(attribute.get(), memory_type, data), what);
}

void write_string(const ErrorScope& errors, hid_t location, const char* name,
                  const std::string& value) {
  const Handle type = hdf5::utf8_string_type(errors);
  const Handle space = scalar_space(errors);
  const char* pointer = value.c_str();
  write_attribute(errors, location, name, type.get(), type.get(), space.get(), &pointer);
}

std::vector<const char*> c_strings(const std::vector<std::string>& values) {
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const std::string& value : values) pointers.push_back(value.c_str());
  return pointers;
}

void write_strings(const ErrorScope& errors, hid_t location, const char* name,
                   const std::vector<std::string>& values) {
  const Handle type = hdf5::utf8_string_type(errors);
  const Handle space = simple_space(errors, {values.size()});
  const std::vector<const char*> pointers = c_strings(values);
  // H5Awrite refuses a null buffer even when there is nothing to write (no overrides).
  const char* none = "";
  write_attribute(errors, location, name, type.get(), type.get(), space.get(),
                  values.empty() ? &none : pointers.data());
}

void write_uint64(const ErrorScope& errors, hid_t location, const char* name, std::uint64_t value) {
  const Handle space = scalar_space(errors);
  write_attribute(errors, location, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, space.get(), &value);
}

/// Creation properties of class `kind` (dataset or group) without modification times, so
/// that the same results make the same bytes (a distributed run's file equals one process's).
Handle untimed(const ErrorScope& errors, hid_t kind, const std::string& what) {
  Handle properties = errors.own(H5Pcreate(kind), H5Pclose, what);
  errors.check(H5Pset_obj_track_times(properties.get(), 0), what);
  return properties;
}

void write_string_dataset(const ErrorScope& errors, hid_t location, const std::string& name,
                          const std::vector<std::string>& values) {
  const std::string what = "writing dataset '/" + name + "'";
  const Handle type = hdf5::utf8_string_type(errors);
  const Handle space = simple_space(errors, {values.size()});
  const Handle properties = untimed(errors, H5P_DATASET_CREATE, what);
  const Handle dataset = errors.own(H5Dcreate2(location, name.c_str(), type.get(), space.get(),
                                               H5P_DEFAULT, properties.get(), H5P_DEFAULT),
                                    H5Dclose, what);
  const std::vector<const char*> pointers = c_strings(values);
  if (!values.empty())
    errors.check(
        H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()), what);
}

/// Creates /metrics/<name>: (rows, periods) float64, chunked by `chunk_rows` rows when not
/// empty (HDF5 refuses chunks with a zero dimension), shuffled and deflated.
Handle create_metric_dataset(const ErrorScope& errors, hid_t group, const std::string& name,
                             std::size_t rows, std::size_t periods, std::size_t chunk_rows) {
  const std::string what = "creating dataset '/metrics/" + name + "'";
  const Handle space = simple_space(errors, {rows, periods});
  const Handle properties = untimed(errors, H5P_DATASET_CREATE, what);
  if (rows > 0 && periods > 0) {
    const std::array<hsize_t, 2> chunk = {chunk_rows, periods};
    errors.check(H5Pset_chunk(properties.get(), 2, chunk.data()), what);
    // Shuffling bytes by significance first makes neighbouring doubles compress far better.
    errors.check(H5Pset_shuffle(properties.get()), what);
    errors.check(H5Pset_deflate(properties.get(), DEFLATE_LEVEL), what);
  }
  return errors.own(H5Dcreate2(group, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                               properties.get(), H5P_DEFAULT),
                    H5Dclose, what);
}

/// Writes every metric's dataset one chunk-sized block of replications at a time: the
/// block's rows of the cube stay in cache while each metric's values are gathered from
/// them, and every write fills exactly one chunk, which HDF5 compresses and stores at once.
void write_metrics(const ErrorScope& errors, hid_t file, const ResultCube& cube) {
  const Handle untimed_group = untimed(errors, H5P_GROUP_CREATE, "creating group '/metrics'");
  const Handle group =
      errors.own(H5Gcreate2(file, "metrics", H5P_DEFAULT, untimed_group.get(), H5P_DEFAULT),
                 H5Gclose, "creating group '/metrics'");
  const std::size_t rows = cube.replications();
  const std::size_t periods = cube.periods();
  const std::size_t metrics = cube.metrics();
  const std::size_t chunk_rows =
      rows == 0 || periods == 0
          ? 1
          : std::clamp<std::size_t>(CHUNK_BYTES / (periods * sizeof(double)), 1, rows);
  std::vector<Handle> datasets;
  for (const std::string& name : cube.metric_names())
    datasets.push_back(create_metric_dataset(errors, group.get(), name, rows, periods, chunk_rows));
  if (rows == 0 || periods == 0) return;

  std::vector<double> buffer(chunk_rows * periods);
  for (std::size_t first = 0; first < rows; first += chunk_rows) {
    const std::size_t count = std::min(chunk_rows, rows - first);
    const Handle memory_space = simple_space(errors, {count, periods});
    for (std::size_t m = 0; m < metrics; ++m) {
      const std::string what = "writing dataset '/metrics/" + cube.metric_names()[m] + "'";
      for (std::size_t r = 0; r < count; ++r) {
        const std::span<const double> row = cube.slice(first + r);
        for (std::size_t p = 0; p < periods; ++p) buffer[r * periods + p] = row[p * metrics + m];
      }
      const Handle file_space = errors.own(H5Dget_space(datasets[m].get()), H5Sclose, what);
      const std::array<hsize_t, 2> start = {first, 0};
      const std::array<hsize_t, 2> size = {count, periods};
      errors.check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                       size.data(), nullptr),
                   what);
      errors.check(H5Dwrite(datasets[m].get(), H5T_NATIVE_DOUBLE, memory_space.get(),
                            file_space.get(), H5P_DEFAULT, buffer.data()),
                   what);
    }
  }
}

void write_contents(const ErrorScope& errors, hid_t file, const RunMetadata& metadata,
                    const ResultCube& cube) {
  write_string(errors, file, "format", metadata.format);
  {
    const Handle space = simple_space(errors, {2});
    write_attribute(errors, file, "format_version", H5T_STD_I32LE, H5T_NATIVE_INT, space.get(),
                    metadata.format_version.data());
  }
  write_string(errors, file, "engine_version", metadata.engine_version);
  write_string(errors, file, "scenario_name", metadata.scenario_name);
  write_string(errors, file, "scenario_file", metadata.scenario_file);
  if (!metadata.run_date.empty()) write_string(errors, file, "run_date", metadata.run_date);
  write_string(errors, file, "scenario_text", metadata.scenario_text);
  write_strings(errors, file, "overrides", metadata.overrides);
  write_uint64(errors, file, "seed", metadata.seed);
  write_uint64(errors, file, "first_replication", metadata.first_replication);
  write_uint64(errors, file, "replications", metadata.replications);
  write_string(errors, file, "period_axis", metadata.period_axis);
  write_strings(errors, file, "metric_order", cube.metric_names());

  write_string_dataset(errors, file, metadata.period_axis, metadata.period_labels);
  write_metrics(errors, file, cube);
}

}  // namespace

void write_hdf5(const std::string& path, const RunMetadata& metadata, const ResultCube& cube) {
  check_run_metadata("write_hdf5", metadata, cube);
  for (const std::string& name : cube.metric_names())
    if (name == "." || name == ".." || name.find('/') != std::string::npos)
      throw std::invalid_argument("write_hdf5: metric name '" + name +
                                  "' cannot be an HDF5 dataset name ('/' separates groups)");

  AtomicFile file(path);
  {
    const ErrorScope errors(path);
    // SEMI: closing the file fails, instead of silently staying open, if any object in it
    // is still open; so a successful close below means every byte has reached the file.
    const Handle access = errors.own(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "creating the file");
    errors.check(H5Pset_fclose_degree(access.get(), H5F_CLOSE_SEMI), "creating the file");
    Handle h5 =
        errors.own(H5Fcreate(file.temp_path().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()),
                   H5Fclose, "creating temporary file '" + file.temp_path().string() + "'");
    write_contents(errors, h5.get(), metadata, cube);
    errors.check(h5.close(), "closing the file");
  }
  file.commit();
}

}  // namespace funnelsim::engine
