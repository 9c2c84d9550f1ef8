#include "models/scenario/yaml_cursor.hpp"

#include <charconv>
#include <cmath>
#include <utility>

#include "models/scenario/key_suggestion.hpp"

namespace funnelsim::models {

namespace {

std::string kind_name(const YamlNode& node) {
  switch (node.kind) {
    case YamlNode::Kind::Null:
      return "nothing";
    case YamlNode::Kind::Scalar:
      return "a scalar";
    case YamlNode::Kind::Sequence:
      return "a list";
    case YamlNode::Kind::Map:
      return "a map";
  }
  return "";
}

}  // namespace

bool NumberRange::contains(double x) const {
  const bool low_ok = min_exclusive ? x > min : x >= min;
  const bool high_ok = max_exclusive ? x < max : x <= max;
  return low_ok && high_ok;
}

std::string NumberRange::rule(double x) const {
  // A probability-like range reads best whole; elsewhere the bound that was broken is what
  // the user needs ("must be >= 0" for a negative volume).
  if (min == 0.0 && max == 1.0 && !min_exclusive && !max_exclusive)
    return "must be between 0 and 1";
  const bool low_ok = min_exclusive ? x > min : x >= min;
  if (!low_ok)
    return std::string(min_exclusive ? "must be > " : "must be >= ") + format_number(min);
  return std::string(max_exclusive ? "must be < " : "must be <= ") + format_number(max);
}

NumberRange between(double min, double max) {
  NumberRange r;
  r.min = min;
  r.max = max;
  return r;
}
NumberRange at_least(double min) {
  NumberRange r;
  r.min = min;
  return r;
}
NumberRange above(double min) {
  NumberRange r;
  r.min = min;
  r.min_exclusive = true;
  return r;
}
NumberRange above_at_most(double min, double max) {
  NumberRange r = above(min);
  r.max = max;
  return r;
}

std::string join_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

bool is_valid_id(std::string_view id) {
  if (id.empty() || id[0] < 'a' || id[0] > 'z') return false;
  for (const char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::optional<double> parse_number(std::string_view text) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

YamlCursor::YamlCursor(const YamlNode& node, std::string path, DiagnosticSink& sink,
                       const std::string* file, int line, int column)
    : node_(&node),
      path_(std::move(path)),
      sink_(&sink),
      file_(file),
      line_(line),
      column_(column) {}

YamlCursor::YamlCursor(const YamlNode& node, std::string path, DiagnosticSink& sink, int line,
                       int column)
    : YamlCursor(node, std::move(path), sink, node.file, line, column) {}

YamlCursor::YamlCursor(const YamlNode& node, std::string path, DiagnosticSink& sink)
    : YamlCursor(node, std::move(path), sink, node.file, node.line, node.column) {}

void YamlCursor::error(std::string rule) const {
  sink_->report_in(file_, line_, column_, path_, node_->text(), std::move(rule));
}

void YamlCursor::error(std::string key_path, std::string value, std::string rule) const {
  sink_->report_in(file_, line_, column_, std::move(key_path), std::move(value), std::move(rule));
}

void YamlCursor::wrong_type(std::string_view expected) const {
  std::string rule = "must be " + std::string(expected);
  if (!node_->is_scalar()) rule += " (found " + kind_name(*node_) + ")";
  error(std::move(rule));
}

std::optional<double> YamlCursor::number(const NumberRange& range) const {
  const auto value = node_->is_scalar() ? parse_number(node_->scalar) : std::nullopt;
  if (!value) {
    wrong_type("a number");
    return std::nullopt;
  }
  if (!range.contains(*value)) {
    error(range.rule(*value));
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> YamlCursor::integer(std::int64_t min, std::int64_t max) const {
  const auto value = node_->is_scalar() ? parse_number(node_->scalar) : std::nullopt;
  if (!value || *value != std::floor(*value)) {
    wrong_type("a whole number");
    return std::nullopt;
  }
  const NumberRange range = between(static_cast<double>(min), static_cast<double>(max));
  if (!range.contains(*value)) {
    error(range.rule(*value));
    return std::nullopt;
  }
  return static_cast<std::int64_t>(*value);
}

std::optional<std::uint64_t> YamlCursor::unsigned_integer() const {
  // Parsed as an integer, not through double: seeds use all 64 bits.
  std::uint64_t value = 0;
  if (node_->is_scalar()) {
    const std::string& s = node_->scalar;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec == std::errc() && end == s.data() + s.size()) return value;
    if (ec == std::errc::result_out_of_range) {
      error("must be <= 18446744073709551615");
      return std::nullopt;
    }
    if (!s.empty() && s[0] == '-' && parse_number(s)) {
      error("must be >= 0");
      return std::nullopt;
    }
  }
  wrong_type("a whole number");
  return std::nullopt;
}

std::optional<bool> YamlCursor::boolean() const {
  if (node_->is_scalar()) {
    const std::string& s = node_->scalar;
    if (s == "true" || s == "True" || s == "TRUE" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "False" || s == "FALSE" || s == "no" || s == "off") return false;
  }
  wrong_type("true or false");
  return std::nullopt;
}

std::optional<std::string> YamlCursor::string() const {
  if (!node_->is_scalar() || node_->scalar.empty()) {
    wrong_type("a non-empty string");
    return std::nullopt;
  }
  return node_->scalar;
}

std::optional<std::string> YamlCursor::keyword(const std::vector<std::string>& allowed) const {
  std::string list;
  for (const std::string& a : allowed) list += (list.empty() ? "" : " | ") + a;
  if (!node_->is_scalar()) {
    wrong_type("one of " + list);
    return std::nullopt;
  }
  for (const std::string& a : allowed)
    if (node_->scalar == a) return a;
  const auto near = nearest_key(node_->scalar, allowed);
  error("must be one of " + list + (near ? "; did you mean '" + *near + "'?" : ""));
  return std::nullopt;
}

std::optional<std::string> YamlCursor::id() const {
  if (!node_->is_scalar()) {
    wrong_type("an id");
    return std::nullopt;
  }
  if (!is_valid_id(node_->scalar)) {
    error("must be an id: a lower-case letter, then lower-case letters, digits or _");
    return std::nullopt;
  }
  return node_->scalar;
}

std::optional<std::vector<YamlCursor>> YamlCursor::sequence() const {
  if (!node_->is_sequence()) {
    wrong_type("a list");
    return std::nullopt;
  }
  std::vector<YamlCursor> items;
  for (std::size_t i = 0; i < node_->items.size(); ++i)
    items.emplace_back(node_->items[i], join_path(path_, std::to_string(i)), *sink_);
  return items;
}

std::optional<std::vector<double>> YamlCursor::numbers(const NumberRange& range) const {
  const auto items = sequence();
  if (!items) return std::nullopt;
  std::vector<double> values;
  bool ok = true;
  for (const YamlCursor& item : *items) {
    const auto v = item.number(range);
    ok = ok && v.has_value();
    values.push_back(v.value_or(0.0));
  }
  if (!ok) return std::nullopt;
  return values;
}

YamlCursor YamlCursor::child(const YamlNode::Entry& entry) const {
  const std::string path = join_path(path_, entry.key.scalar);
  // A key with no value is reported at the key: yaml-cpp places the null at the next token.
  if (entry.value.is_null() || entry.value.line == 0)
    return YamlCursor(entry.value, path, *sink_, entry.key.file, entry.key.line, entry.key.column);
  return YamlCursor(entry.value, path, *sink_);
}

}  // namespace funnelsim::models
