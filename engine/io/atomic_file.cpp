#include "engine/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>

namespace funnelsim::engine {
namespace {

// The OS reason for errno, as strerror words it (std::generic_category is thread-safe).
std::string os_reason(int error) {
  return std::generic_category().message(error);
}

std::atomic<bool> discarding{false};

std::filesystem::path temp_path_for(const std::filesystem::path& destination,
                                    unsigned long counter) {
  // Built by appending: GCC 12 warns falsely (-Wrestrict, bug 105651) on "." + std::string.
  std::string name = ".";
  name += destination.filename().string();
  name += ".tmp.";
  name += std::to_string(::getpid());
  name += '.';
  name += std::to_string(counter);
  if (discarding) return std::filesystem::temp_directory_path() / name;
  return destination.parent_path() / name;
}

}  // namespace

void set_output_discarded(bool discard) {
  discarding = discard;
}
bool output_discarded() {
  return discarding;
}

AtomicFile::AtomicFile(std::filesystem::path destination) : destination_(std::move(destination)) {
  if (!destination_.has_filename())
    throw std::invalid_argument("AtomicFile: '" + destination_.string() +
                                "' names a directory, but must name a file");
  // Unique within the process by the counter and across processes by the pid; O_EXCL makes
  // a leftover from a crashed process with a recycled pid a retry instead of a clobber.
  static std::atomic<unsigned long> counter{0};
  int error = 0;
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp_path_ = temp_path_for(destination_, counter.fetch_add(1));
    fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd_ >= 0) return;
    error = errno;
    if (error != EEXIST) break;
  }
  throw std::runtime_error("cannot create temporary file '" + temp_path_.string() + "' for '" +
                           destination_.string() + "': " + os_reason(error));
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) {
    std::error_code ignored;  // nothing sensible to do in a destructor if this fails
    std::filesystem::remove(temp_path_, ignored);
  }
}

void AtomicFile::write(std::string_view bytes) {
  if (fd_ < 0)
    throw std::logic_error("AtomicFile: write to '" + destination_.string() + "' after commit");
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd_, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("cannot write '" + temp_path_.string() + "' (for '" +
                               destination_.string() + "'): " + os_reason(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
}

void AtomicFile::commit() {
  if (fd_ < 0 || committed_)
    throw std::logic_error("AtomicFile: '" + destination_.string() + "' committed twice");
  // Without fsync a power cut after the rename can leave an empty destination on some file
  // systems: the rename reaches the disk before the data. It also syncs what another
  // library (HDF5) wrote to temp_path() through its own descriptor: same inode.
  if (::fsync(fd_) != 0)
    throw std::runtime_error("cannot flush '" + temp_path_.string() + "' (for '" +
                             destination_.string() + "'): " + os_reason(errno));
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0)
    throw std::runtime_error("cannot close '" + temp_path_.string() + "' (for '" +
                             destination_.string() + "'): " + os_reason(errno));
  if (discarding) {
    committed_ = true;
    std::error_code ignored;
    std::filesystem::remove(temp_path_, ignored);
    return;
  }
  std::error_code error;
  std::filesystem::rename(temp_path_, destination_, error);
  if (error)
    throw std::runtime_error("cannot rename '" + temp_path_.string() + "' to '" +
                             destination_.string() + "': " + error.message());
  committed_ = true;
}

void write_file_atomically(const std::string& path, std::string_view text) {
  AtomicFile file(path);
  file.write(text);
  file.commit();
}

}  // namespace funnelsim::engine
