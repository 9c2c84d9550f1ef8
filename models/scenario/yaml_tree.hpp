// A position-annotated YAML tree: yaml-cpp's parse copied into plain values that overrides can
// edit.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario/diagnostic_sink.hpp"

namespace funnelsim::models {

/// One YAML node with the file and 1-based position where it was written (position 0 and no
/// file for nodes that came from a command-line override or were created by one). Maps keep
/// every entry in file order, duplicates included, so the validator can report a repeated key
/// instead of yaml-cpp silently picking one.
struct YamlNode {
  enum class Kind { Null, Scalar, Sequence, Map };
  struct Entry;

  Kind kind = Kind::Null;
  std::string scalar;  ///< Scalar: the text as written, quotes removed
  int line = 0;
  int column = 0;
  /// The label of the file the node was read from, for diagnostics: a scenario that extends
  /// another mixes nodes of several files. The string belongs to the loader (ScenarioFiles),
  /// which outlives the tree. nullptr: an override's node, or a parse given no file; its
  /// problems are reported under the DiagnosticSink's file.
  const std::string* file = nullptr;
  std::vector<YamlNode> items;  ///< Sequence
  std::vector<Entry> entries;   ///< Map

  bool is_null() const { return kind == Kind::Null; }
  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_sequence() const { return kind == Kind::Sequence; }
  bool is_map() const { return kind == Kind::Map; }

  /// The first entry whose key is `key` (Map only), or nullptr.
  const Entry* find(std::string_view key) const;
  Entry* find(std::string_view key);

  /// The value as written, for diagnostics: the scalar, or a compact flow rendering of a
  /// sequence or map, shortened to about 60 characters.
  std::string text() const;
};

struct YamlNode::Entry {
  YamlNode key;  ///< a Scalar for every well-formed scenario; its position is the key's
  YamlNode value;
};

/// Parses `text` into a tree whose nodes all name `file` (nullptr: the sink's file). Malformed
/// YAML becomes one diagnostic at the parser's position in `file` (reported to `sink`) and the
/// result is empty.
std::optional<YamlNode> parse_yaml(std::string_view text, DiagnosticSink& sink,
                                   const std::string* file = nullptr);

/// Parses an override's VALUE. Positions are zeroed (an override has no place in the file).
/// Throws nothing; a malformed value yields nullopt and `error` holds yaml-cpp's message.
std::optional<YamlNode> parse_yaml_value(std::string_view text, std::string& error);

/// `node` written back as block-style YAML (short lists and maps of plain values in flow
/// style), without comments. Parsing the result gives the same tree apart from positions and
/// files: a string that YAML would read as null (`~`, `null`, empty) is quoted.
std::string emit_yaml(const YamlNode& node);

}  // namespace funnelsim::models
