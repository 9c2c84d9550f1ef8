// CRM lead history from CSV: the calendar arithmetic, timestamps, both layouts, CSV quoting,
// History::before, and every validation rule with the row it reports.
#include "models/calibration/history.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace funnelsim::calibration {
namespace {

HistorySchema schema() {
  HistorySchema s;
  s.stages = {"inquiry", "mql", "sal", "sql", "won", "lost"};
  s.entry_stage = 0;
  return s;
}

History parse(const std::string& text) {
  return parse_history(text, "h.csv", schema());
}

/// The errors reading `text` throws; a test failure if it reads.
std::vector<HistoryError> errors_of(const std::string& text) {
  try {
    parse(text);
  } catch (const HistoryReadError& e) {
    return e.errors;
  }
  ADD_FAILURE() << "read without error:\n" << text;
  return {};
}

std::string list(const std::vector<HistoryError>& errors) {
  std::string text;
  for (const HistoryError& e : errors) text += format_history_error("h.csv", e) + "\n";
  return text;
}

/// True if `errors` holds one at `row` in `column` whose message contains `part`.
::testing::AssertionResult has_error(const std::vector<HistoryError>& errors, std::size_t row,
                                     const std::string& column, const std::string& part) {
  for (const HistoryError& e : errors)
    if (e.row == row && e.column == column && e.message.find(part) != std::string::npos)
      return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no error at row " << row << ", column '" << column
                                       << "' containing \"" << part << "\" among:\n"
                                       << list(errors);
}

/// The single error `text` gives must be at `row` in `column` and contain `part`.
void expect_only_error(const std::string& text, std::size_t row, const std::string& column,
                       const std::string& part) {
  const auto errors = errors_of(text);
  EXPECT_EQ(errors.size(), 1u) << list(errors);
  EXPECT_TRUE(has_error(errors, row, column, part));
}

double at(const char* timestamp) {
  const auto t = parse_iso_timestamp(timestamp);
  EXPECT_TRUE(t.has_value()) << timestamp;
  return t.value_or(std::numeric_limits<double>::quiet_NaN());
}

const std::string LONG_HEADER = "lead_id,stage,timestamp,source\n";

// ---- Calendar

TEST(HistoryCalendar, KnownDates) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(1900, 1, 1), -25567);
  EXPECT_EQ(days_from_civil(2026, 3, 1), 20513);
  EXPECT_EQ(days_from_civil(2200, 12, 31), 84370);
  EXPECT_EQ(days_from_civil(0, 3, 1), -719468);
  const CivilDate d = civil_from_days(-719469);  // the day before 0000-03-01
  EXPECT_EQ(d.year, 0);
  EXPECT_EQ(d.month, 2);
  EXPECT_EQ(d.day, 29);  // year 0 is a leap year (divisible by 400)
}

TEST(HistoryCalendar, RoundTripsOver1900To2200AgainstABruteForceDayCount) {
  // Walk the calendar a day at a time with a month table and the leap rule written out here.
  const std::array<int, 12> month_days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int count = -25567;  // 1900-01-01, checked above against an independent source
  for (int y = 1900; y <= 2200; ++y) {
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    for (int m = 1; m <= 12; ++m) {
      const int days = month_days[static_cast<std::size_t>(m - 1)] + (m == 2 && leap ? 1 : 0);
      for (int d = 1; d <= days; ++d, ++count) {
        ASSERT_EQ(days_from_civil(y, m, d), count) << y << "-" << m << "-" << d;
        const CivilDate back = civil_from_days(count);
        ASSERT_EQ(back.year, y);
        ASSERT_EQ(back.month, m);
        ASSERT_EQ(back.day, d);
      }
    }
  }
  EXPECT_EQ(count, days_from_civil(2201, 1, 1));
}

TEST(HistoryCalendar, LeapDays) {
  for (const int y : {1600, 2000, 2024, 2028, 2400}) EXPECT_TRUE(is_leap_year(y)) << y;
  for (const int y : {1700, 1900, 2023, 2025, 2100, 2200}) EXPECT_FALSE(is_leap_year(y)) << y;
  EXPECT_TRUE(parse_iso_timestamp("2024-02-29"));
  EXPECT_TRUE(parse_iso_timestamp("2000-02-29T12:00"));
  EXPECT_FALSE(parse_iso_timestamp("2023-02-29"));
  EXPECT_FALSE(parse_iso_timestamp("1900-02-29"));
  EXPECT_FALSE(parse_iso_timestamp("2100-02-29"));
  EXPECT_FALSE(parse_iso_timestamp("2024-02-30"));
  EXPECT_EQ(days_from_civil(2024, 3, 1) - days_from_civil(2024, 2, 28), 2);
  EXPECT_EQ(days_from_civil(2100, 3, 1) - days_from_civil(2100, 2, 28), 1);
  EXPECT_EQ(days_from_civil(2001, 1, 1) - days_from_civil(2000, 1, 1), 366);
  EXPECT_EQ(days_from_civil(1901, 1, 1) - days_from_civil(1900, 1, 1), 365);
}

