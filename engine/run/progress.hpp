// A terminal progress bar for long runs, safe to tick from many threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <ostream>

namespace funnelsim::engine {

/// Counts finished replications and redraws a one-line bar on `out` at most ten times a
/// second, and only once the run has lasted `delay` (so sub-second runs stay silent).
/// Disabled instances do nothing; the CLI enables it only when stderr is a terminal and
/// --quiet is not given. Reporting never influences results.
class Progress {
 public:
  Progress() = default;  // disabled
  Progress(std::ostream& out, std::size_t total,
           std::chrono::milliseconds delay = std::chrono::milliseconds(1000));
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void tick();
  /// Clears the bar if one was drawn.
  void finish();

 private:
  void draw(std::size_t done, double elapsed_s);

  std::ostream* out_ = nullptr;
  std::size_t total_ = 0;
  std::chrono::steady_clock::time_point start_{};
  std::chrono::milliseconds delay_{0};
  std::atomic<std::size_t> done_{0};
  std::atomic<std::int64_t> next_draw_ns_{0};
  std::mutex draw_mutex_;
  bool drawn_ = false;
};

}  // namespace funnelsim::engine
