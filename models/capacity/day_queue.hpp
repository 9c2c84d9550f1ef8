// A priority queue of timed entries over a horizon of whole days, bucketed by day.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace funnelsim::models {

/// A min-priority queue of (time, index) pairs, time in days since the forecast start,
/// ordered by time and then by index: the same order, pop for pop, as a binary heap of the
/// pairs, but cheaper when most entries are pushed days before they are popped (a month's
/// arrivals joining a queue at once). Each day of the horizon has an unsorted list. When the
/// queue reaches a day (opens it), the day's list is bucket-sorted by the time within the
/// day (one bucket per entry, then an insertion sort that only fixes ties within a bucket:
/// O(k) expected for k entries, with few mispredicted branches) and consumed in order.
/// Entries pushed for the open day or an earlier one go to a small binary heap beside it.
/// Times at or beyond the horizon share one last list; negative times count as day 0.
///
/// Tested against std::priority_queue by tests/models/pool_queue_test.cpp.
class DayQueue {
 public:
  struct Entry {
    double time;
    std::uint32_t index;
  };

  DayQueue() { reset(0); }

  /// Empties the queue for a horizon of `days` days (memory is kept).
  void reset(int days) {
    buckets_.resize(static_cast<std::size_t>(std::max(days, 0)) + 1);
    for (auto& b : buckets_) b.clear();
    heap_.clear();
    sorted_.clear();
    cursor_ = 0;
    open_ = 0;
    size_ = 0;
  }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  void push(double time, std::uint32_t index) {
    ++size_;
    const std::size_t day = day_of(time);
    if (day <= open_) {
      heap_.push_back({time, index});
      std::push_heap(heap_.begin(), heap_.end(), later);
    } else {
      buckets_[day].push_back({time, index});
    }
  }

  /// The earliest entry. Precondition: !empty().
  const Entry& top() {
    while (cursor_ == sorted_.size() && heap_.empty()) open_next();
    if (cursor_ == sorted_.size()) return heap_.front();
    if (heap_.empty() || later(heap_.front(), sorted_[cursor_])) return sorted_[cursor_];
    return heap_.front();
  }

  /// Removes top(). Precondition: !empty().
  void pop() {
    const Entry& first = top();
    --size_;
    if (cursor_ < sorted_.size() && &first == &sorted_[cursor_]) {
      ++cursor_;
      return;
    }
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
  }

 private:
  static bool later(const Entry& a, const Entry& b) {
    return a.time > b.time || (a.time == b.time && a.index > b.index);
  }
  std::size_t day_of(double time) const {
    const auto last = static_cast<double>(buckets_.size() - 1);
    if (!(time < last)) return buckets_.size() - 1;  // also NaN, which never pops early
    return time < 1.0 ? 0 : static_cast<std::size_t>(time);
  }

  void open_next() {
    ++open_;
    std::vector<Entry>& day = buckets_[open_];
    const std::size_t k = day.size();
    sorted_.resize(k);
    cursor_ = 0;
    if (open_ + 1 == buckets_.size()) {
      // Beyond the horizon: any times at all, so a plain sort.
      std::copy(day.begin(), day.end(), sorted_.begin());
      std::sort(sorted_.begin(), sorted_.end(),
                [](const Entry& a, const Entry& b) { return later(b, a); });
    } else if (k > 0) {
      // Bucket j holds the times in [open_ + j / k, open_ + (j + 1) / k).
      starts_.assign(k + 1, 0);
      const double origin = static_cast<double>(open_);
      const double scale = static_cast<double>(k);
      auto bucket = [&](double time) {
        const double x = (time - origin) * scale;
        return x < 1.0 ? std::size_t{0} : (x < scale ? static_cast<std::size_t>(x) : k - 1);
      };
      for (const Entry& e : day) ++starts_[bucket(e.time) + 1];
      for (std::size_t j = 1; j <= k; ++j) starts_[j] += starts_[j - 1];
      for (const Entry& e : day) sorted_[starts_[bucket(e.time)]++] = e;
      for (std::size_t i = 1; i < k; ++i) {
        const Entry e = sorted_[i];
        std::size_t j = i;
        for (; j > 0 && later(sorted_[j - 1], e); --j) sorted_[j] = sorted_[j - 1];
        sorted_[j] = e;
      }
    }
    day.clear();
  }

  std::vector<std::vector<Entry>> buckets_;
  std::vector<Entry> heap_;    ///< pushed for the open day or earlier
  std::vector<Entry> sorted_;  ///< the open day's list in order, from cursor_ on
  std::vector<std::size_t> starts_;
  std::size_t cursor_ = 0;
  std::size_t open_ = 0;
  std::size_t size_ = 0;
};

}  // namespace funnelsim::models