// ---- Timestamps

TEST(HistoryTimestamp, AcceptedForms) {
  const double day = days_from_civil(2026, 3, 1);
  EXPECT_EQ(at("2026-03-01"), day);
  EXPECT_EQ(at("2026-03-01T09:30"), day + (9 * 3600 + 30 * 60) / 86400.0);
  EXPECT_EQ(at("2026-03-01 09:30"), at("2026-03-01T09:30"));
  EXPECT_EQ(at("2026-03-01t09:30"), at("2026-03-01T09:30"));
  EXPECT_EQ(at("2026-03-01T09:30:15"), day + (9 * 3600 + 30 * 60 + 15) / 86400.0);
  EXPECT_NEAR(at("2026-03-01T09:30:15.25"), day + (9 * 3600 + 30 * 60 + 15.25) / 86400.0, 1e-11);
  EXPECT_NEAR(at("2026-03-01T09:30:15.123456789123"), at("2026-03-01T09:30:15.123456789"), 1e-12);
  EXPECT_EQ(at("2026-03-01T09:30Z"), at("2026-03-01T09:30"));
  EXPECT_EQ(at("2026-03-01T09:30:00z"), at("2026-03-01T09:30"));
  EXPECT_EQ(at("1969-12-31T18:00"), -0.25);
}

TEST(HistoryTimestamp, OffsetsAreConvertedToUtc) {
  // The same instant in three offsets: the same double, not merely close.
  EXPECT_EQ(at("2026-03-01T10:00+02:00"), at("2026-03-01T08:00Z"));
  EXPECT_EQ(at("2026-03-01T03:00-05:00"), at("2026-03-01T08:00"));
  EXPECT_EQ(at("2026-03-01T01:00+05:30"), at("2026-02-28T19:30"));  // back across a month
  EXPECT_EQ(at("2024-02-28T22:00-03:00"), at("2024-02-29T01:00"));  // forward onto a leap day
  EXPECT_EQ(at("2026-12-31T23:30:45.5-00:45"), at("2027-01-01T00:15:45.5"));
  EXPECT_EQ(format_iso_timestamp(at("2026-03-01T10:00+02:00")), "2026-03-01T08:00");
}

TEST(HistoryTimestamp, RejectsEverythingElse) {
  for (const char* text : {"",
                           "2026",
                           "2026-03",
                           "2026-3-1",
                           "26-03-01",
                           "03/01/2026",
                           "2026/03/01",
                           "20260301",
                           " 2026-03-01",
                           "2026-03-01 ",
                           "2026-03-01T",
                           "2026-03-01T9:30",
                           "2026-03-01T09",
                           "2026-03-01T09:30:5",
                           "2026-03-01T09:30:00.",
                           "2026-03-01T09:30:00,5",
                           "2026-03-01Z",
                           "2026-03-01T09:30 Z",
                           "2026-03-01T09:30+0200",
                           "2026-03-01T09:30+02",
                           "2026-03-01x09:30",
                           "2026-00-10",
                           "2026-13-01",
                           "2026-04-31",
                           "2026-03-00",
                           "2026-03-01T24:00",
                           "2026-03-01T23:60",
                           "2026-03-01T23:59:60",
                           "2026-03-01T10:00+24:00",
                           "2026-03-01T10:00+01:60",
                           "+2026-03-01"})
    EXPECT_FALSE(parse_iso_timestamp(text)) << "'" << text << "'";
}

TEST(HistoryTimestamp, FormatsToTheMinuteInUtc) {
  EXPECT_EQ(format_iso_timestamp(0.0), "1970-01-01T00:00");
  EXPECT_EQ(format_iso_timestamp(at("2026-03-01T09:30")), "2026-03-01T09:30");
  EXPECT_EQ(format_iso_timestamp(at("2026-03-01T09:30:59.9")), "2026-03-01T09:30");  // truncated
  EXPECT_EQ(format_iso_timestamp(at("1969-12-31T23:59")), "1969-12-31T23:59");
  EXPECT_EQ(format_iso_timestamp(at("2024-02-29T23:59")), "2024-02-29T23:59");
  EXPECT_EQ(format_iso_timestamp(std::nan("")), "(invalid time)");
  EXPECT_EQ(format_iso_timestamp(std::numeric_limits<double>::infinity()), "(invalid time)");
  // Every minute of a few days, the epoch's and 2026's: parsed, formatted, the same text.
  for (const int base : {days_from_civil(1969, 12, 31), days_from_civil(2026, 2, 27)})
    for (int minute = 0; minute < 3 * 1440; ++minute) {
      const CivilDate d = civil_from_days(base + minute / 1440);
      char text[32];
      std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d", d.year, d.month, d.day,
                    minute % 1440 / 60, minute % 60);
      ASSERT_EQ(format_iso_timestamp(at(text)), text);
    }
}

