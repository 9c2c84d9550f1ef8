#include "models/calibration/history.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "models/scenario/key_suggestion.hpp"

namespace funnelsim::calibration {

// ---------------------------------------------------------------------------------------------
// Dates and times

bool is_leap_year(int year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

// Both conversions count years from March 1, so that the leap day is the last day of its
// year: the day of the year then follows from the month by one linear formula, and the
// Gregorian 400-year cycle (146097 days) splits off by plain division. Floor division keeps
// them right before year 0.
int days_from_civil(int year, int month, int day) {
  const int y = month <= 2 ? year - 1 : year;  // the March-based year
  const int cycle = (y >= 0 ? y : y - 399) / 400;
  const int year_of_cycle = y - cycle * 400;                           // 0-399
  const int month_from_march = month > 2 ? month - 3 : month + 9;      // 0-11
  const int day_of_year = (153 * month_from_march + 2) / 5 + day - 1;  // 0-365
  const int day_of_cycle =
      year_of_cycle * 365 + year_of_cycle / 4 - year_of_cycle / 100 + day_of_year;  // 0-146096
  // 719468: days from 0000-03-01, where cycle 0 begins, to 1970-01-01.
  return cycle * 146097 + day_of_cycle - 719468;
}

CivilDate civil_from_days(int days) {
  const int shifted = days + 719468;  // days since 0000-03-01
  const int cycle = (shifted >= 0 ? shifted : shifted - 146096) / 146097;
  const int day_of_cycle = shifted - cycle * 146097;  // 0-146096
  // Undo the leap days: one every 4 years (1460 days), none every 100 (36524), one every 400.
  const int year_of_cycle =
      (day_of_cycle - day_of_cycle / 1460 + day_of_cycle / 36524 - day_of_cycle / 146096) / 365;
  const int day_of_year =
      day_of_cycle - (365 * year_of_cycle + year_of_cycle / 4 - year_of_cycle / 100);  // 0-365
  const int month_from_march = (5 * day_of_year + 2) / 153;                            // 0-11
  CivilDate date;
  date.day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
  date.month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  date.year = year_of_cycle + cycle * 400 + (date.month <= 2 ? 1 : 0);
  return date;
}

namespace {

constexpr std::array<const char*, 12> MONTH_NAMES = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

int days_in_month(int year, int month) {
  static constexpr std::array<int, 12> DAYS = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : DAYS[static_cast<std::size_t>(month - 1)];
}

/// The forms parse_iso_timestamp accepts, for messages.
constexpr std::string_view ACCEPTED_FORMS =
    "accepted forms: YYYY-MM-DD, YYYY-MM-DDTHH:MM, YYYY-MM-DDTHH:MM:SS or "
    "YYYY-MM-DDTHH:MM:SS.fff, a time optionally followed by Z or +HH:MM/-HH:MM (UTC offset); "
    "a space may replace the T";

/// Reads `count` decimal digits at `pos` of `s` into `value`; false if any is missing.
bool read_digits(std::string_view s, std::size_t pos, std::size_t count, int& value) {
  if (pos + count > s.size()) return false;
  value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    value = value * 10 + (s[i] - '0');
  }
  return true;
}

std::string two_digits(int value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%02d", value);
  return buffer;
}

/// parse_iso_timestamp, saying why not: `why` receives a calendar or range problem, or
/// stays empty when the text is not in an accepted form at all.
std::optional<double> parse_timestamp(std::string_view s, std::string& why) {
  why.clear();
  int year = 0, month = 0, day = 0;
  if (s.size() < 10 || !read_digits(s, 0, 4, year) || s[4] != '-' || !read_digits(s, 5, 2, month) ||
      s[7] != '-' || !read_digits(s, 8, 2, day))
    return std::nullopt;
  if (month < 1 || month > 12) {
    why = "month " + two_digits(month) + " is not 01-12";
    return std::nullopt;
  }
  if (day < 1 || day > days_in_month(year, month)) {
    if (month == 2 && day == 29)
      why = std::to_string(year) + " is not a leap year, so February has 28 days";
    else
      why = std::string(MONTH_NAMES[static_cast<std::size_t>(month - 1)]) + " has " +
            std::to_string(days_in_month(year, month)) + " days";
    return std::nullopt;
  }
  // Whole seconds as an exact integer first, so one instant written with different offsets
  // divides to the same double.
  std::int64_t seconds = std::int64_t{days_from_civil(year, month, day)} * 86400;
  double fraction = 0.0;
  std::size_t p = 10;
  if (p < s.size()) {
    if (s[p] != 'T' && s[p] != 't' && s[p] != ' ') return std::nullopt;
    int hour = 0, minute = 0, second = 0;
    if (!read_digits(s, p + 1, 2, hour) || p + 3 >= s.size() || s[p + 3] != ':' ||
        !read_digits(s, p + 4, 2, minute))
      return std::nullopt;
    p += 6;
    if (p < s.size() && s[p] == ':') {
      if (!read_digits(s, p + 1, 2, second)) return std::nullopt;
      p += 3;
      if (p < s.size() && s[p] == '.') {
        const std::size_t first = ++p;
        std::int64_t nanoseconds = 0;
        for (; p < s.size() && s[p] >= '0' && s[p] <= '9'; ++p)
          if (p - first < 9) nanoseconds = nanoseconds * 10 + (s[p] - '0');
        if (p == first) return std::nullopt;
        for (std::size_t digits = p - first; digits < 9; ++digits) nanoseconds *= 10;
        fraction = static_cast<double>(nanoseconds) * 1e-9;
      }
    }
    int offset = 0;  // seconds east of UTC
    if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
      ++p;
    } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
      int offset_hour = 0, offset_minute = 0;
      if (!read_digits(s, p + 1, 2, offset_hour) || p + 3 >= s.size() || s[p + 3] != ':' ||
          !read_digits(s, p + 4, 2, offset_minute))
        return std::nullopt;
      if (offset_hour > 23 || offset_minute > 59) {
        why = "the UTC offset " + std::string(s.substr(p, 6)) + " is not -23:59 to +23:59";
        return std::nullopt;
      }
      offset = (s[p] == '-' ? -1 : 1) * (offset_hour * 3600 + offset_minute * 60);
      p += 6;
    }
    if (p != s.size()) return std::nullopt;
    if (hour > 23) why = "hour " + two_digits(hour) + " is not 00-23";
    if (minute > 59) why = "minute " + two_digits(minute) + " is not 00-59";
    if (second > 59) why = "second " + two_digits(second) + " is not 00-59 (no leap seconds)";
    if (!why.empty()) return std::nullopt;
    seconds += hour * 3600 + minute * 60 + second - offset;
  }
  return (static_cast<double>(seconds) + fraction) / 86400.0;
}

