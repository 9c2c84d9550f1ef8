// The queue of one rep pool in one replication: leads wait for a rep who is at work, reps
// take them by the pool's discipline, and time is resolved to the minute.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "models/capacity/day_queue.hpp"
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

  /// Leads waiting for a first attempt now (at clock()).
  std::size_t waiting_first() const { return waiting_first_; }
  /// Rep minutes of the tasks started on day `day` (0-based day of the horizon).
  double busy_on(int day) const { return busy_day_[static_cast<std::size_t>(day)]; }
  /// Minutes the reps can work on day `day`: their windows (ramp and time share applied) less
  /// the time their open deals take now. 0 in unlimited mode.
  double working_minutes(int day) const;
  /// The reps' windows on day `day` in minutes (ramp and time share applied), open deals
  /// aside. 0 in unlimited mode.
  double window_minutes(int day) const;

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
  /// A binary min-heap of Timed with replace_top: a rep who finishes a task and is keyed
  /// anew costs one sift instead of a pop and a push.
  class TimedHeap {
   public:
    void clear() { v_.clear(); }
    bool empty() const { return v_.empty(); }
    const Timed& top() const { return v_.front(); }
    void push(Timed x) {
      v_.push_back(x);
      std::size_t i = v_.size() - 1;
      while (i > 0) {
        const std::size_t parent = (i - 1) / 2;
        if (!(v_[parent] > x)) break;
        v_[i] = v_[parent];
        i = parent;
      }
      v_[i] = x;
    }
    void pop() {
      const Timed last = v_.back();
      v_.pop_back();
      if (!v_.empty()) sift_down(last);
    }
    void replace_top(Timed x) { sift_down(x); }

   private:
    void sift_down(Timed x) {
      const std::size_t n = v_.size();
      std::size_t i = 0;
      while (true) {
        std::size_t child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && v_[child] > v_[child + 1]) ++child;
        if (!(x > v_[child])) break;
        v_[i] = v_[child];
        i = child;
      }
      v_[i] = x;
    }
    std::vector<Timed> v_;
  };

  /// Earliest time >= t at which `rep` is at work (infinity: never again, or parked).
  double next_working(std::size_t rep, double t) {
    // The common case first: t inside the window last looked up for the rep, on its day.
    const RepRoster::Window& w = window_[rep];
    const auto day = static_cast<double>(window_day_[rep]);
    if (t >= w.begin && t >= day && t < day + 1.0 &&
        t < w.end - static_cast<double>(open_[rep]) * open_load_days_ && !at_limit(rep))
      return t;
    return next_working_from(rep, t);
  }
  double next_working_from(std::size_t rep, double t);
  /// The roster's window of `rep` on `day`, remembered for the rep's latest day asked.
  const RepRoster::Window& window(std::size_t rep, int day) {
    if (window_day_[rep] != day) {
      window_day_[rep] = day;
      window_[rep] = roster_->window(rep, day);
    }
    return window_[rep];
  }
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
  void account_waiting(double t) {
    if (!(waiting_since_ < t)) return;
    if (t <= waiting_month_end_) {  // within the month of waiting_since_
      monthly_.waiting_area[static_cast<std::size_t>(waiting_month_)] +=
          static_cast<double>(waiting_first_) * (t - waiting_since_);
      waiting_since_ = t;
      return;
    }
    account_waiting_slow(t);
  }
  void account_waiting_slow(double t);
  void account_open(double t);
  /// The forecast month of instant t, clamped to the horizon (t < 0: month 0).
  int month_of(double t) const {
    // Truncation is floor for t >= 0, and cheaper than std::floor without SSE4.1.
    const int last = calendar_->total_days() - 1;
    const int day = t < 0.0 ? 0 : (t < static_cast<double>(last) ? static_cast<int>(t) : last);
    return calendar_->month_of_day(day);
  }

  const RepPool* pool_;
  const FunnelCalendar* calendar_;
  const RepRoster* roster_ = nullptr;
  bool unlimited_ = false;
  double horizon_ = 0.0;
  double open_load_days_ = 0.0;    ///< window shortening per open deal per working day (days)
  bool crosses_midnight_ = false;  ///< a day's window can run into the next day

  double clock_ = 0.0;
  std::vector<QueueTask> tasks_;  ///< slab; a task's index is stable while it lives
  enum State : std::uint8_t { DEAD, UPCOMING, WAITING };
  std::vector<std::uint8_t> state_;  ///< per slab slot
  DayQueue upcoming_;                ///< tasks not ready yet, by ready time
  DayQueue expiries_;                ///< first attempts by expiry time (lazy deletion)
  // Ready tasks: FIFO ring (vector + head), LIFO stack, or a heap by score.
  std::vector<std::uint32_t> waiting_;
  std::size_t waiting_head_ = 0;
  std::size_t waiting_first_ = 0;   ///< live ready first attempts
  double waiting_since_ = 0.0;      ///< time of the last waiting-area update
  int waiting_month_ = 0;           ///< month_of(waiting_since_)
  double waiting_month_end_ = 0.0;  ///< the end of that month (days; the horizon for the last)
  TimedHeap reps_;                  ///< by the time a rep is free (lazy re-keying)
  std::vector<double> free_at_;
  std::vector<std::uint32_t> open_;
  std::vector<std::uint8_t> parked_;  ///< out of the heap: at max_open
  std::vector<int> window_day_;       ///< per rep: the day of window_ (-1: none yet)
  std::vector<RepRoster::Window> window_;
  DayQueue releases_;             ///< (time, rep)
  std::vector<double> busy_day_;  ///< per day of the horizon: minutes of tasks started
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
      const DayQueue::Entry r = releases_.top();
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
    // The rep stays on top of reps_ while working: the handler does not touch reps_.
    const std::uint32_t rep = reps_.top().index;
    QueueTask task = tasks_[index];
    retire(index);
    if (task.attempt == 0) {
      account_waiting(t);
      --waiting_first_;
      record_first(task, t);
    }
    const WorkResult result = handler.work(task, t, static_cast<std::size_t>(rep));
    monthly_.busy_minutes[static_cast<std::size_t>(month_of(t))] += result.minutes;
    busy_day_[static_cast<std::size_t>(std::min(t, horizon_ - 1.0))] += result.minutes;
    free_at_[rep] = t + result.minutes / MINUTES_PER_DAY;
    if (at_limit(rep)) {
      parked_[rep] = 1;
      reps_.pop();
    } else {
      reps_.replace_top({free_at_[rep], rep});
    }
    finish(task, result, t);
  }
  account_waiting(until);
  account_open(until);
  clock_ = std::max(clock_, until);
}

}  // namespace funnelsim::models
