#include "models/scenario/scenario_override.hpp"

#include <charconv>
#include <optional>
#include <string_view>

namespace funnelsim::models {

namespace {

constexpr const char* OVERRIDE_FILE = "--set";

void report(DiagnosticSink& sink, const ScenarioOverride& o, std::string rule) {
  sink.add(Diagnostic{OVERRIDE_FILE, 0, 0, o.key_path, o.value_text, std::move(rule), o.text});
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    parts.emplace_back(path.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

std::optional<std::size_t> parse_index(const std::string& text) {
  std::size_t index = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), index);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return index;
}

// Walks to the node `parts` names, creating missing map keys and appended list items.
// Returns nullptr after reporting why the path cannot exist.
YamlNode* walk(YamlNode& root, const std::vector<std::string>& parts, ScenarioOverride& o,
               DiagnosticSink& sink) {
  YamlNode* node = &root;
  std::string walked;
  for (const std::string& part : parts) {
    // A missing or empty value becomes what the path needs: a list for an index (ids never
    // start with a digit), else a map.
    if (node->is_null())
      node->kind = parse_index(part) ? YamlNode::Kind::Sequence : YamlNode::Kind::Map;
    if (node->is_map()) {
      YamlNode::Entry* entry = node->find(part);
      if (!entry) {
        YamlNode key;
        key.kind = YamlNode::Kind::Scalar;
        key.scalar = part;
        node->entries.push_back(YamlNode::Entry{key, YamlNode{}});
        entry = &node->entries.back();
        if (o.created.empty()) o.created = walked + (walked.empty() ? "" : ".") + part;
      }
      node = &entry->value;
    } else if (node->is_sequence()) {
      const auto index = parse_index(part);
      if (!index || *index > node->items.size()) {
        report(sink, o,
               walked + " is a list of " + std::to_string(node->items.size()) + " items: '" + part +
                   "' must be an index from 0 to " + std::to_string(node->items.size()) +
                   " (the last appends)");
        return nullptr;
      }
      if (*index == node->items.size()) node->items.emplace_back();
      node = &node->items[*index];
    } else {
      report(sink, o, "cannot set a key inside " + walked + ", which is a single value");
      return nullptr;
    }
    walked += (walked.empty() ? "" : ".") + part;
  }
  return node;
}

bool at_or_below(const std::string& path, const std::string& ancestor) {
  return path == ancestor ||
         (path.size() > ancestor.size() && path.compare(0, ancestor.size(), ancestor) == 0 &&
          path[ancestor.size()] == '.');
}

}  // namespace

std::vector<ScenarioOverride> apply_overrides(YamlNode* root,
                                              const std::vector<std::string>& overrides,
                                              DiagnosticSink& sink) {
  std::vector<ScenarioOverride> applied;
  for (const std::string& text : overrides) {
    const std::size_t equals = text.find('=');
    if (equals == std::string::npos || equals == 0) {
      report(sink, ScenarioOverride{text, text, "", ""},
             "an override must be KEY=VALUE, e.g. sources.web.monthly_volume=800");
      continue;
    }
    ScenarioOverride o{text, text.substr(0, equals), text.substr(equals + 1), ""};
    const std::vector<std::string> parts = split_path(o.key_path);
    bool empty_part = false;
    for (const std::string& part : parts) empty_part = empty_part || part.empty();
    if (empty_part) {
      report(sink, o, "key path has an empty component");
      continue;
    }
    std::string error;
    auto value = parse_yaml_value(o.value_text, error);
    if (!value) {
      report(sink, o, "malformed YAML value: " + error);
      continue;
    }
    if (!root) continue;
    if (root->is_null()) root->kind = YamlNode::Kind::Map;
    if (!root->is_map()) continue;  // the loader reports the root itself
    YamlNode* target = walk(*root, parts, o, sink);
    if (!target) continue;
    *target = std::move(*value);
    applied.push_back(std::move(o));
  }
  return applied;
}

void attribute_to_overrides(std::vector<Diagnostic>& diagnostics,
                            const std::vector<ScenarioOverride>& applied) {
  for (Diagnostic& d : diagnostics) {
    if (d.file == OVERRIDE_FILE) continue;
    // The last override that touched a value is the one that set it.
    const ScenarioOverride* owner = nullptr;
    bool created = false;
    for (const ScenarioOverride& o : applied) {
      if (at_or_below(d.key_path, o.key_path)) {
        owner = &o;
        created = false;
      } else if (!o.created.empty() && at_or_below(d.key_path, o.created)) {
        owner = &o;
        created = true;
      }
    }
    if (owner) {
      d.override_text = owner->text;
      // format() opens with the override as written, so only a created key needs a word.
      if (d.key_path == owner->key_path)
        d.value = owner->value_text;
      else if (created)
        d.rule += " (" + owner->created + " was created by this --set)";
    }
    if (owner || (d.line == 0 && !applied.empty())) {
      d.file = OVERRIDE_FILE;
      d.line = 0;
      d.column = 0;
      continue;
    }
    for (const ScenarioOverride& o : applied)
      if (!d.key_path.empty() && at_or_below(o.key_path, d.key_path))
        d.rule += " (with --set " + o.text + ")";
  }
}

}  // namespace funnelsim::models