/// Days this far from 1970 (a million years) are beyond what the formatters print.
constexpr double MAX_FORMAT_DAYS = 365.25e6;

std::string format_fields(std::int64_t day, std::int64_t second_of_day, bool with_seconds,
                          std::int64_t milliseconds) {
  const CivilDate d = civil_from_days(static_cast<int>(day));
  char buffer[64];
  const int hour = static_cast<int>(second_of_day / 3600);
  const int minute = static_cast<int>(second_of_day / 60 % 60);
  const int second = static_cast<int>(second_of_day % 60);
  if (!with_seconds)
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d", d.year, d.month, d.day, hour,
                  minute);
  else if (milliseconds == 0)
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d", d.year, d.month, d.day,
                  hour, minute, second);
  else
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03d", d.year, d.month,
                  d.day, hour, minute, second, static_cast<int>(milliseconds));
  return buffer;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return q * b > a ? q - 1 : q;
}

/// `days` to the second, or to the millisecond when it has a fraction of a second: for two
/// times in one message that format_iso_timestamp would print alike.
std::string format_precise_timestamp(double days) {
  if (!std::isfinite(days) || std::fabs(days) > MAX_FORMAT_DAYS) return "(invalid time)";
  // As in format_iso_timestamp: a hair above, so parsed milliseconds print as written.
  const auto ms = static_cast<std::int64_t>(std::floor(days * 86400000.0 + 0.01));
  const std::int64_t day = floor_div(ms, 86400000);
  const std::int64_t ms_of_day = ms - day * 86400000;
  return format_fields(day, ms_of_day / 1000, true, ms_of_day % 1000);
}

/// Two times for one message: to the minute, or more precisely when that would print them
/// alike.
std::pair<std::string, std::string> format_pair(double a, double b) {
  std::string fa = format_iso_timestamp(a), fb = format_iso_timestamp(b);
  if (fa == fb && a != b) return {format_precise_timestamp(a), format_precise_timestamp(b)};
  return {std::move(fa), std::move(fb)};
}

}  // namespace

std::optional<double> parse_iso_timestamp(std::string_view text) {
  std::string why;
  return parse_timestamp(text, why);
}

std::string format_iso_timestamp(double days) {
  if (!std::isfinite(days) || std::fabs(days) > MAX_FORMAT_DAYS) return "(invalid time)";
  // A parsed whole minute can land a few ulps below itself after the division by 86400;
  // 1e-6 minutes (60 microseconds) absorbs that without rounding up any real time.
  const auto minutes = static_cast<std::int64_t>(std::floor(days * 1440.0 + 1e-6));
  const std::int64_t day = floor_div(minutes, 1440);
  return format_fields(day, (minutes - day * 1440) * 60, false, 0);
}

// ---------------------------------------------------------------------------------------------
// Errors

std::string format_history_error(const std::string& file, const HistoryError& error) {
  std::string text = file;
  if (error.row > 0) text += ":" + std::to_string(error.row);
  text += ": ";
  if (!error.column.empty()) text += "column '" + error.column + "': ";
  return text + error.message;
}

namespace {

std::vector<HistoryError>& sort_by_row(std::vector<HistoryError>& errors) {
  std::stable_sort(errors.begin(), errors.end(),
                   [](const HistoryError& a, const HistoryError& b) { return a.row < b.row; });
  return errors;
}

std::string describe(const std::string& file, const std::vector<HistoryError>& errors,
                     std::size_t unkept) {
  const std::size_t total = errors.size() + unkept;
  std::string text;
  if (total == 0) return file + ": cannot read the lead history";
  const std::size_t listed = std::min(errors.size(), HistoryReadError::MAX_LISTED);
  for (std::size_t i = 0; i < listed; ++i) {
    if (i > 0) text += '\n';
    text += format_history_error(file, errors[i]);
  }
  if (total > listed) text += "\n... and " + std::to_string(total - listed) + " more";
  return text;
}

}  // namespace

