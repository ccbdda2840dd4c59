#pragma once
// keep_calling: a task made by a callable, with the callable kept alive until the task ends
// (what spawn(callable, name) of Runtime and TaskGroup run).

#include <concepts>
#include <type_traits>

#include <asyncrt/task.hpp>

namespace asyncrt::detail {

/// A callable that makes a Task<void> when called with no arguments (a coroutine lambda).
template <typename F>
concept MakesTask = std::invocable<F&> && std::same_as<std::invoke_result_t<F&>, Task<void>>;

/// Runs `make_task()`. The callable is this coroutine's parameter, so it lives in its frame
/// until the task it made has ended: a lambda's captures stay valid for the whole task.
template <MakesTask MakeTask>
Task<void> keep_calling(MakeTask make_task) {
  co_await make_task();
}

}  // namespace asyncrt::detail
