#include "models/capacity/pool_queue.hpp"

namespace funnelsim::models {

void PoolMonthly::reset(std::size_t months) {
  busy_minutes.assign(months, 0.0);
  waiting_area.assign(months, 0.0);
  open_deal_days.assign(months, 0.0);
  arrivals.assign(months, 0);
  within_sla.assign(months, 0);
  qualified.assign(months, 0);
  expired.assign(months, 0);
  unreached.assign(months, 0);
  decayed.assign(months, 0);
  backlog.assign(months, 0);
  open_deals.assign(months, 0);
  waits.resize(months);
  for (auto& w : waits) w.clear();
}

PoolQueue::PoolQueue(const RepPool& pool, const FunnelCalendar& calendar)
    : pool_(&pool), calendar_(&calendar), horizon_(static_cast<double>(calendar.total_days())) {
  int days_per_week = 0;
  for (bool d : pool.schedule.days) days_per_week += d ? 1 : 0;
  // A deal takes open_minutes_per_week of its rep's time, spread over the working days.
  crosses_midnight_ = pool.schedule.start_hour + pool.schedule.hours_per_day > 24.0;
  open_load_days_ = days_per_week > 0 ? pool.open_minutes_per_week /
                                            (static_cast<double>(days_per_week) * MINUTES_PER_DAY)
                                      : 0.0;
}

void PoolQueue::reset(const RepRoster* roster, bool unlimited) {
  roster_ = roster;
  unlimited_ = unlimited || roster == nullptr;
  clock_ = 0.0;
  tasks_.clear();
  state_.clear();
  const int days = calendar_->total_days();
  upcoming_.reset(days);
  expiries_.reset(days);
  waiting_.clear();
  waiting_head_ = 0;
  waiting_first_ = 0;
  waiting_since_ = 0.0;
  waiting_month_ = 0;
  waiting_month_end_ = calendar_->months() > 1 ? calendar_->month_start(1) : horizon_;
  reps_.clear();
  releases_.reset(days);
  busy_day_.assign(static_cast<std::size_t>(days), 0.0);
  open_total_ = 0;
  open_since_ = 0.0;
  monthly_.reset(static_cast<std::size_t>(calendar_->months()));
  const std::size_t reps = unlimited_ ? 0 : roster_->size();
  free_at_.assign(reps, 0.0);
  open_.assign(reps, 0);
  parked_.assign(reps, 0);
  window_day_.assign(reps, -1);
  window_.assign(reps, RepRoster::Window{});
  for (std::size_t r = 0; r < reps; ++r) {
    free_at_[r] = roster_->rep(r).start_day;
    if (free_at_[r] < horizon_) reps_.push({free_at_[r], static_cast<std::uint32_t>(r)});
  }
}

void PoolQueue::join(QueueTask task) {
  if (!unlimited_ && task.ready < clock_) task.ready = clock_;
  // Slots are never reused within a replication: the heaps and the waiting list drop
  // entries of finished tasks lazily, by their state, so a reused slot would revive them.
  const auto index = static_cast<std::uint32_t>(tasks_.size());
  tasks_.push_back(task);
  state_.push_back(UPCOMING);
  upcoming_.push(task.ready, index);
  if (task.attempt == 0 && pool_->expire_after_days > 0.0 && !unlimited_)
    expiries_.push(task.arrived + pool_->expire_after_days, index);
  if (task.attempt == 0 && task.arrival_month >= 0)
    ++monthly_.arrivals[static_cast<std::size_t>(task.arrival_month)];
}

void PoolQueue::retire(std::uint32_t index) {
  state_[index] = DEAD;
}

void PoolQueue::move_ready(double t) {
  while (!upcoming_.empty() && upcoming_.top().time <= t) {
    const std::uint32_t index = upcoming_.top().index;
    upcoming_.pop();
    if (state_[index] != UPCOMING) continue;  // expired before it was ready
    state_[index] = WAITING;
    if (tasks_[index].attempt == 0) {
      account_waiting(t);
      ++waiting_first_;
    }
    waiting_.push_back(index);
    if (pool_->discipline == QueueDiscipline::HighestScore) {
      // A max-heap on (score, earlier ready, lower index) over waiting_[waiting_head_..].
      std::push_heap(waiting_.begin() + static_cast<std::ptrdiff_t>(waiting_head_), waiting_.end(),
                     [this](std::uint32_t a, std::uint32_t b) {
                       const QueueTask& x = tasks_[a];
                       const QueueTask& y = tasks_[b];
                       if (x.score != y.score) return x.score < y.score;
                       if (x.ready != y.ready) return x.ready > y.ready;
                       return a > b;
                     });
    }
  }
}

bool PoolQueue::pop_waiting(std::uint32_t& index) {
  while (waiting_count() > 0) {
    switch (pool_->discipline) {
      case QueueDiscipline::Fifo:
        index = waiting_[waiting_head_++];
        if (waiting_head_ > 1024 && waiting_head_ * 2 > waiting_.size()) {
          waiting_.erase(waiting_.begin(),
                         waiting_.begin() + static_cast<std::ptrdiff_t>(waiting_head_));
          waiting_head_ = 0;
        }
        break;
      case QueueDiscipline::NewestFirst:
        index = waiting_.back();
        waiting_.pop_back();
        break;
      case QueueDiscipline::HighestScore:
        std::pop_heap(waiting_.begin(), waiting_.end(), [this](std::uint32_t a, std::uint32_t b) {
          const QueueTask& x = tasks_[a];
          const QueueTask& y = tasks_[b];
          if (x.score != y.score) return x.score < y.score;
          if (x.ready != y.ready) return x.ready > y.ready;
          return a > b;
        });
        index = waiting_.back();
        waiting_.pop_back();
        break;
    }
    if (state_[index] == WAITING) return true;
  }
  return false;
}

double PoolQueue::working_minutes(int day) const {
  if (unlimited_) return 0.0;
  double minutes = 0.0;
  for (std::size_t rep = 0; rep < roster_->size(); ++rep) {
    const RepRoster::Window w = roster_->window(rep, day);
    if (w.empty()) continue;
    const double load = static_cast<double>(open_[rep]) * open_load_days_;
    minutes += std::max(0.0, w.end - w.begin - load) * MINUTES_PER_DAY;
  }
  return minutes;
}

double PoolQueue::window_minutes(int day) const {
  if (unlimited_) return 0.0;
  double minutes = 0.0;
  for (std::size_t rep = 0; rep < roster_->size(); ++rep) {
    const RepRoster::Window w = roster_->window(rep, day);
    if (!w.empty()) minutes += (w.end - w.begin) * MINUTES_PER_DAY;
  }
  return minutes;
}

double PoolQueue::next_working_from(std::size_t rep, double t) {
  constexpr double INF = std::numeric_limits<double>::infinity();
  if (at_limit(rep)) return INF;
  const RepRoster::Rep& info = roster_->rep(rep);
  if (t < info.start_day) t = info.start_day;
  const int last = calendar_->total_days();
  if (!(t < static_cast<double>(last))) return INF;
  const double open_cut = static_cast<double>(open_[rep]) * open_load_days_;
  // t >= 0 here, so truncation is floor. A shift that runs past midnight may still be on.
  int day = static_cast<int>(t);
  if (day > 0 && crosses_midnight_) --day;
  for (; day < last; ++day) {
    if (static_cast<double>(day) >= info.leave_day) return INF;
    const RepRoster::Window& w = window(rep, day);
    const double end = w.end - open_cut;
    if (end > w.begin && t < end) return std::max(t, w.begin);
  }
  return INF;
}

double PoolQueue::settle_earliest_rep(double now) {
  constexpr double INF = std::numeric_limits<double>::infinity();
  while (!reps_.empty()) {
    const Timed top = reps_.top();
    const double from = std::max(top.time, now);
    const double start = next_working(top.index, from);
    if (start == from) return start;
    if (start == INF) {
      // Gone for good, or at the open-deal limit (a release brings the rep back).
      reps_.pop();
      if (at_limit(top.index)) parked_[top.index] = 1;
      continue;
    }
    reps_.replace_top({start, top.index});
  }
  return INF;
}

void PoolQueue::hold(std::size_t rep, double at) {
  if (unlimited_ || rep >= open_.size()) return;
  account_open(std::max(at, open_since_));
  ++open_[rep];
  ++open_total_;
}

void PoolQueue::release(std::size_t rep, double at) {
  if (unlimited_ || rep >= open_.size()) return;
  if (at < clock_) {
    let_go(static_cast<std::uint32_t>(rep), clock_);
    return;
  }
  releases_.push(at, static_cast<std::uint32_t>(rep));
}

void PoolQueue::let_go(std::uint32_t rep, double at) {
  account_open(at);
  if (open_[rep] > 0) {
    --open_[rep];
    --open_total_;
  }
  if (parked_[rep] && !at_limit(rep)) {
    parked_[rep] = 0;
    reps_.push({std::max(free_at_[rep], at), rep});
  }
}

void PoolQueue::account_waiting_slow(double t) {
  // Integrates the number of first attempts waiting, split at month boundaries.
  while (waiting_since_ < t) {
    const int m = month_of(waiting_since_);
    const double month_end =
        m + 1 < calendar_->months() ? static_cast<double>(calendar_->month_start(m + 1)) : horizon_;
    const double end = std::min(t, month_end);
    monthly_.waiting_area[static_cast<std::size_t>(m)] +=
        static_cast<double>(waiting_first_) * (end - waiting_since_);
    if (end <= waiting_since_) break;  // t beyond the horizon
    waiting_since_ = end;
  }
  waiting_month_ = month_of(waiting_since_);
  waiting_month_end_ = waiting_month_ + 1 < calendar_->months()
                           ? static_cast<double>(calendar_->month_start(waiting_month_ + 1))
                           : horizon_;
}

void PoolQueue::account_open(double t) {
  while (open_since_ < t) {
    const int m = month_of(open_since_);
    const double month_end =
        m + 1 < calendar_->months() ? static_cast<double>(calendar_->month_start(m + 1)) : horizon_;
    const double end = std::min(t, month_end);
    monthly_.open_deal_days[static_cast<std::size_t>(m)] +=
        static_cast<double>(open_total_) * (end - open_since_);
    if (end <= open_since_) break;
    open_since_ = end;
  }
}

void PoolQueue::censor_waiting(double end) {
  for (std::size_t i = 0; i < tasks_.size(); ++i) {
    const QueueTask& task = tasks_[i];
    if (state_[i] == DEAD || task.attempt != 0 || task.arrival_month < 0) continue;
    monthly_.waits[static_cast<std::size_t>(task.arrival_month)].push_back(
        static_cast<float>((end - task.arrived) * MINUTES_PER_DAY));
  }
}

void PoolQueue::close_month(int m) {
  const auto month = static_cast<std::size_t>(m);
  monthly_.backlog[month] = static_cast<std::uint32_t>(waiting_first_);
  // First attempts that are due but not yet moved to waiting (none after advance) and
  // those scheduled later are not backlog: they have not arrived yet.
  monthly_.open_deals[month] = static_cast<std::uint32_t>(open_total_);
}

}  // namespace funnelsim::models