HistoryReadError::HistoryReadError(std::string file_name, std::vector<HistoryError> all,
                                   std::size_t unkept_count)
    : std::runtime_error(describe(file_name, sort_by_row(all), unkept_count)),
      file(std::move(file_name)),
      errors(std::move(all)),
      unkept(unkept_count) {}

// ---------------------------------------------------------------------------------------------
// CSV

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

/// One record of a CSV file: its fields, unquoted and unescaped (views into the text, or into
/// the reader's scratch buffer for fields with "" escapes: valid until the next record).
struct CsvRecord {
  std::size_t row = 0;  ///< the line the record starts on
  std::vector<std::string_view> fields;
  std::string problem;  ///< malformed quoting; empty when none
};

/// RFC 4180 records, one at a time, from text in memory: fields separated by commas, a field
/// in double quotes may hold commas, line breaks and "" for a quote. Lines end in LF, CRLF
/// or a lone CR. A leading UTF-8 byte order mark is skipped, and so are blank records (no
/// characters but spaces, tabs and commas, nothing quoted): they still count as lines.
/// Spaces and tabs around a quoted field are dropped; the caller trims the others.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
  }

  /// The next non-blank record; false at the end of the text.
  bool next(CsvRecord& record) {
    const std::string_view t = text_;
    const std::size_t n = t.size();
    while (pos_ < n) {
      record.row = line_;
      record.problem.clear();
      pieces_.clear();
      scratch_.clear();
      bool content = false;
      std::size_t i = pos_;
      for (;;) {  // one field per pass
        std::size_t j = i;
        while (j < n && is_space(t[j])) ++j;
        if (j < n && t[j] == '"') {
          content = true;
          const std::size_t start = ++j;
          std::size_t end = n;
          bool escaped = false;
          while (j < n) {
            const char c = t[j];
            if (c == '"') {
              if (j + 1 < n && t[j + 1] == '"') {
                escaped = true;
                j += 2;
                continue;
              }
              end = j++;
              break;
            }
            if (c == '\n' || (c == '\r' && (j + 1 == n || t[j + 1] != '\n'))) ++line_;
            ++j;
          }
          if (end == n && record.problem.empty())
            record.problem =
                "a quoted field that starts on this row is never closed (a stray '\"'?), so "
                "the rest of the file could not be read";
          if (escaped) {
            const std::size_t offset = scratch_.size();
            for (std::size_t k = start; k < end; ++k) {
              scratch_ += t[k];
              if (t[k] == '"') ++k;  // the second of a pair
            }
            pieces_.push_back({offset, scratch_.size() - offset, true});
          } else {
            pieces_.push_back({start, end - start, false});
          }
          while (j < n && is_space(t[j])) ++j;
          if (j < n && t[j] != ',' && t[j] != '\n' && t[j] != '\r') {
            if (record.problem.empty())
              record.problem = "field " + std::to_string(pieces_.size()) +
                               " has text after its closing quote (a '\"' inside a quoted "
                               "field is written '\"\"')";
            while (j < n && t[j] != ',' && t[j] != '\n' && t[j] != '\r') ++j;
          }
        } else {
          j = i;
          while (j < n && t[j] != ',' && t[j] != '\n' && t[j] != '\r') ++j;
          pieces_.push_back({i, j - i, false});
          if (!trim(t.substr(i, j - i)).empty()) content = true;
        }
        if (j >= n) {
          pos_ = n;
          break;
        }
        if (t[j] == ',') {
          i = j + 1;
          continue;
        }
        if (t[j] == '\r' && j + 1 < n && t[j + 1] == '\n') ++j;
        pos_ = j + 1;
        ++line_;
        break;
      }
      if (!content) continue;
      record.fields.clear();
      for (const Piece& piece : pieces_)
        record.fields.push_back(piece.in_scratch
                                    ? std::string_view(scratch_).substr(piece.begin, piece.size)
                                    : t.substr(piece.begin, piece.size));
      return true;
    }
    return false;
  }

 private:
  // A field's place: in the text, or in scratch_, which may still grow (and move) while the
  // record is read, so views are made only once it is complete.
  struct Piece {
    std::size_t begin = 0, size = 0;
    bool in_scratch = false;
  };
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::string scratch_;
  std::vector<Piece> pieces_;
};

// ---------------------------------------------------------------------------------------------
// The history

