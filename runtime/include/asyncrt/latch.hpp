#pragma once
// Latch: wait until N things have happened (std::latch for tasks: "every worker is ready").

#include <cstddef>

#include <asyncrt/detail/wait_queue.hpp>
#include <asyncrt/task.hpp>

namespace asyncrt {

/// A count that goes down to zero once: count_down() lowers it, wait() suspends the task until
/// it is zero, and from then on returns at once. Single use, like std::latch (a Barrier is the
/// cyclic one).
///
/// Threads: use it from tasks on one loop; it is not thread-safe. Woken tasks resume on their
/// own executor after the task whose count_down() reached zero has gone on.
/// Cancellation: a task cancelled while waiting wakes with `operation_aborted`; the count is
/// unchanged. Destroying a Latch with tasks waiting wakes them with `operation_aborted`.
class Latch {
 public:
  explicit Latch(std::size_t count) noexcept : count_(count) {}

  /// Lowers the count by `n`; at zero, wakes every waiting task. Lowering it below zero is a
  /// mistake in the program: std::logic_error, and the count is unchanged.
  void count_down(std::size_t n = 1);
  /// True once the count is zero.
  bool try_wait() const noexcept { return count_ == 0; }
  /// Suspends until the count is zero.
  Task<void> wait();
  /// count_down(n), then wait().
  Task<void> arrive_and_wait(std::size_t n = 1);

  std::size_t count() const noexcept { return count_; }

 private:
  std::size_t count_;
  detail::WaitQueue waiters_;
};

}  // namespace asyncrt
