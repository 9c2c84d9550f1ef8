// A YAML map checked against its valid keys: unknown (with a suggestion) and repeated keys
// reported.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/scenario/yaml_cursor.hpp"

namespace funnelsim::models {

class MapCursor {
 public:
  /// Opens `at` as a map with fixed keys. Reports a non-map, keys not in `allowed` (with the
  /// nearest valid key), and repeated keys; nullopt only when `at` is not a map. A null node
  /// opens as an empty map.
  static std::optional<MapCursor> open(const YamlCursor& at,
                                       const std::vector<std::string>& allowed);

  /// Opens `at` as a map keyed by ids (sources, stages, ...): reports a non-map, keys that are
  /// not valid ids, and repeated ids (the first one is kept).
  static std::optional<MapCursor> open_ids(const YamlCursor& at);

  /// Opens `at` as a map whose keys refer to ids declared elsewhere (segment_mix, by_source,
  /// transitions): as open_ids, but the caller checks each key against the declared ids, so
  /// the id pattern is not checked again.
  static std::optional<MapCursor> open_references(const YamlCursor& at);

  /// The value of `key`, or nullopt when it is absent or null (an optional key left empty
  /// takes its default).
  std::optional<YamlCursor> get(std::string_view key) const;
  /// As get(), but an absent or empty key is reported as missing.
  std::optional<YamlCursor> require(std::string_view key) const;
  bool has(std::string_view key) const { return get(key).has_value(); }
  /// Reports `rule` against the missing `key`, at this map's position.
  void missing(std::string_view key, std::string rule) const;

  /// One entry: its key, the key's position, and the value.
  struct Entry {
    std::string key;
    int line = 0;
    int column = 0;
    YamlCursor value;
    /// The file the key was read from (nullptr: the sink's file). DiagnosticSink::report()
    /// at the key's position and the entry's path finds it by itself.
    const std::string* file = nullptr;
  };

  /// Every accepted entry (first occurrence of each key) in file order.
  const std::vector<Entry>& entries() const { return entries_; }
  const YamlCursor& cursor() const { return cursor_; }

 private:
  explicit MapCursor(const YamlCursor& cursor) : cursor_(cursor) {}
  enum class Keys { Fixed, Ids, References };
  static std::optional<MapCursor> open_checked(const YamlCursor& at, Keys keys,
                                               const std::vector<std::string>* allowed);

  YamlCursor cursor_;
  std::vector<Entry> entries_;
};

}  // namespace funnelsim::models
