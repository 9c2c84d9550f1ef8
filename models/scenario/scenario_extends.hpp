// `extends:` in scenario files: loads the chain of base scenarios and merges it into one tree.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/scenario/diagnostic_sink.hpp"
#include "models/scenario/yaml_tree.hpp"

namespace funnelsim::models {

/// The most `extends` steps one load follows (a file extending a file ... 16 times). Deeper
/// chains are refused: no real family of variants is that deep, and a limit turns a runaway
/// chain through ever-different paths into a diagnostic.
inline constexpr std::size_t MAX_EXTENDS_DEPTH = 16;

/// The `extends` value that names the embedded default scenario.
inline constexpr std::string_view DEFAULT_BASE = "@default";

/// The labels of the files one scenario load read, in chain order: the file the user named
/// first, then the scenario it extends, then that one's base, and so on. It owns the strings
/// YamlNode::file points at, so it must outlive every tree parsed with them.
class ScenarioFiles {
 public:
  /// Appends `label`; the pointer stays valid for the life of this object.
  const std::string* add(std::string label);
  /// The place of `label` in chain order (0 = the file the user named); size() when it is
  /// not one of the files.
  std::size_t order_of(std::string_view label) const;
  std::size_t size() const { return labels_.size(); }

 private:
  std::vector<std::unique_ptr<const std::string>> labels_;
};

/// A scenario's tree with its `extends` chain merged in.
struct ResolvedTree {
  /// The merged tree with every `extends` key removed; nullopt when a file of the chain did
  /// not parse or the chain is broken (missing base, cycle, too deep, bad `extends` value).
  std::optional<YamlNode> root;
  /// The `extends` values as written, from the file the user named down the chain; empty
  /// when the scenario extends nothing.
  std::vector<std::string> extends;
};

/// Parses `text`, read from `label`, and if its top level has `extends: PATH`, loads the base
/// scenario and merges. PATH is relative to the directory of the file that holds the
/// `extends` line (an absolute PATH is taken as is); for `text` given without a file, the
/// directory of `label` if it is a path (labels in angle brackets, such as "<default>", are
/// not), else the current directory. PATH "@default" is the embedded default scenario,
/// labelled "<default>". The base may itself extend another scenario.
///
/// Merge rule, applied from the deepest base up: two maps merge key by key, recursively, the
/// extending file's keys replacing or adding to the base's (the base's order is kept and new
/// keys come after); any other value in the extending file (a scalar, a list, or a map where
/// the base has no map) replaces the base's value whole; a key whose value is null in the
/// extending file (`key: ~`, `key: null`, or `key:` with nothing after it) is removed from
/// the merged map. Every node keeps the file it was read from; a merged map takes the
/// extending file's node, so a problem with the map as a whole (a missing key) is reported
/// there.
///
/// Problems with the chain are reported to `sink` at the `extends` line of the file that
/// names the base: a base that cannot be read (with the system's reason), a cycle (naming the
/// chain: "extends cycle: a.yaml -> b.yaml -> a.yaml"), a chain deeper than
/// MAX_EXTENDS_DEPTH, a value that is not a non-empty string, a repeated `extends` key.
/// Malformed YAML in a base is reported in the base's file. Every label read is added to
/// `files`, `label` first.
ResolvedTree resolve_extends(std::string_view text, const std::string& label, ScenarioFiles& files,
                             DiagnosticSink& sink);

/// The merge rule above on two trees: `over` (the extending file's) merged into `base`.
/// A key repeated in one of `over`'s maps is reported to `sink`; `path` is the dotted key
/// path of the two nodes ("" for the roots).
YamlNode merge_yaml_trees(YamlNode base, const YamlNode& over, DiagnosticSink& sink,
                          const std::string& path = "");

/// The provenance text of a scenario that extends others: a comment line
/// "# resolved from LABEL extends PATH [extends PATH ...]" and the merged tree `root` as
/// YAML, which loads to the same scenario on its own.
std::string resolved_scenario_text(const YamlNode& root, const std::string& label,
                                   const std::vector<std::string>& extends);

/// Reads the whole file at `path` into `text`. Returns 0, or the errno of the failure (a
/// directory opens on Linux and fails on read with EISDIR).
int read_text_file(const std::string& path, std::string& text);

}  // namespace funnelsim::models