// ---- Layouts

const std::string LONG = R"(lead_id,stage,timestamp,source,segment,amount
L1,inquiry,2026-01-05T09:00,web,smb,
L2,inquiry,2026-01-06,events,ent,
L1,mql,2026-01-07T10:30,web,smb,
L2,mql,2026-01-09T12:00Z,events,ent,
L1,sal,2026-01-20T08:00,web,smb,12000
L3,inquiry,2026-02-01T00:00,web,,
L2,lost,2026-02-10T09:15,events,ent,
)";

const std::string WIDE = R"(lead_id,source,segment,amount,inquiry,mql,sal,sql,won,lost
L1,web,smb,12000,2026-01-05T09:00,2026-01-07T10:30,2026-01-20T08:00,,,
L2,events,ent,,2026-01-06,2026-01-09T12:00Z,,,,2026-02-10T09:15
L3,web,,,2026-02-01T00:00,,,,,
)";

void expect_same_history(const History& a, const History& b) {
  EXPECT_EQ(a.stages, b.stages);
  EXPECT_EQ(a.entry_stage, b.entry_stage);
  EXPECT_EQ(a.sources, b.sources);
  EXPECT_EQ(a.segments, b.segments);
  EXPECT_EQ(a.first_time, b.first_time);
  EXPECT_EQ(a.last_time, b.last_time);
  ASSERT_EQ(a.leads.size(), b.leads.size());
  for (std::size_t i = 0; i < a.leads.size(); ++i) {
    EXPECT_EQ(a.leads[i].id, b.leads[i].id);
    EXPECT_EQ(a.leads[i].source, b.leads[i].source);
    EXPECT_EQ(a.leads[i].segment, b.leads[i].segment);
    EXPECT_EQ(a.leads[i].amount, b.leads[i].amount);
    EXPECT_EQ(a.leads[i].amount_time, b.leads[i].amount_time);
    EXPECT_EQ(a.leads[i].first_event, b.leads[i].first_event);
    EXPECT_EQ(a.leads[i].event_count, b.leads[i].event_count);
  }
  ASSERT_EQ(a.events.size(), b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i) {
    EXPECT_EQ(a.events[i].lead, b.events[i].lead) << i;
    EXPECT_EQ(a.events[i].stage, b.events[i].stage) << i;
    EXPECT_EQ(a.events[i].time, b.events[i].time) << i;
  }
}

TEST(HistoryLayouts, LongAndWideReadToTheSameHistory) {
  const History l = parse(LONG), w = parse(WIDE);
  EXPECT_EQ(l.layout, "long");
  EXPECT_EQ(w.layout, "wide");
  EXPECT_TRUE(l.warnings.empty());
  EXPECT_TRUE(w.warnings.empty());
  expect_same_history(l, w);

  // And the history is the one written.
  EXPECT_EQ(l.sources, (std::vector<std::string>{"web", "events"}));
  EXPECT_EQ(l.segments, (std::vector<std::string>{"smb", "ent"}));
  ASSERT_EQ(l.leads.size(), 3u);
  EXPECT_EQ(l.leads[0].id, "L1");
  EXPECT_EQ(l.leads[0].source, 0u);
  EXPECT_EQ(l.leads[0].segment, 0);
  EXPECT_EQ(l.leads[0].amount, 12000.0);
  EXPECT_EQ(l.leads[0].amount_time, at("2026-01-20T08:00"));
  EXPECT_EQ(l.leads[1].source, 1u);
  EXPECT_EQ(l.leads[1].segment, 1);
  EXPECT_EQ(l.leads[1].amount, -1.0);
  EXPECT_EQ(l.leads[2].segment, -1);
  EXPECT_EQ(l.first_time, at("2026-01-05T09:00"));
  EXPECT_EQ(l.last_time, at("2026-02-10T09:15"));
  // Grouped by lead, in time order within each.
  const std::vector<std::pair<std::uint32_t, std::uint16_t>> expected = {
      {0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 5}, {2, 0}};
  ASSERT_EQ(l.events.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(l.events[i].lead, expected[i].first) << i;
    EXPECT_EQ(l.events[i].stage, expected[i].second) << i;
  }
  EXPECT_EQ(l.leads[1].first_event, 3u);
  EXPECT_EQ(l.leads[1].event_count, 3u);
  // Rows are the file's lines.
  EXPECT_EQ(l.events[0].row, 2u);
  EXPECT_EQ(l.events[5].row, 8u);
  EXPECT_EQ(w.events[5].row, 3u);
}

