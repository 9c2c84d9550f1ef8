// A file that appears at its destination complete or not at all (temporary file + rename).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace funnelsim::engine {

/// Writes go to a temporary file in the destination's directory, named
/// `.<basename>.tmp.<pid>.<counter>`; commit() flushes it to disk and renames it over the
/// destination, which is atomic on POSIX file systems. Until then the destination is
/// untouched (an existing file keeps its old contents) and, if the AtomicFile is destroyed
/// uncommitted (an exception, a failed write), the temporary file is removed. A crash can
/// leave a `.tmp.` file behind but never a half-written destination.
///
/// Writers that produce bytes call write(); libraries that open files themselves (HDF5)
/// write to temp_path(), close it, then commit().
///
/// Every failure (create, write, flush, rename) throws std::runtime_error naming the path
/// and the operating system's reason.
///
/// Tested by tests/engine/atomic_file_test.cpp.
class AtomicFile {
 public:
  /// Creates the temporary file (exclusively: never reuses an existing name).
  explicit AtomicFile(std::filesystem::path destination);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  const std::filesystem::path& destination() const { return destination_; }
  const std::filesystem::path& temp_path() const { return temp_path_; }
  bool committed() const { return committed_; }

  /// Appends bytes to the temporary file.
  void write(std::string_view bytes);

  /// Flushes the temporary file to disk and renames it to the destination. Once only.
  void commit();

 private:
  std::filesystem::path destination_;
  std::filesystem::path temp_path_;
  int fd_ = -1;
  bool committed_ = false;
};

/// In a distributed run every process computes the same outputs and one writes them: on the
/// others, set_output_discarded(true) makes every AtomicFile write its temporary file in the
/// system's temporary directory and remove it at commit(), leaving the destination alone.
void set_output_discarded(bool discard);
bool output_discarded();

/// Writes `text` to `path` through an AtomicFile: the destination appears complete or not at all.
void write_file_atomically(const std::string& path, std::string_view text);

}  // namespace funnelsim::engine
