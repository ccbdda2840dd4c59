#pragma once
// Event: a flag tasks can wait for (the lesson's "stop" signal to producer and consumer).

#include <asyncrt/detail/wait_queue.hpp>
#include <asyncrt/task.hpp>

namespace asyncrt {

/// wait() returns at once while the event is set and suspends the task otherwise; set() wakes
/// every waiting task; clear() makes later waits suspend again.
///
/// Threads: use it from tasks on one loop; it is not thread-safe. Woken tasks resume on their
/// own executor after the task that called set() has gone on.
/// Cancellation: a task cancelled while waiting wakes with `operation_aborted`.
class Event {
 public:
  void set() {
    set_ = true;
    waiters_.wake_all();
  }
  void clear() noexcept { set_ = false; }
  bool is_set() const noexcept { return set_; }

  Task<void> wait();

 private:
  bool set_ = false;
  detail::WaitQueue waiters_;
};

}  // namespace asyncrt
