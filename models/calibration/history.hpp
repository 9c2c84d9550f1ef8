// Lead history exported from a CRM, read from CSV: each lead's stage events in time order.
// The file format is documented in docs/history_format.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace funnelsim::calibration {

// ---- Dates and times. A time is a double: days since 1970-01-01 00:00 UTC, so the fraction
// is the time of day (0.5 = noon). Whole seconds are exact to well under a microsecond for
// dates within thousands of years of the epoch.

/// True if `year` of the proleptic Gregorian calendar has a February 29: divisible by 4, and
/// not by 100 unless by 400 (2000 and 2024 are; 1900, 2023 and 2100 are not).
bool is_leap_year(int year);

/// Days from 1970-01-01 to year-month-day of the proleptic Gregorian calendar (negative
/// before 1970). `month` is 1-12 and `day` 1-31; neither is checked, and a day past the end of
/// its month counts on into the next. Exact for years within +-5,000,000.
int days_from_civil(int year, int month, int day);

/// A calendar date of the proleptic Gregorian calendar.
struct CivilDate {
  int year = 1970;
  int month = 1;  ///< 1-12
  int day = 1;    ///< 1-31
};

/// The date `days` days after 1970-01-01: the inverse of days_from_civil.
CivilDate civil_from_days(int days);

/// Reads an ISO 8601 timestamp as days since 1970-01-01 00:00 UTC. Accepted forms:
/// `YYYY-MM-DD` (midnight), `YYYY-MM-DDTHH:MM`, `YYYY-MM-DDTHH:MM:SS` and
/// `YYYY-MM-DDTHH:MM:SS.fff` (any number of fraction digits; the first nine count). Forms with
/// a time may end in `Z` or a `+HH:MM` / `-HH:MM` offset, which is subtracted to give UTC; a
/// time without either is taken as UTC. A space or a lower-case `t` may replace the `T`.
/// The date must exist (February 29 only in leap years), hours are 00-23, minutes and seconds
/// 00-59 (no leap seconds). Nothing else is accepted, not even surrounding spaces: nullopt.
/// Equal instants give equal doubles whatever offsets they are written in.
std::optional<double> parse_iso_timestamp(std::string_view text);

/// `days` as `YYYY-MM-DDTHH:MM` in UTC, truncated to the minute (a time within a microsecond
/// below a whole minute counts as that minute, so parsed times print as written). Minutes,
/// not seconds: CRM exports rarely carry meaningful seconds, and the messages that quote
/// times stay short. Non-finite times or times beyond a million years from 1970 give
/// "(invalid time)".
std::string format_iso_timestamp(double days);

// ---- The history.

/// What a history may name, taken from the scenario the user gives.
struct HistorySchema {
  std::vector<std::string> stages;  ///< stage ids, in funnel order
  std::size_t entry_stage = 0;      ///< index in `stages` of the stage new leads enter
};

/// A lead entering a stage.
struct HistoryEvent {
  std::uint32_t lead = 0;   ///< index in History::leads
  std::uint16_t stage = 0;  ///< index in History::stages
  double time = 0;          ///< days since 1970-01-01 00:00 UTC
  std::size_t row = 0;      ///< the line of the file the event was read from (1 = header)
};

struct HistoryLead {
  std::string id;             ///< the lead_id as written (surrounding spaces removed)
  std::uint32_t source = 0;   ///< index in History::sources
  std::int32_t segment = -1;  ///< index in History::segments; -1: no segment column or value
  /// The lead's opportunity amount in dollars: the last non-empty amount among its rows, in
  /// file order; -1 when none.
  double amount = -1;
  /// When `amount` became known, days since 1970-01-01 UTC: the timestamp of the row that
  /// gave it (long layout), or the latest stage timestamp on that row (wide layout).
  /// History::before keeps the amount only if this is before its as-of time.
  double amount_time = 0;
  /// The lead's events are History::events[first_event, first_event + event_count), sorted
  /// by time (events at the same time keep their file order). Every lead has at least one.
  std::uint32_t first_event = 0, event_count = 0;
};

struct History {
  std::vector<std::string> stages;   ///< = the schema's stages
  std::size_t entry_stage = 0;       ///< = the schema's entry_stage
  std::vector<std::string> sources;  ///< source ids in order of first appearance
  /// Segment ids in order of first appearance; empty when the file has no segment column
  /// or every segment value is empty.
  std::vector<std::string> segments;
  std::vector<HistoryLead> leads;  ///< in order of first appearance in the file
  /// Grouped by lead, in the order of `leads` (each lead's events contiguous), each lead's
  /// sorted by time.
  std::vector<HistoryEvent> events;
  double first_time = 0, last_time = 0;  ///< earliest and latest event time; 0 when none
  std::string layout;                    ///< "long" or "wide"
  std::vector<std::string> warnings;     ///< problems that did not stop the read

  /// A copy holding only the events strictly before `as_of` (days since 1970-01-01 UTC), as
  /// a calibration as of that instant would have seen them. Leads left without events are
  /// dropped (lead indices are renumbered); a lead's amount is kept only if its amount_time
  /// is before `as_of`. Stages, sources, segments, layout and warnings are copied whole, so
  /// source and segment indices mean the same in both. first_time and last_time are those of
  /// the events kept.
  History before(double as_of) const;
};

/// One problem found in a history file.
struct HistoryError {
  std::size_t row = 0;  ///< the file's line (1 = header); 0 for the file as a whole
  std::string column;   ///< the column's name as the format spells it; empty for the row
  std::string message;  ///< what is wrong and what is expected
};

/// "FILE:ROW: column 'X': message", leaving out the column part when `column` is empty and
/// the row part when `row` is 0.
std::string format_history_error(const std::string& file, const HistoryError& error);

/// Thrown when a history cannot be read or breaks one or more rules. Carries every problem
/// found (up to MAX_KEPT), never just the first.
class HistoryReadError : public std::runtime_error {
 public:
  /// what() lists at most this many errors, then "... and N more".
  static constexpr std::size_t MAX_LISTED = 50;
  /// A reader keeps at most this many errors; `unkept` counts the rest.
  static constexpr std::size_t MAX_KEPT = 10000;

  /// Sorts `errors` by row (stably: a row's errors keep the order they were found in).
  HistoryReadError(std::string file, std::vector<HistoryError> errors, std::size_t unkept = 0);

  std::string file;                  ///< the path or name the history was read under
  std::vector<HistoryError> errors;  ///< sorted by row
  std::size_t unkept = 0;            ///< errors found beyond the MAX_KEPT in `errors`
};

/// Reads the lead history at `path`: CSV in the long or the wide layout of
/// docs/history_format.md, detected from the header. Validates every row and reports all
/// problems at once. Throws HistoryReadError for an unreadable file (with the system's
/// reason) and for any rule broken; std::invalid_argument if `schema` has no stages, more
/// than 65535, or an entry stage out of range.
History read_history(const std::string& path, const HistorySchema& schema);

/// As read_history, from `text` held in memory; `name` stands for the file in messages.
History parse_history(std::string_view text, const std::string& name, const HistorySchema& schema);

}  // namespace funnelsim::calibration
