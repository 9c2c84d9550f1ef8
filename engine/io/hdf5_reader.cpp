#include "engine/io/hdf5_reader.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <span>
#include <stdexcept>
#include <vector>

#include "engine/io/hdf5_handle.hpp"

namespace funnelsim::engine {
namespace {

using hdf5::ErrorScope;
using hdf5::Handle;

// Replications read per call: the writer's chunk size, so each chunk is inflated once.
constexpr std::size_t BLOCK_BYTES = 256 * 1024;

/// Frees the strings HDF5 allocated while reading variable-length data.
class VlenStrings {
 public:
  VlenStrings(hid_t type, hid_t space, std::size_t count)
      : type_(type), space_(space), pointers_(count, nullptr) {}
  ~VlenStrings() {
#if H5_VERSION_GE(1, 12, 0)
    H5Treclaim(type_, space_, H5P_DEFAULT, pointers_.data());
#else
    H5Dvlen_reclaim(type_, space_, H5P_DEFAULT, pointers_.data());
#endif
  }
  VlenStrings(const VlenStrings&) = delete;
  VlenStrings& operator=(const VlenStrings&) = delete;
  char** data() {
    return pointers_.data();
  }

 private:
  hid_t type_;
  hid_t space_;
  std::vector<char*> pointers_;
};

/// An attribute of the root or a dataset: the few calls that differ between the two.
struct Source {
  hid_t id;
  bool is_attribute;
  std::string what;  // "attribute 'seed'", "dataset '/months'"

  hid_t type() const { return is_attribute ? H5Aget_type(id) : H5Dget_type(id); }
  hid_t space() const { return is_attribute ? H5Aget_space(id) : H5Dget_space(id); }
  herr_t read(hid_t memory_type, void* buffer) const {
    return is_attribute ? H5Aread(id, memory_type, buffer)
                        : H5Dread(id, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
  }
};

std::size_t element_count(const ErrorScope& errors, const Source& source, const Handle& space) {
  const hssize_t count = H5Sget_simple_extent_npoints(space.get());
  if (count < 0) errors.fail("reading the size of " + source.what);
  return static_cast<std::size_t>(count);
}

std::vector<std::string> read_strings(const ErrorScope& errors, const Source& source) {
  const Handle file_type = errors.own(source.type(), H5Tclose, "reading " + source.what);
  if (H5Tget_class(file_type.get()) != H5T_STRING) errors.refuse(source.what + " holds no strings");
  const Handle space = errors.own(source.space(), H5Sclose, "reading " + source.what);
  const std::size_t count = element_count(errors, source, space);
  std::vector<std::string> values;
  if (count == 0) return values;
  // Read in the file's own string type (same character set and padding): no conversion.
  const Handle memory_type =
      errors.own(H5Tcopy(file_type.get()), H5Tclose, "reading " + source.what);
  const htri_t variable = H5Tis_variable_str(file_type.get());
  if (variable < 0) errors.fail("reading " + source.what);
  if (variable > 0) {
    VlenStrings strings(memory_type.get(), space.get(), count);
    errors.check(source.read(memory_type.get(), strings.data()), "reading " + source.what);
    for (std::size_t i = 0; i < count; ++i)
      values.emplace_back(strings.data()[i] != nullptr ? strings.data()[i] : "");
    return values;
  }
  // Fixed-length strings (another writer's file): NUL- or space-padded.
  const std::size_t size = H5Tget_size(file_type.get());
  std::vector<char> buffer(count * size);
  errors.check(source.read(memory_type.get(), buffer.data()), "reading " + source.what);
  const bool space_padded = H5Tget_strpad(file_type.get()) == H5T_STR_SPACEPAD;
  for (std::size_t i = 0; i < count; ++i) {
    std::string value(buffer.data() + i * size, strnlen(buffer.data() + i * size, size));
    if (space_padded) value.erase(value.find_last_not_of(' ') + 1);
    values.push_back(std::move(value));
  }
  return values;
}

Handle open_attribute(const ErrorScope& errors, hid_t file, const char* name) {
  const htri_t exists = H5Aexists(file, name);
  if (exists < 0) errors.fail(std::string("looking for attribute '") + name + "'");
  if (exists == 0)
    errors.refuse(std::string("has no attribute '") + name + "', so it is not a funnelsim result");
  return errors.own(H5Aopen(file, name, H5P_DEFAULT), H5Aclose,
                    std::string("opening attribute '") + name + "'");
}

std::vector<std::string> read_string_list(const ErrorScope& errors, hid_t file, const char* name) {
  const Handle attribute = open_attribute(errors, file, name);
  return read_strings(errors, {attribute.get(), true, std::string("attribute '") + name + "'"});
}

std::string read_string(const ErrorScope& errors, hid_t file, const char* name) {
  std::vector<std::string> values = read_string_list(errors, file, name);
  if (values.size() != 1)
    errors.refuse(std::string("attribute '") + name + "' holds " + std::to_string(values.size()) +
                  " strings, but must hold one");
  return std::move(values.front());
}

/// Reads an integer attribute of exactly `count` elements, converted to `memory_type`.
void read_integers(const ErrorScope& errors, hid_t file, const char* name, hid_t memory_type,
                   std::size_t count, void* out) {
  const Handle attribute = open_attribute(errors, file, name);
  const Source source{attribute.get(), true, std::string("attribute '") + name + "'"};
  const Handle type = errors.own(source.type(), H5Tclose, "reading " + source.what);
  const Handle space = errors.own(source.space(), H5Sclose, "reading " + source.what);
  if (H5Tget_class(type.get()) != H5T_INTEGER || element_count(errors, source, space) != count)
    errors.refuse(source.what + " must hold " + std::to_string(count) + " integer(s)");
  errors.check(source.read(memory_type, out), "reading " + source.what);
}

std::uint64_t read_uint64(const ErrorScope& errors, hid_t file, const char* name) {
  std::uint64_t value = 0;
  read_integers(errors, file, name, H5T_NATIVE_UINT64, 1, &value);
  return value;
}

std::string version_text(const std::array<int, 2>& version) {
  return std::to_string(version[0]) + "." + std::to_string(version[1]);
}

Handle open_metric(const ErrorScope& errors, hid_t group, const ResultCube& cube,
                   const std::string& name) {
  const std::string what = "dataset '/metrics/" + name + "'";
  Handle dataset = errors.own(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose,
                              "opening " + what + " listed in metric_order");
  const Handle space = errors.own(H5Dget_space(dataset.get()), H5Sclose, "reading " + what);
  std::array<hsize_t, 2> dims{};
  if (H5Sget_simple_extent_ndims(space.get()) != 2 ||
      H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr) < 0 ||
      dims[0] != cube.replications() || dims[1] != cube.periods())
    errors.refuse(what + " must have shape (" + std::to_string(cube.replications()) + ", " +
                  std::to_string(cube.periods()) + ") = (replications, periods)");
  return dataset;
}

/// Reads every metric's dataset a block of replications at a time (the block size of the
/// writer's chunks), so the block's rows of the cube stay in cache while each metric is
/// scattered into them.
void read_metrics(const ErrorScope& errors, hid_t file, ResultCube& cube) {
  const Handle group =
      errors.own(H5Gopen2(file, "metrics", H5P_DEFAULT), H5Gclose, "opening group '/metrics'");
  std::vector<Handle> datasets;
  for (const std::string& name : cube.metric_names())
    datasets.push_back(open_metric(errors, group.get(), cube, name));
  const std::size_t rows = cube.replications();
  const std::size_t periods = cube.periods();
  const std::size_t metrics = cube.metrics();
  if (rows == 0 || periods == 0) return;
  const std::size_t block_rows =
      std::clamp<std::size_t>(BLOCK_BYTES / (periods * sizeof(double)), 1, rows);
  std::vector<double> buffer(block_rows * periods);
  for (std::size_t first = 0; first < rows; first += block_rows) {
    const std::size_t count = std::min(block_rows, rows - first);
    const std::array<hsize_t, 2> start = {first, 0};
    const std::array<hsize_t, 2> size = {count, periods};
    const Handle memory_space =
        errors.own(H5Screate_simple(2, size.data(), nullptr), H5Sclose, "creating a dataspace");
    for (std::size_t m = 0; m < metrics; ++m) {
      const std::string what = "reading dataset '/metrics/" + cube.metric_names()[m] + "'";
      const Handle file_space = errors.own(H5Dget_space(datasets[m].get()), H5Sclose, what);
      errors.check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr,
                                       size.data(), nullptr),
                   what);
      errors.check(H5Dread(datasets[m].get(), H5T_NATIVE_DOUBLE, memory_space.get(),
                           file_space.get(), H5P_DEFAULT, buffer.data()),
                   what);
      for (std::size_t r = 0; r < count; ++r) {
        const std::span<double> row = cube.slice(first + r);
        for (std::size_t p = 0; p < periods; ++p) row[p * metrics + m] = buffer[r * periods + p];
      }
    }
  }
}

}  // namespace