TEST(HistoryLayouts, HeaderNamesAreCaseInsensitiveTrimmedInAnyOrderAndUnknownOnesAreWarned) {
  const History h = parse(
      " Source ,TIMESTAMP,owner, Lead_ID,Stage\n"
      "web,2026-01-05,ann,L1,inquiry\n"
      "web,2026-01-06,ann,L1,MQL\n");  // stage values match case-insensitively too
  EXPECT_EQ(h.layout, "long");
  ASSERT_EQ(h.events.size(), 2u);
  EXPECT_EQ(h.events[1].stage, 1u);
  EXPECT_TRUE(h.segments.empty());
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_NE(h.warnings[0].find("'owner' (column 3)"), std::string::npos) << h.warnings[0];

  const History w = parse("lead_id,source,inquiry,sqll\nL1,web,2026-01-05,\n");
  ASSERT_EQ(w.warnings.size(), 1u);
  EXPECT_NE(w.warnings[0].find("'sqll' (column 4; did you mean 'sql'?)"), std::string::npos)
      << w.warnings[0];
}

TEST(HistoryLayouts, WideEmptyCellsAreNeverEnteredAndRowsWithoutAnyAreSkipped) {
  const History h = parse(
      "lead_id,source,inquiry,mql,won\n"
      "A,web,2026-01-05,,2026-02-01\n"
      "B,web,,,\n"
      "C,web,2026-01-07,2026-01-08,\n");
  ASSERT_EQ(h.leads.size(), 2u);
  EXPECT_EQ(h.leads[0].event_count, 2u);
  EXPECT_EQ(h.leads[1].id, "C");
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_NE(h.warnings[0].find("skipped 1 row with no stage timestamp (rows 3)"), std::string::npos)
      << h.warnings[0];
}

TEST(HistoryLayouts, AmountIsTheLastNonEmptyOneAndSegmentsMayBeGivenOnAnyRow) {
  const History h = parse(
      "lead_id,stage,timestamp,source,segment,amount\n"
      "L1,inquiry,2026-01-05,web,,\n"
      "L1,mql,2026-01-06,web,ent,5000\n"
      "L1,sal,2026-01-07,web,,7500.5\n"
      "L1,sql,2026-01-08,web,ent,\n");
  ASSERT_EQ(h.leads.size(), 1u);
  EXPECT_EQ(h.leads[0].amount, 7500.5);
  EXPECT_EQ(h.leads[0].amount_time, at("2026-01-07"));
  EXPECT_EQ(h.leads[0].segment, 0);
  EXPECT_EQ(h.segments, std::vector<std::string>{"ent"});
}

TEST(HistoryLayouts, EventsAtOneInstantKeepTheirFileOrder) {
  const History h = parse(LONG_HEADER +
                          "L1,inquiry,2026-01-05T09:00,web\n"
                          "L1,sal,2026-01-05T09:00,web\n"
                          "L1,mql,2026-01-05T09:00,web\n");
  ASSERT_EQ(h.events.size(), 3u);
  EXPECT_EQ(h.events[0].stage, 0u);
  EXPECT_EQ(h.events[1].stage, 2u);
  EXPECT_EQ(h.events[2].stage, 1u);
}

// ---- CSV

