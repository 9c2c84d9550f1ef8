#include "models/scenario/yaml_tree.hpp"

#include <yaml-cpp/yaml.h>

#include <cstddef>

namespace funnelsim::models {

namespace {

// Aliases can make yaml-cpp's graph cyclic; no scenario nests anywhere near this deep.
constexpr int MAX_DEPTH = 64;
constexpr std::size_t MAX_TEXT = 60;

struct Converter {
  bool keep_positions = true;
  bool too_deep = false;
  const std::string* file = nullptr;

  YamlNode convert(const YAML::Node& in, int depth) {
    YamlNode out;
    out.file = file;
    if (keep_positions) {
      const YAML::Mark mark = in.Mark();
      if (mark.line >= 0) {
        out.line = mark.line + 1;
        out.column = mark.column + 1;
      }
    }
    if (depth > MAX_DEPTH) {
      too_deep = true;
      return out;
    }
    switch (in.Type()) {
      case YAML::NodeType::Scalar:
        out.kind = YamlNode::Kind::Scalar;
        out.scalar = in.Scalar();
        break;
      case YAML::NodeType::Sequence:
        out.kind = YamlNode::Kind::Sequence;
        for (const YAML::Node& item : in) out.items.push_back(convert(item, depth + 1));
        break;
      case YAML::NodeType::Map:
        out.kind = YamlNode::Kind::Map;
        for (auto it = in.begin(); it != in.end(); ++it)
          out.entries.push_back(
              YamlNode::Entry{convert(it->first, depth + 1), convert(it->second, depth + 1)});
        break;
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        break;
    }
    return out;
  }
};

void append_text(const YamlNode& node, std::string& out) {
  if (out.size() > MAX_TEXT) return;
  switch (node.kind) {
    case YamlNode::Kind::Null:
      out += "null";
      break;
    case YamlNode::Kind::Scalar:
      out += node.scalar;
      break;
    case YamlNode::Kind::Sequence:
      out += "[";
      for (std::size_t i = 0; i < node.items.size() && out.size() <= MAX_TEXT; ++i) {
        if (i > 0) out += ", ";
        append_text(node.items[i], out);
      }
      out += "]";
      break;
    case YamlNode::Kind::Map:
      out += "{";
      for (std::size_t i = 0; i < node.entries.size() && out.size() <= MAX_TEXT; ++i) {
        if (i > 0) out += ", ";
        append_text(node.entries[i].key, out);
        out += ": ";
        append_text(node.entries[i].value, out);
      }
      out += "}";
      break;
  }
}

// Plain scalars YAML reads as null; written plain they would come back as Kind::Null.
bool reads_as_null(const std::string& scalar) {
  return scalar.empty() || scalar == "~" || scalar == "null" || scalar == "Null" ||
         scalar == "NULL";
}

// A list or map of at most a dozen plain values (seasonality, a segment mix, a schedule) reads
// best on one line, as the shipped scenarios write it.
bool is_short_and_flat(const YamlNode& node) {
  constexpr std::size_t MAX_FLOW_ITEMS = 12;
  const std::size_t n = node.is_sequence() ? node.items.size() : node.entries.size();
  if (n == 0 || n > MAX_FLOW_ITEMS) return false;
  for (const YamlNode& item : node.items)
    if (item.is_sequence() || item.is_map()) return false;
  for (const YamlNode::Entry& entry : node.entries)
    if (!entry.key.is_scalar() || entry.value.is_sequence() || entry.value.is_map()) return false;
  return true;
}

void emit(YAML::Emitter& out, const YamlNode& node) {
  switch (node.kind) {
    case YamlNode::Kind::Null:
      out << YAML::Null;
      break;
    case YamlNode::Kind::Scalar:
      if (reads_as_null(node.scalar)) out << YAML::DoubleQuoted;
      out << node.scalar;
      break;
    case YamlNode::Kind::Sequence:
      if (is_short_and_flat(node)) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const YamlNode& item : node.items) emit(out, item);
      out << YAML::EndSeq;
      break;
    case YamlNode::Kind::Map:
      if (is_short_and_flat(node)) out << YAML::Flow;
      out << YAML::BeginMap;
      for (const YamlNode::Entry& entry : node.entries) {
        out << YAML::Key;
        emit(out, entry.key);
        out << YAML::Value;
        emit(out, entry.value);
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace

const YamlNode::Entry* YamlNode::find(std::string_view key) const {
  for (const Entry& entry : entries)
    if (entry.key.is_scalar() && entry.key.scalar == key) return &entry;
  return nullptr;
}

YamlNode::Entry* YamlNode::find(std::string_view key) {
  return const_cast<Entry*>(static_cast<const YamlNode*>(this)->find(key));
}

std::string YamlNode::text() const {
  if (kind == Kind::Null) return "";
  std::string out;
  append_text(*this, out);
  if (out.size() > MAX_TEXT) out = out.substr(0, MAX_TEXT) + "...";
  return out;
}

std::optional<YamlNode> parse_yaml(std::string_view text, DiagnosticSink& sink,
                                   const std::string* file) {
  try {
    const std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
    if (documents.size() > 1) {
      // Silently reading only the first document would hide the rest of the scenario.
      const YAML::Mark mark = documents[1].Mark();
      sink.report_in(file, mark.line + 1, mark.column + 1, "", "",
                     "a scenario file holds one YAML document (found " +
                         std::to_string(documents.size()) + ")");
      return std::nullopt;
    }
    Converter converter;
    converter.file = file;
    YamlNode root = converter.convert(documents.empty() ? YAML::Node() : documents[0], 0);
    if (converter.too_deep) {
      sink.report_in(file, 0, 0, "", "",
                     "YAML nested more than 64 levels deep (a recursive alias?)");
      return std::nullopt;
    }
    return root;
  } catch (const YAML::Exception& e) {
    // yaml-cpp marks are 0-based; an unknown mark is -1.
    const int line = e.mark.line >= 0 ? e.mark.line + 1 : 0;
    const int column = e.mark.column >= 0 ? e.mark.column + 1 : 0;
    sink.report_in(file, line, column, "", "", "malformed YAML: " + e.msg);
    return std::nullopt;
  }
}

std::optional<YamlNode> parse_yaml_value(std::string_view text, std::string& error) {
  try {
    Converter converter;
    converter.keep_positions = false;
    YamlNode value = converter.convert(YAML::Load(std::string(text)), 0);
    if (converter.too_deep) {
      error = "nested too deeply";
      return std::nullopt;
    }
    return value;
  } catch (const YAML::Exception& e) {
    error = e.msg;
    return std::nullopt;
  }
}

std::string emit_yaml(const YamlNode& node) {
  YAML::Emitter out;
  emit(out, node);
  std::string text = out.c_str();
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

}  // namespace funnelsim::models
