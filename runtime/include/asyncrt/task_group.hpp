#pragma once
// task_group: child tasks bound to a scope (a nursery). The scope waits for all of them; the
// first failure cancels the rest and is rethrown. The lesson's concurrent.futures `with`
// block, and Python's asyncio.TaskGroup, in C++.

#include <cstddef>
#include <exception>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/asio/any_io_executor.hpp>

#include <asyncrt/detail/keep_calling.hpp>
#include <asyncrt/detail/wait_queue.hpp>
#include <asyncrt/task.hpp>

namespace asyncrt {

class Runtime;

/// The children of one task_group() call: task_group() makes it and hands it to its body,
/// which (like any child) may spawn more children into it while the group is open.
///
/// Threads: the loop thread only. spawn() and cancel() are called by the body or a child;
/// called on any other thread, spawn() throws std::logic_error. Children run on the loop, each
/// under its own name (stall reports, traces, timelines).
/// Cancellation: the first child (or body) that fails cancels the body and every other child at
/// once: the `co_await` each is in wakes with `operation_aborted`. cancel() does the same
/// without a failure. A child spawned once the group is cancelling is not started.
class TaskGroup {
 public:
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;
  ~TaskGroup();

  /// Starts `task` on the loop as a child called `name`.
  void spawn(Task<void> task, std::string name);

  /// The same for a callable that makes the task, such as a coroutine lambda: the callable is
  /// kept alive until its task has ended, so the task may use what the lambda captured. (A
  /// capturing lambda called in place, `spawn(lambda(), ...)`, would leave its task with
  /// captures that died at the end of the statement.)
  template <detail::MakesTask MakeTask>
  void spawn(MakeTask make_task, std::string name) {
    spawn(detail::keep_calling(std::move(make_task)), std::move(name));
  }

  /// Cancels the body and every child; the group then ends normally once they have ended
  /// (a child that ends with `operation_aborted` after this counts as cancelled, not failed).
  void cancel();

  /// Children (and the body) started and not yet ended.
  std::size_t running() const noexcept { return running_; }
  /// True once a failure, cancel() or the caller's cancellation has cancelled the group.
  bool cancelling() const noexcept { return cancelling_; }

 private:
  template <typename Body>
  friend Task<void> task_group(Body body);

  struct Child;

  TaskGroup() = default;
  Task<void> run(Task<void> body);
  void start(Task<void> task, std::string name, bool in_place_of_caller);
  void ended(Child* child, std::exception_ptr error);
  void unlink(Child* child) noexcept;  // off the list, no longer running

  Runtime* runtime_ = nullptr;
  asio::any_io_executor caller_;  // where the body runs: the caller's executor
  Child* children_ = nullptr;     // the running ones (a list through Child::next/prev)
  std::size_t running_ = 0;
  bool cancelling_ = false;
  std::exception_ptr first_failure_;
  detail::WaitQueue all_ended_;  // the caller, until running_ is 0
};

/// Runs `body(group)` and every child that it, or any child, spawns into `group`, and resumes
/// the caller on its executor once all of them have ended: no child outlives the call, so
/// children may use the caller's locals by reference.
///
///     co_await task_group([&](TaskGroup& group) -> Task<void> {
///       for (int n : numbers) group.spawn(check(n, results), "check " + std::to_string(n));
///       co_return;
///     });
///
/// If the body or a child throws, the body and every other child are cancelled at once; when
/// all have ended, that first failure is rethrown. A failure after the first (a child that
/// threw something else while it was being cancelled) cannot be rethrown too: it is reported
/// as a failed detached task's is (RuntimeOptions::on_task_failure, under the child's name),
/// but not counted among failed_tasks(), since the caller received the group's failure.
/// Cancelling the caller cancels the body and every child; task_group() still waits for them
/// to end, then throws `operation_aborted` (or the first failure, if one came first).
/// Must be awaited inside a Runtime's task.
template <typename Body>
Task<void> task_group(Body body) {
  static_assert(std::is_invocable_r_v<Task<void>, Body&, TaskGroup&>,
                "task_group(body): body must be callable as body(TaskGroup&) -> Task<void>");
  TaskGroup group;
  co_await group.run(body(group));  // body lives in this frame until the group has ended
}

}  // namespace asyncrt
