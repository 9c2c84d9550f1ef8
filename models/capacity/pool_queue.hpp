// The queue of one rep pool in one replication: leads wait for a rep who is at work, reps
// take them by the pool's discipline, and time is resolved to the minute.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <queue>
#include <span>
#include <vector>

#include "models/capacity/rep_roster.hpp"
#include "models/funnel/funnel_calendar.hpp"
#include "models/scenario/capacity.hpp"

namespace funnelsim::models {

inline constexpr double MINUTES_PER_DAY = 1440.0;

/// A piece of work waiting for a rep: a lead's next contact attempt.
struct QueueTask {
  double ready = 0.0;              ///< earliest start, days since the forecast start
  double arrived = 0.0;            ///< when the lead joined the queue (days); waits count from here
  std::uint64_t key = 0;           ///< the lead's own random word (RandomStream::from_word)
  std::uint32_t payload = 0;       ///< the model's index of the lead behind the task
  std::uint16_t attempt = 0;       ///< 0 = first attempt
  std::int16_t arrival_month = 0;  ///< forecast month of `arrived`; -1 for the starting backlog
  float score = 0.0f;
  float first_wait_minutes = 0.0f;  ///< set once the first attempt has been made
};

/// What a rep's work on a task came to (the model decides it: see FunnelModel).
struct WorkResult {
  enum class Outcome { Retry, Qualified, NotQualified, Decayed, Unreached };
  double minutes = 0.0;  ///< rep time spent
  Outcome outcome = Outcome::NotQualified;
  double retry_ready = 0.0;  ///< Retry: earliest time of the next attempt (days)
};

/// Per-month figures of one pool in one replication (index = forecast month).
struct PoolMonthly {
  std::vector<double> busy_minutes;  ///< rep time spent on tasks started in the month
  std::vector<double> waiting_area;  ///< integral of leads waiting for a first attempt (lead-days)
  std::vector<double> open_deal_days;     ///< integral of open deals held (deal-days)
  std::vector<std::uint32_t> arrivals;    ///< leads that joined the queue
  std::vector<std::uint32_t> within_sla;  ///< of those, first attempt within sla_minutes
  std::vector<std::uint32_t> qualified;   ///< of those, took a `qualifies` transition
  std::vector<std::uint32_t> expired;     ///< by month of expiry
  std::vector<std::uint32_t> unreached;   ///< by month of the last attempt
  std::vector<std::uint32_t> decayed;     ///< by month of the conversation
  std::vector<std::uint32_t> backlog;     ///< waiting for a first attempt at month end
  std::vector<std::uint32_t> open_deals;  ///< held at month end
  std::vector<std::vector<float>> waits;  ///< first-response minutes, by arrival month

  void reset(std::size_t months);
};

/// The queue of one pool. Reps are servers that work inside their daily windows (the
/// roster's, shortened by the load of their open deals); a rep who is free and at work
/// takes the next task by the pool's discipline at once. A task that starts inside a window
/// runs to its end even past the window's close. A lead still waiting for its first attempt
/// `expire_after_days` after it arrived expires.
///
/// `advance(until)` simulates every event before `until` and stops; the funnel calls it month
/// by month. A task that joins with `ready` earlier than where the queue already stands (a
/// lead that came back to the pool within a month through a stage no pool works) is made
/// ready at that point; its wait still counts from `arrived`.
///
/// In unlimited mode there are no reps: every task is worked at its ready time (wait 0
/// for first attempts). The funnel uses it for the counterfactual behind conversions_lost.
///
/// Tested by tests/models/pool_queue_test.cpp (Erlang C, Little's law) and
/// tests/models/capacity_model_test.cpp.
class PoolQueue {
 public:
  PoolQueue(const RepPool& pool, const FunnelCalendar& calendar);

  /// Starts a replication: `roster` already drawn (nullptr in unlimited mode).
  void reset(const RepRoster* roster, bool unlimited);

  /// A lead joins the queue (its first attempt) or a follow-up attempt is scheduled.
  void join(QueueTask task);

