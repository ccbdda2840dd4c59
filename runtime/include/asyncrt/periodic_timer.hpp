#pragma once
// PeriodicTimer: a tick every period that does not drift (the worker's "overwork; rest"
// rhythm on a clock, not on a chain of sleeps).

#include <cstdint>

#include <asyncrt/task.hpp>
#include <asyncrt/time.hpp>

namespace asyncrt {

/// Ticks at start + period, start + 2 x period, ... on the Runtime's clock (virtual time
/// included). A loop over `sleep_for(period)` drifts: each sleep starts when the work before it
/// ended, so every round is `period` plus the work. Waiting on tick() does not: the work comes
/// out of the period.
///
/// A tick that the task comes back to late is not made up for: tick() returns at once with the
/// latest tick that has passed, skipping those before it (its number says how many were
/// missed), and the next one is still on the grid.
///
/// Threads: construct it and call tick() on a Runtime's loop (in a task); start is the time of
/// construction. tick() resumes on the task's executor.
/// Cancellation: a task cancelled in tick() wakes with `operation_aborted`; the grid is
/// unchanged.
class PeriodicTimer {
 public:
  /// std::invalid_argument unless period > 0.
  explicit PeriodicTimer(Duration period);

  /// Waits for the next tick and returns its number: 1, 2, ... (a jump when ticks were missed).
  Task<std::uint64_t> tick();

  Duration period() const noexcept { return period_; }
  TimePoint start() const noexcept { return start_; }
  /// The number of the last tick returned (0 before the first).
  std::uint64_t ticks() const noexcept { return ticks_; }

 private:
  Duration period_;
  TimePoint start_;
  std::uint64_t ticks_ = 0;
};

}  // namespace asyncrt
