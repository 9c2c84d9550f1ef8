// Test helpers shared by every test area: a per-test temporary directory and file text I/O.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace funnelsim::testing_support {

/// A fresh directory under the system temp directory, named after the running test (or
/// `label`) and the process, removed with its contents when the test ends.
class TempDir {
 public:
  /// `label` names the directory; empty: the running test's suite and name (there is no
  /// running test in SetUpTestSuite, so a shared directory needs a label).
  explicit TempDir(std::string label = {}) {
    if (label.empty()) {
      const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
      label = std::string(info->test_suite_name()) + "_" + info->name();
    }
    path_ = std::filesystem::temp_directory_path() /
            ("funnelsim_" + label + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

  /// Names of the directory's entries, sorted, hidden ones included: a refused or failed
  /// write must leave neither an output nor a `.name.tmp.*` file behind.
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(path_))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  std::filesystem::path path_;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace funnelsim::testing_support