TEST(HistoryCsv, QuotingByteOrderMarkCrlfAndBlankLines) {
  const std::string text =
      "\xEF\xBB\xBFlead_id,notes,stage,timestamp,source\r\n"                  // line 1
      "\"L,1\",\"said \"\"hi\"\",\r\nthen left\",inquiry,2026-01-05,web\r\n"  // lines 2-3
      "\r\n"                                                                  // 4: blank
      "  ,, ,\r\n"                                                            // 5: only separators
      "\"L\"\"2\", plain ,\"inquiry\",  \"2026-01-06\"  ,web\r\n"             // 6
      "\"L,1\",,mql,2026-01-07,web";  // 7: no final line break
  const History h = parse(text);
  ASSERT_EQ(h.leads.size(), 2u);
  EXPECT_EQ(h.leads[0].id, "L,1");
  EXPECT_EQ(h.leads[1].id, "L\"2");
  ASSERT_EQ(h.events.size(), 3u);
  EXPECT_EQ(h.events[0].row, 2u);
  EXPECT_EQ(h.events[1].row, 7u);
  EXPECT_EQ(h.events[2].row, 6u);
  EXPECT_EQ(h.events[2].time, at("2026-01-06"));
  EXPECT_TRUE(h.warnings.size() == 1 && h.warnings[0].find("'notes'") != std::string::npos);

  // Row numbers after a multi-line field, with LF and with lone CR line ends.
  for (const std::string eol : {"\n", "\r"}) {
    const std::string bad = "lead_id,notes,stage,timestamp,source" + eol + "L1,\"two" + eol +
                            "lines\",inquiry,2026-01-05,web" + eol + eol + "L1,,mql,yesterday,web" +
                            eol;
    expect_only_error(bad, 5, "timestamp", "'yesterday' is not a timestamp");
  }
}

TEST(HistoryCsv, MalformedQuotingIsReportedOnItsRow) {
  expect_only_error(LONG_HEADER + "L1,inquiry,2026-01-05,web\n\"L2\"x,inquiry,2026-01-05,web\n", 3,
                    "", "field 1 has text after its closing quote");
  const auto errors = errors_of(LONG_HEADER + "L1,inquiry,2026-01-05,web\n" +
                                "L2,\"inquiry,2026-01-05,web\nL3,mql,2026-01-06,web\n");
  EXPECT_TRUE(has_error(errors, 3, "", "a quoted field that starts on this row is never closed"));
}

// ---- before(as_of)

TEST(HistoryBefore, KeepsExactlyTheEventsStrictlyBeforeTheCut) {
  // 200 leads, each with up to 5 events at pseudo-random times over 60 days, in time order.
  std::ostringstream csv;
  csv << "lead_id,stage,timestamp,source,amount\n";
  std::uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int>(state >> 40);
  };
  const int start = days_from_civil(2026, 1, 1);
  std::vector<std::vector<int>> minutes(200);  // each lead's event minutes after the start
  std::ostringstream rows;
  for (std::size_t lead = 0; lead < minutes.size(); ++lead) {
    int minute = next() % (40 * 1440);
    const int events = 1 + next() % 5;
    for (int e = 0; e < events; ++e) {
      minutes[lead].push_back(minute);
      const CivilDate d = civil_from_days(start + minute / 1440);
      char line[96];
      std::snprintf(line, sizeof line, "L%zu,%s,%04d-%02d-%02dT%02d:%02d,web,%s\n", lead,
                    schema().stages[static_cast<std::size_t>(e)].c_str(), d.year, d.month, d.day,
                    minute % 1440 / 60, minute % 60, e == events - 1 ? "100" : "");
      csv << line;
      minute += next() % (5 * 1440);
    }
  }
  const History full = parse(csv.str());
  ASSERT_EQ(full.leads.size(), 200u);
  // Cut at an event's exact time, so "strictly before" is tested at the edge.
  const int cut_minute = minutes[7][0];
  const double as_of = full.events[full.leads[7].first_event].time;
  const History h = full.before(as_of);

  std::size_t kept_events = 0, kept_leads = 0;
  for (std::size_t lead = 0; lead < minutes.size(); ++lead) {
    std::size_t kept = 0;
    for (const int m : minutes[lead]) kept += m < cut_minute ? 1 : 0;
    if (kept == 0) continue;
    ASSERT_LT(kept_leads, h.leads.size());
    const HistoryLead& l = h.leads[kept_leads];
    EXPECT_EQ(l.id, "L" + std::to_string(lead));
    EXPECT_EQ(l.event_count, kept);
    EXPECT_EQ(l.first_event, kept_events);
    // The amount is on the lead's last row: kept only if that row is before the cut.
    const bool amount_known = minutes[lead].back() < cut_minute;
    EXPECT_EQ(l.amount, amount_known ? 100.0 : -1.0) << l.id;
    ++kept_leads;
    kept_events += kept;
  }
  EXPECT_EQ(h.leads.size(), kept_leads);
  ASSERT_EQ(h.events.size(), kept_events);
  EXPECT_GT(kept_leads, 10u);
  EXPECT_LT(kept_leads, 200u);
  for (std::size_t l = 0; l < h.leads.size(); ++l)
    for (std::uint32_t i = 0; i < h.leads[l].event_count; ++i) {
      const HistoryEvent& e = h.events[h.leads[l].first_event + i];
      EXPECT_EQ(e.lead, l);
      EXPECT_LT(e.time, as_of);
    }
  double lo = h.events[0].time, hi = lo;
  for (const HistoryEvent& e : h.events) lo = std::min(lo, e.time), hi = std::max(hi, e.time);
  EXPECT_EQ(h.first_time, lo);
  EXPECT_EQ(h.last_time, hi);
  EXPECT_EQ(h.sources, full.sources);
  EXPECT_EQ(h.layout, "long");

  // The ends: everything, and nothing.
  EXPECT_EQ(full.before(full.last_time + 1e-9).events.size(), full.events.size());
  const History none = full.before(full.first_time);
  EXPECT_TRUE(none.events.empty());
  EXPECT_TRUE(none.leads.empty());
}