  /// Rep `rep` takes an open deal at time `at` (days) / lets one go at `at`.
  void hold(std::size_t rep, double at);
  void release(std::size_t rep, double at);

  /// Works every event before `until` (days). `handler.work(task, start, rep)` returns a
  /// WorkResult; `handler.expire(task, at)` sends an expired lead on. Both may join() new
  /// tasks only through the returned Retry.
  template <class Handler>
  void advance(double until, Handler& handler);

  /// Closes the books for month `m` (call after advancing to its end).
  void close_month(int m);
  /// At the end of the run: leads still waiting for a first attempt count with the wait
  /// they had reached by `end` (a censored wait; the true one is at least that long).
  void censor_waiting(double end);

  const PoolMonthly& monthly() const { return monthly_; }
  PoolMonthly& monthly() { return monthly_; }
  double clock() const { return clock_; }
  std::size_t open_deals(std::size_t rep) const { return open_[rep]; }

 private:
  struct Timed {
    double time;
    std::uint32_t index;
    bool operator>(const Timed& o) const {
      return time > o.time || (time == o.time && index > o.index);
    }
  };
  using MinHeap = std::priority_queue<Timed, std::vector<Timed>, std::greater<>>;

  /// Earliest time >= t at which `rep` is at work (infinity: never again, or parked).
  double next_working(std::size_t rep, double t) const;
  /// The rep who can start work first at or after `now`, and when; infinity if none.
  double settle_earliest_rep(double now);
  void move_ready(double t);
  bool pop_waiting(std::uint32_t& index);
  std::size_t waiting_count() const { return waiting_.size() - waiting_head_; }
  void retire(std::uint32_t index);
  void let_go(std::uint32_t rep, double at);
  bool at_limit(std::size_t rep) const {
    return pool_->max_open > 0 && open_[rep] >= static_cast<std::uint32_t>(pool_->max_open);
  }
  void account_waiting(double t);
  void account_open(double t);
  int month_of(double t) const;

  const RepPool* pool_;
  const FunnelCalendar* calendar_;
  const RepRoster* roster_ = nullptr;
  bool unlimited_ = false;
  double horizon_ = 0.0;
  double open_load_days_ = 0.0;  ///< window shortening per open deal per working day (days)

