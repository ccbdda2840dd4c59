#pragma once
// start_task: runs a task on the loop as a thread of execution of its own (what co_spawn does),
// cancelled through its record's signal, and says when it has ended.

#include <exception>

#include <boost/asio/any_io_executor.hpp>

#include <asyncrt/detail/task_registry.hpp>
#include <asyncrt/task.hpp>

namespace asyncrt::detail {

/// What runs when a task has ended: on the loop thread, in the task's last handler (for a task
/// that never waits: inside start_task on the fast path, at the loop's next turn through
/// co_spawn). `error` is what the task threw, or null.
using TaskEnded = void (*)(TaskRegistry::Record* record, std::exception_ptr error);

/// Starts `task` on `executor` (the loop's, or one that wraps it) from the thread that runs
/// it: the task runs up to its first wait before start_task returns, and resumes on `executor`
/// after each wait. An emit on record->signal cancels the wait it is in; with `cancel_at_once`
/// its first wait fails with operation_aborted. When it has ended, `ended(record, error)` runs;
/// nothing touches the record after that. (A template on `ended` so that a task's bottom frame,
/// which a sleeping task keeps, need not hold it: task_thread.cpp instantiates it for the
/// Runtime's two.)
///
/// Two ways, chosen when asyncrt is built (task_thread.cpp): Asio's co_spawn, or, on the Asio
/// versions this was verified on, Asio's own thread of execution without co_spawn's frame
/// (docs/performance.md, "A task without co_spawn's frame").
template <TaskEnded ended>
void start_task(Task<void> task, const asio::any_io_executor& executor,
                TaskRegistry::Record* record, bool cancel_at_once);

}  // namespace asyncrt::detail
