// RAII ownership of HDF5 identifiers, and HDF5 failures turned into exceptions with a path.
#pragma once

#include <hdf5.h>

#include <string>
#include <string_view>

namespace funnelsim::engine::hdf5 {

/// Owns one HDF5 identifier (file, group, dataset, attribute, dataspace, datatype, property
/// list) and releases it with the matching H5*close when destroyed or moved over. Never
/// close the id by hand; use close() when the close itself must be checked.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);

  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) {
    other.id_ = H5I_INVALID_HID;
  }
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      release();
      id_ = other.id_;
      closer_ = other.closer_;
      other.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { release(); }

  hid_t get() const { return id_; }

  /// Closes now and returns the status (negative on failure); the handle is empty after.
  /// Closing a file flushes it, which can fail (disk full): writers check this.
  herr_t close() {
    const herr_t status = id_ >= 0 ? closer_(id_) : 0;
    id_ = H5I_INVALID_HID;
    return status;
  }

 private:
  void release() {
    if (id_ >= 0) closer_(id_);  // errors cannot be reported from a destructor
    id_ = H5I_INVALID_HID;
  }

  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

/// While alive, silences HDF5's automatic printing of its error stack on this thread (the
/// previous setting is restored on destruction), and turns failed calls into
/// std::runtime_error "<path>: <what>: <HDF5's own explanation>".
class ErrorScope {
 public:
  explicit ErrorScope(std::string path);
  ~ErrorScope();
  ErrorScope(const ErrorScope&) = delete;
  ErrorScope& operator=(const ErrorScope&) = delete;

  const std::string& path() const { return path_; }

  /// Wraps a newly opened or created id; throws if it is invalid.
  Handle own(hid_t id, Handle::Closer closer, std::string_view what) const;
  /// Throws if a call returned a negative status.
  void check(herr_t status, std::string_view what) const;
  /// Throws with the current HDF5 error stack's explanation.
  [[noreturn]] void fail(std::string_view what) const;
  /// Throws a std::runtime_error about the file's contents (no HDF5 error involved).
  [[noreturn]] void refuse(const std::string& message) const;

 private:
  std::string path_;
  H5E_auto2_t saved_function_ = nullptr;
  void* saved_data_ = nullptr;
};

/// A variable-length UTF-8 string datatype (what h5py reads as str).
Handle utf8_string_type(const ErrorScope& errors);

}  // namespace funnelsim::engine::hdf5