/// True if `id` matches [a-z][a-z0-9_]*.
bool is_valid_id(std::string_view id) {
  if (id.empty() || id[0] < 'a' || id[0] > 'z') return false;
  for (const char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

/// `written` made into an id (lower case, runs of other characters as one '_'), when that
/// gives a valid one: a hint for the message.
std::string id_hint(std::string_view written) {
  std::string id;
  for (const char c : lower(written)) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (keep)
      id += c;
    else if (!id.empty() && id.back() != '_')
      id += '_';
  }
  while (!id.empty() && id.back() == '_') id.pop_back();
  return is_valid_id(id) ? id : std::string();
}

/// Indices by id, of ids held elsewhere (the leads, or a list of ids): open addressing with
/// linear probing in one flat array, so that a lookup among a million leads touches one slot
/// and the id it names, and no id is stored twice. A slot holds the id's 32-bit hash and its
/// index + 1 (0: empty); the table is kept at most half full.
class IdIndex {
 public:
  /// The index of `id`, where `id_of(i)` gives the id at index i; or, when `id` is new,
  /// nullopt, having recorded `next` as its index.
  template <typename IdOf>
  std::optional<std::uint32_t> find_or_add(std::string_view id, std::uint32_t next,
                                           const IdOf& id_of) {
    if (2 * (count_ + 1) > slots_.size()) grow();
    const std::uint64_t h = hash(id);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const std::uint64_t slot = slots_[i];
      if (slot == 0) {
        slots_[i] = h << 32 | (std::uint64_t{next} + 1);
        ++count_;
        return std::nullopt;
      }
      if (slot >> 32 == h) {
        const auto index = static_cast<std::uint32_t>((slot & 0xFFFFFFFFu) - 1);
        if (id_of(index) == id) return index;
      }
    }
  }

 private:
  static std::uint64_t hash(std::string_view id) {
    const std::size_t h = std::hash<std::string_view>{}(id);
    return (h ^ (h >> 32)) & 0xFFFFFFFFu;
  }

  void grow() {
    std::vector<std::uint64_t> old(std::max<std::size_t>(16, 2 * slots_.size()), 0);
    old.swap(slots_);
    mask_ = slots_.size() - 1;
    for (const std::uint64_t slot : old) {
      if (slot == 0) continue;
      std::size_t i = (slot >> 32) & mask_;
      while (slots_[i] != 0) i = (i + 1) & mask_;
      slots_[i] = slot;
    }
  }

  std::vector<std::uint64_t> slots_;
  std::size_t mask_ = 0, count_ = 0;
};

/// The columns the format knows by name.
enum Column : std::size_t { LEAD_ID, STAGE, TIMESTAMP, SOURCE, SEGMENT, AMOUNT, COLUMN_COUNT };
constexpr std::array<const char*, COLUMN_COUNT> COLUMN_NAMES = {"lead_id", "stage",   "timestamp",
                                                                "source",  "segment", "amount"};

constexpr std::size_t NONE = std::numeric_limits<std::size_t>::max();
constexpr double NO_TIME = -std::numeric_limits<double>::infinity();

/// What the reader tracks of a lead beyond HistoryLead, for the checks across its rows.
struct LeadState {
  std::size_t source_row = 0;   ///< the row that gave its source; 0: none yet
  std::size_t segment_row = 0;  ///< the row that gave its segment; 0: none yet
  double latest = NO_TIME;      ///< long layout: its latest timestamp so far, and where
  std::size_t latest_row = 0;
};

/// A row's lead_id, source and segment, checked.
struct RowIdentity {
  std::string_view lead, source, segment;
  bool lead_ok = false, source_ok = false, segment_ok = false;
};

class HistoryParser {
 public:
  HistoryParser(std::string_view text, const std::string& name, const HistorySchema& schema)
      : text_(text), reader_(text), name_(name) {
    if (schema.stages.empty()) throw std::invalid_argument("history schema: no stages");
    if (schema.stages.size() > std::numeric_limits<std::uint16_t>::max())
      throw std::invalid_argument("history schema: more than 65535 stages");
    if (schema.entry_stage >= schema.stages.size())
      throw std::invalid_argument("history schema: entry stage out of range");
    history_.stages = schema.stages;
    history_.entry_stage = schema.entry_stage;
    for (std::size_t s = 0; s < history_.stages.size(); ++s)
      stage_index_.emplace(history_.stages[s], static_cast<std::uint32_t>(s));
  }

  History run() {
    CsvRecord record;
    if (!reader_.next(record)) {
      error(1, "", "the file is empty: expected a header row naming the columns");
      fail();
    }
    read_header(record);
    if (header_fatal_) fail();
    // One event per line is the long layout's count and the wide layout's least: reserving
    // it spares a file of millions of rows the copies of a growing vector.
    raw_events_.reserve(static_cast<std::size_t>(std::count(text_.begin(), text_.end(), '\n')));
    std::size_t data_rows = 0;
    while (reader_.next(record)) {
      ++data_rows;
      if (!record.problem.empty()) {
        error(record.row, "", record.problem);
        continue;
      }
      if (record.fields.size() != header_size_) {
        error(record.row, "",
              "has " + std::to_string(record.fields.size()) + " fields, but the header has " +
                  std::to_string(header_size_) + " (a value holding a comma must be quoted)");
        continue;
      }
      if (history_.layout == "long")
        read_long_row(record);
      else
        read_wide_row(record);
    }
    if (data_rows == 0)
      error(header_row_, "", "the file has a header but no data rows");
    else if (errors_.empty() && raw_events_.empty())
      error(header_row_, "", "no row has a stage timestamp, so the history has no events");
    if (!empty_rows_.empty()) warn_empty_rows();
    group_events();  // also when there are errors: duplicates are reported with the rest
    if (!errors_.empty()) fail();
    return std::move(history_);
  }

