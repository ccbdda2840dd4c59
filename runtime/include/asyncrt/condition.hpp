#pragma once
// Condition: wait, holding a Mutex, until another task announces a change (Python's
// asyncio.Condition; std::condition_variable for tasks).

#include <asyncrt/detail/wait_queue.hpp>
#include <asyncrt/mutex.hpp>
#include <asyncrt/task.hpp>

namespace asyncrt {

/// Tasks that hold `mutex` wait for a change to the data it guards; a task that makes the
/// change calls notify_one() or notify_all(). Always wait for a condition on the data, not for
/// a notification alone: `co_await ready.wait(lock, [&] { return !queue.empty(); });`.
///
/// Threads: use it from tasks on one loop; it is not thread-safe. A notified task resumes on
/// its own executor once it holds the mutex again, after the notifying task has gone on.
/// Cancellation: a task cancelled while waiting takes the mutex again, then its wait throws
/// `operation_aborted`: whoever waits holds the lock afterwards, whatever happened. A task
/// already cancelled when it calls wait() throws at once, without letting go of the lock.
/// Destroying a Condition with tasks waiting wakes them with `operation_aborted` the same way.
class Condition {
 public:
  explicit Condition(Mutex& mutex) noexcept : mutex_(mutex) {}
  Condition(const Condition&) = delete;
  Condition& operator=(const Condition&) = delete;

  /// Unlocks `lock`, waits for a notification, and locks it again. `lock` must hold this
  /// Condition's mutex (std::logic_error otherwise). Wakes may be spurious for the data (another
  /// task may have got there first): check the condition again, or use the form below.
  Task<void> wait(Mutex::Lock& lock);

  /// Waits until `ready()` is true: checked with the lock held, before waiting and after each
  /// notification.
  template <typename Predicate>
  Task<void> wait(Mutex::Lock& lock, Predicate ready) {
    while (!ready()) co_await wait(lock);
  }

  /// Wakes the task that has waited longest, if any.
  void notify_one() noexcept { waiters_.wake_one(); }
  /// Wakes every waiting task (they take the mutex one after another).
  void notify_all() noexcept { waiters_.wake_all(); }

  Mutex& mutex() const noexcept { return mutex_; }

 private:
  Mutex& mutex_;
  detail::WaitQueue waiters_;
};

}  // namespace asyncrt