// ---- Validation: one rule at a time

TEST(HistoryValidation, MissingRequiredColumns) {
  expect_only_error("lead_id,stage,source\nL1,inquiry,web\n", 1, "timestamp",
                    "is missing: the long layout needs lead_id, stage, timestamp and source");
  expect_only_error("lead_id,inquiry,mql\nL1,2026-01-05,\n", 1, "source",
                    "is missing: the wide layout needs");
  const auto errors = errors_of("id,source,when\nL1,web,2026-01-05\n");
  EXPECT_EQ(errors.size(), 2u) << list(errors);
  EXPECT_TRUE(has_error(errors, 1, "", "cannot tell the layout"));
  EXPECT_TRUE(has_error(errors, 1, "lead_id", "is missing"));
}

TEST(HistoryValidation, DuplicateHeaderNames) {
  expect_only_error("lead_id,stage,timestamp,source, Stage\nL1,inquiry,2026-01-05,web,mql\n", 1,
                    "stage", "appears more than once in the header (columns 2 and 5)");
}

TEST(HistoryValidation, WrongNumberOfFields) {
  expect_only_error(LONG_HEADER + "L1,inquiry,2026-01-05,web\nL1,mql,2026-01-06,web,extra\n", 3, "",
                    "has 5 fields, but the header has 4");
}

TEST(HistoryValidation, EmptyLeadIdStageAndSource) {
  expect_only_error(LONG_HEADER + "L1,inquiry,2026-01-05,web\n ,mql,2026-01-06,web\n", 3, "lead_id",
                    "is empty");
  expect_only_error(LONG_HEADER + "L1,inquiry,2026-01-05,web\nL1,,2026-01-06,web\n", 3, "stage",
                    "is empty");
  expect_only_error(LONG_HEADER + "L1,inquiry,2026-01-05,\n", 2, "source", "is empty");
}

TEST(HistoryValidation, UnknownStageSuggestsTheNearest) {
  expect_only_error(LONG_HEADER + "L1,inquiry,2026-01-05,web\nL1,sqll,2026-01-06,web\n", 3, "stage",
                    "unknown stage 'sqll'; did you mean 'sql'?");
  expect_only_error(LONG_HEADER + "L1,qualified,2026-01-05,web\n", 2, "stage",
                    "unknown stage 'qualified'; valid: inquiry, mql, sal, sql, won, lost");
}

TEST(HistoryValidation, SourceAndSegmentIdsMustBeIds) {
  expect_only_error(LONG_HEADER + "L1,inquiry,2026-01-05,Paid Search\n", 2, "source",
                    "'Paid Search' is not a valid source id: ids are lower-case letters, digits "
                    "and '_', starting with a letter ([a-z][a-z0-9_]*); e.g. 'paid_search'");
  expect_only_error("lead_id,stage,timestamp,source,segment\nL1,inquiry,2026-01-05,web,1smb\n", 2,
                    "segment", "'1smb' is not a valid segment id");
}

TEST(HistoryValidation, ALeadHasOneSourceAndOneSegment) {
  expect_only_error(LONG_HEADER + "L1,inquiry,2026-01-05,web\nL2,inquiry,2026-01-05,web\n" +
                        "L1,mql,2026-01-06,events\n",
                    4, "source", "lead 'L1' has source 'events' here but 'web' at row 2");
  expect_only_error(
      "lead_id,stage,timestamp,source,segment\n"
      "L1,inquiry,2026-01-05,web,\nL1,mql,2026-01-06,web,smb\nL1,sal,2026-01-07,web,ent\n",
      4, "segment", "lead 'L1' has segment 'ent' here but 'smb' at row 3");
}

