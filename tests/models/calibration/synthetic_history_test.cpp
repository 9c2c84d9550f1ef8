// FunnelModel::simulate_history and the CSV drawn from it: every stage entry the model counts
// is recorded, once, for the lead that made it, and the file reads back to the same events.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "models/calibration/history.hpp"
#include "models/calibration/synthetic_history.hpp"
#include "models/funnel/funnel_model.hpp"
#include "models/scenario/scenario_loader.hpp"
#include "tests/models/calibration/calibration_support.hpp"

namespace funnelsim::calibration {
namespace {

using testing::load;

struct Recorded {
  std::vector<double> out;
  std::vector<models::StageEvent> events;
};

Recorded record(const models::FunnelModel& model, std::uint64_t seed, std::uint64_t rep) {
  Recorded r;
  r.out.assign(model.period_count() * model.metric_names().size(), 0.0);
  model.simulate_history(seed, rep, r.out, r.events);
  return r;
}

// The default scenario takes every path a lead can: scoring, nurture, queues, recycling,
// valves and a starting funnel. Each month's recorded entries per stage must equal the
// volume the replication reports, and the recorded deal values its pipeline and bookings.
TEST(SimulateHistory, RecordsEveryEntryTheModelCounts) {
  const models::Scenario sc =
      models::load_scenario_text(models::default_scenario_text(), "<default>");
  const models::FunnelModel model(sc);
  const Recorded r = record(model, 20270101, 3);
  const std::size_t metrics = model.metric_names().size(), stages = sc.stages.size();
  const std::size_t months = model.period_count();
  std::vector<double> entries(months * stages, 0.0), pipeline(months, 0.0);
  std::uint64_t before_start = 0;
  for (const models::StageEvent& e : r.events) {
    if (e.time < 0.0) {
      ++before_start;
      continue;
    }
    const auto m = static_cast<std::size_t>(
        model.calendar().month_of_day(static_cast<int>(std::floor(e.time))));
    ASSERT_LT(m, months);
    entries[m * stages + e.stage] += 1.0;
    if (sc.stages[e.stage].pipeline) pipeline[m] += e.value;
  }
  for (std::size_t m = 0; m < months; ++m) {
    for (std::size_t s = 0; s < stages; ++s)
      EXPECT_EQ(entries[m * stages + s], r.out[m * metrics + model.volume_metric(s)])
          << sc.stages[s].id << " month " << m;
    const double reported = r.out[m * metrics + model.pipeline_metric()];
    EXPECT_NEAR(pipeline[m], reported, 1e-6 * reported) << "month " << m;
  }
  std::uint64_t cohorts = 0;
  for (const models::InitialCohort& c : sc.initial_funnel) cohorts += c.count;
  EXPECT_EQ(before_start, cohorts);
}

// Leads are numbered 1..N in the order they first appear, and each lead's entries come in
// time order with no stage entered twice at one instant.
TEST(SimulateHistory, NumbersLeadsAndKeepsTheirStepsInOrder) {
  const models::Scenario sc =
      models::load_scenario_text(models::default_scenario_text(), "<default>");
  const Recorded r = record(models::FunnelModel(sc), 7, 0);
  std::map<std::uint32_t, std::vector<const models::StageEvent*>> by_lead;
  std::uint32_t highest = 0;
  for (const models::StageEvent& e : r.events) {
    ASSERT_GE(e.lead, 1u);
    ASSERT_LE(e.lead, highest + 1) << "lead numbers are given in order";
    highest = std::max(highest, e.lead);
    by_lead[e.lead].push_back(&e);
  }
  EXPECT_EQ(by_lead.size(), highest);
  std::size_t recycled = 0;
  for (const auto& [lead, steps] : by_lead) {
    for (std::size_t i = 1; i < steps.size(); ++i) {
      EXPECT_LE(steps[i - 1]->time, steps[i]->time) << "lead " << lead;
      EXPECT_EQ(steps[i - 1]->source, steps[i]->source) << "lead " << lead;
      EXPECT_EQ(steps[i - 1]->segment, steps[i]->segment) << "lead " << lead;
    }
    std::map<std::uint16_t, int> visits;
    for (const auto* e : steps) ++visits[e->stage];
    for (const auto& [stage, n] : visits) recycled += n > 1 ? 1 : 0;
  }
  EXPECT_GT(recycled, 0u) << "the default scenario recycles leads through nurture";
}

// Where no inquiry leaves at the entry stage, recording draws nothing extra: the replication
// is bit-identical to simulate's.
TEST(SimulateHistory, IsTheSameReplicationWhenNoInquiryLeavesAtOnce) {
  std::string text = testing::truth_scenario(0.5, 12);
  text.replace(text.find("probability: {by_source: {web: 0.25, events: 0.40}}"),
               std::string("probability: {by_source: {web: 0.25, events: 0.40}}").size(),
               "probability: 1");
  const models::FunnelModel model(load(text));
  const Recorded r = record(model, 99, 5);
  std::vector<double> plain(r.out.size());
  model.simulate(99, 5, plain);
  EXPECT_EQ(plain, r.out);
  EXPECT_FALSE(r.events.empty());
}

// The CSV reads back to the recorded events: same leads, same stages, times to the second.
TEST(SimulateHistory, CsvReadsBackToTheRecordedEvents) {
  const models::Scenario sc = load(testing::truth_scenario(0.2, 6));
  const models::FunnelModel model(sc);
  const Recorded r = record(model, 5, 0);
  std::uint64_t leads = 0;
  const std::string csv = synthetic_history_csv(model, 5, 0, &leads);
  const History h = parse_history(csv, "<csv>", testing::schema_of(sc));
  EXPECT_EQ(h.layout, "long");
  EXPECT_EQ(h.events.size(), r.events.size());
  EXPECT_EQ(h.leads.size(), leads);
  std::vector<std::size_t> recorded(sc.stages.size(), 0), read(sc.stages.size(), 0);
  for (const models::StageEvent& e : r.events) ++recorded[e.stage];
  for (const HistoryEvent& e : h.events) ++read[e.stage];
  EXPECT_EQ(recorded, read);
  const double start = static_cast<double>(days_from_civil(2024, 1, 1));
  double earliest = 1e300;
  for (const models::StageEvent& e : r.events) earliest = std::min(earliest, e.time);
  EXPECT_NEAR(h.first_time, start + earliest, 1.0 / 86400.0);
  // Amounts are the deal values drawn at the pipeline stage, in whole dollars.
  std::size_t with_amount = 0;
  for (const HistoryLead& lead : h.leads) with_amount += lead.amount >= 0.0 ? 1 : 0;
  EXPECT_EQ(with_amount, read[2]);  // every lead reaches `sql` (pipeline) at most once here
}

}  // namespace
}  // namespace funnelsim::calibration