 private:
  [[noreturn]] void fail() { throw HistoryReadError(name_, std::move(errors_), unkept_); }

  void error(std::size_t row, std::string_view column, std::string message) {
    if (errors_.size() < HistoryReadError::MAX_KEPT)
      errors_.push_back({row, std::string(column), std::move(message)});
    else
      ++unkept_;
  }

  // ---- Header

  void read_header(const CsvRecord& record) {
    header_row_ = record.row;
    header_size_ = record.fields.size();
    if (!record.problem.empty()) {
      error(record.row, "", record.problem);
      header_fatal_ = true;
      return;
    }
    column_.fill(NONE);
    std::vector<std::size_t> stage_column(history_.stages.size(), NONE);
    std::unordered_map<std::string, std::size_t> seen;  // name -> its first column
    std::vector<std::string> names;
    std::vector<std::size_t> unknown;
    for (std::size_t c = 0; c < record.fields.size(); ++c) {
      names.push_back(lower(trim(record.fields[c])));
      const std::string& name = names.back();
      if (name.empty()) {
        unknown.push_back(c);
        continue;
      }
      if (const auto [it, fresh] = seen.emplace(name, c); !fresh) {
        error(record.row, name,
              "appears more than once in the header (columns " + std::to_string(it->second + 1) +
                  " and " + std::to_string(c + 1) + "); only the first is read");
        continue;
      }
      const auto known = std::find(COLUMN_NAMES.begin(), COLUMN_NAMES.end(), name);
      if (known != COLUMN_NAMES.end()) {
        column_[static_cast<std::size_t>(known - COLUMN_NAMES.begin())] = c;
      } else if (const auto stage = stage_index_.find(name); stage != stage_index_.end()) {
        stage_column[stage->second] = c;
      } else {
        unknown.push_back(c);
      }
    }

    const bool wide = column_[STAGE] == NONE && column_[TIMESTAMP] == NONE &&
                      std::any_of(stage_column.begin(), stage_column.end(),
                                  [](std::size_t c) { return c != NONE; });
    history_.layout = wide ? "wide" : "long";
    if (wide) {
      // In file column order: the order the timestamps must not decrease in.
      for (std::size_t s = 0; s < stage_column.size(); ++s)
        if (stage_column[s] != NONE)
          stage_columns_.push_back({stage_column[s], static_cast<std::uint16_t>(s)});
      std::sort(stage_columns_.begin(), stage_columns_.end());
    } else {
      // Stage-named columns mean nothing in the long layout.
      for (std::size_t s = 0; s < stage_column.size(); ++s)
        if (stage_column[s] != NONE) unknown.push_back(stage_column[s]);
      std::sort(unknown.begin(), unknown.end());
    }

    const bool neither = !wide && column_[STAGE] == NONE && column_[TIMESTAMP] == NONE;
    if (neither) {
      std::string stages;
      for (std::size_t s = 0; s < history_.stages.size(); ++s)
        stages += (s > 0 ? ", " : "") + history_.stages[s];
      error(record.row, "",
            "cannot tell the layout: the header has neither 'stage' and 'timestamp' columns "
            "(long layout, one row per stage event) nor a column named after a stage (wide "
            "layout, one row per lead; stages: " +
                stages + ")");
      header_fatal_ = true;
    }
    const std::vector<Column> required =
        wide ? std::vector<Column>{LEAD_ID, SOURCE}
             : std::vector<Column>{LEAD_ID, STAGE, TIMESTAMP, SOURCE};
    for (const Column c : required)
      if (column_[c] == NONE && !(neither && (c == STAGE || c == TIMESTAMP))) {
        error(record.row, COLUMN_NAMES[c],
              std::string("is missing: the ") + (wide ? "wide" : "long") + " layout needs " +
                  (wide ? "lead_id, source and one column per stage"
                        : "lead_id, stage, timestamp and source"));
        header_fatal_ = true;
      }

    if (!unknown.empty()) {
      std::vector<std::string> candidates(COLUMN_NAMES.begin(), COLUMN_NAMES.end());
      if (wide) candidates.insert(candidates.end(), history_.stages.begin(), history_.stages.end());
      std::string list;
      for (const std::size_t c : unknown) {
        list += list.empty() ? "" : ", ";
        if (names[c].empty()) {
          list += "column " + std::to_string(c + 1) + " (no name)";
          continue;
        }
        list += "'" + names[c] + "' (column " + std::to_string(c + 1);
        if (const auto near = models::nearest_key(names[c], candidates))
          list += "; did you mean '" + *near + "'?";
        list += ")";
      }
      history_.warnings.push_back("ignored columns the " + history_.layout +
                                  " layout does not read: " + list);
    }
  }

  // ---- Rows

  std::string_view cell(const CsvRecord& record, Column c) const {
    return column_[c] == NONE ? std::string_view() : trim(record.fields[column_[c]]);
  }