TEST(HistoryValidation, UnparseableTimestampsAreQuotedWithTheAcceptedForms) {
  expect_only_error(LONG_HEADER + "L1,inquiry,03/01/2026,web\n", 2, "timestamp",
                    "'03/01/2026' is not a timestamp; accepted forms: YYYY-MM-DD, "
                    "YYYY-MM-DDTHH:MM, YYYY-MM-DDTHH:MM:SS");
  expect_only_error(LONG_HEADER + "L1,inquiry,2026-02-29,web\n", 2, "timestamp",
                    "'2026-02-29' is not a valid timestamp: 2026 is not a leap year");
  expect_only_error(LONG_HEADER + "L1,inquiry,2026-04-31T10:00,web\n", 2, "timestamp",
                    "April has 30 days");
  expect_only_error(LONG_HEADER + "L1,inquiry,2026-04-30T24:00,web\n", 2, "timestamp",
                    "hour 24 is not 00-23");
  expect_only_error(LONG_HEADER + "L1,inquiry,,web\n", 2, "timestamp", "is empty");
  expect_only_error("lead_id,source,inquiry,mql\nL1,web,2026-01-05,soon\n", 2, "mql",
                    "'soon' is not a timestamp");
}

TEST(HistoryValidation, AmountsAreFiniteNumbersAtLeastZero) {
  const std::string header = "lead_id,stage,timestamp,source,amount\n";
  for (const char* bad : {"1,200", "$100", "12k", "nan", "inf", "0x10", "1.2.3"})
    expect_only_error(header + "L1,inquiry,2026-01-05,web,\"" + bad + "\"\n", 2, "amount",
                      std::string(1, '\'') + bad + "' is not an amount: expected a number");
  for (const char* bad : {"-5", "1e999"})
    expect_only_error(header + "L1,inquiry,2026-01-05,web," + bad + "\n", 2, "amount",
                      "'" + std::string(bad) + "' is not an amount: it must be a finite number");
  EXPECT_EQ(parse(header + "L1,inquiry,2026-01-05,web,0\n").leads[0].amount, 0.0);
  EXPECT_EQ(parse(header + "L1,inquiry,2026-01-05,web,1.5e3\n").leads[0].amount, 1500.0);
}

TEST(HistoryValidation, DuplicateEventsNameTheFirstRow) {
  expect_only_error(LONG_HEADER +
                        "L1,inquiry,2026-01-05T09:00,web\nL1,mql,2026-01-06T09:00,web\n"
                        "L1,mql,2026-01-06T11:00+02:00,web\n",
                    4, "stage",
                    "duplicate event: lead 'L1' entering 'mql' at 2026-01-06T09:00 is already "
                    "at row 3");
  // Wide: the same lead on two rows.
  expect_only_error("lead_id,source,inquiry,mql\nL1,web,2026-01-05,\nL1,web,2026-01-05,\n", 3,
                    "inquiry", "duplicate event: lead 'L1' entering 'inquiry'");
}

TEST(HistoryValidation, LongRowsOfALeadMustBeInTimeOrder) {
  expect_only_error(LONG_HEADER + "L1,inquiry,2026-03-04T09:00,web\nL2,inquiry,2026-02-01,web\n" +
                        "L1,mql,2026-03-01T10:00,web\n",
                    4, "timestamp",
                    "lead 'L1': 2026-03-01T10:00 at row 4 is earlier than 2026-03-04T09:00 at "
                    "row 2");
  // Within one minute the message shows the seconds, else it would read "09:00 < 09:00".
  expect_only_error(
      LONG_HEADER + "L1,inquiry,2026-03-04T09:00:40,web\nL1,mql,2026-03-04T09:00:10.5,web\n", 3,
      "timestamp", "2026-03-04T09:00:10.500 at row 3 is earlier than 2026-03-04T09:00:40 at row 2");
}

TEST(HistoryValidation, WideStageTimestampsMustNotDecreaseFromLeftToRight) {
  expect_only_error(
      "lead_id,source,inquiry,mql,sal\nL1,web,2026-03-01,2026-03-04T09:00,2026-03-01T10:00\n", 2,
      "sal",
      "lead 'L1': column 'sal' (2026-03-01T10:00) is earlier than column 'mql' "
      "(2026-03-04T09:00) to its left");
}

TEST(HistoryValidation, AFileNeedsDataRows) {
  expect_only_error(LONG_HEADER, 1, "", "the file has a header but no data rows");
  expect_only_error(LONG_HEADER + "\n\n", 1, "", "the file has a header but no data rows");
  expect_only_error("", 1, "", "the file is empty");
  expect_only_error("lead_id,source,inquiry\nL1,web,\n", 1, "", "no row has a stage timestamp");
}

