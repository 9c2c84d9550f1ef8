#include "engine/run/progress.hpp"

#include <cstdio>
#include <string>

namespace funnelsim::engine {

Progress::Progress(std::ostream& out, std::size_t total, std::chrono::milliseconds delay)
    : out_(&out), total_(total), start_(std::chrono::steady_clock::now()), delay_(delay) {
  next_draw_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(delay).count();
}

void Progress::tick() {
  if (out_ == nullptr) return;
  const std::size_t done = done_.fetch_add(1, std::memory_order_relaxed) + 1;
  const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now() - start_)
                          .count();
  if (now_ns < next_draw_ns_.load(std::memory_order_relaxed)) return;
  std::unique_lock lock(draw_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return;
  next_draw_ns_.store(now_ns + 100'000'000, std::memory_order_relaxed);
  draw(done, static_cast<double>(now_ns) * 1e-9);
}

void Progress::draw(std::size_t done, double elapsed_s) {
  constexpr int WIDTH = 40;
  const double fraction = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
  const int filled = static_cast<int>(fraction * WIDTH);
  const double remaining_s = fraction > 0 ? elapsed_s * (1.0 - fraction) / fraction : 0.0;
  char line[160];
  std::snprintf(line, sizeof line, "\r[%s%s] %3.0f%%  %zu/%zu replications  %.1fs left ",
                std::string(static_cast<std::size_t>(filled), '#').c_str(),
                std::string(static_cast<std::size_t>(WIDTH - filled), '.').c_str(),
                100.0 * fraction, done, total_, remaining_s);
  *out_ << line << std::flush;
  drawn_ = true;
}

void Progress::finish() {
  if (out_ == nullptr) return;
  std::lock_guard lock(draw_mutex_);
  if (drawn_) *out_ << "\r" << std::string(100, ' ') << "\r" << std::flush;
  drawn_ = false;
}

}  // namespace funnelsim::engine
