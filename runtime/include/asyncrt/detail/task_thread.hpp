#pragma once
// task_thread: runs a task on the loop as a thread of execution of its own, and says when it
// has ended; what co_spawn does, without its completion-handler machinery.

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/cancellation_state.hpp>

#include <asyncrt/task.hpp>

namespace asyncrt::detail {

/// The bottom frame of a task's coroutine stack: awaits the task, then hands its outcome to
/// `on_done(waited, error)` (a Task<void>) or `on_done(waited, error, value)` (a Task<T>;
/// `value` is empty when the task threw). `waited` says whether the task ever waited, i.e.
/// whether on_done runs in a handler of its own rather than inside the call that started the
/// task. on_done runs on the loop thread, in the task's last handler.
///
/// Asio's co_spawn puts a frame of its own at the bottom instead, one that also holds two
/// work guards and the completion handler, hops through the executor before the task starts
/// and again after a task that never waited, and dispatches the handler; asyncrt's Runtime
/// keeps its loop alive itself and starts tasks on the loop thread, so it needs none of that.
/// The frame must return this type: it is how Asio tells the bottom of a stack.
template <typename T, typename OnDone>
asio::awaitable<asio::detail::awaitable_thread_entry_point, asio::any_io_executor> task_bottom(
    Task<T> task, OnDone on_done) {
  // Launching the thread counts as a switch; from here on only a resumption by a handler does.
  (co_await asio::detail::awaitable_thread_has_context_switched{}) = false;
  std::exception_ptr error;
  if constexpr (std::is_void_v<T>) {
    try {
      co_await std::move(task);
    } catch (...) {
      error = std::current_exception();
    }
    const bool waited = co_await asio::detail::awaitable_thread_has_context_switched{};
    on_done(waited, std::move(error));
  } else {
    std::optional<T> value;
    try {
      T result = co_await std::move(task);
      value.emplace(std::move(result));
    } catch (...) {
      error = std::current_exception();
    }
    const bool waited = co_await asio::detail::awaitable_thread_has_context_switched{};
    on_done(waited, std::move(error), std::move(value));
  }
}

/// A task's thread of execution, ready to launch(): it runs `task` on `executor` up to its
/// first wait and, after each wait, resumes it on `executor`. An emit on the signal behind
/// `slot` cancels the task's current wait; one before launch() makes its first wait fail at
/// once with operation_aborted. Launch it, and emit, on the thread that runs `executor` only
/// (nothing hops threads for the signal). The signal must stay alive until on_done has been
/// called (on_done may end it: nothing touches it afterwards).
template <typename T, typename OnDone>
asio::detail::awaitable_thread<asio::any_io_executor> task_thread(
    Task<T> task, const asio::any_io_executor& executor, asio::cancellation_slot slot,
    OnDone on_done) {
  return asio::detail::awaitable_thread<asio::any_io_executor>(
      task_bottom(std::move(task), std::move(on_done)), executor, slot,
      asio::cancellation_state(slot));
}

}  // namespace asyncrt::detail