TEST(HistoryValidation, EveryErrorInAFileIsReportedAtOnceSortedByRow) {
  const std::string text =
      "lead_id,stage,timestamp,source,segment,amount\n"  // 1
      "L1,inquiry,2026-03-04T09:00,web,smb,\n"           // 2
      "L1,sqll,2026-03-05,web,smb,\n"                    // 3: unknown stage
      "L2,inquiry,2026-13-01,Web,,\n"                    // 4: bad timestamp, bad source id
      "L1,mql,2026-03-01T10:00,events,ent,-1\n"          // 5: order, source, segment, amount
      "L3,inquiry,2026-03-02\n"                          // 6: fields
      "L4,won,2026-03-06,web,,\n"                        // 7
      "L4,won,2026-03-06,web,,\n";                       // 8: duplicate of row 7
  std::vector<HistoryError> errors;
  std::string what;
  try {
    parse(text);
  } catch (const HistoryReadError& e) {
    errors = e.errors;
    what = e.what();
    EXPECT_EQ(e.file, "h.csv");
  }
  EXPECT_EQ(errors.size(), 9u) << list(errors);
  EXPECT_TRUE(has_error(errors, 3, "stage", "unknown stage 'sqll'"));
  EXPECT_TRUE(has_error(errors, 4, "timestamp", "month 13 is not 01-12"));
  EXPECT_TRUE(has_error(errors, 4, "source", "'Web' is not a valid source id"));
  EXPECT_TRUE(has_error(errors, 5, "timestamp", "is earlier than"));
  EXPECT_TRUE(has_error(errors, 5, "source", "has source 'events' here but 'web' at row 2"));
  EXPECT_TRUE(has_error(errors, 5, "segment", "has segment 'ent' here but 'smb' at row 2"));
  EXPECT_TRUE(has_error(errors, 5, "amount", "'-1' is not an amount"));
  EXPECT_TRUE(has_error(errors, 6, "", "has 3 fields, but the header has 6"));
  EXPECT_TRUE(
      has_error(errors, 8, "stage", "entering 'won' at 2026-03-06T00:00 is already at row 7"));
  for (std::size_t i = 1; i < errors.size(); ++i) EXPECT_LE(errors[i - 1].row, errors[i].row);
  // what(): one line per error, in the same order.
  std::string expected;
  for (const HistoryError& e : errors) {
    if (!expected.empty()) expected += '\n';
    expected += format_history_error("h.csv", e);
  }
  EXPECT_EQ(what, expected);
  EXPECT_EQ(what.substr(0, what.find('\n')),
            "h.csv:3: column 'stage': unknown stage 'sqll'; did you mean 'sql'?");
}

TEST(HistoryValidation, TheMessageListsFiftyErrorsThenCountsTheRest) {
  std::string text = LONG_HEADER;
  for (int i = 0; i < 60; ++i) {
    // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "L" + to_string(i) + ...
    text += 'L';
    text += std::to_string(i);
    text += ",nowhere,2026-01-05,web\n";
  }
  try {
    parse(text);
    FAIL() << "read without error";
  } catch (const HistoryReadError& e) {
    EXPECT_EQ(e.errors.size(), 60u);
    const std::string what = e.what();
    std::size_t lines = 1;
    for (const char c : what) lines += c == '\n' ? 1 : 0;
    EXPECT_EQ(lines, 51u);
    EXPECT_EQ(what.substr(what.rfind('\n') + 1), "... and 10 more");
    EXPECT_EQ(what.substr(0, what.find('\n')),
              "h.csv:2: column 'stage': unknown stage 'nowhere'; valid: inquiry, mql, sal, sql, "
              "won, lost");
  }
}

TEST(HistoryValidation, TheSchemaMustBeUsable) {
  HistorySchema s = schema();
  s.entry_stage = 6;
  EXPECT_THROW(parse_history(LONG, "h.csv", s), std::invalid_argument);
  EXPECT_THROW(parse_history(LONG, "h.csv", HistorySchema{}), std::invalid_argument);
}

// ---- Files

TEST(HistoryFile, ReadsAFileAndReportsAnUnreadableOneWithTheSystemReason) {
  const testing_support::TempDir dir;
  const std::string path = dir.file("history.csv");
  testing_support::write_text(path, WIDE);
  expect_same_history(read_history(path, schema()), parse(LONG));

  const std::string missing = dir.file("missing.csv");
  try {
    read_history(missing, schema());
    FAIL() << "read a missing file";
  } catch (const HistoryReadError& e) {
    ASSERT_EQ(e.errors.size(), 1u);
    EXPECT_EQ(e.errors[0].row, 0u);
    EXPECT_EQ(std::string(e.what()),
              missing + ": cannot open the lead history: No such file or directory");
  }
  EXPECT_THROW(read_history(dir.path().string(), schema()), HistoryReadError);  // a directory
}

}  // namespace
}  // namespace funnelsim::calibration
