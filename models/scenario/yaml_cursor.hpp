// Position-aware, typed reading of one YAML node: wrong types and ranges become diagnostics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario/diagnostic_sink.hpp"
#include "models/scenario/yaml_tree.hpp"

namespace funnelsim::models {

/// An interval a number must lie in; either end may be open or absent.
struct NumberRange {
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;
  bool max_exclusive = false;

  bool contains(double x) const;
  /// The bound `x` breaks: "must be >= 0", "must be <= 120"; [0, 1] reads "must be between 0 and
  /// 1".
  std::string rule(double x) const;
};

NumberRange between(double min, double max);
NumberRange at_least(double min);
NumberRange above(double min);  ///< strictly greater
NumberRange above_at_most(double min, double max);

/// A node, its dotted key path and the sink its problems go to. Every reader reports what it
/// finds wrong and returns nullopt, so callers continue and collect further problems. Problems
/// are reported in the file the position belongs to (the node's, unless given), so in a
/// scenario that extends another each one names the file that holds the bad key.
class YamlCursor {
 public:
  /// `line`/`column` override the node's own position: used for null values, whose yaml-cpp
  /// mark points at the next token rather than at the key that has no value. The position is
  /// taken to be in the node's file.
  YamlCursor(const YamlNode& node, std::string path, DiagnosticSink& sink, int line, int column);
  /// As above, with the file of the position given too (the key's file, for a value set by a
  /// command-line override under a key read from a file).
  YamlCursor(const YamlNode& node, std::string path, DiagnosticSink& sink, const std::string* file,
             int line, int column);
  YamlCursor(const YamlNode& node, std::string path, DiagnosticSink& sink);

  const YamlNode& node() const { return *node_; }
  const std::string& path() const { return path_; }
  DiagnosticSink& sink() const { return *sink_; }
  /// The label of the file line() and column() are in; nullptr: the sink's file.
  const std::string* file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }

  /// A problem with this node; the value reported is the node as written.
  void error(std::string rule) const;
  /// A problem at this node's position about something other than its text.
  void error(std::string key_path, std::string value, std::string rule) const;
  /// "must be a number (found a map)" and the like.
  void wrong_type(std::string_view expected) const;

  std::optional<double> number(const NumberRange& range) const;
  std::optional<std::int64_t> integer(std::int64_t min, std::int64_t max) const;
  std::optional<std::uint64_t> unsigned_integer() const;  ///< 0..2^64-1
  std::optional<bool> boolean() const;
  std::optional<std::string> string() const;  ///< any non-empty scalar
  /// One of `allowed`, with a suggestion when it is not.
  std::optional<std::string> keyword(const std::vector<std::string>& allowed) const;
  /// An identifier matching [a-z][a-z0-9_]*.
  std::optional<std::string> id() const;
  /// The items of a sequence, each with path "path.i".
  std::optional<std::vector<YamlCursor>> sequence() const;
  /// A sequence of numbers, each in `range`; nullopt if any item is wrong (all are reported).
  std::optional<std::vector<double>> numbers(const NumberRange& range) const;

  /// The cursor for a map entry of this node.
  YamlCursor child(const YamlNode::Entry& entry) const;

 private:
  const YamlNode* node_;
  std::string path_;
  DiagnosticSink* sink_;
  const std::string* file_;
  int line_;
  int column_;
};

/// "a.b" + "c" = "a.b.c"; the root's path is empty.
std::string join_path(const std::string& parent, std::string_view key);

/// True if `id` matches [a-z][a-z0-9_]*.
bool is_valid_id(std::string_view id);

/// Parses a YAML number written in decimal or scientific notation; nullopt otherwise.
std::optional<double> parse_number(std::string_view text);

}  // namespace funnelsim::models