  double clock_ = 0.0;
  std::vector<QueueTask> tasks_;  ///< slab; a task's index is stable while it lives
  enum State : std::uint8_t { DEAD, UPCOMING, WAITING };
  std::vector<std::uint8_t> state_;  ///< per slab slot
  MinHeap upcoming_;                 ///< tasks not ready yet, by ready time
  MinHeap expiries_;                 ///< first attempts by expiry time (lazy deletion)
  // Ready tasks: FIFO ring (vector + head), LIFO stack, or a heap by score.
  std::vector<std::uint32_t> waiting_;
  std::size_t waiting_head_ = 0;
  std::size_t waiting_first_ = 0;  ///< live ready first attempts
  double waiting_since_ = 0.0;     ///< time of the last waiting-area update
  MinHeap reps_;                   ///< by the time a rep is free (lazy re-keying)
  std::vector<double> free_at_;
  std::vector<std::uint32_t> open_;
  std::vector<std::uint8_t> parked_;  ///< out of the heap: at max_open
  MinHeap releases_;                  ///< (time, rep)
  std::size_t open_total_ = 0;
  double open_since_ = 0.0;
  PoolMonthly monthly_;
};

// ---------------------------------------------------------------------------------------

template <class Handler>
void PoolQueue::advance(double until, Handler& handler) {
  const RepPool& pool = *pool_;
  const double expire = pool.expire_after_days;
  const double sla_days = pool.sla_minutes / MINUTES_PER_DAY;
  constexpr double INF = std::numeric_limits<double>::infinity();

  auto record_first = [&](QueueTask& task, double start) {
    const double wait = start - task.arrived;
    task.first_wait_minutes = static_cast<float>(wait * MINUTES_PER_DAY);
    if (task.arrival_month < 0) return;
    const auto m = static_cast<std::size_t>(task.arrival_month);
    monthly_.waits[m].push_back(task.first_wait_minutes);
    if (wait <= sla_days) ++monthly_.within_sla[m];
  };
  auto finish = [&](QueueTask task, const WorkResult& result, double start) {
    const auto m = static_cast<std::size_t>(month_of(start));
    switch (result.outcome) {
      case WorkResult::Outcome::Retry:
        task.ready = result.retry_ready;
        ++task.attempt;
        if (task.ready < horizon_) join(task);
        break;
      case WorkResult::Outcome::Qualified:
        if (task.arrival_month >= 0)
          ++monthly_.qualified[static_cast<std::size_t>(task.arrival_month)];
        break;
      case WorkResult::Outcome::Decayed:
        ++monthly_.decayed[m];
        break;
      case WorkResult::Outcome::Unreached:
        ++monthly_.unreached[m];
        break;
      case WorkResult::Outcome::NotQualified:
        break;
    }
  };

  if (unlimited_) {
    // Every task is worked when it is ready; follow-ups come back through upcoming_.
    while (!upcoming_.empty() && upcoming_.top().time < until) {
      const std::uint32_t index = upcoming_.top().index;
      upcoming_.pop();
      retire(index);
      QueueTask task = tasks_[index];
      const double start = task.ready;
      if (task.attempt == 0) record_first(task, start);
      const WorkResult result = handler.work(task, start, std::size_t{0});
      finish(task, result, start);
    }
    clock_ = std::max(clock_, until);
    return;
  }

  double now = clock_;
  while (true) {
    const double t_arrival = upcoming_.empty() ? INF : upcoming_.top().time;
    const double t_release = releases_.empty() ? INF : releases_.top().time;
    // Expiry entries of tasks already worked are dropped lazily.
    while (!expiries_.empty() && state_[expiries_.top().index] != WAITING &&
           state_[expiries_.top().index] != UPCOMING)
      expiries_.pop();
    const double t_expiry = expiries_.empty() ? INF : expiries_.top().time;
    const double t_rep = waiting_count() > 0 ? settle_earliest_rep(now) : INF;
    const double t = std::min({t_arrival, t_release, t_expiry, t_rep});
    if (!(t < until)) break;
    now = t;
    if (t_release == t) {
      const Timed r = releases_.top();
      releases_.pop();
      let_go(r.index, t);
      continue;
    }
    if (t_arrival == t) {
      move_ready(t);
      continue;
    }
    if (t_expiry == t) {
      const std::uint32_t index = expiries_.top().index;
      expiries_.pop();
      if (state_[index] == WAITING) {
        account_waiting(t);
        --waiting_first_;
      }
      retire(index);
      QueueTask task = tasks_[index];
      task.first_wait_minutes = static_cast<float>(expire * MINUTES_PER_DAY);
      if (task.arrival_month >= 0)
        monthly_.waits[static_cast<std::size_t>(task.arrival_month)].push_back(
            task.first_wait_minutes);
      ++monthly_.expired[static_cast<std::size_t>(month_of(t))];
      handler.expire(task, t);
      continue;
    }
    // The earliest rep starts work at t on the next task by the discipline.
    std::uint32_t index = 0;
    if (!pop_waiting(index)) continue;  // only expired entries were left
    const std::uint32_t rep = reps_.top().index;
    reps_.pop();
    QueueTask task = tasks_[index];
    retire(index);
    if (task.attempt == 0) {
      account_waiting(t);
      --waiting_first_;
      record_first(task, t);
    }
    const WorkResult result = handler.work(task, t, static_cast<std::size_t>(rep));
    monthly_.busy_minutes[static_cast<std::size_t>(month_of(t))] += result.minutes;
    free_at_[rep] = t + result.minutes / MINUTES_PER_DAY;
    if (at_limit(rep))
      parked_[rep] = 1;
    else
      reps_.push({free_at_[rep], rep});
    finish(task, result, t);
  }
  account_waiting(until);
  account_open(until);
  clock_ = std::max(clock_, until);
}

}  // namespace funnelsim::models
