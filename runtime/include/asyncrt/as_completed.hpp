#pragma once
// as_completed: run tasks concurrently and take each result as it comes, in the order they
// finish (the lesson's concurrent.futures.as_completed; Python's asyncio.as_completed).

#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <asyncrt/channel.hpp>
#include <asyncrt/task.hpp>
#include <asyncrt/task_group.hpp>

namespace asyncrt {

/// A finished task's result, and where the task was in the input.
template <typename T>
struct Completed {
  std::size_t index;
  T value;
};
template <>
struct Completed<void> {
  std::size_t index;
};

namespace detail {

// Runs `task` and puts its result in `finished` (which has room for every result).
template <typename T>
Task<void> hand_over(Task<T> task, std::size_t index, Channel<Completed<T>>& finished) {
  if constexpr (std::is_void_v<T>) {
    co_await std::move(task);
    co_await finished.send(Completed<void>{index});
  } else {
    T value = co_await std::move(task);
    Completed<T> done{index, std::move(value)};
    co_await finished.send(std::move(done));
  }
}

}  // namespace detail

/// Runs every task concurrently on the loop and calls `on_result(Completed<T>)` for each, in the
/// order they finish, on the loop; `on_result` may be a plain function or return a Task<void>,
/// which is awaited before the next result is handed over (results that come meanwhile wait in
/// order). Returns when every task has finished and been handled.
///
/// The tasks are children of a task group (task_group.hpp): none outlives the call, the first
/// failure (of a task or of on_result) cancels the rest and is rethrown, and cancelling the
/// caller cancels them all. Each runs under the name "as_completed <index>"; wrap a task in
/// named() to show it under a name of its own. Built from a task group and a Channel with room
/// for every result: Trio's nursery-and-channel idiom.
template <typename T, typename OnResult>
Task<void> as_completed(std::vector<Task<T>> tasks, OnResult on_result) {
  if (tasks.empty()) co_return;
  const std::size_t count = tasks.size();
  Channel<Completed<T>> finished(count);
  co_await task_group([&](TaskGroup& group) -> Task<void> {
    for (std::size_t i = 0; i < count; ++i) {
      group.spawn(detail::hand_over(std::move(tasks[i]), i, finished),
                  "as_completed " + std::to_string(i));
    }
    for (std::size_t handled = 0; handled < count; ++handled) {
      auto done = co_await finished.receive();  // never empty: nothing closes the channel
      if constexpr (std::is_same_v<std::invoke_result_t<OnResult&, Completed<T>>, Task<void>>) {
        co_await on_result(std::move(*done));
      } else {
        on_result(std::move(*done));
      }
    }
  });
}

}  // namespace asyncrt
