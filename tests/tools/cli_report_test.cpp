// funnelsim report: the report rebuilt from a saved forecast is the one forecast --report
// wrote, byte for byte; a file it cannot use is refused with nothing written.
#include <gtest/gtest.h>

#include <filesystem>

#include "engine/io/hdf5_reader.hpp"
#include "tests/tools/cli_test_support.hpp"

namespace funnelsim::cli {
namespace {

using namespace testing_support;

TEST(CliReport, TheSavedForecastGivesTheSameReport) {
  TempDir dir;
  // An extending scenario with an override: the HDF5 file keeps the resolved text and the
  // override, and the report shows both.
  const std::string scenario = source_path("scenarios/examples/two_more_sdrs.yaml");
  auto r = run({"forecast", scenario, "--set", "sources.webinars.monthly_volume=600", "-n", "8",
                "-q", "--report", dir.file("direct.html"), "--hdf5", dir.file("runs.h5")});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  r = run({"report", dir.file("runs.h5"), "--out", dir.file("rebuilt.html")});
  ASSERT_EQ(r.code, EXIT_OK) << r.err;
  const std::string direct = read_text(dir.file("direct.html"));
  EXPECT_GT(direct.size(), 100000u);
  EXPECT_TRUE(direct == read_text(dir.file("rebuilt.html")));
  EXPECT_CONTAINS(direct, "--set sources.webinars.monthly_volume=600");
  // The run's date travels in the HDF5 file, so the rebuilt report keeps it.
  EXPECT_EQ(engine::read_hdf5(dir.file("runs.h5")).metadata.run_date.size(), 10u);
  EXPECT_CONTAINS(direct, "Run on " + engine::read_hdf5(dir.file("runs.h5")).metadata.run_date);
}

TEST(CliReport, AFileThatIsNotAForecastIsRefused) {
  TempDir dir;
  write_text(dir.file("not.h5"), "plain text");
  const auto r = run({"report", dir.file("not.h5"), "--out", dir.file("out.html")});
  EXPECT_EQ(r.code, EXIT_BAD_INPUT);
  EXPECT_CONTAINS(r.err, "not.h5");
  EXPECT_FALSE(std::filesystem::exists(dir.file("out.html")));
  const auto missing = run({"report", dir.file("missing.h5")});
  EXPECT_EQ(missing.code, EXIT_BAD_INPUT);
  EXPECT_CONTAINS(missing.err, "--out");
}

}  // namespace
}  // namespace funnelsim::cli