  /// Checks that `value` of column `column` is an id; an empty one is an error if `required`.
  bool check_id(std::size_t row, Column column, std::string_view value, bool required) {
    if (value.empty()) {
      if (required) error(row, COLUMN_NAMES[column], "is empty");
      return !required;
    }
    if (is_valid_id(value)) return true;
    std::string message = "'" + std::string(value) + "' is not a valid " + COLUMN_NAMES[column] +
                          " id: ids are lower-case letters, digits and '_', starting with a "
                          "letter ([a-z][a-z0-9_]*)";
    if (const std::string hint = id_hint(value); !hint.empty()) message += "; e.g. '" + hint + "'";
    error(row, COLUMN_NAMES[column], std::move(message));
    return false;
  }

  RowIdentity read_identity(const CsvRecord& record) {
    RowIdentity id;
    id.lead = cell(record, LEAD_ID);
    id.lead_ok = !id.lead.empty();
    if (!id.lead_ok) error(record.row, COLUMN_NAMES[LEAD_ID], "is empty");
    id.source = cell(record, SOURCE);
    id.source_ok = check_id(record.row, SOURCE, id.source, true);
    id.segment = cell(record, SEGMENT);
    id.segment_ok = check_id(record.row, SEGMENT, id.segment, false);
    return id;
  }

