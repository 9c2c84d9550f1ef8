#include "engine/io/hdf5_handle.hpp"

#include <stdexcept>
#include <vector>

namespace funnelsim::engine::hdf5 {
namespace {

herr_t collect_description(unsigned /*n*/, const H5E_error2_t* error, void* client_data) {
  auto* descriptions = static_cast<std::vector<std::string>*>(client_data);
  if (error->desc != nullptr && *error->desc != '\0') descriptions->emplace_back(error->desc);
  return 0;
}

}  // namespace

ErrorScope::ErrorScope(std::string path) : path_(std::move(path)) {
  H5Eget_auto2(H5E_DEFAULT, &saved_function_, &saved_data_);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

ErrorScope::~ErrorScope() {
  H5Eset_auto2(H5E_DEFAULT, saved_function_, saved_data_);
}

Handle ErrorScope::own(hid_t id, Handle::Closer closer, std::string_view what) const {
  if (id < 0) fail(what);
  return Handle(id, closer);
}

void ErrorScope::check(herr_t status, std::string_view what) const {
  if (status < 0) fail(what);
}

void ErrorScope::fail(std::string_view what) const {
  // Walking downward visits the API call first and the innermost cause last; the first says
  // what failed, the last usually says why (e.g. "errno = 2, error message = 'No such file'").
  std::vector<std::string> descriptions;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_description, &descriptions);
  H5Eclear2(H5E_DEFAULT);
  std::string message = path_ + ": " + std::string(what);
  if (!descriptions.empty()) message += ": " + descriptions.front();
  if (descriptions.size() > 1) message += " (" + descriptions.back() + ")";
  throw std::runtime_error(message);
}

void ErrorScope::refuse(const std::string& message) const {
  throw std::runtime_error(path_ + ": " + message);
}

Handle utf8_string_type(const ErrorScope& errors) {
  Handle type = errors.own(H5Tcopy(H5T_C_S1), H5Tclose, "copying the string type");
  errors.check(H5Tset_size(type.get(), H5T_VARIABLE), "making a variable-length string type");
  errors.check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "setting the UTF-8 character set");
  return type;
}

}  // namespace funnelsim::engine::hdf5
