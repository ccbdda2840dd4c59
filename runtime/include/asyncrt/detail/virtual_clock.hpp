#pragma once
// VirtualClock: the time of a Runtime built with RuntimeOptions::virtual_time.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <utility>

namespace asyncrt::detail {

/// Virtual time: it stands still while the loop has work and jumps straight to the next
/// deadline when the loop has nothing to do and no offloaded job is in flight (the Runtime's
/// loop thread drives it: see Runtime::run_loop). An hour of sleeps takes no real time, and the
/// order in which timers fire depends only on the program, never on how busy the machine is.
///
/// The clock only tells the time; the alarms set on it wait on the loop's AlarmClock, which the
/// loop rings as it moves this clock on.
///
/// Threads: now() from any thread; everything else on the loop thread, except that
/// OffloadInFlight may end on a pool thread.
class VirtualClock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit VirtualClock(TimePoint start) noexcept : now_(start.time_since_epoch().count()) {}
  VirtualClock(const VirtualClock&) = delete;
  VirtualClock& operator=(const VirtualClock&) = delete;

  TimePoint now() const noexcept {
    return TimePoint(TimePoint::duration(now_.load(std::memory_order_acquire)));
  }

  /// Moves the clock on to `time` (never back): alarms due by then ring at the loop's next turn.
  void advance_to(TimePoint time) noexcept;
  /// Time passes without the loop being free (simulated work on the loop): deadlines reached
  /// meanwhile ring at the loop's next turn, as a real timer's would after a busy handler.
  void pass(std::chrono::nanoseconds duration) noexcept;

  /// Offloaded jobs whose result the loop still waits for: while any is, time stands still.
  bool offloads_in_flight() const noexcept {
    return in_flight_.load(std::memory_order_acquire) > 0;
  }

  /// Counts one offloaded job as in flight from construction until destruction (which happens
  /// on the loop, once its completion has run). Empty (counts nothing) without a clock.
  class OffloadInFlight {
   public:
    OffloadInFlight() noexcept = default;
    explicit OffloadInFlight(VirtualClock* clock) noexcept : clock_(clock) {
      if (clock_) clock_->in_flight_.fetch_add(1, std::memory_order_acq_rel);
    }
    OffloadInFlight(OffloadInFlight&& other) noexcept
        : clock_(std::exchange(other.clock_, nullptr)) {}
    OffloadInFlight& operator=(OffloadInFlight&&) = delete;
    ~OffloadInFlight() {
      if (clock_) clock_->in_flight_.fetch_sub(1, std::memory_order_acq_rel);
    }

   private:
    VirtualClock* clock_ = nullptr;
  };

 private:
  std::atomic<TimePoint::rep> now_;
  std::atomic<std::size_t> in_flight_{0};
};

}  // namespace asyncrt::detail