  /// The amount on a row: nullopt when empty or invalid (reported).
  std::optional<double> read_amount(const CsvRecord& record) {
    const std::string_view text = cell(record, AMOUNT);
    if (text.empty()) return std::nullopt;
    double amount = 0.0;
    const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), amount);
    // from_chars also reads "inf" and "nan": only decimal notation passes.
    const bool plain = text.find_first_not_of("0123456789.eE+-") == std::string_view::npos;
    if (!plain || end != text.data() + text.size() ||
        (status != std::errc() && status != std::errc::result_out_of_range)) {
      error(record.row, COLUMN_NAMES[AMOUNT],
            "'" + std::string(text) +
                "' is not an amount: expected a number of dollars such as 12500 or 12500.50, "
                "without currency sign or thousands separators");
      return std::nullopt;
    }
    if (status != std::errc() || !std::isfinite(amount) || amount < 0.0) {
      error(record.row, COLUMN_NAMES[AMOUNT],
            "'" + std::string(text) + "' is not an amount: it must be a finite number >= 0");
      return std::nullopt;
    }
    return amount;
  }

  /// The time in a timestamp cell: nullopt when invalid (reported under `column`).
  std::optional<double> read_time(std::size_t row, std::string_view column, std::string_view text) {
    if (text.empty()) {
      error(row, column,
            "is empty; expected a timestamp such as 2026-03-01T09:30 (" +
                std::string(ACCEPTED_FORMS) + ")");
      return std::nullopt;
    }
    std::string why;
    if (const auto time = parse_timestamp(text, why)) return time;
    if (why.empty())
      error(row, column,
            "'" + std::string(text) + "' is not a timestamp; " + std::string(ACCEPTED_FORMS));
    else
      error(row, column, "'" + std::string(text) + "' is not a valid timestamp: " + why);
    return std::nullopt;
  }

  /// The lead of a row whose identity was read, created at its first row; checks that its
  /// source and segment agree with its earlier rows. `identity.lead_ok` must hold.
  std::uint32_t lead_of(std::size_t row, const RowIdentity& identity) {
    std::vector<HistoryLead>& leads = history_.leads;
    const auto next = static_cast<std::uint32_t>(leads.size());
    const auto found = lead_index_.find_or_add(
        identity.lead, next, [&](std::uint32_t i) -> const std::string& { return leads[i].id; });
    const std::uint32_t index = found.value_or(next);
    if (!found) {
      leads.emplace_back().id = identity.lead;
      lead_state_.emplace_back();
    }
    HistoryLead& lead = history_.leads[index];
    LeadState& state = lead_state_[index];
    if (identity.source_ok) {
      const std::uint32_t source = intern(source_index_, history_.sources, identity.source);
      if (state.source_row == 0) {
        lead.source = source;
        state.source_row = row;
      } else if (lead.source != source) {
        error(row, COLUMN_NAMES[SOURCE],
              "lead '" + lead.id + "' has source '" + std::string(identity.source) +
                  "' here but '" + history_.sources[lead.source] + "' at row " +
                  std::to_string(state.source_row) + "; a lead has one source");
      }
    }
    if (identity.segment_ok && !identity.segment.empty()) {
      const auto segment =
          static_cast<std::int32_t>(intern(segment_index_, history_.segments, identity.segment));
      if (state.segment_row == 0) {
        lead.segment = segment;
        state.segment_row = row;
      } else if (lead.segment != segment) {
        error(row, COLUMN_NAMES[SEGMENT],
              "lead '" + lead.id + "' has segment '" + std::string(identity.segment) +
                  "' here but '" + history_.segments[static_cast<std::size_t>(lead.segment)] +
                  "' at row " + std::to_string(state.segment_row) + "; a lead has one segment");
      }
    }
    return index;
  }

  static std::uint32_t intern(IdIndex& index, std::vector<std::string>& ids, std::string_view id) {
    const auto next = static_cast<std::uint32_t>(ids.size());
    const auto found =
        index.find_or_add(id, next, [&](std::uint32_t i) -> const std::string& { return ids[i]; });
    if (!found) ids.emplace_back(id);
    return found.value_or(next);
  }

  void read_long_row(const CsvRecord& record) {
    const std::size_t row = record.row;
    const RowIdentity identity = read_identity(record);
    std::optional<std::uint16_t> stage;
    if (const std::string_view text = cell(record, STAGE); text.empty()) {
      error(row, COLUMN_NAMES[STAGE], "is empty");
    } else if (const auto exact = stage_index_.find(text); exact != stage_index_.end()) {
      stage = static_cast<std::uint16_t>(exact->second);
    } else if (const auto it = stage_index_.find(lower(text)); it != stage_index_.end()) {
      stage = static_cast<std::uint16_t>(it->second);  // stage ids are lower case
    } else {
      error(row, COLUMN_NAMES[STAGE],
            "unknown stage '" + std::string(text) + "'" +
                models::suggestion_text(lower(text), history_.stages));
    }
    const std::optional<double> time =
        read_time(row, COLUMN_NAMES[TIMESTAMP], cell(record, TIMESTAMP));
    const std::optional<double> amount = read_amount(record);
    if (!identity.lead_ok) return;
    const std::uint32_t lead = lead_of(row, identity);
    if (!time) return;
    LeadState& state = lead_state_[lead];
    if (*time < state.latest) {
      const auto [now, before] = format_pair(*time, state.latest);
      error(row, COLUMN_NAMES[TIMESTAMP],
            "lead '" + history_.leads[lead].id + "': " + now + " at row " + std::to_string(row) +
                " is earlier than " + before + " at row " + std::to_string(state.latest_row) +
                "; a lead's rows must be in time order");
    } else {
      state.latest = *time;
      state.latest_row = row;
    }
    if (stage) raw_events_.push_back({lead, *stage, *time, row});
    if (amount) {
      history_.leads[lead].amount = *amount;
      history_.leads[lead].amount_time = *time;
    }
  }

  void read_wide_row(const CsvRecord& record) {
    const std::size_t row = record.row;
    const RowIdentity identity = read_identity(record);
    const std::optional<double> amount = read_amount(record);
    row_events_.clear();
    bool any_cell = false;
    double latest = NO_TIME;
    std::size_t latest_stage = NONE;
    for (const auto& [column, stage] : stage_columns_) {
      const std::string_view text = trim(record.fields[column]);
      if (text.empty()) continue;  // never entered
      any_cell = true;
      const std::string& name = history_.stages[stage];
      const std::optional<double> time = read_time(row, name, text);
      if (!time) continue;
      if (*time < latest) {
        const auto [now, before] = format_pair(*time, latest);
        error(row, name,
              "lead '" + std::string(identity.lead) + "': column '" + name + "' (" + now +
                  ") is earlier than column '" + history_.stages[latest_stage] + "' (" + before +
                  ") to its left; a lead's stage timestamps must not decrease from left to right");
      } else {
        latest = *time;
        latest_stage = stage;
      }
      row_events_.push_back({0, stage, *time, row});
    }
    if (!any_cell) {
      empty_rows_.push_back(row);
      return;
    }
    if (!identity.lead_ok) return;
    const std::uint32_t lead = lead_of(row, identity);
    for (HistoryEvent& e : row_events_) {
      e.lead = lead;
      raw_events_.push_back(e);
    }
    if (amount && latest != NO_TIME) {
      history_.leads[lead].amount = *amount;
      history_.leads[lead].amount_time = latest;
    }
  }

  void warn_empty_rows() {
    std::string rows;
    constexpr std::size_t LIST = 10;
    for (std::size_t i = 0; i < std::min(LIST, empty_rows_.size()); ++i)
      rows += (i > 0 ? ", " : "") + std::to_string(empty_rows_[i]);
    if (empty_rows_.size() > LIST) rows += ", ...";
    history_.warnings.push_back("skipped " + std::to_string(empty_rows_.size()) +
                                (empty_rows_.size() == 1 ? " row" : " rows") +
                                " with no stage timestamp (rows " + rows + ")");
  }

  // ---- Events

  /// Puts raw_events_ (file order) into history_.events grouped by lead and sorted by time,
  /// sets each lead's range and the history's time span, and reports duplicate events.
  void group_events() {
    const std::size_t leads = history_.leads.size();
    // Counting sort by lead: linear, and stable, so each lead's events stay in file order.
    std::vector<std::uint32_t> start(leads + 1, 0);
    for (const HistoryEvent& e : raw_events_) ++start[e.lead + 1];
    for (std::size_t l = 0; l < leads; ++l) start[l + 1] += start[l];
    std::vector<HistoryEvent>& events = history_.events;
    events.resize(raw_events_.size());
    {
      std::vector<std::uint32_t> next(start.begin(), start.end() - 1);
      for (const HistoryEvent& e : raw_events_) events[next[e.lead]++] = e;
    }
    std::vector<HistoryEvent>().swap(raw_events_);
    const auto by_time = [](const HistoryEvent& a, const HistoryEvent& b) {
      return a.time < b.time;
    };
    std::vector<const HistoryEvent*> same_time;
    for (std::size_t l = 0; l < leads; ++l) {
      HistoryLead& lead = history_.leads[l];
      lead.first_event = start[l];
      lead.event_count = start[l + 1] - start[l];
      const auto first = events.begin() + start[l], last = events.begin() + start[l + 1];
      if (!std::is_sorted(first, last, by_time)) std::stable_sort(first, last, by_time);
      // A duplicate has its original's time, so it is in the same run of equal times.
      for (auto run = first; run != last;) {
        auto run_end = run + 1;
        while (run_end != last && run_end->time == run->time) ++run_end;
        if (run_end - run > 1) report_duplicates(lead, run, run_end, same_time);
        run = run_end;
      }
    }
    if (!events.empty()) {
      const auto [lo, hi] = std::minmax_element(events.begin(), events.end(), by_time);
      history_.first_time = lo->time;
      history_.last_time = hi->time;
    }
  }

  void report_duplicates(const HistoryLead& lead, std::vector<HistoryEvent>::iterator first,
                         std::vector<HistoryEvent>::iterator last,
                         std::vector<const HistoryEvent*>& same_time) {
    same_time.clear();
    for (auto it = first; it != last; ++it) same_time.push_back(&*it);
    std::sort(same_time.begin(), same_time.end(), [](const HistoryEvent* a, const HistoryEvent* b) {
      return a->stage != b->stage ? a->stage < b->stage : a->row < b->row;
    });
    for (std::size_t i = 1, original = 0; i < same_time.size(); ++i) {
      if (same_time[i]->stage != same_time[original]->stage) {
        original = i;
        continue;
      }
      const HistoryEvent& e = *same_time[i];
      const std::string& stage = history_.stages[e.stage];
      error(e.row, history_.layout == "long" ? std::string(COLUMN_NAMES[STAGE]) : stage,
            "duplicate event: lead '" + lead.id + "' entering '" + stage + "' at " +
                format_iso_timestamp(e.time) + " is already at row " +
                std::to_string(same_time[original]->row));
    }
  }

  std::string_view text_;
  CsvReader reader_;
  const std::string& name_;
  History history_;
  std::unordered_map<std::string_view, std::uint32_t> stage_index_;  // into history_.stages
  std::array<std::size_t, COLUMN_COUNT> column_{};
  std::vector<std::pair<std::size_t, std::uint16_t>> stage_columns_;  // wide: (column, stage)
  std::size_t header_row_ = 1, header_size_ = 0;
  bool header_fatal_ = false;
  IdIndex lead_index_, source_index_, segment_index_;
  std::vector<LeadState> lead_state_;
  std::vector<HistoryEvent> raw_events_;  // in file order
  std::vector<HistoryEvent> row_events_;  // wide: one row's, reused
  std::vector<std::size_t> empty_rows_;   // wide: rows without any stage timestamp
  std::vector<HistoryError> errors_;
  std::size_t unkept_ = 0;
};

}  // namespace

