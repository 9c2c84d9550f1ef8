#include "models/scenario/scenario_extends.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "models/scenario/scenario_loader.hpp"
#include "models/scenario/yaml_cursor.hpp"

namespace funnelsim::models {

namespace {

namespace fs = std::filesystem;

constexpr const char* DEFAULT_LABEL = "<default>";
constexpr const char* EXTENDS_KEY = "extends";

// "<default>", "<stdin>" and the like name text that has no directory.
bool is_path_label(const std::string& label) {
  return !label.empty() && label.front() != '<';
}

// What a cycle is detected on: the same file reached through different relative paths or
// symlinks has one identity.
std::string identity_of_path(const fs::path& path) {
  std::error_code error;
  const fs::path canonical = fs::weakly_canonical(path, error);
  return error ? path.lexically_normal().string() : canonical.string();
}

std::string identity_of_label(const std::string& label) {
  if (label == DEFAULT_LABEL) return std::string(DEFAULT_BASE);
  return is_path_label(label) ? identity_of_path(label) : label;
}

struct BaseScenario {
  std::string label;     ///< as diagnostics name it
  std::string identity;  ///< for cycle detection
  std::string path;      ///< to open; empty for the embedded default
};

BaseScenario locate_base(const std::string& written, const std::string& from_label) {
  if (written == DEFAULT_BASE) return {DEFAULT_LABEL, std::string(DEFAULT_BASE), ""};
  fs::path joined(written);
  if (joined.is_relative() && is_path_label(from_label))
    joined = fs::path(from_label).parent_path() / joined;
  // "scenarios/default.yaml" reads better than "scenarios/examples/../default.yaml", but
  // through a symlinked directory the two can be different files: shorten only when they are
  // the same one.
  fs::path shown = joined.lexically_normal();
  std::error_code error;
  if (shown != joined && !fs::equivalent(shown, joined, error)) shown = joined;
  return {shown.string(), identity_of_path(joined), joined.string()};
}

// Follows one chain of `extends`, parsing each file once; `chain_` holds the files from the
// one the user named to the one being read, which is what a cycle or depth message shows.
class ExtendsResolver {
 public:
  ExtendsResolver(ScenarioFiles& files, DiagnosticSink& sink) : files_(files), sink_(sink) {}

  std::optional<YamlNode> resolve(std::string_view text, const std::string& label,
                                  std::string identity, std::vector<std::string>& extends) {
    const std::string* file = files_.add(label);
    const bool is_base = !chain_.empty();
    chain_.push_back(Link{label, std::move(identity)});
    std::optional<YamlNode> root = parse_yaml(text, sink_, file);
    if (!root) return root;
    if (!root->is_map()) {
      if (!is_base || root->is_null()) return root;  // the reader reports the user's own file
      sink_.report_in(file, root->line, root->column, "", root->text(),
                      "a base scenario must be a map of sections: name, calendar, segments, "
                      "sources, stages, ...");
      return std::nullopt;
    }

    // `extends` is not part of the scenario: take every one out before merging.
    std::optional<YamlNode::Entry> link;
    bool repeated = false;
    std::vector<YamlNode::Entry>& entries = root->entries;
    for (auto it = entries.begin(); it != entries.end();) {
      if (!it->key.is_scalar() || it->key.scalar != EXTENDS_KEY) {
        ++it;
        continue;
      }
      if (link) {
        sink_.report_in(
            file, it->key.line, it->key.column, EXTENDS_KEY, EXTENDS_KEY,
            "duplicate key (first given at line " + std::to_string(link->key.line) + ")");
        repeated = true;
      } else {
        link = std::move(*it);
      }
      it = entries.erase(it);
    }
    if (!link) return root;
    if (repeated) return std::nullopt;

    // Positioned as YamlCursor::child positions a value: a null one at its key.
    const bool at_key = link->value.is_null() || link->value.line == 0;
    const YamlCursor at(link->value, EXTENDS_KEY, sink_, file,
                        at_key ? link->key.line : link->value.line,
                        at_key ? link->key.column : link->value.column);
    if (!link->value.is_scalar() || link->value.scalar.empty()) {
      at.wrong_type("the path of the base scenario, or " + std::string(DEFAULT_BASE));
      return std::nullopt;
    }
    const BaseScenario base = locate_base(link->value.scalar, label);
    for (const Link& earlier : chain_)
      if (earlier.identity == base.identity) {
        at.error("extends cycle: " + chain_text(base.label));
        return std::nullopt;
      }
    // chain_.size() files have been read, so following this `extends` is step chain_.size().
    if (chain_.size() > MAX_EXTENDS_DEPTH) {
      at.error("extends chain deeper than " + std::to_string(MAX_EXTENDS_DEPTH) +
               " steps: " + chain_text(base.label));
      return std::nullopt;
    }
    std::string base_text;
    if (base.path.empty()) {
      base_text = default_scenario_text();
    } else if (const int error = read_text_file(base.path, base_text); error != 0) {
      at.error("cannot read the base scenario " + base.label + ": " + std::strerror(error));
      return std::nullopt;
    }
    extends.push_back(link->value.scalar);
    std::optional<YamlNode> merged_base = resolve(base_text, base.label, base.identity, extends);
    if (!merged_base) return std::nullopt;
    return merge_yaml_trees(std::move(*merged_base), *root, sink_);
  }

