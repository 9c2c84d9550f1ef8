#include "models/scenario/map_cursor.hpp"

#include "models/scenario/key_suggestion.hpp"

namespace funnelsim::models {

namespace {

// "line 12", or "variant.yaml:12" when the first key is in another file than the repeat: a
// key repeated in a base whose first occurrence a variant overrode.
std::string where(const YamlNode& first, const YamlNode& repeat) {
  const bool same_file =
      first.file == repeat.file || (first.file && repeat.file && *first.file == *repeat.file);
  if (same_file || !first.file) return "line " + std::to_string(first.line);
  return *first.file + ":" + std::to_string(first.line);
}

}  // namespace

std::optional<MapCursor> MapCursor::open(const YamlCursor& at,
                                         const std::vector<std::string>& allowed) {
  return open_checked(at, Keys::Fixed, &allowed);
}

std::optional<MapCursor> MapCursor::open_ids(const YamlCursor& at) {
  return open_checked(at, Keys::Ids, nullptr);
}

std::optional<MapCursor> MapCursor::open_references(const YamlCursor& at) {
  return open_checked(at, Keys::References, nullptr);
}

std::optional<MapCursor> MapCursor::open_checked(const YamlCursor& at, Keys keys,
                                                 const std::vector<std::string>* allowed) {
  // A key with nothing after it (`won:` for a stage with every default) is an empty map.
  if (at.node().is_null()) return MapCursor(at);
  if (!at.node().is_map()) {
    at.wrong_type("a map");
    return std::nullopt;
  }
  MapCursor map(at);
  DiagnosticSink& sink = at.sink();
  for (const YamlNode::Entry& entry : at.node().entries) {
    const YamlNode& key = entry.key;
    if (!key.is_scalar()) {
      sink.report_in(key.file, key.line, key.column, at.path(), key.text(),
                     "keys must be plain names");
      continue;
    }
    const std::string path = join_path(at.path(), key.scalar);
    const YamlNode::Entry* first = at.node().find(key.scalar);
    if (first != &entry) {
      sink.report_in(key.file, key.line, key.column, path, key.scalar,
                     "duplicate key (first given at " + where(first->key, key) + ")");
      continue;
    }
    if (keys == Keys::Fixed) {
      bool known = false;
      for (const std::string& a : *allowed) known = known || a == key.scalar;
      if (!known) {
        sink.report_in(key.file, key.line, key.column, path, key.scalar,
                       "unknown key" + suggestion_text(key.scalar, *allowed));
        continue;
      }
    } else if (keys == Keys::Ids && !is_valid_id(key.scalar)) {
      // Reported but kept: dropping it would turn every reference to it into a second error.
      sink.report_in(key.file, key.line, key.column, path, key.scalar,
                     "must be an id: a lower-case letter, then lower-case letters, digits or _");
    }
    // Readers report an unknown id at its key through DiagnosticSink::report(); this lets the
    // sink name the key's file.
    sink.note_key(path, key.line, key.column, key.file);
    map.entries_.push_back(Entry{key.scalar, key.line, key.column, at.child(entry), key.file});
  }
  return map;
}

std::optional<YamlCursor> MapCursor::get(std::string_view key) const {
  for (const Entry& entry : entries_)
    if (entry.key == key) {
      if (entry.value.node().is_null()) return std::nullopt;
      return entry.value;
    }
  return std::nullopt;
}

std::optional<YamlCursor> MapCursor::require(std::string_view key) const {
  auto value = get(key);
  if (!value) missing(key, "is required");
  return value;
}

void MapCursor::missing(std::string_view key, std::string rule) const {
  // A key present with an empty value is reported at the key itself.
  for (const Entry& entry : entries_)
    if (entry.key == key) {
      entry.value.error(entry.value.path(), "", std::move(rule));
      return;
    }
  cursor_.error(join_path(cursor_.path(), key), "", std::move(rule));
}

}  // namespace funnelsim::models
