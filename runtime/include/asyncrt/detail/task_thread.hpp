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

/// Whether `on_done` takes a bool first: task_bottom then tells it whether the task waited.
template <typename T, typename OnDone>
constexpr bool wants_to_know_if_waited() {
  if constexpr (std::is_void_v<T>) {
    return std::is_invocable_v<OnDone&, bool, std::exception_ptr>;
  } else {
    return std::is_invocable_v<OnDone&, bool, std::exception_ptr, std::optional<T>>;
  }
}

/// The bottom frame of a task's coroutine stack: awaits the task, then hands its outcome to
/// `on_done(error)` (a Task<void>) or `on_done(error, value)` (a Task<T>; `value` is empty when
/// the task threw). An on_done that takes a bool first, `on_done(waited, error...)`, also learns
/// whether the task ever waited, i.e. whether on_done runs in a handler of its own rather than
/// inside the call that started the task (only those that ask pay the frame room for it). on_done
/// runs on the loop thread, in the task's last handler.
///
/// Asio's co_spawn puts a frame of its own at the bottom instead, one that also holds two
/// work guards and the completion handler, hops through the executor before the task starts
/// and again after a task that never waited, and dispatches the handler; asyncrt's Runtime
/// keeps its loop alive itself and starts tasks on the loop thread, so it needs none of that.
/// The frame must return this type: it is how Asio tells the bottom of a stack.
template <typename T, typename OnDone>
asio::awaitable<asio::detail::awaitable_thread_entry_point, asio::any_io_executor> task_bottom(
    Task<T> task, OnDone on_done) {
  // Asio's flag: a thread starts out not switched (launching it is no switch); a resumption by
  // a handler switches it. Asked only for an on_done that wants it (the ask takes frame room).
  constexpr bool tell_waited = wants_to_know_if_waited<T, OnDone>();
  if constexpr (std::is_void_v<T> && !tell_waited) {
    // A spawned task: a failure goes to on_done from inside the catch, so the frame keeps no
    // room for it (a million sleeping tasks keep a million of these frames).
    try {
      co_await std::move(task);
    } catch (...) {
      on_done(std::current_exception());
      co_return;
    }
    on_done(std::exception_ptr());
  } else if constexpr (std::is_void_v<T>) {
    std::exception_ptr error;
    try {
      co_await std::move(task);
    } catch (...) {
      error = std::current_exception();
    }
    on_done(co_await asio::detail::awaitable_thread_has_context_switched{}, std::move(error));
  } else {
    std::exception_ptr error;
    std::optional<T> value;
    try {
      T result = co_await std::move(task);
      value.emplace(std::move(result));
    } catch (...) {
      error = std::current_exception();
    }
    if constexpr (tell_waited) {
      on_done(co_await asio::detail::awaitable_thread_has_context_switched{}, std::move(error),
              std::move(value));
    } else {
      on_done(std::move(error), std::move(value));
    }
  }
}

/// A task's thread of execution, ready to launch(): it runs `task` on `executor` up to its
/// first wait and, after each wait, resumes it on `executor`. An emit on `state`'s parent
/// cancels the task's current wait; one before launch() makes its first wait fail at once with
/// operation_aborted. A task that resets its cancellation state
/// (`this_coro::reset_cancellation_state`) gets a new one made from `slot`. Launch it, and
/// emit, on the thread that runs `executor` only (nothing hops threads for the signal). The
/// parents must stay alive until on_done has been called (on_done may end them: nothing
/// touches them afterwards).
template <typename T, typename OnDone>
asio::detail::awaitable_thread<asio::any_io_executor> task_thread(
    Task<T> task, const asio::any_io_executor& executor, asio::cancellation_slot slot,
    asio::cancellation_state state, OnDone on_done) {
  return asio::detail::awaitable_thread<asio::any_io_executor>(
      task_bottom(std::move(task), std::move(on_done)), executor, slot, state);
}

/// The same, cancelled by an emit on the signal behind `slot`.
template <typename T, typename OnDone>
asio::detail::awaitable_thread<asio::any_io_executor> task_thread(
    Task<T> task, const asio::any_io_executor& executor, asio::cancellation_slot slot,
    OnDone on_done) {
  return task_thread(std::move(task), executor, slot, asio::cancellation_state(slot),
                     std::move(on_done));
}

}  // namespace asyncrt::detail