 private:
  struct Link {
    std::string label;
    std::string identity;
  };

  // "a.yaml -> b.yaml -> LAST"; a long chain keeps its two ends.
  std::string chain_text(const std::string& last) const {
    constexpr std::size_t KEEP = 3;
    std::string text;
    for (std::size_t i = 0; i < chain_.size(); ++i) {
      if (chain_.size() > 2 * KEEP && i >= KEEP && i + KEEP < chain_.size()) {
        if (i == KEEP) text += "... -> ";
        continue;
      }
      text += chain_[i].label + " -> ";
    }
    return text + last;
  }

  ScenarioFiles& files_;
  DiagnosticSink& sink_;
  std::vector<Link> chain_;
};

// A comment line must stay one line whatever a path contains.
std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text;
}

}  // namespace

const std::string* ScenarioFiles::add(std::string label) {
  labels_.push_back(std::make_unique<const std::string>(std::move(label)));
  return labels_.back().get();
}

std::size_t ScenarioFiles::order_of(std::string_view label) const {
  for (std::size_t i = 0; i < labels_.size(); ++i)
    if (*labels_[i] == label) return i;
  return labels_.size();
}

ResolvedTree resolve_extends(std::string_view text, const std::string& label, ScenarioFiles& files,
                             DiagnosticSink& sink) {
  ResolvedTree tree;
  ExtendsResolver resolver(files, sink);
  tree.root = resolver.resolve(text, label, identity_of_label(label), tree.extends);
  return tree;
}

YamlNode merge_yaml_trees(YamlNode base, const YamlNode& over, DiagnosticSink& sink,
                          const std::string& path) {
  if (!base.is_map() || !over.is_map()) return over;
  // The merged map is the extending file's node: a problem with the map as a whole (a
  // missing key) is reported where the variant wrote it.
  YamlNode merged;
  merged.kind = YamlNode::Kind::Map;
  merged.line = over.line;
  merged.column = over.column;
  merged.file = over.file;
  merged.entries = std::move(base.entries);
  for (const YamlNode::Entry& entry : over.entries) {
    if (!entry.key.is_scalar()) {
      merged.entries.push_back(entry);  // the reader reports it
      continue;
    }
    const std::string& key = entry.key.scalar;
    const std::string key_path = join_path(path, key);
    // Merging a repeat would hide it (and which value wins would be arbitrary): report it
    // here, as MapCursor reports one in a file that extends nothing.
    if (const YamlNode::Entry* first = over.find(key); first != &entry) {
      sink.report_in(entry.key.file, entry.key.line, entry.key.column, key_path, key,
                     "duplicate key (first given at line " + std::to_string(first->key.line) + ")");
      continue;
    }
    if (entry.value.is_null()) {
      std::erase_if(merged.entries, [&key](const YamlNode::Entry& e) {
        return e.key.is_scalar() && e.key.scalar == key;
      });
      continue;
    }
    YamlNode::Entry* target = merged.find(key);
    if (!target) {
      merged.entries.push_back(entry);
      continue;
    }
    target->key = entry.key;
    target->value = merge_yaml_trees(std::move(target->value), entry.value, sink, key_path);
  }
  return merged;
}

std::string resolved_scenario_text(const YamlNode& root, const std::string& label,
                                   const std::vector<std::string>& extends) {
  std::string text = "# resolved from " + one_line(label);
  for (const std::string& base : extends) text += " extends " + one_line(base);
  text += '\n';
  return text + emit_yaml(root);
}

int read_text_file(const std::string& path, std::string& text) {
  errno = 0;
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                             &std::fclose);
  if (!file) return errno != 0 ? errno : EIO;
  text.clear();
  char buffer[65536];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, n);
  // Reading a directory opens fine on Linux and fails here with EISDIR.
  if (std::ferror(file.get())) return errno != 0 ? errno : EIO;
  return 0;
}

}  // namespace funnelsim::models
