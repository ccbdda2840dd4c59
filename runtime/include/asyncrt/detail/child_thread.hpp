#pragma once
// start_child: how when_all, when_any and with_timeout start a child task (through the one
// file that may use Asio's internals, src/task_thread.cpp).

#include <exception>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <asyncrt/task.hpp>

namespace asyncrt::detail {

/// Told when a group's child has ended, in the child's last handler (its executor's thread).
class ChildEnd {
 public:
  /// `error`: what the task threw, or null.
  virtual void ended(std::exception_ptr error) = 0;

 protected:
  ~ChildEnd() = default;
};

/// Starts `task` on `executor` as a thread of execution of its own, cancelled through `slot`,
/// and calls end->ended() when it has ended. The task may run up to its first wait, or to its
/// end, before start_child returns (on the fast path; through co_spawn it starts at the
/// executor's next turn).
void start_child(Task<void> task, const asio::any_io_executor& executor,
                 asio::cancellation_slot slot, ChildEnd* end);

}  // namespace asyncrt::detail
