// Tests of the HDF5 result file: exact round trip, version and format refusal, atomicity.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/io/hdf5_reader.hpp"
#include "engine/io/hdf5_writer.hpp"
#include "io_test_support.hpp"

namespace funnelsim::engine {
namespace {

using testing_support::TempDir;
using testing_support::write_text;
using Entries = std::vector<std::string>;

RunMetadata sample_metadata(std::size_t replications, std::size_t periods) {
  RunMetadata metadata;
  metadata.scenario_name = "Zürich – expansion";  // UTF-8 must survive
  metadata.scenario_file = "scenarios/examples/zürich.yaml";
  metadata.scenario_text = "name: Zürich – expansion\nsources:\n  web: {rate: 50}\n";
  metadata.overrides = {"sources.web.rate=55", "capacity.sdr=12"};
  metadata.seed = 18446744073709551557ULL;
  metadata.first_replication = 4000;
  metadata.replications = replications;
  metadata.period_axis = "months";
  metadata.run_date = "2026-12-03";
  for (std::size_t p = 0; p < periods; ++p)
    metadata.period_labels.push_back("2027-" + std::string(p < 9 ? "0" : "") +
                                     std::to_string(p + 1));
  return metadata;
}

// Values chosen to catch any conversion: fractions without short decimals, negatives, a
// subnormal, infinity and a NaN (compared by bits).
ResultCube sample_cube(std::size_t replications, std::size_t periods) {
  ResultCube cube(replications, periods, {"volume.mql", "revenue.won", "sla.p_wait"});
  for (std::size_t r = 0; r < replications; ++r)
    for (std::size_t p = 0; p < periods; ++p) {
      const double rd = static_cast<double>(r), pd = static_cast<double>(p);
      cube.at(r, p, 0) = std::floor(700 + 37 * std::sin(rd + pd));
      cube.at(r, p, 1) = (rd - 3) / 7.0 * 1e5 + pd / 3.0;
      cube.at(r, p, 2) = 1.0 / (rd + pd + 3.0);
    }
  cube.at(0, 0, 2) = std::numeric_limits<double>::denorm_min();
  cube.at(1, 0, 2) = std::numeric_limits<double>::infinity();
  cube.at(2, 0, 2) = std::numeric_limits<double>::quiet_NaN();
  return cube;
}

std::string message_of_read(const std::string& path) {
  try {
    read_hdf5(path);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(Hdf5Io, RoundTripIsBitIdentical) {
  const TempDir dir;
  const std::string path = dir.file("run.h5");
  const RunMetadata metadata = sample_metadata(300, 12);
  const ResultCube cube = sample_cube(300, 12);
  write_hdf5(path, metadata, cube);
  EXPECT_EQ(dir.entries(), Entries{"run.h5"});

  const Hdf5Result result = read_hdf5(path);
  EXPECT_EQ(result.metadata, metadata);
  EXPECT_EQ(result.cube.metric_names(), cube.metric_names());
  EXPECT_EQ(result.cube.replications(), 300u);
  EXPECT_EQ(result.cube.periods(), 12u);
  ASSERT_EQ(result.cube.values().size(), cube.values().size());
  EXPECT_EQ(std::memcmp(result.cube.values().data(), cube.values().data(),
                        cube.values().size() * sizeof(double)),
            0);
}

TEST(Hdf5Io, EmptyOverridesAndAnotherPeriodAxisRoundTrip) {
  const TempDir dir;
  const std::string path = dir.file("run.h5");
  RunMetadata metadata = sample_metadata(1, 1);
  metadata.overrides.clear();
  metadata.scenario_file.clear();
  metadata.run_date.clear();  // optional: not written, read back empty
  metadata.period_axis = "weeks";
  metadata.period_labels = {"2027-W01"};
  ResultCube cube(1, 1, {"x"});
  cube.at(0, 0, 0) = 2.5;
  write_hdf5(path, metadata, cube);
  const Hdf5Result result = read_hdf5(path);
  EXPECT_EQ(result.metadata, metadata);
  EXPECT_EQ(result.cube.at(0, 0, 0), 2.5);
}

TEST(Hdf5Io, RefusesAnotherMajorVersionAndAcceptsAnotherMinor) {
  const TempDir dir;
  RunMetadata metadata = sample_metadata(4, 2);
  const ResultCube cube = sample_cube(4, 2);
  metadata.format_version = {2, 0};
  write_hdf5(dir.file("v2.h5"), metadata, cube);
  const std::string message = message_of_read(dir.file("v2.h5"));
  EXPECT_NE(message.find(dir.file("v2.h5")), std::string::npos) << message;
  EXPECT_NE(message.find("format_version is 2.0"), std::string::npos) << message;
  EXPECT_NE(message.find("1.0"), std::string::npos) << message;

  metadata.format_version = {1, 7};  // a later minor only adds fields: readable
  write_hdf5(dir.file("v1_7.h5"), metadata, cube);
  EXPECT_EQ(read_hdf5(dir.file("v1_7.h5")).metadata.format_version, (std::array<int, 2>{1, 7}));
}

TEST(Hdf5Io, RefusesAFormatItWasNotAskedFor) {
  const TempDir dir;
  RunMetadata metadata = sample_metadata(4, 2);
  metadata.format = "funnelsim.calibration";
  write_hdf5(dir.file("other.h5"), metadata, sample_cube(4, 2));
  const std::string message = message_of_read(dir.file("other.h5"));
  EXPECT_NE(message.find("'funnelsim.calibration'"), std::string::npos) << message;
  EXPECT_NE(message.find("'funnelsim.forecast'"), std::string::npos) << message;
  EXPECT_EQ(read_hdf5(dir.file("other.h5"), "funnelsim.calibration").metadata.format,
            "funnelsim.calibration");
}

TEST(Hdf5Io, RefusesFilesThatAreNotResults) {
  const TempDir dir;
  write_text(dir.file("text.h5"), "not an HDF5 file\n");
  const std::string not_hdf5 = message_of_read(dir.file("text.h5"));
  EXPECT_NE(not_hdf5.find(dir.file("text.h5")), std::string::npos) << not_hdf5;
  const std::string missing = message_of_read(dir.file("missing.h5"));
  EXPECT_NE(missing.find(dir.file("missing.h5")), std::string::npos) << missing;
  EXPECT_NE(missing.find("opening the file"), std::string::npos) << missing;
}

TEST(Hdf5Io, FailedWriteLeavesNoFile) {
  const TempDir dir;
  const RunMetadata metadata = sample_metadata(4, 2);
  const ResultCube cube = sample_cube(4, 2);
  // A metric name HDF5 would read as a path: refused before anything is created.
  const ResultCube slashed(4, 2, {"volume/mql"});
  EXPECT_THROW(write_hdf5(dir.file("a.h5"), metadata, slashed), std::invalid_argument);
  // A directory that does not exist.
  EXPECT_THROW(write_hdf5(dir.file("missing/a.h5"), metadata, cube), std::runtime_error);
  // The destination is a non-empty directory: the file is written, the rename fails.
  std::filesystem::create_directories(dir.path() / "taken" / "inside");
  EXPECT_THROW(write_hdf5(dir.file("taken"), metadata, cube), std::runtime_error);
  EXPECT_EQ(dir.entries(), Entries{"taken"});
}

TEST(Hdf5Io, ExistingResultIsReplacedOnlyOnSuccess) {
  const TempDir dir;
  const std::string path = dir.file("run.h5");
  RunMetadata first = sample_metadata(4, 2);
  write_hdf5(path, first, sample_cube(4, 2));
  RunMetadata wrong = first;
  wrong.replications = 5;  // does not match the cube: refused
  EXPECT_THROW(write_hdf5(path, wrong, sample_cube(4, 2)), std::invalid_argument);
  EXPECT_EQ(read_hdf5(path).metadata, first);
  RunMetadata second = first;
  second.seed = 99;
  write_hdf5(path, second, sample_cube(4, 2));
  EXPECT_EQ(read_hdf5(path).metadata.seed, 99u);
  EXPECT_EQ(dir.entries(), Entries{"run.h5"});
}

}  // namespace
}  // namespace funnelsim::engine