History parse_history(std::string_view text, const std::string& name, const HistorySchema& schema) {
  return HistoryParser(text, name, schema).run();
}

History read_history(const std::string& path, const HistorySchema& schema) {
  const auto cannot = [&](const char* what, int error_number) {
    return HistoryReadError(path,
                            {{0, "", std::string(what) + ": " + std::strerror(error_number)}});
  };
  errno = 0;
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                             &std::fclose);
  if (!file) throw cannot("cannot open the lead history", errno);
  std::string text;
  std::error_code size_error;
  if (const auto size = std::filesystem::file_size(path, size_error); !size_error)
    text.reserve(static_cast<std::size_t>(size));
  char buffer[1 << 16];
  for (;;) {
    const std::size_t got = std::fread(buffer, 1, sizeof buffer, file.get());
    text.append(buffer, got);
    if (got < sizeof buffer) break;
  }
  if (std::ferror(file.get())) throw cannot("cannot read the lead history", errno);
  return parse_history(text, path, schema);
}

History History::before(double as_of) const {
  History out;
  out.stages = stages;
  out.entry_stage = entry_stage;
  out.sources = sources;
  out.segments = segments;
  out.layout = layout;
  out.warnings = warnings;
  bool any = false;
  for (const HistoryLead& lead : leads) {
    // A lead's events are sorted by time, so the ones kept are a prefix.
    const auto first = events.begin() + lead.first_event;
    const auto kept_end = std::partition_point(
        first, first + lead.event_count, [&](const HistoryEvent& e) { return e.time < as_of; });
    if (kept_end == first) continue;
    HistoryLead copy = lead;
    copy.first_event = static_cast<std::uint32_t>(out.events.size());
    copy.event_count = static_cast<std::uint32_t>(kept_end - first);
    if (!(copy.amount >= 0.0 && copy.amount_time < as_of)) {
      copy.amount = -1;
      copy.amount_time = 0;
    }
    const auto index = static_cast<std::uint32_t>(out.leads.size());
    for (auto it = first; it != kept_end; ++it) {
      HistoryEvent e = *it;
      e.lead = index;
      out.events.push_back(e);
      out.first_time = any ? std::min(out.first_time, e.time) : e.time;
      out.last_time = any ? std::max(out.last_time, e.time) : e.time;
      any = true;
    }
    out.leads.push_back(std::move(copy));
  }
  return out;
}

}  // namespace funnelsim::calibration
