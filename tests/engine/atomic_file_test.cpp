// Tests that result files appear complete or not at all.
#include "engine/io/atomic_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/io/csv_writer.hpp"
#include "engine/io/json_writer.hpp"
#include "engine/stats/summary.hpp"
#include "io_test_support.hpp"

namespace funnelsim::engine {
namespace {

using testing_support::read_text;
using testing_support::TempDir;
using testing_support::write_text;
using Entries = std::vector<std::string>;

TEST(AtomicFile, CommitRenamesTheTemporaryFileIntoPlace) {
  const TempDir dir;
  const std::string destination = dir.file("out.json");
  AtomicFile file(destination);
  file.write("hello ");
  file.write("world");
  const std::string temp_name = file.temp_path().filename().string();
  EXPECT_EQ(temp_name.rfind(".out.json.tmp." + std::to_string(::getpid()) + ".", 0), 0u)
      << temp_name;
  EXPECT_EQ(file.temp_path().parent_path(), dir.path());
  EXPECT_EQ(dir.entries(), Entries{temp_name});  // the destination does not exist yet
  file.commit();
  EXPECT_TRUE(file.committed());
  EXPECT_EQ(read_text(destination), "hello world");
  EXPECT_EQ(dir.entries(), Entries{"out.json"});
}

// The processes of a distributed run other than rank 0 compute every output and discard it.
TEST(AtomicFile, DiscardedOutputNeverReachesTheDestinationDirectory) {
  const TempDir dir;
  set_output_discarded(true);
  std::filesystem::path temp;
  {
    AtomicFile file(dir.file("out.h5"));
    temp = file.temp_path();
    file.write("rank 1's copy");
    EXPECT_EQ(temp.parent_path(), std::filesystem::temp_directory_path());
    EXPECT_EQ(dir.entries(), Entries{});
    file.commit();
    EXPECT_TRUE(file.committed());
  }
  set_output_discarded(false);
  EXPECT_FALSE(std::filesystem::exists(temp));
  EXPECT_EQ(dir.entries(), Entries{});
  write_file_atomically(dir.file("out.json"), "rank 0's");
  EXPECT_EQ(dir.entries(), Entries{"out.json"});
}

TEST(AtomicFile, UncommittedFileLeavesNothingBehind) {
  const TempDir dir;
  try {
    AtomicFile file(dir.file("out.csv"));
    file.write("half a result");
    throw std::runtime_error("the writer fails mid-way");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(dir.entries(), Entries{});
}

TEST(AtomicFile, ExistingDestinationIsReplacedOnlyOnCommit) {
  const TempDir dir;
  const std::string destination = dir.file("out.csv");
  write_text(destination, "old");
  {
    AtomicFile file(destination);
    file.write("new but abandoned");
  }
  EXPECT_EQ(read_text(destination), "old");
  AtomicFile file(destination);
  file.write("new");
  EXPECT_EQ(read_text(destination), "old");
  file.commit();
  EXPECT_EQ(read_text(destination), "new");
  EXPECT_EQ(dir.entries(), Entries{"out.csv"});
}

TEST(AtomicFile, MissingDirectoryThrowsWithPathAndReason) {
  const TempDir dir;
  const std::string destination = dir.file("no_such_dir/out.json");
  try {
    AtomicFile file(destination);
    FAIL() << "created a file in a directory that does not exist";
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(destination), std::string::npos) << message;
    EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
  }
  EXPECT_EQ(dir.entries(), Entries{});
}

TEST(AtomicFile, FailedRenameRemovesTheTemporaryFile) {
  // The destination is a non-empty directory, so the final rename fails: the error must
  // name the destination, and the temporary file must go.
  const TempDir dir;
  std::filesystem::create_directories(dir.path() / "taken" / "inside");
  {
    AtomicFile file(dir.file("taken"));
    file.write("data");
    try {
      file.commit();
      FAIL() << "renamed a file over a non-empty directory";
    } catch (const std::runtime_error& error) {
      EXPECT_NE(std::string(error.what()).find(dir.file("taken")), std::string::npos)
          << error.what();
    }
  }
  EXPECT_EQ(dir.entries(), Entries{"taken"});
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() / "taken" / "inside"));
}

TEST(AtomicFile, WritersCreateNothingWhenTheyFail) {
  const TempDir dir;
  ResultCube cube(2, 1, {"leads"});
  RunMetadata metadata;
  metadata.replications = 2;
  metadata.period_axis = "months";
  metadata.period_labels = {"2027-01"};
  const std::vector<PeriodStats> stats = summarise(cube);

  // Into a directory that does not exist: runtime_error, nothing created.
  EXPECT_THROW(write_json(dir.file("missing/out.json"), metadata, cube, stats), std::runtime_error);
  EXPECT_THROW(write_csv(dir.file("missing/out.csv"), metadata, cube, stats), std::runtime_error);
  EXPECT_EQ(dir.entries(), Entries{});

  // Inconsistent inputs over an existing result: refused, old result kept.
  const std::string destination = dir.file("out.json");
  write_text(destination, "previous result");
  RunMetadata wrong = metadata;
  wrong.period_labels = {"2027-01", "2027-02"};
  EXPECT_THROW(write_json(destination, wrong, cube, stats), std::invalid_argument);
  EXPECT_EQ(read_text(destination), "previous result");
  EXPECT_EQ(dir.entries(), Entries{"out.json"});

  // And a successful write replaces it.
  write_json(destination, metadata, cube, stats);
  EXPECT_NE(read_text(destination), "previous result");
  EXPECT_EQ(dir.entries(), Entries{"out.json"});
}

}  // namespace
}  // namespace funnelsim::engine