Hdf5Result read_hdf5(const std::string& path, std::string_view expected_format) {
  const ErrorScope errors(path);
  const Handle file =
      errors.own(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "opening the file");
  const hid_t root = file.get();

  RunMetadata metadata;
  metadata.format = read_string(errors, root, "format");
  if (metadata.format != expected_format)
    errors.refuse("format is '" + metadata.format + "', but this reader reads '" +
                  std::string(expected_format) + "'");
  read_integers(errors, root, "format_version", H5T_NATIVE_INT, 2, metadata.format_version.data());
  if (metadata.format_version[0] != FORMAT_VERSION[0])
    errors.refuse("format_version is " + version_text(metadata.format_version) +
                  ", but this reader knows version " + version_text(FORMAT_VERSION) +
                  " and reads major version " + std::to_string(FORMAT_VERSION[0]) + " only");

  metadata.engine_version = read_string(errors, root, "engine_version");
  metadata.scenario_name = read_string(errors, root, "scenario_name");
  metadata.scenario_file = read_string(errors, root, "scenario_file");
  // Optional: files written before it was recorded have none.
  if (const htri_t dated = H5Aexists(root, "run_date"); dated > 0)
    metadata.run_date = read_string(errors, root, "run_date");
  metadata.scenario_text = read_string(errors, root, "scenario_text");
  metadata.overrides = read_string_list(errors, root, "overrides");
  metadata.seed = read_uint64(errors, root, "seed");
  metadata.first_replication = read_uint64(errors, root, "first_replication");
  metadata.replications = read_uint64(errors, root, "replications");
  metadata.period_axis = read_string(errors, root, "period_axis");
  std::vector<std::string> metric_order = read_string_list(errors, root, "metric_order");
  {
    const std::string what = "dataset '/" + metadata.period_axis + "'";
    const Handle labels = errors.own(H5Dopen2(root, metadata.period_axis.c_str(), H5P_DEFAULT),
                                     H5Dclose, "opening " + what + " named by period_axis");
    metadata.period_labels = read_strings(errors, {labels.get(), false, what});
  }

  ResultCube cube(metadata.replications, metadata.period_labels.size(), std::move(metric_order));
  read_metrics(errors, root, cube);
  return {std::move(metadata), std::move(cube)};
}

}  // namespace funnelsim::engine
