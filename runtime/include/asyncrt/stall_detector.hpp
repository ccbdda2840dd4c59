#pragma once
// StallDetector: names the task whose handler held the event loop too long.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string_view>

namespace asyncrt {

/// What the stall detector saw: `task` ran for `ran` on the event loop without giving it back.
struct StallReport {
  std::string_view task;
  std::chrono::nanoseconds ran;
  std::chrono::nanoseconds threshold;
};

/// Watches every handler a task runs on the event loop and reports the ones that run longer
/// than a threshold: CPU work left on the loop stalls every other task (asyncio's debug mode
/// does the same). The check runs on the loop thread, after the handler returns; the reporter
/// is called there too, so it must be quick and must not block.
class StallDetector {
 public:
  using Reporter = std::function<void(const StallReport&)>;

  StallDetector(std::chrono::nanoseconds threshold, Reporter reporter);

  std::chrono::nanoseconds threshold() const noexcept { return threshold_; }

  /// True when the threshold is at least 25 ticks of the kernel's coarse monotonic clock
  /// (CLOCK_MONOTONIC_COARSE, typically 4 ms a tick): handlers are then timed on it, which reads
  /// the same time base about 3x cheaper than the steady clock, to within one tick.
  bool coarse_clock_will_do() const noexcept { return coarse_clock_will_do_; }

  /// How many stalls were reported so far (any thread may ask).
  std::size_t stalls() const noexcept { return stalls_.load(std::memory_order_relaxed); }

  /// Called with how long one handler of `task` ran; reports it if that is over the threshold.
  /// A reporter that throws (out of memory, say) is told of on stderr: the stall still counts.
  void record(std::string_view task, std::chrono::nanoseconds ran) noexcept;

  /// The default reporter: one line on stderr naming the task and how long it ran.
  static void print_to_stderr(const StallReport& report);

 private:
  std::chrono::nanoseconds threshold_;
  bool coarse_clock_will_do_;
  Reporter reporter_;
  std::atomic<std::size_t> stalls_{0};
};

}  // namespace asyncrt
